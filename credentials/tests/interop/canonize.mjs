// Canonical N-Quads (RDFC-1.0) of one JSON-LD document, exactly as the eddsa-rdfc-2022
// cryptosuite computes them before hashing (safe mode: an undefined term is an error).
// stdin: {"document", "contextsDir"}
// stdout: one JSON line {"nquads": "..."}.
import {cryptosuite as eddsaRdfc2022CryptoSuite} from
  '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';

import {createDocumentLoader, printJson, readStdinJson} from './common.mjs';

const request = await readStdinJson();
const {documentLoader} = createDocumentLoader(request);
const nquads = await eddsaRdfc2022CryptoSuite.canonize(
  structuredClone(request.document), {documentLoader, base: null, safe: true});
printJson({nquads});
