"""Who may see what in the training app: every access rule lives here.

Published programs are public (their text is not personal). Progress belongs to its learner
and is only ever read for request.user, so there is no one else's progress to guard. Draft
versions are visible to program authors and platform administrators only.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from accounts.selectors import user_is_program_author
from training import selectors
from training.models import Module, Program


def _get_program_for_learner(request: HttpRequest, slug: str) -> Program:
    """The version this person sees (theirs if enrolled, else the newest published); else 404."""
    program = selectors.program_for_user(user=request.user, slug=slug)
    if program is None:
        raise Http404
    return program


def _get_module_for_learner(
    request: HttpRequest, slug: str, level_kind: str, module_slug: str
) -> Module:
    program = _get_program_for_learner(request, slug)
    module = selectors.module_get(program=program, level_kind=level_kind,
                                  module_slug=module_slug)
    if module is None:
        raise Http404
    return module


def _require_program_author(request: HttpRequest) -> None:
    """Drafts and answers are for program authors and platform administrators: others 403."""
    if not user_is_program_author(request.user):
        raise PermissionDenied


def _get_program_for_author(request: HttpRequest, program_id) -> Program:
    _require_program_author(request)
    program = Program.objects.filter(pk=program_id).first()
    if program is None:
        raise Http404
    return program
