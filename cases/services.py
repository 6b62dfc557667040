"""Writing case files. Each service changes the case and writes its audit entry in one
transaction; entries carry opaque ids and field names, never content or names.

Every write to a case goes through `_case_touch`, which refuses a change made from a page older
than the case (optimistic locking): two people editing the same case, the second gets a clear
conflict message and keeps what they typed.
"""

from __future__ import annotations

import datetime
import json
import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation
from audit.services import record
from cases import notifications
from cases.crypto import blind_index
from cases.models import (
    Case,
    CustodyTransfer,
    Device,
    Entry,
    Grid,
    PoliceFollowUp,
    PoliceHandoff,
    RetentionSchedule,
    SharedInformation,
    Student,
    SupportAction,
)
from core.exceptions import ApplicationError


class CaseConflict(ApplicationError):
    def __init__(self):
        super().__init__(
            _("Quelqu'un d'autre a modifié ce dossier pendant que vous écriviez. Votre texte est "
              "conservé ci-dessous : relisez le dossier, puis enregistrez de nouveau."),
            code="conflict",
        )


def _case_touch(case: Case, *, version: int | None) -> None:
    """Claim the next version of `case`, or raise CaseConflict if it moved since `version`."""
    expected = case.version if version is None else version
    updated = Case.objects.filter(pk=case.pk, version=expected).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
    if updated != 1:
        raise CaseConflict
    case.version = expected + 1


def _audit(action: str, *, case: Case, actor, request=None, **data) -> None:
    record(action=action, actor=actor, target_type="cases.case", target_id=str(case.pk),
           data=data, request=request)


def _open_only(case: Case) -> None:
    if case.is_closed:
        raise ApplicationError(_("Ce dossier est fermé."), code="closed")


def _reference(school: Organisation) -> str:
    # Opaque and short: the year and random letters, never a name or a counter per school.
    return f"SX-{timezone.localdate():%Y}-{secrets.token_hex(3).upper()}"


def _save(instance, *, fields: dict) -> None:
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.full_clean(exclude=["case", "handoff", "device"])
    instance.save()


# --- Step 1: the report ------------------------------------------------------------------


@transaction.atomic
def case_report(*, reporter, school: Organisation, told_at: datetime.datetime, account: str,
                channels: list[str], apps_other: str, still_spreading: str,
                request=None) -> Case:
    for _attempt in range(5):
        try:
            with transaction.atomic():
                case = Case.objects.create(
                    reference=_reference(school), school=school, reported_by=reporter,
                    told_at=told_at, account=account, channels=channels,
                    apps_other=apps_other, still_spreading=still_spreading,
                )
            break
        except IntegrityError:  # the random reference was taken: draw another
            continue
    else:
        raise ApplicationError(_("Le dossier n'a pas pu être créé. Réessayez."))
    _audit("case.reported", case=case, actor=reporter, request=request)
    notifications.case_reported_notify(case)
    return case


@transaction.atomic
def case_report_update(*, case: Case, actor, version: int, request=None, **fields) -> Case:
    _open_only(case)
    _case_touch(case, version=version)
    _save(case, fields=fields)
    _audit("case.report_updated", case=case, actor=actor, request=request,
           fields=sorted(fields))
    return case


@transaction.atomic
def case_lead_assign(*, case: Case, lead, actor, request=None) -> Case:
    _case_touch(case, version=None)
    case.lead = lead
    if case.status == Case.Status.REPORTED:
        case.status = Case.Status.IN_PROGRESS
    case.save(update_fields=["lead", "status"])
    _audit("case.lead_assigned", case=case, actor=actor, request=request,
           lead=str(lead.pk) if lead else None)
    return case


def _start(case: Case) -> None:
    if case.status == Case.Status.REPORTED:
        case.status = Case.Status.IN_PROGRESS
        case.save(update_fields=["status"])


# --- Students, meetings, support offered (steps 2 and 3) ---------------------------------


@transaction.atomic
def student_add(*, case: Case, actor, version: int, part: str, name: str, age: int | None,
                grade: str, request=None) -> Student:
    _open_only(case)
    _case_touch(case, version=version)
    student = Student(case=case, part=part, name=name, age=age, grade=grade,
                      index=blind_index(str(case.school_id), name))
    student.full_clean(exclude=["case", "index"])
    student.save()
    _start(case)
    _audit("case.student_added", case=case, actor=actor, request=request,
           student=str(student.pk), part=part)
    return student


@transaction.atomic
def entry_add(*, case: Case, actor, version: int, kind: str, happened_at, notes: str,
              student: Student | None, request=None) -> Entry:
    _open_only(case)
    _case_touch(case, version=version)
    entry = Entry(case=case, kind=kind, happened_at=happened_at, notes=notes, student=student,
                  written_by=actor)
    entry.full_clean(exclude=["case", "student", "written_by"])
    entry.save()
    _start(case)
    _audit("case.entry_added", case=case, actor=actor, request=request,
           entry=str(entry.pk), kind=kind)
    return entry


