// Verification rate of the digitalbazaar stack: the baseline for benchmarks.
// stdin: as verify.mjs plus "iterations": N (and optionally "warmup", default min(N, 20)).
// Each iteration verifies a fresh copy of the credential with a fresh suite (no cached
// document hash); contexts stay cached, as in any long-running verifier.
// stdout: one JSON line {"verified": bool, "per_second": float, "iterations": N, "seconds": s}.
import {createVerifier, printJson, readStdinJson} from './common.mjs';

const request = await readStdinJson();
const iterations = Number(request.iterations);
if(!Number.isInteger(iterations) || iterations < 1) {
  throw new TypeError('"iterations" must be a positive integer.');
}
const warmup = Number.isInteger(request.warmup) ? request.warmup :
  Math.min(iterations, 20);
const verify = createVerifier(request);
let verified = true;
for(let i = 0; i < warmup; i++) {
  verified = (await verify(structuredClone(request.credential))).verified && verified;
}
const start = process.hrtime.bigint();
for(let i = 0; i < iterations; i++) {
  const result = await verify(structuredClone(request.credential));
  verified = result.verified && verified;
}
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
printJson({verified, per_second: iterations / seconds, iterations, seconds});
