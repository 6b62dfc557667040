"""Writing a learner's progress: enrolling, reading, answering quizzes, working through cases.

Every function takes keyword arguments and raises core.exceptions.ApplicationError (with a
translated message) when a rule is broken. Progress rows are locked while they change so that
two quick submissions (a double click, two tabs) cannot interleave.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record
from core.exceptions import ApplicationError
from training import selectors
from training.models import Enrollment, Level, LevelCompletion, Module, ModuleProgress, Program

# --- enrolment ------------------------------------------------------------------------------


def enrollment_start(*, user, program: Program) -> Enrollment:
    """Enrol a person in a program version; someone already enrolled keeps their version."""
    existing = Enrollment.objects.filter(user=user, program_slug=program.slug).first()
    if existing is not None:
        return existing
    if not program.is_published:
        raise ApplicationError(_("Cette version du programme n'est pas encore publiée."),
                               code="not_published")
    try:
        with transaction.atomic():
            enrollment = Enrollment.objects.create(user=user, program=program,
                                                   program_slug=program.slug)
    except IntegrityError:
        # A second request enrolled them a moment ago: theirs is the version to keep.
        return Enrollment.objects.get(user=user, program_slug=program.slug)
    record(action="training.enrolled", actor=user, target=program,
           data={"slug": program.slug, "version": program.version})
    return enrollment


def _ensure_enrolled(*, user, module: Module) -> None:
    """Working on a module enrols the learner in its version, if they are not yet enrolled."""
    program = module.level.program
    enrollment = Enrollment.objects.filter(user=user, program_slug=program.slug).first()
    if enrollment is None:
        enrollment_start(user=user, program=program)
    elif enrollment.program_id != program.id:
        raise ApplicationError(
            _("Vous suivez une autre version de ce programme."), code="other_version"
        )


def _progress_locked(*, user, module: Module) -> ModuleProgress:
    progress, _created = ModuleProgress.objects.get_or_create(user=user, module=module)
    return ModuleProgress.objects.select_for_update().get(pk=progress.pk)


def _require_kind(module: Module, kind: str) -> None:
    if module.kind != kind:
        raise ApplicationError(_("Cette action ne s'applique pas à ce type de module."),
                               code="wrong_kind")


def _complete(progress: ModuleProgress) -> None:
    if progress.completed_at is None:
        progress.completed_at = timezone.now()


# --- levels ---------------------------------------------------------------------------------


def level_completion_check(*, user, level: Level) -> LevelCompletion | None:
    """Record that a level is finished once every module in it is completed (idempotent)."""
    existing = LevelCompletion.objects.filter(user=user, level=level).first()
    if existing is not None:
        return existing
    if not selectors.level_modules_all_completed(user=user, level=level):
        return None
    try:
        with transaction.atomic():
            completion = LevelCompletion.objects.create(user=user, level=level,
                                                        completed_at=timezone.now())
    except IntegrityError:
        return LevelCompletion.objects.get(user=user, level=level)
    record(action="training.level_completed", actor=user, target=level,
           data={"program": level.program.slug, "version": level.program.version,
                 "level": level.kind})
    return completion


@dataclass(frozen=True)
class ModuleOutcome:
    """What a learner's action did, so that the page can say it and send them on."""

    progress: ModuleProgress
    just_completed: bool = False  # this action completed the module
    level_completion: LevelCompletion | None = None  # set when the level is (now) finished
    level_just_completed: bool = False


def _finish(*, user, module: Module, progress: ModuleProgress, was_completed: bool,
            ) -> ModuleOutcome:
    progress.save()
    completion = None
    level_just_completed = False
    if progress.is_completed:
        already = LevelCompletion.objects.filter(user=user, level=module.level).exists()
        completion = level_completion_check(user=user, level=module.level)
        level_just_completed = completion is not None and not already
    return ModuleOutcome(
        progress=progress,
        just_completed=progress.is_completed and not was_completed,
        level_completion=completion,
        level_just_completed=level_just_completed,
    )


# --- reading --------------------------------------------------------------------------------


