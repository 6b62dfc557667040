"""Writing the register of confidentiality incidents and answering access requests.

Every write is audited with ids only (audit.services.record): the audit log must not become a
second copy of the personal information these records hold. The views check who may call
what (privacy.access); the rules that hold whoever calls are checked here again.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from audit.services import record
from core.exceptions import ApplicationError
from privacy.models import AccessRequest, ConfidentialityIncident
from privacy.package import access_request_package, package_sha256
from privacy.selectors import (
    approval_organisation,
    incidents_past_retention,
    organisation_members,
    organisation_schools,
    privacy_officer_organisations,
    user_may_approve_in,
)

Status = AccessRequest.Status
SubjectKind = AccessRequest.SubjectKind


def _require_officer_of(user: User, organisation: Organisation) -> None:
    if not privacy_officer_organisations(user).filter(pk=organisation.pk).exists():
        raise ApplicationError(
            _("Seul le responsable de la protection des renseignements personnels de "
              "l'organisation peut faire cette opération."), code="not_privacy_officer")


# --- Register of confidentiality incidents --------------------------------------------------


def incident_create(*, officer: User, organisation: Organisation, data: dict,
                    request=None) -> ConfidentialityIncident:
    """A new register entry; `data` holds the model's fields, already validated by a form."""
    _require_officer_of(officer, organisation)
    with transaction.atomic():
        incident = ConfidentialityIncident(organisation=organisation, recorded_by=officer, **data)
        incident.full_clean()
        incident.save()
        record(action="confidentiality_incident.created", actor=officer, target=incident,
               data={"organisation": str(organisation.pk)}, request=request)
    return incident


def incident_update(*, incident: ConfidentialityIncident, officer: User, data: dict,
                    request=None) -> ConfidentialityIncident:
    _require_officer_of(officer, incident.organisation)
    with transaction.atomic():
        for name, value in data.items():
            setattr(incident, name, value)
        incident.full_clean()
        incident.save()
        record(action="confidentiality_incident.updated", actor=officer, target=incident,
               data={"organisation": str(incident.organisation_id)}, request=request)
    return incident


def incident_delete(*, incident: ConfidentialityIncident, officer: User, request=None) -> None:
    """Delete an entry recorded by mistake. The audit log keeps that it existed (its id)."""
    _require_officer_of(officer, incident.organisation)
    with transaction.atomic():
        record(action="confidentiality_incident.deleted", actor=officer, target=incident,
               data={"organisation": str(incident.organisation_id)}, request=request)
        incident.delete()


@dataclass(frozen=True)
class PurgeResult:
    ids: list[str]
    dry_run: bool


def incidents_purge(*, today: datetime.date | None = None, dry_run: bool = False) -> PurgeResult:
    """Delete the register entries kept for their 5 years (Regulation, s. 11)."""
    today = today or timezone.localdate()
    expired = list(incidents_past_retention(today=today))
    ids = [str(incident.pk) for incident in expired]
    if dry_run or not expired:
        return PurgeResult(ids=ids, dry_run=dry_run)
    with transaction.atomic():
        for incident in expired:
            record(action="confidentiality_incident.purged", target=incident,
                   data={"organisation": str(incident.organisation_id)})
        ConfidentialityIncident.objects.filter(pk__in=[i.pk for i in expired]).delete()
    return PurgeResult(ids=ids, dry_run=False)


# --- Access requests --------------------------------------------------------------------------


def _check_user_subject(organisation: Organisation, subject: User | None) -> None:
    if subject is None:
        raise ApplicationError(_("Choisissez la personne concernée."), code="subject_missing",
                               extra={"fields": {"subject": None}})
    if not organisation_members(
        Organisation.objects.filter(pk=organisation.pk)
    ).filter(pk=subject.pk).exists():
        raise ApplicationError(
            _("Cette personne n'est pas membre de l'organisation ni d'une de ses écoles."),
            code="subject_not_member", extra={"fields": {"subject": None}},
        )


