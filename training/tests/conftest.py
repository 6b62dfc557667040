"""Fixtures for the training tests: programs are loaded from a small fictional content file."""

from pathlib import Path

import pytest
import yaml

from training.content import content_load

FIXTURES = Path(__file__).parent / "fixtures"
MINI = FIXTURES / "mini.yaml"


def mini_data() -> dict:
    """The mini program as a mapping, for tests that break one rule at a time."""
    return yaml.safe_load(MINI.read_text(encoding="utf-8"))


def write_yaml(directory: Path, data, name: str = "mini.yaml") -> Path:
    path = directory / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def program(db):
    """The mini program, version 1, published."""
    return content_load(MINI, publish=True).program


@pytest.fixture
def modules(program):
    """The modules by slug: le-phenomene (reading), verifier (quiz), cas-1 (scenario)."""
    from training.models import Module

    return {m.slug: m for m in Module.objects.filter(level__program=program)
            .select_related("level", "level__program")}


CORRECT_QUIZ = {"q1": "a", "q2": "b"}