# --- Step 4: the device, seized without looking ------------------------------------------


@transaction.atomic
def device_add(*, case: Case, actor, version: int, request=None, **fields) -> Device:
    _open_only(case)
    _case_touch(case, version=version)
    device = Device(case=case)
    _save(device, fields=fields)
    _start(case)
    _audit("case.device_seized", case=case, actor=actor, request=request,
           device=str(device.pk))
    return device


@transaction.atomic
def custody_transfer_add(*, device: Device, actor, version: int, handed_by: str,
                         handed_to: str, handed_at, request=None) -> CustodyTransfer:
    case = device.case
    _case_touch(case, version=version)
    transfer = CustodyTransfer(device=device)
    _save(transfer, fields={"handed_by": handed_by, "handed_to": handed_to,
                            "handed_at": handed_at})
    _audit("case.custody_transferred", case=case, actor=actor, request=request,
           device=str(device.pk), transfer=str(transfer.pk))
    return transfer


@transaction.atomic
def custody_acknowledge(*, transfer: CustodyTransfer, actor, request=None) -> CustodyTransfer:
    if transfer.acknowledged_at is None:
        _case_touch(transfer.device.case, version=None)
        transfer.acknowledged_at = timezone.now()
        transfer.acknowledged_by = actor
        transfer.save(update_fields=["acknowledged_at", "acknowledged_by"])
        _audit("case.custody_acknowledged", case=transfer.device.case, actor=actor,
               request=request, transfer=str(transfer.pk))
    return transfer


# --- Step 5: the grid and youth protection -----------------------------------------------


def grid_youth_protection_signs(grid: Grid) -> list[str]:
    """The grid answers that point to a possible duty to report to the DPJ (YPA ss. 38-39).

    The tool only reminds: deciding and reporting stay the person's own duty.
    """
    signs = []
    if grid.adult_involved == "yes" or grid.relationship == Grid.Relationship.ADULT:
        signs.append(_("Un adulte est impliqué (exploitation sexuelle possible)."))
    if grid.pressure_or_threats == "yes":
        signs.append(_("Pression, menace ou chantage : sextorsion possible."))
    if grid.consent_to_creation == "no":
        signs.append(_("L'image aurait été produite sans consentement (abus sexuel possible)."))
    if grid.victim_age is not None and grid.victim_age < 12:
        signs.append(_("L'élève victime a moins de 12 ans."))
    return signs


@transaction.atomic
def grid_save(*, case: Case, actor, version: int, complete: bool, request=None,
              **answers) -> Grid:
    _open_only(case)
    _case_touch(case, version=version)
    grid = Grid.objects.filter(case=case).first() or Grid(case=case)
    if complete and grid.completed_at is None:
        answers["completed_at"] = timezone.now()
    _save(grid, fields=answers)
    _start(case)
    _audit("case.grid_saved", case=case, actor=actor, request=request, complete=complete)
    return grid


@transaction.atomic
def dpj_record(*, case: Case, actor, version: int, made: bool, reported_at, reported_by: str,
               reference: str, request=None) -> Case:
    _case_touch(case, version=version)
    if made and reported_at is None:
        raise ApplicationError(_("Indiquez quand le signalement a été fait."), code="dpj_date")
    _save(case, fields={"dpj_report_made": made, "dpj_reported_at": reported_at if made else None,
                        "dpj_reported_by": reported_by if made else "",
                        "dpj_reference": reference if made else ""})
    _audit("case.dpj_recorded", case=case, actor=actor, request=request, made=made)
    return case


# --- Step 6: police contact and hand-off -------------------------------------------------


def police_force_for(case: Case) -> Organisation | None:
    """The force that serves the school's territory."""
    territory = case.school.territory
    return territory.police_force if territory is not None else None


@transaction.atomic
def police_contact_save(*, case: Case, actor, version: int, contacted_at, officer: str,
                        police_file_number: str, request=None) -> PoliceHandoff:
    _open_only(case)
    force = police_force_for(case)
    if force is None:
        raise ApplicationError(
            _("Le territoire de l'école n'est associé à aucun corps de police dans Sexto."),
            code="no_force",
        )
    _case_touch(case, version=version)
    handoff = PoliceHandoff.objects.filter(case=case).first() or PoliceHandoff(case=case)
    _save(handoff, fields={"force": force, "contacted_at": contacted_at, "officer": officer,
                           "police_file_number": police_file_number})
    if police_file_number and not case.legal_hold:
        # An open police file blocks destruction until the principal lifts the hold.
        case.legal_hold = True
        case.legal_hold_reason = Case.HOLD_POLICE_FILE
        case.save(update_fields=["legal_hold", "legal_hold_reason"])
    _start(case)
    _audit("case.police_contacted", case=case, actor=actor, request=request,
           force=str(force.pk))
    return handoff


