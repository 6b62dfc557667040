"""The accounts' part of the person's home (core.home): join requests waiting for an
administrator, what the person's own account still needs, and the second-factor gate that
panels holding case data show to a session that has not passed one."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts import mfa
from accounts.selectors import (
    join_requests_pending_for_user,
    join_requests_pending_in,
    organisations_administered_by,
    user_has_second_factor,
    user_manages_people,
)
from core.home import Panel

# How many items a panel lists before linking to the page that has them all.
LIST_LIMIT = 5


def second_factor_gate(request: HttpRequest, *, key: str, title: str, order: int,
                       reason: str) -> Panel:
    """The panel shown instead of one holding case data (or other people's personal
    information) when this session has not passed a second factor: it says so, links to the
    second-factor step (or to adding one) and comes back to the home. Nothing of what it
    hides was read."""
    home = reverse("core:home")
    has_second_factor = user_has_second_factor(request.user)
    return Panel(
        key=key, title=title, order=order, template="accounts/home/_second_factor.html",
        context={"gate_reason": reason, "gate_has_second_factor": has_second_factor,
                 "gate_url": (mfa.second_factor_url(home) if has_second_factor
                              else mfa.enrolment_url(home))},
    )


def panels(request: HttpRequest) -> list[Panel]:
    user = request.user
    found = []
    # The people page's own rule: organisation administrators, and platform administrators,
    # who decide the same requests there.
    if user_manages_people(user):
        waiting = join_requests_pending_in(organisations_administered_by(user))
        count = waiting.count()
        found.append(Panel(
            key="join-requests", title=_("Déclarations d'école en attente"), order=70,
            template="accounts/home/_join_requests.html", count=count,
            empty_text=_("Aucune déclaration en attente."),
            context={"join_requests": list(waiting[:LIST_LIMIT]) if count else [],
                     "join_requests_more": count > LIST_LIMIT},
        ))
    own_requests = list(join_requests_pending_for_user(user))
    if not user.email_verified or own_requests:
        found.append(Panel(
            key="account", title=_("Mon compte"), order=5,
            template="accounts/home/_account.html",
            context={"own_join_requests": own_requests},
        ))
    return found
