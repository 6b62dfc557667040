// Signs one credential: DataIntegrityProof, eddsa-rdfc-2022, proofPurpose assertionMethod.
// stdin: {"credential", "contextsDir", "created"?, "key": {"publicKeyMultibase",
//   "secretKeyMultibase", "controller"?, "id"?} or {"publicKeyHex", "privateKeyHex", ...}}
// stdout: the signed credential as JSON.
import {printJson, readStdinJson, sign} from './common.mjs';

const request = await readStdinJson();
printJson(await sign(request));
