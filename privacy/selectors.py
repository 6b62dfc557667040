"""Read-only questions of the privacy app: who holds which privacy role, and what they see."""

import datetime

from django.db.models import Q, QuerySet

from accounts.models import Membership, Organisation, Role, User
from privacy.models import RETENTION_YEARS, AccessRequest, ConfidentialityIncident, years_after


def _active(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def privacy_officer_organisations(user: User) -> QuerySet[Organisation]:
    """Organisations whose register and access requests `user` keeps, as privacy officer."""
    if not _active(user):
        return Organisation.objects.none()
    return Organisation.objects.filter(
        memberships__user=user, memberships__role=Role.PRIVACY_OFFICER
    ).distinct()


def approver_organisations(user: User) -> QuerySet[Organisation]:
    """Organisations whose access requests `user` may approve before anything is given out.

    The head of the organisation approves: a school's principal; for a school service centre
    or a private network, which have no principal, an organisation administrator.
    """
    if not _active(user):
        return Organisation.objects.none()
    return Organisation.objects.filter(
        Q(kind=Organisation.Kind.SCHOOL, memberships__role=Role.PRINCIPAL,
          memberships__user=user)
        | (~Q(kind=Organisation.Kind.SCHOOL) & Q(memberships__role=Role.ORG_ADMIN,
                                                 memberships__user=user))
    ).distinct()


def user_may_approve_in(user: User, organisation: Organisation) -> bool:
    return approver_organisations(user).filter(pk=organisation.pk).exists()


def organisation_members(organisations: QuerySet[Organisation]) -> QuerySet[User]:
    """People holding a role in these organisations or in their schools: possible subjects."""
    memberships = Membership.objects.filter(
        Q(organisation__in=organisations) | Q(organisation__parent__in=organisations)
    )
    return User.objects.filter(pk__in=memberships.values("user")).order_by("full_name", "email")


def organisation_schools(organisations: QuerySet[Organisation]) -> QuerySet[Organisation]:
    """The schools among these organisations and their schools: where a student may be."""
    return Organisation.objects.filter(
        Q(pk__in=organisations.values("pk")) | Q(parent__in=organisations.values("pk")),
        kind=Organisation.Kind.SCHOOL,
    ).order_by("name")


def incidents_in(organisations: QuerySet[Organisation]) -> QuerySet[ConfidentialityIncident]:
    return ConfidentialityIncident.objects.filter(organisation__in=organisations).select_related(
        "organisation"
    )


def incidents_past_retention(*, today: datetime.date) -> QuerySet[ConfidentialityIncident]:
    """Entries whose 5 years after the organisation learned of the incident are over.

    An entry learned of on `today` minus exactly 5 years is kept one more day: the five years
    are complete at the end of that day.
    """
    limit = years_after(today, -RETENTION_YEARS)
    return ConfidentialityIncident.objects.filter(learned_on__lt=limit).order_by("learned_on")


def approval_organisation(access_request: AccessRequest) -> Organisation:
    """Whose head approves the request. One about a student goes to the principal of the
    student's school, who reads its case files anyway: an administrator of a service centre
    reads no case, and must not read one through an access request."""
    if access_request.is_about_student:
        return access_request.subject_school
    return access_request.organisation


def access_requests_to_approve(organisations: QuerySet[Organisation]
                               ) -> QuerySet[AccessRequest]:
    """The requests whose approval belongs to the heads of `organisations`."""
    return AccessRequest.objects.filter(
        Q(subject_kind=AccessRequest.SubjectKind.USER, organisation__in=organisations)
        | Q(subject_kind=AccessRequest.SubjectKind.STUDENT, subject_school__in=organisations)
    ).select_related("organisation", "subject", "subject_school").defer("subject_student_name")


def access_requests_in(organisations: QuerySet[Organisation]) -> QuerySet[AccessRequest]:
    """For lists and counts: a student's name is not even decrypted (it is never listed)."""
    return AccessRequest.objects.filter(organisation__in=organisations).select_related(
        "organisation", "subject", "subject_school"
    ).defer("subject_student_name")


def access_requests_open_in(organisations: QuerySet[Organisation]) -> QuerySet[AccessRequest]:
    """Requests not delivered yet, the soonest legal deadline first: every deadline is the
    same RESPONSE_DAYS after receipt (AccessRequest.due_on), so the oldest receipt first."""
    return access_requests_in(organisations).exclude(
        status=AccessRequest.Status.DELIVERED).order_by("received_on", "created_at", "id")


def access_requests_awaiting_approval(organisations: QuerySet[Organisation]
                                      ) -> QuerySet[AccessRequest]:
    """Requests assembled and waiting for the approval of the heads of `organisations`."""
    return access_requests_to_approve(organisations).filter(
        status=AccessRequest.Status.ASSEMBLED).order_by("received_on", "created_at", "id")
