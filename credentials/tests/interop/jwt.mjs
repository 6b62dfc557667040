// Verifies one VC-JWT with jose (panva), an implementation of JOSE sharing no code with Sexto.
// stdin: {"token", "keys": [public JWKs], "issuer", "now"? (seconds since the epoch)}
// stdout: one JSON line {"verified": true, "header", "payload"}
//         or {"verified": false, "code": jose's error code, "message"}.
// The signature must be RS256 by one of `keys` (the issuer's, from its DID document), the
// `iss` claim the issuer, and the time inside nbf..exp. Exits non-zero only on a crash.
import {createLocalJWKSet, jwtVerify} from 'jose';
import {printJson, readStdinJson} from './common.mjs';

const request = await readStdinJson();
const keys = createLocalJWKSet({keys: request.keys});
try {
  const {payload, protectedHeader} = await jwtVerify(request.token, keys, {
    algorithms: ['RS256'],
    issuer: request.issuer,
    currentDate: request.now ? new Date(request.now * 1000) : undefined,
  });
  printJson({verified: true, header: protectedHeader, payload});
} catch(error) {
  if(!error.code) {
    throw error;
  }
  printJson({verified: false, code: error.code, message: error.message});
}
