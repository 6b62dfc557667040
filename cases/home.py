"""The case tool's part of the person's home (core.home).

- principal and Sexto intervener: reports to take (nobody leads them yet) and their open
  cases, the late ones first;
- police liaison: hand-offs to acknowledge and DPCP decisions to record;
- staff who reported an incident: their reports and where each stands.

Case references are case data: a session that has not passed a second factor gets one panel
saying so instead, and nothing of the cases is read. Showing them is a read of the case tool,
audited once per home page like any page of the tool (cases.access.require_roles), without
refusing anyone: a person without a case role simply has no panel here.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _

from accounts.home import second_factor_gate
from accounts.mfa import session_is_verified
from audit.services import record
from cases import selectors
from cases.access import request_case_roles
from core.home import Panel

# How many cases a panel lists before linking to the case list.
LIST_LIMIT = 10


def panels(request: HttpRequest) -> list[Panel]:
    user = request.user
    roles = request_case_roles(request)
    reads_cases = bool(roles.case_schools)
    police = bool(roles.police_forces)
    # Whether the person reported anything is their own doing, not case data; what and where
    # is, behind the second factor.
    reported = selectors.cases_reported_by(roles, user=user)
    has_reports = bool(roles.report_schools - roles.case_schools) and reported.exists()
    if not (reads_cases or police or has_reports):
        return []
    if not session_is_verified(request):
        return [second_factor_gate(
            request, key="cases", title=_("Dossiers"), order=10,
            reason=_("Les dossiers ne s'affichent qu'après une vérification par second "
                     "facteur : confirmez votre identité pour voir ce qui vous attend."))]
    record(action="case.tool_accessed", actor=user, request=request,
           data={"view": _view_name(request)})
    found = []
    if reads_cases:
        found += _school_panels(roles, user=user)
    if police:
        found += _police_panels(roles)
    if has_reports:
        found.append(_listed(
            reported, key="cases-reported", title=_("Mes déclarations"), order=80,
            template="cases/home/_reported.html", count=None))
    return found


def _view_name(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    return match.view_name if match else ""


def _listed(cases, *, key: str, title: str, order: int, template: str, count: int | None,
            empty_text: str = "", **context) -> Panel:
    """A panel listing the first LIST_LIMIT `cases` (one query), with `count` beside it."""
    shown = list(cases[:LIST_LIMIT + 1]) if count != 0 else []
    return Panel(key=key, title=title, order=order, template=template, count=count,
                 empty_text=empty_text,
                 context={"home_cases": shown[:LIST_LIMIT], "home_cases_more": len(shown)
                          > LIST_LIMIT, **context})


def _school_panels(roles, *, user) -> list[Panel]:
    to_take = selectors.cases_to_take(roles)
    open_cases = selectors.cases_open_for(roles, user=user)
    principal = bool(roles.principal_schools)
    several_schools = len(roles.case_schools) > 1
    return [
        _listed(to_take, key="cases-to-take", title=_("Signalements à prendre"), order=10,
                template="cases/home/_to_take.html", count=to_take.count(),
                empty_text=_("Aucun signalement n'attend un intervenant responsable."),
                can_assign=principal, several_schools=several_schools),
        _listed(open_cases, key="cases-open",
                title=_("Dossiers ouverts de l'école") if principal else _("Mes dossiers ouverts"),
                order=20, template="cases/home/_open.html", count=open_cases.count(),
                empty_text=_("Aucun dossier ouvert."),
                show_lead=principal, several_schools=several_schools),
    ]


def _police_panels(roles) -> list[Panel]:
    to_acknowledge = selectors.handoffs_to_acknowledge(roles)
    decisions = selectors.decisions_to_record(roles)
    return [
        _listed(to_acknowledge, key="police-to-acknowledge", title=_("Remises à confirmer"),
                order=30, template="cases/home/_police.html", count=to_acknowledge.count(),
                empty_text=_("Aucune remise n'attend votre confirmation."),
                police_action=_("Confirmer la réception"), police_anchor=""),
        _listed(decisions, key="police-decisions", title=_("Décisions du DPCP à inscrire"),
                order=40, template="cases/home/_police.html", count=decisions.count(),
                empty_text=_("Aucune décision du DPCP à inscrire."),
                police_action=_("Inscrire la décision"), police_anchor="#follow-up"),
    ]
