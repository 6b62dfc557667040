"""The badges' part of the person's home (core.home): the review queue for reviewers, and the
person's own badge requests still open."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _

from accounts.selectors import user_is_reviewer
from badges import selectors
from core.home import Panel

# How many requests the review panel lists before linking to the queue.
LIST_LIMIT = 5


def panels(request: HttpRequest) -> list[Panel]:
    user = request.user
    found = []
    # The review queue's own rule (badges.access): reviewers and platform administrators.
    if user_is_reviewer(user):
        waiting = selectors.badge_requests_for_review()
        count = waiting.count()
        found.append(Panel(
            key="review-queue", title=_("Demandes de badge à évaluer"), order=60,
            template="badges/home/_review_queue.html", count=count,
            empty_text=_("Aucune demande n'attend d'évaluation."),
            context={"review_requests": list(waiting[:LIST_LIMIT]) if count else [],
                     "review_more": count > LIST_LIMIT},
        ))
    own = list(selectors.badge_requests_open_for_user(user=user))
    if own:
        found.append(Panel(
            key="badge-requests", title=_("Mes demandes de badge"), order=140,
            template="badges/home/_own_requests.html",
            context={"own_badge_requests": own},
        ))
    return found
