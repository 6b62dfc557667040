"""Who may see and do what in the case tool: the one place for these rules.

Checked on every request, from the database, never from the session: revoking a badge, ending
an agreement or removing a role takes effect on the very next request.

- Any staff member of a school reports an incident and sees only what they reported.
- Sexto interveners (Role.INTERVENER) read and write their school's cases while they hold a
  valid Sexto Architecte badge and the school's police force an active DPCP agreement.
- The principal reads and writes all of the school's cases, assigns leads and legal holds.
- Police liaison officers read the hand-offs sent to their force, and write the police part.
- The privacy officer reads case metadata (no content) for the register, sets the retention
  schedule of the organisations where they hold the role, and reads the destruction register
  of their schools.
- Organisation and platform administrators read nothing here.

Someone with no link at all to a case gets 404, as if it did not exist; someone who may see it
at another level gets 403. Every access, granted or refused, is audited here.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone

from accounts.eligibility import SCHOOL_STAFF_ROLES, school_eligibility
from accounts.models import Membership, Organisation, Role
from audit.services import record, record_refusal
from badges.selectors import user_holds_badge
from cases.models import Case, PoliceFollowUp, PoliceHandoff

# The badge that opens the case tool to an intervener.
INTERVENER_BADGE = "sexto-architecte"


class Need(enum.Enum):
    REPORT = "report"  # what the person reported, and its state
    METADATA = "metadata"  # reference, school, state and dates; no content
    READ = "read"  # the whole school part of the file
    WRITE = "write"  # the school's steps
    MANAGE = "manage"  # lead, legal hold: the principal
    ACCESS_LOG = "access_log"  # who read the case: its lead and the principal
    POLICE = "police"  # the hand-off and the police part


@dataclass
class CaseRoles:
    """What one person may reach in the case tool, computed once per request."""

    report_schools: set[UUID] = field(default_factory=set)
    principal_schools: set[UUID] = field(default_factory=set)
    intervener_schools: set[UUID] = field(default_factory=set)
    # Schools where the person is designated but the gate is closed, with the reason shown.
    intervener_refused: dict[UUID, str] = field(default_factory=dict)
    police_forces: set[UUID] = field(default_factory=set)
    privacy_schools: set[UUID] = field(default_factory=set)
    # Where the person holds the privacy officer role itself: whose retention schedule they set.
    privacy_organisations: set[UUID] = field(default_factory=set)

    @property
    def case_schools(self) -> set[UUID]:
        """Schools whose cases the person reads in full."""
        return self.principal_schools | self.intervener_schools

    @property
    def any(self) -> bool:
        return bool(self.report_schools or self.case_schools or self.police_forces
                    or self.privacy_schools)


def intervener_gate(user, school: Organisation) -> str | None:
    """None when the intervener may act in `school`; otherwise why not (a reason code)."""
    if not user_holds_badge(user=user, slug=INTERVENER_BADGE):
        return "badge"
    if not school_eligibility(school, on=timezone.localdate()).eligible:
        return "agreement"
    return None


def case_roles(user) -> CaseRoles:
    roles = CaseRoles()
    if not user.is_authenticated or not user.is_active:
        return roles
    memberships = Membership.objects.filter(user=user).select_related(
        "organisation__territory__police_force"
    )
    for membership in memberships:
        organisation = membership.organisation
        if organisation is None:
            continue
        if organisation.kind == Organisation.Kind.SCHOOL:
            if membership.role in SCHOOL_STAFF_ROLES:
                roles.report_schools.add(organisation.pk)
            if membership.role == Role.PRINCIPAL:
                roles.principal_schools.add(organisation.pk)
            elif membership.role == Role.INTERVENER:
                reason = intervener_gate(user, organisation)
                if reason is None:
                    roles.intervener_schools.add(organisation.pk)
                else:
                    roles.intervener_refused[organisation.pk] = reason
        if membership.role == Role.POLICE_LIAISON:
            roles.police_forces.add(organisation.pk)
        if membership.role == Role.PRIVACY_OFFICER:
            # A privacy officer of a service centre keeps the register of all its schools.
            if organisation.kind != Organisation.Kind.POLICE_FORCE:
                # A retention schedule is a school body's, never a police force's.
                roles.privacy_organisations.add(organisation.pk)
            roles.privacy_schools.add(organisation.pk)
            roles.privacy_schools.update(
                Organisation.objects.filter(parent=organisation).values_list("pk", flat=True)
            )
    return roles


def request_case_roles(request: HttpRequest) -> CaseRoles:
    """The roles of this request's user, computed once per request."""
    if not hasattr(request, "_case_roles"):
        request._case_roles = case_roles(request.user)
    return request._case_roles


