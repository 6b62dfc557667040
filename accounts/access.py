"""Who may see and do what in the accounts views: the one place for these checks.

A person with the wrong role gets 403 (PermissionDenied); an administrator asking for a join
request or a membership outside the organisations they administer gets 404, as if it did not
exist, so that the page reveals nothing about other organisations.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from accounts.models import JoinRequest, Membership, Organisation, Role, User
from accounts.selectors import (
    organisations_administered_by,
    user_is_platform_admin,
    user_manages_people,
)


def _require_people_manager(request: HttpRequest) -> QuerySet[Organisation]:
    """The organisations whose people the user manages; 403 for anyone else."""
    if not user_manages_people(request.user):
        raise PermissionDenied
    return organisations_administered_by(request.user)


def _get_or_404(queryset: QuerySet, pk: str):
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValidationError) as exc:
        raise Http404 from exc


def _get_join_request_for_manager(request: HttpRequest, join_request_id) -> JoinRequest:
    organisations = _require_people_manager(request)
    return _get_or_404(
        JoinRequest.objects.filter(organisation__in=organisations).select_related(
            "user", "organisation"
        ),
        join_request_id,
    )


def _get_membership_for_manager(request: HttpRequest, membership_id) -> Membership:
    organisations = _require_people_manager(request)
    memberships = Membership.objects.filter(organisation__in=organisations)
    if user_is_platform_admin(request.user):
        memberships = Membership.objects.all()  # platform roles have no organisation
    return _get_or_404(memberships.select_related("user", "organisation"), membership_id)


def _get_person_for_second_factor_help(request: HttpRequest, user_id) -> tuple[User, bool]:
    """The person whose second factor a people manager may unlock or reset, and whether they
    may do it.

    404 for oneself (the security page is for that) and for anyone outside the organisations
    the manager administers. An organisation administrator may act only for someone less
    privileged than themselves, wholly within what they administer: not for a person who also
    holds a role elsewhere or a platform role, nor a superuser or staff account, nor a fellow
    administrator of the same organisation (one taken-over administrator must not be able to
    disarm the others). Platform administrators may act for anyone else.
    """
    organisations = _require_people_manager(request)
    people = User.objects.exclude(pk=request.user.pk)
    if user_is_platform_admin(request.user):
        return _get_or_404(people, user_id), True
    person = _get_or_404(people.filter(memberships__organisation__in=organisations).distinct(),
                         user_id)
    memberships = Membership.objects.filter(user=person)
    reaches_beyond = (
        person.is_superuser or person.is_staff
        or memberships.exclude(organisation__in=organisations).exists()
        or memberships.filter(
            role=Role.ORG_ADMIN,
            organisation__in=Membership.objects.filter(
                user=request.user, role=Role.ORG_ADMIN).values("organisation"),
        ).exists()
    )
    return person, not reaches_beyond
