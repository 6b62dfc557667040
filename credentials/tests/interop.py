"""Run the independent JavaScript implementation in credentials/tests/interop/ from tests.

It is the digitalbazaar stack (@digitalbazaar/vc, data-integrity, eddsa-rdfc-2022-cryptosuite)
run by Node.js, sharing no code with ours: what it signs we must verify, and what we sign it
must verify. jose (panva) checks our VC-JWTs the same way. Its packages are pinned in
interop/package-lock.json and installed by .ci/run (`npm ci --prefix
credentials/tests/interop`); on a developer's machine, run that once.

Each call starts `node SCRIPT` with the request as JSON on standard input. The scripts read the
JSON-LD contexts from our vendored folder (credentials/contexts/) and never fetch one.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

INTEROP_DIR = Path(__file__).resolve().parent / "interop"
CONTEXTS_DIR = Path(__file__).resolve().parent.parent / "contexts"
TIMEOUT_SECONDS = 60


class NodeError(RuntimeError):
    """A script crashed (bad request, missing package): not a verdict."""


def _dependencies() -> list[str]:
    manifest = json.loads((INTEROP_DIR / "package.json").read_text(encoding="utf-8"))
    return list(manifest["dependencies"])


def node_ready() -> bool:
    """Node.js is on PATH and the interop packages are installed."""
    if shutil.which("node") is None:
        return False
    modules = INTEROP_DIR / "node_modules"
    return all((modules / name / "package.json").is_file() for name in _dependencies())


def require_node() -> None:
    """Skip the calling test when Node.js or its packages are missing; in CI, fail instead."""
    if node_ready():
        return
    message = (
        "Node.js or the interop packages are missing: install Node.js and run "
        "`npm ci --prefix credentials/tests/interop`"
    )
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message} (CI must run the interoperability tests)")
    pytest.skip(message)


def _run(script: str, request: dict) -> str:
    node = shutil.which("node")
    if node is None:
        raise NodeError("node is not on PATH")
    payload = json.dumps({**request, "contextsDir": str(CONTEXTS_DIR)})
    result = subprocess.run(  # noqa: S603 - our own script, fixed arguments
        [node, str(INTEROP_DIR / script)],
        input=payload,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        cwd=INTEROP_DIR,
        check=False,
    )
    if result.returncode != 0:
        raise NodeError(f"node {script} exited with {result.returncode}:\n{result.stderr}")
    return result.stdout


def node_verify(
    credential: dict,
    *,
    dids: dict | None = None,
    controllers: dict | None = None,
    fetch_did_web: bool = False,
) -> dict:
    """{"verified": bool, "errors": [str], "warnings": [str]} from the JavaScript verifier.

    Verification methods are looked up in `dids` and `controllers` (documents by id, read as
    plain JSON), and with fetch_did_web=True also by did:web resolution over HTTP (plain http
    for 127.0.0.1 and localhost only). The proof purpose must be assertionMethod and the
    issuer the verification method's controller. credentialStatus is not checked (a warning).
    """
    request = {
        "credential": credential,
        "dids": dids or {},
        "controllers": controllers or {},
        "fetchDidWeb": fetch_did_web,
    }
    return json.loads(_run("verify.mjs", request))


def node_jwt_verify(token: str, *, keys: list[dict], issuer: str,
                    now: int | None = None) -> dict:
    """{"verified": True, "header", "payload"} or {"verified": False, "code", "message"} from
    jose: an RS256 signature by one of `keys` (public JWKs), `iss` == issuer, and `now` (epoch
    seconds, default the real time) within nbf..exp."""
    request = {"token": token, "keys": keys, "issuer": issuer}
    if now is not None:
        request["now"] = now
    return json.loads(_run("jwt.mjs", request))


def node_sign(credential: dict, *, key: dict, created: str) -> dict:
    """The credential signed by the JavaScript stack (DataIntegrityProof, eddsa-rdfc-2022).

    `key` is {"publicKeyMultibase", "secretKeyMultibase"} or raw {"publicKeyHex",
    "privateKeyHex"} (32-byte seed, or seed + public key), with "controller" and/or "id" (the
    verification method; it defaults to controller#publicKeyMultibase).
    """
    return json.loads(_run("sign.mjs", {"credential": credential, "key": key, "created": created}))


def node_canonize(document: dict) -> str:
    """The document's canonical N-Quads (RDFC-1.0) as the JavaScript cryptosuite hashes them."""
    return json.loads(_run("canonize.mjs", {"document": document}))["nquads"]


def node_bench(
    credential: dict,
    *,
    iterations: int,
    dids: dict | None = None,
    controllers: dict | None = None,
) -> dict:
    """{"verified": bool, "per_second": float, ...}: the JavaScript verifier's rate, one core."""
    request = {
        "credential": credential,
        "dids": dids or {},
        "controllers": controllers or {},
        "iterations": iterations,
    }
    return json.loads(_run("bench.mjs", request))
