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
from typing import Literal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Organisation
from audit.services import record
from cases import grid as grid_rules
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


# --- The one rule for writes to a closed case ----------------------------------------------
#
# Closing ends the school's part of the file. A closed case still accepts only these writes,
# because what they record goes on after the school's part ends; every other write is refused.
Write = Literal["school", "custody", "police", "legal_hold"]
CLOSED_CASE_ACCEPTS: frozenset[Write] = frozenset({
    # A police file or an access request may call for keeping the case, or free it, later.
    "legal_hold",
    # A device seized stays in custody, and changes hands, until it is returned.
    "custody",
    # The police part follows its own course (the no-impact path closes the school's part
    # at once): receipt, the DPCP's decision, what the police share back.
    "police",
})


def _writable(case: Case, write: Write) -> None:
    """Refuse `write` to a closed case unless CLOSED_CASE_ACCEPTS lists it."""
    if case.is_closed and write not in CLOSED_CASE_ACCEPTS:
        raise ApplicationError(_("Ce dossier est fermé : il ne peut plus être modifié."),
                               code="closed")


# --- The order of the times people enter ----------------------------------------------------
#
# Times typed by people are checked here, in one place: nothing in the future (a clock a few
# minutes ahead is tolerated), and nothing before what it follows (the police cannot have been
# contacted before the situation was confided). Each refusal names its field, so the form
# shows it beside the input and keeps what was typed.
CLOCK_TOLERANCE = datetime.timedelta(minutes=5)


