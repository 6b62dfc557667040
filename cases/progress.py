"""Where a case stands along the method, and the one next thing to do.

The case page draws these steps as a stepper and makes the next one its primary button; the
homes list each case's next step and when it is due. The state of each step is derived from
what the case holds, never stored: there is nothing to keep in step.

The kit's delays (cases/kit.py) set the due times: the school's steps within the day of the
report, a lead within 4 working hours, the police's receipt within a day of the hand-off, the
file closed in about 4 days.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from uuid import UUID

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cases import kit
from cases.models import Case, Device, Entry, Grid, Student, SupportAction
from notifications.working_hours import working_time_add

DONE, TODO, OVERDUE, NOT_APPLICABLE, WAITING = (
    "done", "todo", "overdue", "not_applicable", "waiting")


@dataclass(frozen=True)
class StepState:
    slug: str
    title: str
    state: str  # DONE, TODO, OVERDUE, NOT_APPLICABLE or WAITING (someone else's move)
    due_at: datetime.datetime | None = None
    url: str | None = None  # where the step is done
    action: str = ""  # the label of the button that does it
    note: str = ""  # a word on the state: questions left, why not applicable...

    @property
    def is_open(self) -> bool:
        return self.state in (TODO, OVERDUE)

    @property
    def state_label(self) -> str:
        return {DONE: _("Fait"), TODO: _("À faire"), OVERDUE: _("En retard"),
                NOT_APPLICABLE: _("Sans objet"), WAITING: _("En attente")}[self.state]


@dataclass(frozen=True)
class CaseProgress:
    steps: list[StepState]

    @property
    def next(self) -> StepState | None:
        """The school's next step: the first one open, in the method's order."""
        return next((step for step in self.steps if step.is_open), None)

    @property
    def overdue(self) -> bool:
        return any(step.state == OVERDUE for step in self.steps)


def _with_facts(cases):
    """The cases with what the steps depend on, in one query, no content decrypted."""
    def exists(model, **filters):
        return Exists(model.objects.filter(case=OuterRef("pk"), **filters))

    return (
        cases.select_related("grid", "handoff")
        .defer("account", "apps_other", "closure_summary", "dpj_reported_by", "dpj_reference",
               "grid__notes", "handoff__snapshot")
        .annotate(
            has_students=exists(Student),
            has_alleged=exists(Student, part=Student.Part.ALLEGED),
            met_reporting=exists(Entry, kind=Entry.Kind.MEETING_VICTIM),
            met_alleged=exists(Entry, kind=Entry.Kind.MEETING_ALLEGED),
            has_device=exists(Device),
            has_support=exists(SupportAction),
        )
    )


def cases_progress(cases: Iterable[Case], *, now: datetime.datetime | None = None
                   ) -> dict[UUID, CaseProgress]:
    """Each case's progress, by id, for any number of cases in one query."""
    ids = [case.pk for case in cases]
    if not ids:
        return {}
    now = now or timezone.now()
    return {case.pk: _progress(case, now=now)
            for case in _with_facts(Case.objects.filter(pk__in=ids))}


def case_progress(case: Case, *, now: datetime.datetime | None = None) -> CaseProgress:
    return cases_progress([case], now=now)[case.pk]


def _state(done: bool, due_at: datetime.datetime | None, now: datetime.datetime) -> str:
    if done:
        return DONE
    return OVERDUE if due_at is not None and now > due_at else TODO


def _grid(case: Case) -> Grid | None:
    try:
        return case.grid
    except Case.grid.RelatedObjectDoesNotExist:
        return None


def _handoff(case: Case):
    try:
        return case.handoff
    except Case.handoff.RelatedObjectDoesNotExist:
        return None