def case_levels(roles: CaseRoles, case: Case, *, user) -> set[Need]:
    levels: set[Need] = set()
    if case.reported_by_id == user.pk and case.school_id in roles.report_schools:
        levels.add(Need.REPORT)
    if case.school_id in roles.privacy_schools:
        levels.add(Need.METADATA)
    if case.school_id in roles.case_schools:
        levels |= {Need.REPORT, Need.METADATA, Need.READ, Need.WRITE}
    if case.school_id in roles.principal_schools:
        levels |= {Need.MANAGE, Need.ACCESS_LOG}
    if case.school_id in roles.case_schools and case.lead_id == user.pk:
        levels.add(Need.ACCESS_LOG)
    handoff = case_handoff(case)
    if handoff is not None and handoff.sent_at and handoff.force_id in roles.police_forces:
        levels.add(Need.POLICE)
    return levels


def case_handoff(case: Case) -> PoliceHandoff | None:
    try:
        return case.handoff
    except Case.handoff.RelatedObjectDoesNotExist:
        return None


def handoff_follow_up(handoff: PoliceHandoff) -> PoliceFollowUp | None:
    try:
        return handoff.follow_up
    except PoliceHandoff.follow_up.RelatedObjectDoesNotExist:
        return None


def refuse(request: HttpRequest, *, case_id, need: Need | None, status: int) -> None:
    """Audit a refused access in a transaction of its own, then raise: the entry stays even
    though the request fails. Views check access before opening any transaction."""
    record_refusal(
        request=request, action="case.access_refused",
        target_type="cases.case", target_id=str(case_id),
        data={"need": need.value if need else "any", "status": status,
              "path_name": _path_name(request)},
    )
    if status == 404:
        raise Http404
    raise PermissionDenied


def _path_name(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    return match.view_name if match else ""


def get_case_and_levels(request: HttpRequest, case_id, *, need: Need | None = None
                        ) -> tuple[Case, set[Need]]:
    """The case and what this request's user may do with it.

    404 (audited) to anyone with no level on it; 403 (audited) when `need` is given and missing.
    """
    roles = request_case_roles(request)
    case = (
        Case.objects.select_related("school__territory__police_force", "handoff", "lead")
        .filter(pk=case_id)
        .first()
    )
    levels = case_levels(roles, case, user=request.user) if case is not None else set()
    if not levels:
        refuse(request, case_id=case_id, need=need, status=404)
    if need is not None and need not in levels:
        refuse(request, case_id=case_id, need=need, status=403)
    # Every read of case data is audited here, at the gate, with the page that read it;
    # writes add their own entry (cases.services) in the transaction of the change.
    record(action="case.accessed", actor=request.user, request=request,
           target_type="cases.case", target_id=str(case.pk),
           data={"view": _path_name(request), "need": need.value if need else "any"})
    return case, levels


def get_case_for_user(request: HttpRequest, case_id, *, need: Need) -> Case:
    """The case if this request's user has `need` on it; 404 to outsiders, 403 otherwise."""
    return get_case_and_levels(request, case_id, need=need)[0]


def require_roles(request: HttpRequest, *, allowed) -> CaseRoles:
    """For pages that are not about one case: 403 (audited) unless `allowed(roles)`."""
    roles = request_case_roles(request)
    if not allowed(roles):
        record_refusal(request=request, action="case.access_refused",
                       data={"status": 403, "path_name": _path_name(request)})
        raise PermissionDenied
    record(action="case.tool_accessed", actor=request.user, request=request,
           data={"view": _path_name(request)})
    return roles


def cases_readable(roles: CaseRoles) -> QuerySet[Case]:
    """Cases the person reads in full: their schools' (principal, gated intervener)."""
    return Case.objects.filter(school_id__in=roles.case_schools)


def cases_reported(roles: CaseRoles, *, user) -> QuerySet[Case]:
    """What the person reported, in schools whose cases they do not read in full anyway."""
    return Case.objects.filter(reported_by=user,
                               school_id__in=roles.report_schools - roles.case_schools)


def cases_for_police(roles: CaseRoles) -> QuerySet[Case]:
    return Case.objects.filter(
        handoff__force_id__in=roles.police_forces, handoff__sent_at__isnull=False
    )


def cases_metadata(roles: CaseRoles) -> QuerySet[Case]:
    return Case.objects.filter(school_id__in=roles.privacy_schools)
