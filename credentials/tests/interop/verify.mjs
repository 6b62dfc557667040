// Verifies one credential (Data Integrity, eddsa-rdfc-2022) with the digitalbazaar stack.
// stdin: {"credential", "contextsDir", "dids"?, "controllers"?, "fetchDidWeb"?, "now"?}
// stdout: one JSON line {"verified": bool, "errors": [strings], "warnings": [strings]}.
// Exits 0 whatever the verdict; non-zero only on a crash (bad request, bug).
import {createVerifier, printJson, readStdinJson} from './common.mjs';

const request = await readStdinJson();
const verify = createVerifier(request);
printJson(await verify(request.credential));
