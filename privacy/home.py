"""The privacy part of the person's home (core.home): access requests to answer, with their
legal deadline, for the privacy officer; requests waiting for approval, for the head of the
organisation. Both hold other people's personal information, so a session that has not passed
a second factor gets the gate instead (as every privacy page asks for one)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.home import second_factor_gate
from accounts.mfa import session_is_verified
from core.home import Panel
from privacy import selectors

# How many requests a panel lists before linking to the list of them all.
LIST_LIMIT = 10


def panels(request: HttpRequest) -> list[Panel]:
    user = request.user
    officer_of = selectors.privacy_officer_organisations(user)
    approver_of = selectors.approver_organisations(user)
    is_officer = officer_of.exists()
    to_approve = selectors.access_requests_awaiting_approval(approver_of)
    # Approving is occasional: no panel for an approver when nothing waits.
    approvals_waiting = to_approve.exists()
    if not (is_officer or approvals_waiting):
        return []
    if not session_is_verified(request):
        return [second_factor_gate(
            request, key="access-requests", title=_("Demandes d'accès"), order=50,
            reason=_("Les demandes d'accès contiennent des renseignements personnels : "
                     "elles ne s'affichent qu'après une vérification par second facteur."))]
    found = []
    today = timezone.localdate()
    if is_officer:
        open_requests = selectors.access_requests_open_in(officer_of)
        count = open_requests.count()
        found.append(Panel(
            key="access-requests", title=_("Demandes d'accès à traiter"), order=50,
            template="privacy/home/_requests.html", count=count,
            empty_text=_("Aucune demande d'accès en cours."),
            context={"access_rows": [(r, r.is_overdue(today))
                                     for r in open_requests[:LIST_LIMIT]] if count else [],
                     "access_more": count > LIST_LIMIT},
        ))
    if approvals_waiting:
        count = to_approve.count()
        found.append(Panel(
            key="access-approvals", title=_("Demandes d'accès à approuver"), order=55,
            template="privacy/home/_requests.html", count=count,
            context={"access_rows": [(r, r.is_overdue(today)) for r in to_approve[:LIST_LIMIT]],
                     "access_more": count > LIST_LIMIT},
        ))
    return found
