"""The JSON-LD contexts our documents use, read from files shipped with the code.

Nothing is ever fetched at run time: a credential naming a context we do not hold is refused
(an unknown context could redefine any term). The files, their npm packages and hashes are
listed in contexts/README.md.
"""

import json
from functools import cache
from pathlib import Path

from core.exceptions import ApplicationError
from credentials import rdfc_escape  # noqa: F401 - makes pyld escape strings as RDFC-1.0 says

CONTEXTS_DIR = Path(__file__).resolve().parent / "contexts"

CREDENTIALS_V1 = "https://www.w3.org/2018/credentials/v1"
CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3P0_3_0_3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
DATA_INTEGRITY_V2 = "https://w3id.org/security/data-integrity/v2"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"

FILES = {
    CREDENTIALS_V1: "credentials-v1.jsonld",
    CREDENTIALS_V2: "credentials-v2.jsonld",
    "https://purl.imsglobal.org/spec/ob/v3p0/context.json": "ob-context-3.0.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json": "ob-context-3.0.1.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json": "ob-context-3.0.2.json",
    OB_V3P0_3_0_3: "ob-context-3.0.3.json",
    "https://w3id.org/security/data-integrity/v1": "data-integrity-v1.jsonld",
    DATA_INTEGRITY_V2: "data-integrity-v2.jsonld",
    MULTIKEY_V1: "multikey-v1.jsonld",
    "https://www.w3.org/ns/credentials/status/v1": "bitstring-status-list-v1.jsonld",
}


class UnknownContext(ApplicationError):
    pass


@cache
def context_document(url: str) -> dict:
    """The parsed context for `url`; UnknownContext when we do not ship it."""
    name = FILES.get(url)
    if name is None:
        raise UnknownContext(f"Unknown JSON-LD context: {url}", code="unknown_context")
    return json.loads((CONTEXTS_DIR / name).read_text(encoding="utf-8"))


def document_loader(url: str, options=None) -> dict:
    """pyld's document loader: the shipped files only, never the network."""
    return {"contextUrl": None, "documentUrl": url, "document": context_document(url)}
