"""Programs, their levels and modules, and each learner's progress.

Translatable text is stored as {"fr": ..., "en": ...} (see core.text.localized): content comes
from the versioned files under content/, which carry both languages side by side.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel


class LevelKind(models.TextChoices):
    EXPLORATEUR = "explorateur", _("Explorateur")
    ARCHITECTE = "architecte", _("Architecte")
    VIRTUOSE = "virtuose", _("Virtuose")
    INNOVATEUR = "innovateur", _("Innovateur")


class Program(BaseModel):
    """One version of a program, as loaded from one content file.

    Personal information: no.
    A program slug may have several versions; learners see the newest published one, and a
    learner who started an older version keeps it (their Enrollment says which).
    """

    slug = models.SlugField(max_length=80)
    version = models.PositiveIntegerField()
    title = models.JSONField()
    summary = models.JSONField()
    description = models.JSONField()
    source_file = models.CharField(max_length=255)
    source_sha256 = models.CharField(max_length=64)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["slug", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "version"], name="program_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.slug} v{self.version}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class Level(BaseModel):
    """A level of a program (Explorateur, Architecte...). Personal information: no."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="levels")
    kind = models.CharField(max_length=20, choices=LevelKind.choices)
    position = models.PositiveSmallIntegerField()
    title = models.JSONField()
    description = models.JSONField()
    # [{"id": "q1", "title": {...}, "prompt": {...}}]: the reflective questions whose answers
    # become the evidence of a badge request.
    evidence_questions = models.JSONField(default=list, blank=True)
    # The badge this level leads to, as written in the content file ({} for none); the badges
    # app turns it into a BadgeClass when the content is loaded.
    badge = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["program", "position"]
        constraints = [
            models.UniqueConstraint(fields=["program", "kind"], name="level_kind_unique"),
            models.UniqueConstraint(fields=["program", "position"], name="level_position_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.program} / {self.kind}"


class Module(BaseModel):
    """A reading page, a quiz or an interactive case scenario. Personal information: no."""

    class Kind(models.TextChoices):
        READING = "reading", _("Lecture")
        QUIZ = "quiz", _("Questionnaire")
        SCENARIO = "scenario", _("Mise en situation")

    level = models.ForeignKey(Level, on_delete=models.CASCADE, related_name="modules")
    slug = models.SlugField(max_length=80)
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    title = models.JSONField()
    # reading: {"body": {fr, en}}; quiz: {"questions": [...]}; scenario: {"start", "steps", ...}
    # The shapes are validated by training.content_schema when the file is loaded.
    data = models.JSONField()

    class Meta:
        ordering = ["level", "position"]
        constraints = [
            models.UniqueConstraint(fields=["level", "slug"], name="module_slug_unique"),
            models.UniqueConstraint(fields=["level", "position"], name="module_position_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.level} / {self.slug}"


class Enrollment(BaseModel):
    """A learner taking one version of a program. Personal information: yes (who learns what)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="enrollments")
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="enrollments")
    program_slug = models.SlugField(max_length=80)

    class Meta:
        constraints = [
            # One version of a given program per learner.
            models.UniqueConstraint(fields=["user", "program_slug"], name="enrollment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.program}"


class ModuleProgress(BaseModel):
    """Where a learner is in one module. Personal information: yes (their answers and choices).

    `state` holds what resuming needs: for a scenario the current step and the path of
    choices taken; for a quiz the last answers.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="module_progress")
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="progress")
    state = models.JSONField(default=dict, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "module"], name="module_progress_unique"),
        ]
        indexes = [models.Index(fields=["user", "completed_at"])]

    def __str__(self) -> str:
        return f"{self.user} / {self.module}"

    @property
    def is_completed(self) -> bool:
        return self.completed_at is not None


class LevelCompletion(BaseModel):
    """A learner finished every module of a level. Personal information: yes."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="level_completions")
    level = models.ForeignKey(Level, on_delete=models.CASCADE, related_name="completions")
    completed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "level"], name="level_completion_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} completed {self.level}"


__all__ = ["Enrollment", "Level", "LevelCompletion", "LevelKind", "Module", "ModuleProgress",
           "Program"]
