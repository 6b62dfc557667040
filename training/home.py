"""The training's part of the person's home (core.home): their own progress in each program,
with the way to carry on. Everyone signed in sees it."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _

from core.home import Panel
from training import selectors


def panels(request: HttpRequest) -> list[Panel]:
    entries = []
    for program in selectors.programs_published():
        # The version the person started, else the one a new learner would start.
        shown = selectors.program_for_user(user=request.user, slug=program.slug) or program
        entries.append(selectors.program_progress(user=request.user, program=shown))
    if not entries:
        return []  # nothing published yet
    return [Panel(
        key="training", title=_("Ma formation"), order=150,
        template="training/home/_progress.html",
        context={"training_entries": entries},
    )]
