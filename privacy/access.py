"""Who may see and do what in the privacy pages: the one place for these checks.

- The register of confidentiality incidents is kept and read by the organisation's privacy
  officers only (Role.PRIVACY_OFFICER). Principals do not read it, not even for their school:
  the entries describe incidents across the organisation and the people concerned, and reading
  them is not needed to run a school (least privilege).
- Access requests are recorded, assembled and handed over by the privacy officers. The head
  of the organisation approves what is given out: a school's principal or, for a school
  service centre or a private network (no principal), an organisation administrator. They see
  the requests of that organisation and the package to approve, nothing else.
- Platform administrators get no privacy power: they run the platform, not an organisation.

Anyone without one of these roles gets 403. A privacy officer or approver asking for an entry
or a request of another organisation gets 404, as if it did not exist.
"""

import uuid
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from accounts.models import Organisation
from privacy.models import AccessRequest, ConfidentialityIncident
from privacy.selectors import (
    access_requests_to_approve,
    approval_organisation,
    approver_organisations,
    privacy_officer_organisations,
)


@dataclass(frozen=True)
class PrivacyRoles:
    officer_of: QuerySet[Organisation]
    approver_of: QuerySet[Organisation]

    @property
    def is_officer(self) -> bool:
        return self.officer_of.exists()

    @property
    def is_approver(self) -> bool:
        return self.approver_of.exists()


def privacy_roles(request: HttpRequest) -> PrivacyRoles:
    return PrivacyRoles(officer_of=privacy_officer_organisations(request.user),
                        approver_of=approver_organisations(request.user))


def _require_privacy_role(request: HttpRequest) -> PrivacyRoles:
    """A privacy officer or an approver; 403 for anyone else."""
    roles = privacy_roles(request)
    if not (roles.is_officer or roles.is_approver):
        raise PermissionDenied
    return roles


def _require_privacy_officer(request: HttpRequest) -> QuerySet[Organisation]:
    """The organisations whose privacy officer the user is; 403 for anyone else."""
    organisations = privacy_officer_organisations(request.user)
    if not organisations.exists():
        raise PermissionDenied
    return organisations


def _require_approver(request: HttpRequest) -> QuerySet[Organisation]:
    organisations = approver_organisations(request.user)
    if not organisations.exists():
        raise PermissionDenied
    return organisations


def _get_incident_for_officer(request: HttpRequest,
                              incident_id: uuid.UUID) -> ConfidentialityIncident:
    organisations = _require_privacy_officer(request)
    return get_object_or_404(
        ConfidentialityIncident.objects.select_related("organisation"),
        pk=incident_id, organisation__in=organisations,
    )


def _get_access_request_for_officer(request: HttpRequest,
                                    request_id: uuid.UUID) -> AccessRequest:
    organisations = _require_privacy_officer(request)
    return get_object_or_404(
        AccessRequest.objects.select_related("organisation", "subject", "subject_school"),
        pk=request_id, organisation__in=organisations,
    )


def _get_access_request_for_approver(request: HttpRequest,
                                     request_id: uuid.UUID) -> AccessRequest:
    organisations = _require_approver(request)
    return get_object_or_404(access_requests_to_approve(organisations), pk=request_id)


@dataclass(frozen=True)
class AccessRequestView:
    access_request: AccessRequest
    as_officer: bool
    as_approver: bool


def _get_access_request_for_reader(request: HttpRequest,
                                   request_id: uuid.UUID) -> AccessRequestView:
    """A request seen by its organisation's privacy officer or approver."""
    roles = _require_privacy_role(request)
    officer_ids = set(roles.officer_of.values_list("pk", flat=True))
    to_approve = access_requests_to_approve(roles.approver_of).values("pk")
    access_request = get_object_or_404(
        AccessRequest.objects.select_related("organisation", "subject", "subject_school"),
        Q(organisation__in=officer_ids) | Q(pk__in=to_approve),
        pk=request_id,
    )
    return AccessRequestView(
        access_request=access_request,
        as_officer=access_request.organisation_id in officer_ids,
        as_approver=roles.approver_of.filter(
            pk=approval_organisation(access_request).pk).exists(),
    )
