"""Read-only questions about programs and progress, used by training and by the badges app."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from training.models import Enrollment, Level, LevelCompletion, Module, ModuleProgress, Program


def level_is_completed(*, user, level: Level) -> bool:
    return LevelCompletion.objects.filter(user=user, level=level).exists()


# --- programs -------------------------------------------------------------------------------


def programs_published() -> list[Program]:
    """The newest published version of each program: what a new learner would start."""
    newest: dict[str, Program] = {}
    for program in Program.objects.filter(published_at__isnull=False).order_by("slug",
                                                                                "-version"):
        newest.setdefault(program.slug, program)
    return list(newest.values())


def program_newest_published(*, slug: str) -> Program | None:
    return (
        Program.objects.filter(slug=slug, published_at__isnull=False).order_by("-version").first()
    )


def programs_all() -> QuerySet[Program]:
    """Every version, drafts included (for program authors)."""
    return Program.objects.order_by("slug", "-version")


def enrollment_get(*, user, program_slug: str) -> Enrollment | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Enrollment.objects.filter(user=user, program_slug=program_slug)
        .select_related("program")
        .first()
    )


def program_for_user(*, user, slug: str) -> Program | None:
    """The version this person sees: the one they started, else the newest published one."""
    enrollment = enrollment_get(user=user, program_slug=slug)
    if enrollment is not None:
        return enrollment.program
    return program_newest_published(slug=slug)


def program_levels(*, program: Program) -> list[Level]:
    """Levels in order, each with its modules (in order) already fetched."""
    return list(
        program.levels.order_by("position").prefetch_related(
            Prefetch("modules", queryset=Module.objects.order_by("position"))
        )
    )


def module_get(*, program: Program, level_kind: str, module_slug: str) -> Module | None:
    return (
        Module.objects.filter(level__program=program, level__kind=level_kind, slug=module_slug)
        .select_related("level", "level__program")
        .first()
    )


def module_neighbours(*, module: Module) -> tuple[Module | None, Module | None]:
    """The modules before and after this one, across levels, in program order."""
    # Only what a link to a module needs: every module's content (reading bodies, quiz
    # questions, scenarios: JSON decoded row by row) was a third of a module page's time.
    modules = list(
        Module.objects.filter(level__program=module.level.program)
        .select_related("level", "level__program")
        .only("slug", "title", "kind", "position", "level__kind", "level__position",
              "level__program__slug", "level__program__version")
        .order_by("level__position", "position")
    )
    ids = [m.id for m in modules]
    index = ids.index(module.id)
    previous = modules[index - 1] if index > 0 else None
    following = modules[index + 1] if index + 1 < len(modules) else None
    return previous, following


# --- progress -------------------------------------------------------------------------------


def module_progress_get(*, user, module: Module) -> ModuleProgress | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return ModuleProgress.objects.filter(user=user, module=module).first()


def level_modules_all_completed(*, user, level: Level) -> bool:
    total = level.modules.count()
    done = ModuleProgress.objects.filter(
        user=user, module__level=level, completed_at__isnull=False
    ).count()
    return total > 0 and done >= total


@dataclass
class ModuleStatus:
    module: Module
    progress: ModuleProgress | None

    @property
    def completed(self) -> bool:
        return self.progress is not None and self.progress.is_completed

    @property
    def started(self) -> bool:
        return self.progress is not None


def _percent(done: int, total: int) -> int:
    return round(100 * done / total) if total else 0


@dataclass
class LevelProgress:
    level: Level
    modules: list[ModuleStatus]
    completed_level: bool = False
    badge_url: str = ""  # filled in by the view: where a finished level leads (the badge)

    @property
    def completed(self) -> int:
        return sum(1 for status in self.modules if status.completed)

    @property
    def total(self) -> int:
        return len(self.modules)

    @property
    def percent(self) -> int:
        return _percent(self.completed, self.total)


@dataclass
class ProgramProgress:
    program: Program
    enrollment: Enrollment | None
    levels: list[LevelProgress] = field(default_factory=list)

    @property
    def completed(self) -> int:
        return sum(level.completed for level in self.levels)

    @property
    def total(self) -> int:
        return sum(level.total for level in self.levels)

    @property
    def percent(self) -> int:
        return _percent(self.completed, self.total)

    @property
    def resume_module(self) -> Module | None:
        """Where to carry on: the first module not yet completed."""
        for level in self.levels:
            for status in level.modules:
                if not status.completed:
                    return status.module
        return None

    @property
    def first_module(self) -> Module | None:
        for level in self.levels:
            if level.modules:
                return level.modules[0].module
        return None


def program_progress(*, user, program: Program) -> ProgramProgress:
    """Every level and module of a version with this person's progress (none if anonymous)."""
    levels = program_levels(program=program)
    progress: dict = {}
    completed_levels: set = set()
    enrollment = None
    if getattr(user, "is_authenticated", False):
        progress = {
            p.module_id: p
            for p in ModuleProgress.objects.filter(user=user, module__level__program=program)
        }
        completed_levels = set(
            LevelCompletion.objects.filter(user=user, level__program=program)
            .values_list("level_id", flat=True)
        )
        enrollment = Enrollment.objects.filter(user=user, program=program).first()
    result = ProgramProgress(program=program, enrollment=enrollment)
    for level in levels:
        # Module positions and the level are already known; attach them to avoid queries.
        statuses = []
        for module in level.modules.all():
            module.level = level
            statuses.append(ModuleStatus(module=module, progress=progress.get(module.id)))
        result.levels.append(
            LevelProgress(level=level, modules=statuses,
                          completed_level=level.id in completed_levels)
        )
    return result


