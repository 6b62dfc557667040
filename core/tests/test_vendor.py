"""The vendored front-end files are exactly the ones listed, with their SHA-256, in the README."""

import hashlib
from pathlib import Path

from django.conf import settings

VENDOR_DIR = Path(settings.BASE_DIR) / "static" / "vendor"


def vendored_files() -> dict[str, str]:
    """The README's table as {file name: SHA-256}."""
    rows = {}
    header = None
    for line in (VENDOR_DIR / "README.md").read_text(encoding="utf-8").splitlines():
        if not line.startswith("|"):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if header is None:
            header = [cell.lower() for cell in cells]
            continue
        if set("".join(cells)) <= set("-: "):
            continue  # the |---|---| separator
        row = dict(zip(header, cells, strict=True))
        rows[row["file"]] = row["sha-256"].lower()
    return rows


def test_readme_lists_the_vendored_files():
    files = vendored_files()
    assert "htmx-2.0.11.min.js" in files
    for name, digest in files.items():
        assert len(digest) == 64 and set(digest) <= set("0123456789abcdef"), name


def test_vendored_files_match_their_hash():
    mismatches = []
    for name, expected in vendored_files().items():
        path = VENDOR_DIR / name
        if not path.is_file():
            mismatches.append(f"{name}: missing")
            continue
        actual = hashlib.sha256(path.read_bytes()).hexdigest()
        if actual != expected:
            mismatches.append(f"{name}: README says {expected}, file is {actual}")
    assert not mismatches, "\n".join(mismatches)


def test_every_vendored_script_is_listed():
    # A file dropped into static/vendor without an entry would escape the hash check.
    listed = set(vendored_files())
    on_disk = {p.name for p in VENDOR_DIR.iterdir() if p.suffix in {".js", ".css", ".mjs"}}
    assert on_disk <= listed, f"not in static/vendor/README.md: {sorted(on_disk - listed)}"