def _shown(value: datetime.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def _not_in_future(value, *, field: str) -> None:
    if value is None:
        return
    if isinstance(value, datetime.datetime):
        future = value > timezone.now() + CLOCK_TOLERANCE
    else:
        future = value > timezone.localdate()
    if future:
        raise ApplicationError(_("Cette date est dans le futur."), code="future",
                               extra={"field": field})


def _not_before(value, earlier: datetime.datetime | None, *, field: str, message: str) -> None:
    """Refuse `value` before `earlier`; `message` names the earlier event with %(at)s."""
    if value is None or earlier is None:
        return
    if isinstance(value, datetime.datetime):
        out_of_order = value < earlier
    else:  # a date: the same day as the earlier event is in order
        out_of_order = value < timezone.localtime(earlier).date()
    if out_of_order:
        raise ApplicationError(message % {"at": _shown(earlier)}, code="order",
                               extra={"field": field})


def _after_told(case: Case, value, *, field: str) -> None:
    _not_in_future(value, field=field)
    _not_before(value, case.told_at, field=field, message=_(
        "Ce moment est antérieur au moment où la situation a été confiée (%(at)s)."))


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
    _not_in_future(told_at, field="told_at")
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
    _writable(case, "school")
    told_at = fields.get("told_at")
    _not_in_future(told_at, field="told_at")
    if told_at is not None:
        _told_before_what_follows(case, told_at)
    _case_touch(case, version=version)
    _save(case, fields=fields)
    _audit("case.report_updated", case=case, actor=actor, request=request,
           fields=sorted(fields))
    return case


def _told_before_what_follows(case: Case, told_at: datetime.datetime) -> None:
    """A report edited later must stay before every step already dated after it."""
    handoff = PoliceHandoff.objects.filter(case=case).only("contacted_at").first()
    first_entry = case.entries.order_by("happened_at").values_list("happened_at",
                                                                   flat=True).first()
    later = [moment for moment in (
        handoff.contacted_at if handoff else None, first_entry, case.dpj_reported_at,
        case.directed_to_police_at) if moment is not None]
    if later and told_at > min(later):
        raise ApplicationError(
            _("Ce moment est postérieur à une étape déjà notée au dossier (%(at)s) : "
              "vérifiez les dates.") % {"at": _shown(min(later))},
            code="order", extra={"field": "told_at"})


@transaction.atomic
def case_lead_assign(*, case: Case, lead, actor, request=None) -> Case:
    _writable(case, "school")
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
    _writable(case, "school")
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
    _writable(case, "school")
    _after_told(case, happened_at, field="happened_at")
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
    _writable(case, "school")
    # A device may have been taken before the situation was confided (confiscated in class
    # for another reason): only the future is refused.
    _not_in_future(fields.get("seized_at"), field="seized_at")
    _case_touch(case, version=version)
    device = Device(case=case)
    _save(device, fields=fields)
    if case.no_device_reason:
        case.no_device_reason = ""
        case.save(update_fields=["no_device_reason"])
    _start(case)
    _audit("case.device_seized", case=case, actor=actor, request=request,
           device=str(device.pk))
    return device


@transaction.atomic
def no_device_record(*, case: Case, actor, version: int, reason: str, request=None) -> Case:
    """Step 4 done without a seizure, with its reason (the device is not at school...)."""
    _writable(case, "school")
    if case.devices.exists():
        raise ApplicationError(_("Un appareil est déjà saisi dans ce dossier."),
                               code="device_seized")
    _case_touch(case, version=version)
    _save(case, fields={"no_device_reason": reason})
    _start(case)
    _audit("case.no_device_recorded", case=case, actor=actor, request=request, reason=reason)
    return case


@transaction.atomic
def custody_transfer_add(*, device: Device, actor, version: int, handed_by: str,
                         handed_to: str, handed_at, request=None) -> CustodyTransfer:
    case = device.case
    _writable(case, "custody")
    _not_in_future(handed_at, field="handed_at")
    _not_before(handed_at, device.seized_at, field="handed_at", message=_(
        "Une remise ne peut pas précéder la saisie de l'appareil (%(at)s)."))
    _case_touch(case, version=version)
    transfer = CustodyTransfer(device=device)
    _save(transfer, fields={"handed_by": handed_by, "handed_to": handed_to,
                            "handed_at": handed_at})
    _audit("case.custody_transferred", case=case, actor=actor, request=request,
           device=str(device.pk), transfer=str(transfer.pk))
    return transfer


@transaction.atomic
def custody_acknowledge(*, transfer: CustodyTransfer, actor, request=None) -> CustodyTransfer:
    _writable(transfer.device.case, "custody")
    if transfer.acknowledged_at is None:
        _case_touch(transfer.device.case, version=None)
        transfer.acknowledged_at = timezone.now()
        transfer.acknowledged_by = actor
        transfer.save(update_fields=["acknowledged_at", "acknowledged_by"])
        _audit("case.custody_acknowledged", case=transfer.device.case, actor=actor,
               request=request, transfer=str(transfer.pk))
    return transfer


# --- Step 5: the grid and youth protection -----------------------------------------------


@transaction.atomic
def grid_save(*, case: Case, actor, version: int, request=None, **answers) -> Grid:
    """Save the answers given (cases/grid.py: an empty answer is no answer).

    A question still to confirm (kept from before answers started empty) takes the answer now
    chosen and is confirmed; left empty, it keeps its old value, still to confirm. The grid is
    complete, with the time it became so, once every required question has an answer given.
    """
    _writable(case, "school")
    _case_touch(case, version=version)
    grid = Grid.objects.filter(case=case).first() or Grid(case=case)
    to_confirm = list(grid.to_confirm)
    for name in list(to_confirm):
        if answers.get(name) in (None, ""):
            answers.pop(name, None)  # nothing chosen: the kept value stays, to confirm
        else:
            to_confirm.remove(name)
    answers["to_confirm"] = to_confirm
    complete = not grid_rules.unanswered({**grid.answers, **answers}, to_confirm=to_confirm)
    if not complete:
        answers["completed_at"] = None
    elif grid.completed_at is None:
        answers["completed_at"] = timezone.now()
    _save(grid, fields=answers)
    _start(case)
    _audit("case.grid_saved", case=case, actor=actor, request=request, complete=complete)
    return grid


@transaction.atomic
def dpj_record(*, case: Case, actor, version: int, made: bool, reported_at, reported_by: str,
               reference: str, request=None) -> Case:
    _writable(case, "school")
    if made and reported_at is None:
        raise ApplicationError(_("Indiquez quand le signalement a été fait."), code="dpj_date",
                               extra={"field": "reported_at"})
    if made:
        _after_told(case, reported_at, field="reported_at")
    _case_touch(case, version=version)
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
    _writable(case, "school")
    force = police_force_for(case)
    if force is None:
        raise ApplicationError(
            _("Le territoire de l'école n'est associé à aucun corps de police dans Sexto."),
            code="no_force",
        )
    _after_told(case, contacted_at, field="contacted_at")
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
        "no_device_reason": case.no_device_reason,
        # Every question, in order; an empty answer is one nobody gave (cases/grid.py).
        "grid": None if grid is None else grid.answers,
        "dpj_report_made": case.dpj_report_made,
        "dpj_reported_at": case.dpj_reported_at.isoformat() if case.dpj_reported_at else None,
    }


