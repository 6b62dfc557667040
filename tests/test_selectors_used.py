"""Every selector is read by the application, not only by its tests: a selector nobody calls is
code that never runs, yet is kept, reviewed and tested (issue 10, "Remove what never runs")."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOT_APPLICATION = {".venv", ".git", "var", "tests", "node_modules", "migrations"}


def _application_files() -> list[Path]:
    return [path for path in ROOT.rglob("*")
            if path.suffix in {".py", ".html", ".txt"} and path.is_file()
            and not NOT_APPLICATION & set(path.relative_to(ROOT).parts)]


def test_every_selector_is_called_outside_the_tests():
    sources = {path: path.read_text(encoding="utf-8") for path in _application_files()}
    unused = []
    for module in sorted(ROOT.glob("*/selectors.py")):
        for node in ast.parse(sources[module]).body:
            if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
                continue
            word = re.compile(rf"\b{node.name}\b")
            uses = sum(len(word.findall(text)) for text in sources.values())
            if uses <= 1:  # its own definition
                unused.append(f"{module.parent.name}.selectors.{node.name}")
    assert unused == []