def _check_student_subject(organisation: Organisation, school: Organisation | None,
                           name: str) -> None:
    if school is None or not organisation_schools(
        Organisation.objects.filter(pk=organisation.pk)
    ).filter(pk=school.pk).exists():
        raise ApplicationError(
            _("Choisissez une école de l'organisation : l'organisation elle-même si c'est une "
              "école, ou une de ses écoles."),
            code="school_not_in_organisation", extra={"fields": {"subject_school": None}},
        )
    if not name:
        raise ApplicationError(_("Indiquez le nom de l'élève."), code="student_name_missing",
                               extra={"fields": {"subject_student_name": None}})


def access_request_record(*, officer: User, organisation: Organisation, requester_name: str,
                          requester_capacity: str, received_on: datetime.date,
                          identity_verification: str, language: str,
                          subject: User | None = None,
                          subject_kind: str = SubjectKind.USER,
                          subject_school: Organisation | None = None,
                          subject_student_name: str = "", request=None) -> AccessRequest:
    """Record a request about a Sexto account (`subject`) or about a student of one of the
    organisation's schools (`subject_school`, `subject_student_name`).

    The audit entry holds ids only: for a student, the school's, never the name.
    """
    _require_officer_of(officer, organisation)
    if subject_kind == SubjectKind.STUDENT:
        subject_student_name = " ".join((subject_student_name or "").split())
        _check_student_subject(organisation, subject_school, subject_student_name)
        subject = None
        audit_subject = {"subject_kind": "student",
                         "subject_school": str(subject_school.pk)}
    elif subject_kind == SubjectKind.USER:
        _check_user_subject(organisation, subject)
        subject_school, subject_student_name = None, ""
        audit_subject = {"subject": str(subject.pk)}
    else:
        raise ApplicationError(_("Indiquez sur qui porte la demande."), code="subject_kind",
                               extra={"fields": {"subject_kind": None}})
    if received_on > timezone.localdate():
        raise ApplicationError(_("La date de réception ne peut pas être dans le futur."),
                               code="received_in_future",
                               extra={"fields": {"received_on": None}})
    with transaction.atomic():
        access_request = AccessRequest(
            organisation=organisation, subject_kind=subject_kind, subject=subject,
            subject_school=subject_school, subject_student_name=subject_student_name,
            requester_name=requester_name, requester_capacity=requester_capacity,
            received_on=received_on, identity_verification=identity_verification,
            language=language, recorded_by=officer,
        )
        access_request.full_clean()
        access_request.save()
        record(action="access_request.recorded", actor=officer, target=access_request,
               data={"organisation": str(organisation.pk), **audit_subject}, request=request)
    return access_request


def _package_of(access_request: AccessRequest) -> dict:
    if not access_request.is_about_student and access_request.subject_id is None:
        raise ApplicationError(
            _("Le compte de la personne concernée n'existe plus : il n'y a rien à rassembler."),
            code="subject_gone")
    return access_request_package(access_request=access_request)


def access_request_assemble(*, access_request: AccessRequest, officer: User,
                            request=None) -> AccessRequest:
    """Gather what every app holds about the person; keep only the package's hash.

    Assembling again (after a change, or after approval) withdraws the approval: what an
    approver approved is one exact package.
    """
    _require_officer_of(officer, access_request.organisation)
    _assembled(access_request, officer=officer, digest=package_sha256(_package_of(access_request)),
               action="access_request.assembled", request=request)
    return access_request


@transaction.atomic
def _assembled(access_request: AccessRequest, *, officer: User, digest: str, action: str,
               request=None) -> None:
    """The request waits for approval of the package hashing to `digest`; any earlier
    approval or delivery is withdrawn with it."""
    access_request.status = Status.ASSEMBLED
    access_request.assembled_at = timezone.now()
    access_request.assembled_by = officer
    access_request.package_sha256 = digest
    access_request.approved_at = None
    access_request.approved_by = None
    access_request.approved_sha256 = ""
    access_request.delivered_at = None
    access_request.delivered_by = None
    access_request.save()
    record(action=action, actor=officer, target=access_request, request=request)