@transaction.atomic
def module_progress_record(*, user, module: Module) -> ModuleOutcome:
    """A learner has read a reading module: it is completed."""
    _require_kind(module, Module.Kind.READING)
    _ensure_enrolled(user=user, module=module)
    progress = _progress_locked(user=user, module=module)
    was_completed = progress.is_completed
    _complete(progress)
    return _finish(user=user, module=module, progress=progress, was_completed=was_completed)


# --- quiz -----------------------------------------------------------------------------------


@transaction.atomic
def quiz_submit(*, user, module: Module, answers: dict[str, str]) -> ModuleOutcome:
    """Store a learner's answers; the quiz is completed when every answer is correct.

    The last answers are kept so that the page shows them with per-question feedback. A quiz
    once completed stays completed, even if the learner tries again and gets one wrong.
    """
    _require_kind(module, Module.Kind.QUIZ)
    questions = {q["id"]: {o["id"] for o in q["options"]} for q in module.data["questions"]}
    cleaned = {}
    for question_id, option_ids in questions.items():
        answer = answers.get(question_id)
        if answer not in option_ids:
            raise ApplicationError(_("Répondez à chaque question."), code="quiz_incomplete")
        cleaned[question_id] = answer
    _ensure_enrolled(user=user, module=module)
    progress = _progress_locked(user=user, module=module)
    was_completed = progress.is_completed
    correct = selectors.quiz_correct_answers(module=module)
    all_correct = all(cleaned[q] == correct[q] for q in questions)
    progress.state = {
        "answers": cleaned,
        "attempts": int(progress.state.get("attempts", 0)) + 1,
        "all_correct": all_correct,
    }
    if all_correct:
        _complete(progress)
    return _finish(user=user, module=module, progress=progress, was_completed=was_completed)


# --- scenario -------------------------------------------------------------------------------


@transaction.atomic
def scenario_choose(*, user, module: Module, step_id: str, choice_id: str) -> ModuleOutcome:
    """Take a decision at the current step: record it, move on; an ending completes the case.

    `step_id` is the step the learner was looking at: if it is no longer the current one (the
    back button, a second tab), the choice is refused rather than applied to another step.
    """
    _require_kind(module, Module.Kind.SCENARIO)
    _ensure_enrolled(user=user, module=module)
    progress = _progress_locked(user=user, module=module)
    was_completed = progress.is_completed
    state = selectors.scenario_state(module=module, progress=progress)
    if state.ended:
        raise ApplicationError(
            _("Cette mise en situation est terminée. Recommencez-la pour faire d'autres choix."),
            code="scenario_ended",
        )
    if step_id != state.current["id"]:
        raise ApplicationError(
            _("Ce choix ne correspond plus à l'étape en cours ; voici où vous en êtes."),
            code="stale_step",
        )
    choice = next((c for c in state.current["choices"] if c["id"] == choice_id), None)
    if choice is None:
        raise ApplicationError(_("Choisissez l'une des options proposées."),
                               code="unknown_choice")
    path = list(progress.state.get("path", []))
    path.append({"step": step_id, "choice": choice_id})
    progress.state = {
        **progress.state,
        "current": choice["next"],
        "path": path,
    }
    next_step = selectors.scenario_step(module=module, step_id=choice["next"])
    if next_step is not None and not next_step.get("choices"):
        progress.state["ended_at"] = timezone.now().isoformat()
        _complete(progress)
    return _finish(user=user, module=module, progress=progress, was_completed=was_completed)


@transaction.atomic
def scenario_restart(*, user, module: Module) -> ModuleOutcome:
    """Go back to the first step. A case once completed stays completed."""
    _require_kind(module, Module.Kind.SCENARIO)
    _ensure_enrolled(user=user, module=module)
    progress = _progress_locked(user=user, module=module)
    was_completed = progress.is_completed
    progress.state = {
        "current": module.data["start"],
        "path": [],
        "restarts": int(progress.state.get("restarts", 0)) + 1,
    }
    return _finish(user=user, module=module, progress=progress, was_completed=was_completed)
