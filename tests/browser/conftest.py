"""Browser tests: every test in this folder is marked `browser`.

The fixtures (Debian's Chromium through Playwright, on pytest-django's live server) live in
tests/browser/fixtures.py, which the root conftest.py loads for every app's browser tests.
"""

from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)
