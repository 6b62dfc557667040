"""The kinds of notice, registered by the apps that raise them.

This app knows no case, badge or request: an app registers each kind it raises, with what the
reader sees in the app (label) and in the email (subject and one sentence), all translatable
and written as `gettext_lazy` strings so that each reader gets their own language. None of them
may carry content: the notice and its email say only what kind of thing happened and link to
where the reader, signed in, learns the rest.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Kind:
    code: str  # namespaced by the app: "cases.case_reported"
    label: str | Promise  # the in-app list
    subject: str | Promise  # the email's subject, "Sexto : ..."
    sentence: str | Promise  # the email's one sentence: what happened, no detail


_KINDS: dict[str, Kind] = {}


def kind_register(*, code: str, label: str | Promise, subject: str | Promise,
                  sentence: str | Promise) -> Kind:
    """Register a kind of notice; the same code twice is a programming error."""
    if code in _KINDS:
        raise ValueError(f"Notification kind {code!r} is already registered")
    kind = Kind(code=code, label=label, subject=subject, sentence=sentence)
    _KINDS[code] = kind
    return kind


# What a notice of a kind no longer registered (an app removed, a kind renamed) shows.
UNKNOWN = Kind(code="", label=_("Notification"),
               subject=_("Sexto : une notification vous attend"),
               sentence=_("Une notification vous attend dans Sexto."))


def kind_get(code: str) -> Kind | None:
    return _KINDS.get(code)


def kind_or_unknown(code: str) -> Kind:
    return _KINDS.get(code, UNKNOWN)


def kinds_registered() -> list[Kind]:
    return list(_KINDS.values())
