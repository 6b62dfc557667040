"""Every audit action has a registered name and a label, and record() refuses any other."""

import ast
from pathlib import Path

import pytest
from django.utils import translation

from audit.actions import UnknownAuditAction, action_label, registered_actions
from audit.models import AuditEvent
from audit.services import record

ROOT = Path(__file__).resolve().parents[2]
APPS = ["core", "audit", "accounts", "training", "badges", "credentials", "cases", "privacy",
        "demo", "config"]


def _literal_actions() -> set[str]:
    """Every string literal passed as `action=` to a call, or as the first argument of a
    case service's `_audit(...)`, in the product's code (tests excluded)."""
    found = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "tests" in path.parts or "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
                if not isinstance(node, ast.Call):
                    continue
                values = [kw.value for kw in node.keywords if kw.arg == "action"]
                if getattr(node.func, "id", "") == "_audit" and node.args:
                    values.append(node.args[0])
                found.update(v.value for v in values
                             if isinstance(v, ast.Constant) and isinstance(v.value, str)
                             and "." in v.value)
    return found


def test_every_action_written_in_the_code_is_registered():
    literal = _literal_actions()
    assert len(literal) > 60  # the scan does find the product's actions
    assert sorted(literal - set(registered_actions())) == []


@pytest.mark.django_db
def test_an_unregistered_action_is_refused_and_nothing_is_written():
    with pytest.raises(UnknownAuditAction):
        record(action="case.made_up")
    assert not AuditEvent.objects.filter(action="case.made_up").exists()


def test_labels_read_in_each_language():
    with translation.override("fr"):
        assert action_label("case.reported") == "Déclaration"
    with translation.override("en"):
        assert action_label("case.reported") != "Déclaration"
    for code, label in registered_actions().items():
        assert str(label).strip(), code
