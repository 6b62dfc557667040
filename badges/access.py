"""Who may see what in the badges app, in one place.

Outsiders get 404 (they must not learn that a request, award or private profile exists);
people with the wrong role get 403.
"""

import uuid

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from accounts.models import User
from accounts.selectors import user_is_reviewer
from badges.models import Award, BadgeRequest
from training.models import Level
from training.selectors import level_is_completed


def _require_reviewer(request: HttpRequest) -> None:
    if not user_is_reviewer(request.user):
        raise PermissionDenied


def _get_completed_level_for_user(request: HttpRequest, level_id: uuid.UUID) -> Level:
    level = get_object_or_404(Level.objects.select_related("program"), pk=level_id)
    if not level_is_completed(user=request.user, level=level):
        raise Http404
    return level


def _get_request_for_applicant(request: HttpRequest, request_id: uuid.UUID) -> BadgeRequest:
    """The applicant's own request; everyone else (reviewers included) gets 404 here."""
    return get_object_or_404(
        BadgeRequest.objects.select_related("badge_class", "level__program"),
        pk=request_id, applicant=request.user,
    )


def _get_request_for_reviewer(request: HttpRequest, request_id: uuid.UUID) -> BadgeRequest:
    _require_reviewer(request)
    return get_object_or_404(
        BadgeRequest.objects.select_related("badge_class", "applicant", "level__program"),
        pk=request_id,
    )


def _get_award_for_owner(request: HttpRequest, award_id: uuid.UUID) -> Award:
    return get_object_or_404(Award, pk=award_id, recipient=request.user)


def award_viewer_is_privileged(request: HttpRequest, award: Award) -> bool:
    """The recipient and reviewers see an award even when it is not published."""
    user = request.user
    return user.is_authenticated and (award.recipient_id == user.pk or user_is_reviewer(user))


def award_viewer_is_staff(request: HttpRequest) -> bool:
    """Reviewers (platform administrators included) may revoke awards and read why."""
    return request.user.is_authenticated and user_is_reviewer(request.user)


def _get_award_for_attestation(request: HttpRequest, award_id: uuid.UUID) -> Award:
    award = get_object_or_404(
        Award.objects.select_related("badge_class", "recipient", "request__level__program"),
        pk=award_id,
    )
    if not award.published and not award_viewer_is_privileged(request, award):
        raise Http404
    return award


def _get_member_for_profile(request: HttpRequest, handle: str) -> User:
    member = get_object_or_404(User, handle=handle, is_active=True)
    if not member.profile_published and request.user.pk != member.pk:
        raise Http404
    return member