def access_request_approve_check(*, access_request: AccessRequest, approver: User) -> None:
    """Why `approver` may not approve this request now; nothing when they may."""
    if not user_may_approve_in(approver, approval_organisation(access_request)):
        raise ApplicationError(
            _("Seule la direction de l'organisation peut approuver cette demande."),
            code="not_approver")
    if approver.pk in {access_request.subject_id, access_request.recorded_by_id,
                       access_request.assembled_by_id}:
        # Four eyes: the person concerned, or whoever recorded or assembled the request,
        # cannot also approve what is given out.
        raise ApplicationError(
            _("Vous ne pouvez pas approuver une demande qui vous concerne, que vous avez "
              "enregistrée ou dont vous avez rassemblé les renseignements."),
            code="approver_conflict")
    if access_request.status != Status.ASSEMBLED:
        raise ApplicationError(_("Cette demande n'attend pas d'approbation."),
                               code="not_awaiting_approval")


def access_request_approve(*, access_request: AccessRequest, approver: User, seen_sha256: str,
                           request=None) -> AccessRequest:
    """Approve the package the approver was shown (`seen_sha256`), if it is still the same."""
    access_request_approve_check(access_request=access_request, approver=approver)
    current = package_sha256(_package_of(access_request))
    if current != access_request.package_sha256 or seen_sha256 != current:
        raise ApplicationError(
            _("Les renseignements ont changé depuis qu'ils ont été rassemblés. Le responsable "
              "doit les rassembler de nouveau avant l'approbation."),
            code="package_changed")
    with transaction.atomic():
        access_request.status = Status.APPROVED
        access_request.approved_at = timezone.now()
        access_request.approved_by = approver
        access_request.approved_sha256 = current
        access_request.save()
        record(action="access_request.approved", actor=approver, target=access_request,
               request=request)
    return access_request


def access_request_deliver(*, access_request: AccessRequest, officer: User,
                           request=None) -> dict:
    """The approved package, to hand to the person; the request is then delivered.

    The package is assembled again and must hash to what was approved. If the information
    changed since, nothing is given out: the request goes back to "assembled" with the new
    hash, for the approver to look at again.
    """
    _require_officer_of(officer, access_request.organisation)
    if access_request.status not in (Status.APPROVED, Status.DELIVERED):
        raise ApplicationError(
            _("Les renseignements ne peuvent être remis qu'après l'approbation de la direction."),
            code="not_approved")
    package = _package_of(access_request)
    current = package_sha256(package)
    if current != access_request.approved_sha256:
        _assembled(access_request, officer=officer, digest=current,
                   action="access_request.package_changed", request=request)
        raise ApplicationError(
            _("Les renseignements ont changé depuis l'approbation. Ils ont été rassemblés de "
              "nouveau et doivent être approuvés encore avant d'être remis."),
            code="package_changed")
    with transaction.atomic():
        if access_request.status == Status.APPROVED:
            access_request.status = Status.DELIVERED
            access_request.delivered_at = timezone.now()
            access_request.delivered_by = officer
            access_request.save()
        record(action="access_request.delivered", actor=officer, target=access_request,
               request=request)
    return package


def access_request_package_shown(*, access_request: AccessRequest, viewer: User,
                                 request=None) -> dict:
    """The package, to show on the request's page; reading someone's information is audited.

    The view shows it in full only to whom may read it (privacy.views): the approver, and the
    privacy officer once it is approved, after a re-authentication.
    """
    package = _package_of(access_request)
    record(action="access_request.package_shown", actor=viewer, target=access_request,
           request=request)
    return package


def access_request_package_summarised(*, access_request: AccessRequest, viewer: User,
                                      request=None) -> dict:
    """The package, for its summary (privacy.package.package_summary) and its hash: which
    sources, how many items. Audited apart from reading it in full."""
    package = _package_of(access_request)
    record(action="access_request.package_summary_shown", actor=viewer, target=access_request,
           request=request)
    return package