def handoff_snapshot(case: Case) -> dict:
    """What the police receive: the grid and the facts, no image ever, no other content."""
    grid = Grid.objects.filter(case=case).first()
    return {
        "reference": case.reference,
        "school": case.school.name,
        "told_at": case.told_at.isoformat(),
        "account": case.account,
        "channels": case.channels,
        "apps_other": case.apps_other,
        "still_spreading": case.still_spreading,
        "students": [
            {"part": s.part, "name": s.name, "age": s.age, "grade": s.grade}
            for s in case.students.all()
        ],
        "devices": [
            {"description": d.description, "seized_at": d.seized_at.isoformat(),
             "seized_by": d.seized_by, "envelope_number": d.envelope_number,
             "locked_in": d.locked_in,
             "transfers": [
                 {"handed_by": t.handed_by, "handed_to": t.handed_to,
                  "handed_at": t.handed_at.isoformat(),
                  "acknowledged_at": t.acknowledged_at.isoformat() if t.acknowledged_at
                  else None}
                 for t in d.transfers.all()]}
            for d in case.devices.prefetch_related("transfers")
        ],
        "grid": None if grid is None else {
            name: getattr(grid, name) for name in (
                "victim_age", "alleged_ages", "relationship", "consent_to_creation",
                "consent_to_sharing", "pressure_or_threats", "adult_involved", "recipients",
                "intent_to_harm", "school_impact", "notes")
        },
        "dpj_report_made": case.dpj_report_made,
        "dpj_reported_at": case.dpj_reported_at.isoformat() if case.dpj_reported_at else None,
    }


@transaction.atomic
def handoff_send(*, case: Case, actor, version: int, request=None) -> PoliceHandoff:
    _open_only(case)
    handoff = PoliceHandoff.objects.filter(case=case).first()
    if handoff is None:
        raise ApplicationError(
            _("Notez d'abord le contact avec le corps de police."), code="no_contact"
        )
    grid = Grid.objects.filter(case=case).first()
    if grid is None or grid.completed_at is None:
        raise ApplicationError(
            _("Remplissez la grille d'évaluation avant de la remettre à la police."),
            code="no_grid",
        )
    _case_touch(case, version=version)
    handoff.snapshot = json.dumps(handoff_snapshot(case), ensure_ascii=False)
    handoff.sent_at = timezone.now()
    handoff.sent_by = actor
    handoff.acknowledged_at = None
    handoff.acknowledged_by = None
    handoff.save()
    case.status = Case.Status.WITH_POLICE
    case.save(update_fields=["status"])
    _audit("case.handoff_sent", case=case, actor=actor, request=request,
           force=str(handoff.force_id))
    notifications.handoff_sent_notify(handoff)
    return handoff


@transaction.atomic
def handoff_acknowledge(*, handoff: PoliceHandoff, actor, request=None) -> PoliceHandoff:
    if handoff.acknowledged_at is None:
        handoff.acknowledged_at = timezone.now()
        handoff.acknowledged_by = actor
        handoff.save(update_fields=["acknowledged_at", "acknowledged_by"])
        _audit("case.handoff_acknowledged", case=handoff.case, actor=actor, request=request)
        notifications.handoff_acknowledged_notify(handoff)
    return handoff


# --- Step 7: no direct impact on the school community ------------------------------------


@transaction.atomic
def no_impact_record(*, case: Case, actor, version: int, directed_at, summary: str,
                     request=None) -> Case:
    _open_only(case)
    _case_touch(case, version=version)
    case.directed_to_police_at = directed_at
    case.status = Case.Status.CLOSED
    case.closed_at = timezone.now()
    case.closure_summary = summary
    case.save(update_fields=["directed_to_police_at", "status", "closed_at", "closure_summary"])
    _audit("case.directed_to_police", case=case, actor=actor, request=request)
    return case


# --- Step 8: the police part -------------------------------------------------------------


@transaction.atomic
def follow_up_save(*, handoff: PoliceHandoff, actor, request=None, **fields) -> PoliceFollowUp:
    follow_up = PoliceFollowUp.objects.filter(handoff=handoff).first() or PoliceFollowUp(
        handoff=handoff
    )
    decided_before = bool(follow_up.qualification)
    _save(follow_up, fields=fields)
    case = handoff.case
    if follow_up.police_file_closed and case.legal_hold:
        # The hold was set for the open police file; the school's side decides the rest.
        case.legal_hold = False
        case.legal_hold_reason = ""
        case.save(update_fields=["legal_hold", "legal_hold_reason"])
    _audit("case.police_follow_up_saved", case=case, actor=actor, request=request,
           fields=sorted(fields))
    if follow_up.qualification and not decided_before:
        notifications.police_decision_notify(follow_up)
    return follow_up