# --- quiz -----------------------------------------------------------------------------------


@dataclass
class QuestionFeedback:
    question: dict
    answer: str | None
    correct: bool

    @property
    def answered(self) -> bool:
        return self.answer is not None

    @property
    def answer_option(self) -> dict | None:
        return next((o for o in self.question["options"] if o["id"] == self.answer), None)


def quiz_correct_answers(*, module: Module) -> dict[str, str]:
    return {
        question["id"]: next(o["id"] for o in question["options"] if o["correct"])
        for question in module.data["questions"]
    }


def quiz_feedback(*, module: Module, answers: dict[str, str]) -> list[QuestionFeedback]:
    correct = quiz_correct_answers(module=module)
    return [
        QuestionFeedback(
            question=question,
            answer=answers.get(question["id"]),
            correct=answers.get(question["id"]) == correct[question["id"]],
        )
        for question in module.data["questions"]
    ]


# --- scenario -------------------------------------------------------------------------------


def scenario_step(*, module: Module, step_id: str) -> dict | None:
    return next((s for s in module.data["steps"] if s["id"] == step_id), None)


@dataclass
class PathEntry:
    number: int
    step: dict
    choice: dict

    @property
    def follows_method(self) -> bool:
        return bool(self.choice.get("follows_method"))


@dataclass
class ScenarioState:
    current: dict
    path: list[PathEntry]

    @property
    def ended(self) -> bool:
        return not self.current.get("choices")

    @property
    def last(self) -> PathEntry | None:
        return self.path[-1] if self.path else None

    @property
    def step_number(self) -> int:
        return len(self.path) + 1

    @property
    def followed_count(self) -> int:
        return sum(1 for entry in self.path if entry.follows_method)


def scenario_state(*, module: Module, progress: ModuleProgress | None) -> ScenarioState:
    """The current step and the path of decisions so far, resolved against the content."""
    state = progress.state if progress is not None else {}
    current = scenario_step(module=module, step_id=state.get("current") or module.data["start"])
    if current is None:  # cannot happen with validated content; start over rather than fail
        current = scenario_step(module=module, step_id=module.data["start"])
    path = []
    for number, taken in enumerate(state.get("path", []), start=1):
        step = scenario_step(module=module, step_id=taken["step"]) or {}
        choice = next((c for c in step.get("choices", []) if c["id"] == taken["choice"]), None)
        if choice is not None:
            path.append(PathEntry(number=number, step=step, choice=choice))
    return ScenarioState(current=current, path=path)


# --- Law 25 ---------------------------------------------------------------------------------


def personal_data(user) -> dict:
    """What this app holds about a person (for a Law 25 access request)."""
    return {
        "enrollments": [
            {"program": e.program_slug, "version": e.program.version,
             "started_at": e.created_at.isoformat()}
            for e in Enrollment.objects.filter(user=user).select_related("program")
        ],
        "module_progress": [
            {
                "program": p.module.level.program.slug,
                "version": p.module.level.program.version,
                "level": p.module.level.kind,
                "module": p.module.slug,
                "state": p.state,
                "completed_at": p.completed_at.isoformat() if p.completed_at else None,
            }
            for p in ModuleProgress.objects.filter(user=user).select_related(
                "module__level__program"
            )
        ],
        "level_completions": [
            {"program": c.level.program.slug, "version": c.level.program.version,
             "level": c.level.kind, "completed_at": c.completed_at.isoformat()}
            for c in LevelCompletion.objects.filter(user=user).select_related("level__program")
        ],
    }
