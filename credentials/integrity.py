"""Data Integrity proofs with the eddsa-rdfc-2022 cryptosuite (W3C VC Data Integrity EdDSA).

Signing and verifying follow the cryptosuite's steps: canonicalize the credential without its
proof and the proof options (with the credential's @context) with RDFC-1.0, hash each with
SHA-256, and sign proofHash || documentHash with Ed25519; proofValue is multibase base58btc.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ed25519
from pyld import jsonld

from core.exceptions import ApplicationError
from credentials.canon import fast_nquads
from credentials.contexts import document_loader
from credentials.multibase import MultibaseError, multibase_decode, multibase_encode

CRYPTOSUITE = "eddsa-rdfc-2022"
PROOF_TYPE = "DataIntegrityProof"


class ProofError(ApplicationError):
    pass


def canonical_nquads(document: dict) -> str:
    """RDFC-1.0 (URDNA2015) canonical N-Quads: without a JSON-LD processor for the shapes we
    compose (credentials.canon, byte-identical to pyld), with pyld for any other document."""
    fast = fast_nquads(document)
    if fast is not None:
        return fast
    return canonical_nquads_pyld(document)


def canonical_nquads_pyld(document: dict) -> str:
    """RDFC-1.0 (URDNA2015) canonical N-Quads by pyld, with our offline contexts only."""
    try:
        return jsonld.normalize(document, {
            "algorithm": "URDNA2015",
            "format": "application/n-quads",
            "documentLoader": document_loader,
        })
    except jsonld.JsonLdError as exc:
        raise ProofError(f"The document is not valid JSON-LD: {_root_cause(exc)}",
                         code="jsonld") from exc


def _root_cause(error: Exception) -> str:
    while getattr(error, "cause", None) is not None:
        error = error.cause
    return str(getattr(error, "message", None) or error)


def without_proof(document: dict) -> dict:
    """The document as it was signed: everything but its proof."""
    return {key: value for key, value in document.items() if key != "proof"}


def _hash_data(document: dict, proof_options: dict) -> bytes:
    unsigned = without_proof(document)
    options = {key: value for key, value in proof_options.items() if key != "proofValue"}
    options["@context"] = document["@context"]
    proof_hash = hashlib.sha256(canonical_nquads(options).encode("utf-8")).digest()
    document_hash = hashlib.sha256(canonical_nquads(unsigned).encode("utf-8")).digest()
    return proof_hash + document_hash


def proof_attach(document: dict, *, private_key: ed25519.Ed25519PrivateKey,
                 verification_method: str, created: str) -> dict:
    """The document with an eddsa-rdfc-2022 DataIntegrityProof added."""
    options = {
        "type": PROOF_TYPE,
        "created": created,
        "verificationMethod": verification_method,
        "cryptosuite": CRYPTOSUITE,
        "proofPurpose": "assertionMethod",
    }
    data = _hash_data(document, options)
    signature = private_key.sign(data)
    # Cheap insurance against a damaged key in memory: what we publish must verify.
    private_key.public_key().verify(signature, data)
    # An array, even of one proof: 1EdTech's AchievementCredential JSON schema requires it (the
    # VC data model allows a single object too, which proof_verify still reads).
    return {**document, "proof": [{**options, "proofValue": multibase_encode(signature)}]}


@dataclass(frozen=True)
class ProofCheck:
    verification_method: str
    created: str


# Given a verification method id, the raw Ed25519 public key (or a ProofError / DidError).
KeyResolver = Callable[[str], bytes]


def proof_verify(document: dict, *, resolve_key: KeyResolver) -> ProofCheck:
    """Raise ProofError unless the document carries a valid eddsa-rdfc-2022 proof."""
    proof = document.get("proof")
    if isinstance(proof, list):
        proofs = [p for p in proof if isinstance(p, dict) and p.get("cryptosuite") == CRYPTOSUITE]
        # A lone proof of another kind is kept, to be named as such below.
        proof = proofs[0] if len(proofs) == 1 else proof[0] if len(proof) == 1 else None
    if not isinstance(proof, dict):
        raise ProofError("The credential has no Data Integrity proof", code="no_proof")
    if proof.get("type") != PROOF_TYPE or proof.get("cryptosuite") != CRYPTOSUITE:
        raise ProofError(
            f"Unsupported proof: {proof.get('type')} / {proof.get('cryptosuite')}",
            code="proof_type")
    if proof.get("proofPurpose") != "assertionMethod":
        raise ProofError("The proof's purpose is not assertionMethod", code="proof_purpose")
    method = proof.get("verificationMethod")
    value = proof.get("proofValue")
    if not isinstance(method, str) or not isinstance(value, str):
        raise ProofError("The proof lacks verificationMethod or proofValue", code="proof_fields")
    if not isinstance(document.get("@context"), list):
        raise ProofError("The credential has no @context list", code="context")
    try:
        signature = multibase_decode(value)
    except MultibaseError as exc:
        raise ProofError("The proof value is not base58btc multibase", code="proof_value") from exc
    public_key = ed25519.Ed25519PublicKey.from_public_bytes(resolve_key(method))
    try:
        public_key.verify(signature, _hash_data(document, proof))
    except InvalidSignature as exc:
        raise ProofError("The signature does not match the credential", code="signature") from exc
    return ProofCheck(verification_method=method, created=str(proof.get("created", "")))
