"""Configuration is read from the environment in one place, config/settings.py (with its helpers
in config/env.py and config/cli.py, which prepares it): nothing else reads os.environ, so every
key and setting has one source that tests and `sexto check` see."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOT_APPLICATION = {".venv", ".git", "var", "tests", "node_modules", "migrations", "config"}
# Test configuration (pytest's conftest.py files) reads the run's environment, as tests may.
NOT_APPLICATION_FILES = {"conftest.py"}
READS = re.compile(r"\bos\.environ\b|\bos\.getenv\b|\bgetenv\(|\benviron\.get\(")


def test_only_the_settings_read_the_environment():
    readers = sorted(
        str(path.relative_to(ROOT)) for path in ROOT.rglob("*.py")
        if not NOT_APPLICATION & set(path.relative_to(ROOT).parts)
        and path.name not in NOT_APPLICATION_FILES
        and READS.search(path.read_text(encoding="utf-8")))
    assert readers == []