@transaction.atomic
def handoff_send(*, case: Case, actor, version: int, request=None) -> PoliceHandoff:
    _writable(case, "school")
    handoff = PoliceHandoff.objects.filter(case=case).first()
    if handoff is None:
        raise ApplicationError(
            _("Notez d'abord le contact avec le corps de police."), code="no_contact"
        )
    grid = Grid.objects.filter(case=case).first()
    missing = list(grid_rules.QUESTIONS if grid is None else grid.unanswered)
    missing = [question for question in missing if question.required]
    if missing:
        raise ApplicationError(
            ngettext("La grille d'évaluation n'est pas complète : %(count)s question est sans "
                     "réponse. Répondez-y avant de remettre le dossier à la police.",
                     "La grille d'évaluation n'est pas complète : %(count)s questions sont "
                     "sans réponse. Répondez-y avant de remettre le dossier à la police.",
                     len(missing)) % {"count": len(missing)},
            code="grid_incomplete", extra={"unanswered": [q.name for q in missing]},
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
    _writable(handoff.case, "police")
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
    _writable(case, "school")
    _after_told(case, directed_at, field="directed_at")
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
    _writable(handoff.case, "police")
    after_contact = _("Ce moment est antérieur au contact de l'école avec la police (%(at)s).")
    for name in ("qualified_at", "images_destroyed_on", "device_returned_on"):
        _not_in_future(fields.get(name), field=name)
    # The meeting may be planned ahead; it cannot come before the police knew of the case.
    for name in ("qualified_at", "awareness_meeting_on", "images_destroyed_on",
                 "device_returned_on"):
        _not_before(fields.get(name), handoff.contacted_at, field=name, message=after_contact)
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
    _writable(handoff.case, "police")
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
    _writable(case, "school")
    _case_touch(case, version=version)
    action = SupportAction(case=case)
    _save(action, fields=fields)
    _audit("case.support_action_added", case=case, actor=actor, request=request,
           support_action=str(action.pk), kind=action.kind)
    return action


@transaction.atomic
def support_action_done(*, action: SupportAction, actor, request=None) -> SupportAction:
    _writable(action.case, "school")
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
    _writable(case, "school")
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
    _writable(case, "legal_hold")
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


def handoff_student_name_reveal(*, handoff: PoliceHandoff, index: int, actor,
                                request=None) -> str | None:
    """The name of the `index`-th student of what the police received (the hand-off's
    snapshot, not the live case), audited as the school's reveal is; None if there is none.

    The snapshot's students carry no id (they are what was sent, as sent): the entry keeps
    the hand-off and the position, which name the same line of the same document.
    """
    students = handoff_snapshot_load(handoff).get("students") or []
    if not 0 <= index < len(students):
        return None
    _audit("case.student_name_revealed", case=handoff.case, actor=actor, request=request,
           handoff=str(handoff.pk), index=index, side="police")
    return students[index].get("name") or ""


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