def _progress(case: Case, *, now: datetime.datetime) -> CaseProgress:
    def step_url(slug: str, **query) -> str:
        url = reverse("cases:case_step", args=[case.pk, slug])
        return url + (f"?type={query['type']}" if query else "")

    case_url = reverse("cases:case_detail", args=[case.pk])
    within_day = case.told_at + kit.SCHOOL_STEPS_WITHIN
    closed = case.is_closed
    grid = _grid(case)
    handoff = _handoff(case)
    sent = handoff is not None and handoff.sent_at is not None

    steps = [StepState("report", _("Déclaration"), DONE)]
    lead_due = working_time_add(case.created_at, kit.LEAD_WITHIN_WORKING_TIME)
    steps.append(StepState(
        "lead", _("Intervenant responsable"),
        DONE if case.lead_id else NOT_APPLICABLE if closed else _state(False, lead_due, now),
        due_at=lead_due, url=case_url + "#lead", action=_("Attribuer le dossier")))

    if case.directed_to_police_at is not None:
        # Step 7, no direct impact on the school: the family went to the police itself and
        # the school's part closed there; the other steps are not the school's to do.
        steps.append(StepState("no-impact", _("Famille dirigée vers la police"), DONE))
        steps.append(StepState("close", _("Fermeture"), DONE))
        return CaseProgress(steps)

    def school_step(slug, title, done, *, url, action, note="", done_note="", applies=True,
                    due_at=within_day):
        """`note` says what is missing or why the step does not apply; `done_note` how it
        was done."""
        if not applies:
            steps.append(StepState(slug, title, NOT_APPLICABLE, note=note))
            return
        if closed and not done:
            steps.append(StepState(slug, title, NOT_APPLICABLE,
                                   note=_("Pas fait avant la fermeture.")))
        else:
            steps.append(StepState(slug, title, _state(done, due_at, now), due_at=due_at,
                                   url=url, action=action, note=done_note if done else note))

    school_step("students", _("Élèves concernés"), case.has_students,
                url=step_url("student"), action=_("Ajouter un élève concerné"))
    school_step("meet-reporting", _("Rencontre avec l'élève qui dénonce ou la victime"),
                case.met_reporting, url=step_url("meeting", type=Entry.Kind.MEETING_VICTIM),
                action=_("Noter la rencontre avec l'élève qui dénonce ou la victime"))
    school_step("meet-alleged", _("Rencontre avec l'auteur présumé"), case.met_alleged,
                url=step_url("meeting", type=Entry.Kind.MEETING_ALLEGED),
                action=_("Noter la rencontre avec l'auteur présumé"),
                applies=case.has_alleged or not case.has_students,
                note=_("Aucun auteur présumé n'est inscrit au dossier."))
    school_step("device", _("Appareil saisi sans regarder les images"),
                case.has_device or bool(case.no_device_reason), url=step_url("device"),
                action=_("Noter l'appareil saisi"),
                done_note=case.get_no_device_reason_display())
    missing = grid.unanswered if grid is not None else None
    grid_note = ""
    if missing:
        grid_note = ngettext("%(count)s question sans réponse",
                             "%(count)s questions sans réponse", len(missing)) % {
            "count": len(missing)}
    school_step("grid", _("Grille d'évaluation"), sent or (grid is not None and not missing),
                url=step_url("grid"), action=_("Remplir la grille d'évaluation"),
                note=grid_note)
    signs = grid.youth_protection_signs if grid is not None else []
    if case.dpj_report_made is not None:
        school_step("dpj", _("Protection de la jeunesse"), True, url=step_url("dpj"),
                    action=_("Noter le signalement à la DPJ"))
    else:
        # The grid points to a possible duty to report: a step to do. Otherwise nothing in
        # the grid calls for it, though the duty stays personal and can still be recorded.
        school_step("dpj", _("Protection de la jeunesse"), False, url=step_url("dpj"),
                    action=_("Noter le signalement à la DPJ"), applies=bool(signs),
                    note=_("La grille ne relève aucun signe ; le devoir de signaler reste "
                           "personnel."))
    school_step("police", _("Contact avec le corps de police"), handoff is not None,
                url=step_url("police"), action=_("Noter le contact avec la police"))
    school_step("handoff", _("Remise à la police"), sent, url=step_url("handoff"),
                action=_("Remettre la grille et les faits à la police"))
    if sent:
        ack_due = handoff.sent_at + kit.ACKNOWLEDGEMENT_WITHIN
        late = handoff.acknowledged_at is None and now > ack_due
        steps.append(StepState(
            "acknowledgement", _("Réception confirmée par la police"),
            DONE if handoff.acknowledged_at else (OVERDUE if late else WAITING),
            due_at=ack_due,
            # Late: the school calls the force; the tool cannot do it for them.
            note=_("Appelez le corps de police.") if late else ""))
    else:
        steps.append(StepState("acknowledgement", _("Réception confirmée par la police"),
                               WAITING))
    school_step("support", _("Plan de soutien de la victime"), case.has_support,
                url=step_url("support"), action=_("Ajouter une action de soutien"),
                due_at=None)
    close_due = case.told_at + kit.CLOSURE_WITHIN
    steps.append(StepState("close", _("Fermeture"), _state(closed, close_due, now),
                           due_at=close_due, url=step_url("close"),
                           action=_("Fermer le dossier")))
    return CaseProgress(steps)
