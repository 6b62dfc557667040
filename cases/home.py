"""The case tool's part of the person's home (core.home).

- principal and Sexto intervener: reports to take (nobody leads them yet; the principal
  assigns, the intervener takes one) and their open cases, each with its next step and when
  it is due (cases.progress), the late ones first;
- police liaison: hand-offs to acknowledge (the late ones marked) and DPCP decisions to record;
- staff who reported an incident: their reports and where each stands.

Case references are case data: a session that has not passed a second factor gets one panel
saying so instead, and nothing of the cases is read. Showing them is a read of the case tool,
audited once per home page like any page of the tool (cases.access.require_roles), without
refusing anyone: a person without a case role simply has no panel here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.home import second_factor_gate
from accounts.mfa import session_is_verified
from audit.services import record
from cases import selectors
from cases.access import request_case_roles
from cases.kit import ACKNOWLEDGEMENT_WITHIN, DPCP_DECISION_EXPECTED
from cases.progress import CaseProgress, StepState, cases_progress
from core.home import Panel

# How many cases a panel lists before linking to the case list.
LIST_LIMIT = 10
# How many of a panel's cases are weighed to put the late ones first: far more than a school
# has open at once (the kit closes a file in about 4 days), so in practice all of them; past
# it, the oldest reports, which are the likeliest to be late.
SORT_WINDOW = 200


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
                     "facteur."))]
    record(action="case.tool_accessed", actor=user, request=request,
           data={"view": _view_name(request)})
    found = []
    if reads_cases:
        found += _school_panels(roles, user=user)
    if police:
        found += _police_panels(roles)
    if has_reports:
        found.append(_reported_panel(reported))
    return found


def _view_name(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    return match.view_name if match else ""


def _reported_panel(cases) -> Panel:
    """The person's reports, newest first: nothing waits on them, so no count."""
    shown = list(cases[:LIST_LIMIT + 1])
    return Panel(key="cases-reported", title=_("Mes déclarations"), order=80,
                 template="cases/home/_reported.html",
                 context={"home_cases": shown[:LIST_LIMIT],
                          "home_cases_more": len(shown) > LIST_LIMIT})


@dataclass(frozen=True)
class HomeCase:
    """A case as a home panel shows it: where it stands and what comes next."""

    case: object
    progress: CaseProgress

    @property
    def next(self) -> StepState | None:
        return self.progress.next

    @property
    def late_elsewhere(self) -> list[StepState]:
        """Late steps that are someone else's move (the police's receipt): the school's own
        late steps come one after the other, and the next one stands for them."""
        return [step for step in self.progress.steps
                if step.state == "overdue" and step.url is None and step != self.next]

    def urgency(self):
        """Late first, then the soonest due, then the oldest report."""
        due = self.next.due_at if self.next is not None else None
        return (not self.progress.overdue, due is None, due or self.case.created_at,
                self.case.created_at)


def _by_urgency(cases, *, now) -> list[HomeCase]:
    """The first LIST_LIMIT of `cases`, the late ones first (two queries: the cases, then
    their progress for all of them at once)."""
    window = list(cases[:SORT_WINDOW])
    progress = cases_progress(window, now=now)
    rows = sorted((HomeCase(case, progress[case.pk]) for case in window),
                  key=HomeCase.urgency)
    return rows[:LIST_LIMIT]


def _school_panel(cases, *, key: str, title: str, order: int, template: str, empty_text: str,
                  now, **context) -> Panel:
    count = cases.count()
    return Panel(key=key, title=title, order=order, template=template, count=count,
                 empty_text=empty_text,
                 context={"home_rows": _by_urgency(cases, now=now) if count else [],
                          "home_cases_more": count > LIST_LIMIT, **context})


def _school_panels(roles, *, user) -> list[Panel]:
    now = timezone.now()
    principal = bool(roles.principal_schools)
    several_schools = len(roles.case_schools) > 1
    return [
        _school_panel(selectors.cases_to_take(roles), key="cases-to-take",
                      title=_("Signalements à prendre"), order=10,
                      template="cases/home/_to_take.html", now=now,
                      empty_text=_("Aucun signalement n'attend un intervenant responsable."),
                      # Principals assign; designated interveners take one themselves.
                      assign_schools=roles.principal_schools,
                      take_schools=roles.intervener_schools, several_schools=several_schools),
        _school_panel(selectors.cases_open_for(roles, user=user), key="cases-open",
                      title=_("Dossiers ouverts de l'école") if principal
                      else _("Mes dossiers ouverts"),
                      order=20, template="cases/home/_open.html", now=now,
                      empty_text=_("Aucun dossier ouvert."),
                      show_lead=principal, several_schools=several_schools),
    ]


@dataclass(frozen=True)
class PoliceRow:
    case: object
    due_at: object  # when the kit expects it (cases.kit), from the hand-off
    late: bool


def _police_panel(cases, *, key: str, title: str, order: int, empty_text: str, action: str,
                  anchor: str, expected_within, now) -> Panel:
    count = cases.count()
    rows = []
    for case in list(cases[:LIST_LIMIT]) if count else []:
        due_at = case.handoff.sent_at + expected_within
        rows.append(PoliceRow(case, due_at, now > due_at))
    return Panel(key=key, title=title, order=order, template="cases/home/_police.html",
                 count=count, empty_text=empty_text,
                 context={"police_rows": rows, "home_cases_more": count > LIST_LIMIT,
                          "police_action": action, "police_anchor": anchor})


def _police_panels(roles) -> list[Panel]:
    now = timezone.now()
    return [
        _police_panel(selectors.handoffs_to_acknowledge(roles), key="police-to-acknowledge",
                      title=_("Remises à confirmer"), order=30, now=now,
                      empty_text=_("Aucune remise n'attend votre confirmation."),
                      action=_("Confirmer la réception"), anchor="",
                      expected_within=ACKNOWLEDGEMENT_WITHIN),
        # The DPCP qualifies within about a day of the hand-off; the liaison records it.
        _police_panel(selectors.decisions_to_record(roles), key="police-decisions",
                      title=_("Décisions du DPCP à inscrire"), order=40, now=now,
                      empty_text=_("Aucune décision du DPCP à inscrire."),
                      action=_("Inscrire la décision"), anchor="#follow-up",
                      expected_within=DPCP_DECISION_EXPECTED),
    ]
