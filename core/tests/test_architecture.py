"""Imports go one way (../shared/docs/architecture.md): a test holds what an import-linter
contract would.

core <- audit <- accounts <- training <- badges <- credentials; cases uses core, audit,
accounts and the badges selectors; privacy reads every app; nothing imports cases or privacy
except the edges (privacy, the demo, the benchmarks, project-wide tests). notifications sits low
(core and accounts only: it knows no case); cases calls it.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ["core", "audit", "accounts", "notifications", "training", "badges", "credentials",
        "cases", "privacy"]
# What each app may import, besides itself and config (settings helpers).
ALLOWED = {
    "core": set(),
    "audit": {"core"},
    "accounts": {"core", "audit"},
    "notifications": {"core", "accounts"},
    "training": {"core", "audit", "accounts"},
    "badges": {"core", "audit", "accounts", "training"},
    "credentials": {"core", "audit", "accounts", "training", "badges"},
    "cases": {"core", "audit", "accounts", "badges", "notifications"},
    "privacy": {"core", "audit", "accounts", "notifications", "training", "badges", "credentials",
                "cases"},
}


def imported_apps(path: Path) -> set[tuple[str, str]]:
    """(app, module) for every import of one of our apps in `path`."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            top = name.split(".")[0]
            if top in APPS:
                found.add((top, name))
    return found


@pytest.mark.parametrize("app", APPS)
def test_app_imports_only_what_it_may(app):
    wrong = []
    for path in sorted((ROOT / app).rglob("*.py")):
        if "tests" in path.relative_to(ROOT / app).parts:
            continue  # tests may set up any world they need
        for top, name in imported_apps(path):
            if top != app and top not in ALLOWED[app]:
                wrong.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not wrong, "\n".join(wrong)


def test_cases_reads_only_the_selectors_of_badges():
    uses = {name for path in (ROOT / "cases").rglob("*.py")
            if "tests" not in path.relative_to(ROOT / "cases").parts
            for top, name in imported_apps(path) if top == "badges"}
    assert uses <= {"badges.selectors"}, uses
