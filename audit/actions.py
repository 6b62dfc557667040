"""The audit log's actions: every code `record()` accepts, each with a label in words.

Each app lists the actions it records in its own `audit_actions.py`, as
`ACTIONS = {"code": gettext_lazy("Libellé")}`; the audit app collects them when Django starts
(`autodiscover`, from AuditConfig.ready). `record()` refuses a code nobody listed, so every
entry of the log, and every access log shown to a principal, reads in words in both languages.
"""

from __future__ import annotations

from django.utils.functional import Promise

from core.discovery import app_modules

_ACTIONS: dict[str, Promise | str] = {}


class UnknownAuditAction(ValueError):
    """A code no app listed: a programming error, caught by the tests of the code that uses it."""


def register(actions: dict[str, Promise | str], *, module: str = "") -> None:
    for code, label in actions.items():
        if code in _ACTIONS and _ACTIONS[code] is not label:
            raise ValueError(f"Audit action {code!r} is listed twice ({module or 'register()'})")
        _ACTIONS[code] = label


def autodiscover() -> None:
    """Register the ACTIONS of every installed app's `audit_actions` module."""
    for name, module in app_modules("audit_actions").items():
        register(module.ACTIONS, module=name)


def check_action(code: str) -> None:
    if code not in _ACTIONS:
        raise UnknownAuditAction(
            f"Unregistered audit action {code!r}: list it, with its label, in the "
            "audit_actions.py of the app that records it."
        )


def action_label(code: str) -> str:
    """The action in words, in the active language (the code itself if it was never listed,
    which only an entry written before its action was listed can be)."""
    label = _ACTIONS.get(code)
    return str(label) if label is not None else code


def registered_actions() -> dict[str, Promise | str]:
    return dict(_ACTIONS)
