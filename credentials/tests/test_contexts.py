"""The vendored JSON-LD contexts: the files the README lists, unchanged, and nothing else."""

import hashlib
import json
import os
import re
from pathlib import Path

import pytest
from django.conf import settings

from credentials.contexts import CONTEXTS_DIR, FILES, UnknownContext, document_loader

SHARED_OB3 = Path(settings.BASE_DIR).parent / "shared" / "standards" / "ob3"


def _readme_rows() -> dict[str, tuple[str, str]]:
    rows = {}
    for line in (CONTEXTS_DIR / "README.md").read_text(encoding="utf-8").splitlines():
        match = re.match(r"\| `([^`]+)` \| (\S+) \| .* \| `([0-9a-f]{64})` \|$", line)
        if match:
            rows[match.group(1)] = (match.group(2), match.group(3))
    return rows


def test_every_vendored_file_is_listed_with_its_url_and_hash():
    rows = _readme_rows()
    files = {path.name for path in CONTEXTS_DIR.iterdir() if path.name != "README.md"}
    assert set(rows) == files == set(FILES.values())
    for name, (url, sha256) in rows.items():
        assert FILES[url] == name
        assert hashlib.sha256((CONTEXTS_DIR / name).read_bytes()).hexdigest() == sha256, name


def test_ob_3_0_3_context_is_the_official_one():
    official = SHARED_OB3 / "context-3.0.3.json"
    if not official.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{official} is missing: CI must compare with the official context")
        pytest.skip("../shared/standards/ob3 is not on this machine")
    vendored = json.loads((CONTEXTS_DIR / "ob-context-3.0.3.json").read_text(encoding="utf-8"))
    assert vendored == json.loads(official.read_text(encoding="utf-8"))


def test_loader_serves_known_contexts_and_refuses_any_other_url():
    loaded = document_loader("https://www.w3.org/ns/credentials/v2")
    assert loaded["document"]["@context"]["@protected"] is True
    with pytest.raises(UnknownContext):
        document_loader("https://evil.example/context.json")