@transaction.atomic
def information_share(*, handoff: PoliceHandoff, actor, purpose: str, content: str,
                      request=None) -> SharedInformation:
    shared = SharedInformation(handoff=handoff, shared_by=actor)
    _save(shared, fields={"purpose": purpose, "content": content})
    _audit("case.police_information_shared", case=handoff.case, actor=actor, request=request,
           purpose=purpose)
    notifications.information_shared_notify(shared)
    return shared


# --- Step 9: support plan ----------------------------------------------------------------


@transaction.atomic
def support_action_add(*, case: Case, actor, version: int, request=None,
                       **fields) -> SupportAction:
    _open_only(case)
    _case_touch(case, version=version)
    action = SupportAction(case=case)
    _save(action, fields=fields)
    _audit("case.support_action_added", case=case, actor=actor, request=request,
           support_action=str(action.pk), kind=action.kind)
    return action


@transaction.atomic
def support_action_done(*, action: SupportAction, actor, request=None) -> SupportAction:
    if action.done_at is None:
        _case_touch(action.case, version=None)
        action.done_at = timezone.now()
        action.save(update_fields=["done_at"])
        _audit("case.support_action_done", case=action.case, actor=actor, request=request,
               support_action=str(action.pk))
    return action


# --- Step 10: closure and legal hold -----------------------------------------------------


@transaction.atomic
def case_close(*, case: Case, actor, version: int, summary: str, request=None) -> Case:
    _open_only(case)
    if not summary.strip():
        raise ApplicationError(_("Écrivez un résumé avant de fermer le dossier."),
                               code="summary")
    _case_touch(case, version=version)
    case.status = Case.Status.CLOSED
    case.closed_at = timezone.now()
    case.closure_summary = summary
    case.save(update_fields=["status", "closed_at", "closure_summary"])
    _audit("case.closed", case=case, actor=actor, request=request)
    return case


@transaction.atomic
def legal_hold_set(*, case: Case, actor, hold: bool, reason: str, request=None) -> Case:
    if hold and not reason.strip():
        raise ApplicationError(_("Indiquez le motif de la conservation."), code="reason")
    _case_touch(case, version=None)
    case.legal_hold = hold
    case.legal_hold_reason = reason if hold else ""
    case.save(update_fields=["legal_hold", "legal_hold_reason"])
    _audit("case.legal_hold_set", case=case, actor=actor, request=request, hold=hold)
    return case


# --- Reads that are themselves audited ---------------------------------------------------


def handoff_snapshot_load(handoff: PoliceHandoff) -> dict:
    return json.loads(handoff.snapshot) if handoff.snapshot else {}


def student_name_reveal(*, student: Student, actor, request=None) -> str:
    _audit("case.student_name_revealed", case=student.case, actor=actor, request=request,
           student=str(student.pk))
    return student.name


# --- Retention schedules ---------------------------------------------------------------------


def _schedule_values(schedule: RetentionSchedule | None) -> dict | None:
    if schedule is None:
        return None
    return {"closed_case_days": schedule.closed_case_days,
            "police_information_days": schedule.police_information_days}


@transaction.atomic
def retention_schedule_set(*, organisation: Organisation, actor, closed_case_days: int,
                           police_information_days: int, request=None) -> RetentionSchedule:
    """Give `organisation` its own schedule (its schools without one follow it). The audit
    entry keeps the values before and after: a destruction questioned later is explained."""
    existing = (RetentionSchedule.objects.select_for_update()
                .filter(organisation=organisation).first())
    previous = _schedule_values(existing)
    schedule = existing or RetentionSchedule(organisation=organisation)
    schedule.closed_case_days = closed_case_days
    schedule.police_information_days = police_information_days
    try:
        schedule.full_clean()  # the bounds hold whoever calls, not only the form
    except ValidationError as error:
        raise ApplicationError(" ".join(error.messages), code="invalid") from error
    schedule.save()
    record(action="case.retention_schedule_set", actor=actor, request=request,
           target_type="accounts.organisation", target_id=str(organisation.pk),
           data={**_schedule_values(schedule), "previous": previous})
    return schedule


@transaction.atomic
def retention_schedule_remove(*, organisation: Organisation, actor, request=None) -> bool:
    """Remove `organisation`'s own schedule: it follows its parent's again, else the defaults."""
    existing = (RetentionSchedule.objects.select_for_update()
                .filter(organisation=organisation).first())
    if existing is None:
        return False
    existing.delete()
    record(action="case.retention_schedule_removed", actor=actor, request=request,
           target_type="accounts.organisation", target_id=str(organisation.pk),
           data={"previous": _schedule_values(existing)})
    return True
