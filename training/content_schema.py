"""The shape of a program content file (content/README.md, "format: 1").

Pydantic checks the shape: required keys, no unknown keys (a misspelt key would otherwise be
dropped silently), both languages present and not blank. Strict mode keeps YAML's guesses
honest: `fr: non` is read by YAML as the boolean false, and strict mode refuses it instead of
storing "False" as French text. The rules that need the whole document (unique ids, the
scenario graph) are in `semantic_errors`, which returns every problem rather than the first,
so that an author fixes a file in one pass.
"""

from __future__ import annotations

import json
from collections import deque
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError

SLUG_MAX = 80
ID_MAX = 40
_SLUG_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-")
_ID_CHARS = _SLUG_CHARS | set("ABCDEFGHIJKLMNOPQRSTUVWXYZ_")

# The module kinds; pydantic puts the kind into an error's location, and `place_from_loc`
# removes it again so that places read like the file.
MODULE_KINDS = ("reading", "quiz", "scenario")


def _not_blank(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("blank", "must not be blank")
    return value


def _slug(value: str) -> str:
    if (
        not value
        or len(value) > SLUG_MAX
        or not set(value) <= _SLUG_CHARS
        or value.startswith("-")
        or value.endswith("-")
        or "--" in value
    ):
        raise PydanticCustomError("slug", "invalid slug {value}", {"value": value})
    return value


def _identifier(value: str) -> str:
    # Ids travel in forms and URLs: keep them to letters, digits, hyphens and underscores.
    if not value or len(value) > ID_MAX or not set(value) <= _ID_CHARS:
        raise PydanticCustomError("identifier", "invalid id {value}", {"value": value})
    return value


NonBlank = Annotated[str, AfterValidator(_not_blank)]
Slug = Annotated[str, AfterValidator(_slug)]
Identifier = Annotated[str, AfterValidator(_identifier)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Text(_Strict):
    """Text a learner reads, in both languages."""

    fr: NonBlank
    en: NonBlank


class Badge(_Strict):
    slug: Slug
    name: Text
    description: Text
    criteria: Text
    auto_grant: bool = False
    requires_agreement: bool = True
    validity_days: Annotated[int, Field(gt=0)] | None = None


class EvidenceQuestion(_Strict):
    id: Identifier
    title: Text
    prompt: Text


class ReadingModule(_Strict):
    slug: Slug
    kind: Literal["reading"]
    title: Text
    body: Text


class QuizOption(_Strict):
    id: Identifier
    label: Text
    correct: bool


class QuizQuestion(_Strict):
    id: Identifier
    prompt: Text
    options: list[QuizOption] = Field(min_length=2)
    explanation: Text


class QuizModule(_Strict):
    slug: Slug
    kind: Literal["quiz"]
    title: Text
    intro: Text | None = None
    questions: list[QuizQuestion] = Field(min_length=1)


class ScenarioChoice(_Strict):
    id: Identifier
    label: Text
    feedback: Text
    follows_method: bool
    next: Identifier


class ScenarioStep(_Strict):
    id: Identifier
    situation: Text
    choices: list[ScenarioChoice] = Field(default_factory=list)

    @property
    def is_ending(self) -> bool:
        return not self.choices


class ScenarioModule(_Strict):
    slug: Slug
    kind: Literal["scenario"]
    title: Text
    intro: Text
    start: Identifier
    steps: list[ScenarioStep] = Field(min_length=1)
    debrief: Text


ModuleDocument = Annotated[
    ReadingModule | QuizModule | ScenarioModule, Field(discriminator="kind")
]


class LevelDocument(_Strict):
    kind: Literal["explorateur", "architecte", "virtuose", "innovateur"]
    title: Text
    description: Text
    badge: Badge | None = None
    evidence_questions: list[EvidenceQuestion] = Field(default_factory=list)
    modules: list[ModuleDocument] = Field(min_length=1)


class ProgramDocument(_Strict):
    """A whole content file, validated."""

    format: Literal[1]
    slug: Slug
    version: Annotated[int, Field(gt=0)]
    title: Text
    summary: Text
    description: Text
    levels: list[LevelDocument] = Field(min_length=1)

    def badge_slugs(self) -> list[tuple[int, str]]:
        return [(i, level.badge.slug) for i, level in enumerate(self.levels) if level.badge]


# --- places ---------------------------------------------------------------------------------

Loc = tuple[str | int, ...]


def clean_loc(loc: tuple) -> Loc:
    """Drop the discriminator tags pydantic inserts after `modules[i]`."""
    cleaned: list[str | int] = []
    for index, part in enumerate(loc):
        if (
            part in MODULE_KINDS
            and index >= 2
            and isinstance(loc[index - 1], int)
            and loc[index - 2] == "modules"
        ):
            continue
        cleaned.append(part)
    return tuple(cleaned)


def place_from_loc(loc: Loc) -> str:
    """("levels", 1, "modules", 2) -> "levels[1].modules[2]" (indexes from 0, as in the file)."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif part and set(part) <= _ID_CHARS:
            text += f".{part}" if text else part
        else:
            # A key that is not a plain word (often a YAML slip such as "Oui, on..." read as
            # a key): quote it so the place stays readable.
            text += f"[{json.dumps(str(part), ensure_ascii=False)}]"
    return text or "(document)"


# --- rules beyond the shape -----------------------------------------------------------------


def semantic_errors(doc: ProgramDocument) -> list[tuple[Loc, str]]:
    """Every rule that needs more than one value at a time. Messages are translated."""
    # Imported here so that the schema module itself has no Django dependency at import time.
    from django.utils.translation import gettext as _

    errors: list[tuple[Loc, str]] = []

    def duplicates(items, key: str, base: Loc, message: str) -> None:
        seen: dict[str, int] = {}
        for index, item in enumerate(items):
            value = getattr(item, key)
            if value in seen:
                errors.append(((*base, index, key), message % {
                    "value": value, "other": place_from_loc((*base, seen[value]))}))
            else:
                seen[value] = index

    duplicates(doc.levels, "kind", ("levels",),
               _("le niveau « %(value)s » apparaît déjà (%(other)s) : chaque niveau "
                 "n'apparaît qu'une fois"))
    badge_seen: dict[str, int] = {}
    for level_index, badge_slug in doc.badge_slugs():
        if badge_slug in badge_seen:
            errors.append((
                ("levels", level_index, "badge", "slug"),
                _("le badge « %(slug)s » est déjà déclaré par levels[%(other)s]")
                % {"slug": badge_slug, "other": badge_seen[badge_slug]},
            ))
        else:
            badge_seen[badge_slug] = level_index

    for level_index, level in enumerate(doc.levels):
        level_loc: Loc = ("levels", level_index)
        duplicates(level.modules, "slug", (*level_loc, "modules"),
                   _("« %(value)s » est déjà utilisé dans ce niveau (%(other)s)"))
        duplicates(level.evidence_questions, "id", (*level_loc, "evidence_questions"),
                   _("« %(value)s » est déjà utilisé dans ce niveau (%(other)s)"))
        if level.evidence_questions and level.badge is None:
            errors.append((
                (*level_loc, "evidence_questions"),
                _("des questions de preuve mènent à une demande de badge : ce niveau doit "
                  "déclarer un badge (badge)"),
            ))
        for module_index, module in enumerate(level.modules):
            module_loc: Loc = (*level_loc, "modules", module_index)
            if isinstance(module, QuizModule):
                errors.extend(_quiz_errors(module, module_loc))
            elif isinstance(module, ScenarioModule):
                errors.extend(_scenario_errors(module, module_loc))
    return errors


def _quiz_errors(module: QuizModule, base: Loc) -> list[tuple[Loc, str]]:
    from django.utils.translation import gettext as _
    from django.utils.translation import ngettext

    errors: list[tuple[Loc, str]] = []
    seen: dict[str, int] = {}
    for index, question in enumerate(module.questions):
        question_loc: Loc = (*base, "questions", index)
        if question.id in seen:
            errors.append(((*question_loc, "id"),
                           _("« %(value)s » est déjà utilisé dans ce questionnaire")
                           % {"value": question.id}))
        seen.setdefault(question.id, index)
        option_ids: set[str] = set()
        for option_index, option in enumerate(question.options):
            if option.id in option_ids:
                errors.append(((*question_loc, "options", option_index, "id"),
                               _("« %(value)s » est déjà utilisé dans cette question")
                               % {"value": option.id}))
            option_ids.add(option.id)
        correct = sum(1 for option in question.options if option.correct)
        if correct != 1:
            errors.append(((*question_loc, "options"), ngettext(
                "une question a exactement une bonne réponse (correct: true) ; "
                "celle-ci en a %(count)d",
                "une question a exactement une bonne réponse (correct: true) ; "
                "celle-ci en a %(count)d",
                correct,
            ) % {"count": correct}))
    return errors


def _scenario_errors(module: ScenarioModule, base: Loc) -> list[tuple[Loc, str]]:
    from django.utils.translation import gettext as _

    errors: list[tuple[Loc, str]] = []
    index_of: dict[str, int] = {}
    for index, step in enumerate(module.steps):
        if step.id in index_of:
            errors.append(((*base, "steps", index, "id"),
                           _("« %(value)s » est déjà utilisé dans cette mise en situation")
                           % {"value": step.id}))
        else:
            index_of[step.id] = index

    if module.start not in index_of:
        errors.append(((*base, "start"),
                       _("l'étape « %(step)s » n'existe pas") % {"step": module.start}))

    edges: dict[str, set[str]] = {step_id: set() for step_id in index_of}
    for index, step in enumerate(module.steps):
        step_loc: Loc = (*base, "steps", index)
        if len(step.choices) == 1:
            errors.append(((*step_loc, "choices"),
                           _("une étape offre au moins deux choix, ou aucun si elle termine "
                             "la mise en situation")))
        if step.choices and not any(choice.follows_method for choice in step.choices):
            errors.append(((*step_loc, "choices"),
                           _("au moins un choix doit suivre la méthode (follows_method: true)")))
        choice_ids: set[str] = set()
        for choice_index, choice in enumerate(step.choices):
            choice_loc: Loc = (*step_loc, "choices", choice_index)
            if choice.id in choice_ids:
                errors.append(((*choice_loc, "id"),
                               _("« %(value)s » est déjà utilisé dans cette étape")
                               % {"value": choice.id}))
            choice_ids.add(choice.id)
            if choice.next not in index_of:
                errors.append(((*choice_loc, "next"),
                               _("l'étape « %(step)s » n'existe pas") % {"step": choice.next}))
            elif index_of.get(step.id) == index:
                edges[step.id].add(choice.next)

    # The graph checks only make sense once every id is unique and every `next` resolves.
    if errors:
        return errors

    reachable = _walk(module.start, edges)
    for index, step in enumerate(module.steps):
        if step.id not in reachable:
            errors.append(((*base, "steps", index),
                           _("l'étape « %(step)s » ne peut pas être atteinte depuis le départ "
                             "« %(start)s »") % {"step": step.id, "start": module.start}))

    endings = {step.id for step in module.steps if step.is_ending}
    if not endings:
        errors.append(((*base, "steps"),
                       _("aucune étape ne termine la mise en situation : au moins une étape "
                         "doit être sans choix")))
        return errors
    reverse: dict[str, set[str]] = {step_id: set() for step_id in edges}
    for source, targets in edges.items():
        for target in targets:
            reverse[target].add(source)
    can_end: set[str] = set()
    for ending in endings:
        can_end |= _walk(ending, reverse)
    for index, step in enumerate(module.steps):
        if step.id not in can_end:
            errors.append(((*base, "steps", index),
                           _("aucune fin ne peut être atteinte depuis l'étape « %(step)s » "
                             "(boucle sans issue)") % {"step": step.id}))
    return errors


def _walk(start: str, edges: dict[str, set[str]]) -> set[str]:
    seen = {start}
    queue = deque([start])
    while queue:
        for target in edges.get(queue.popleft(), ()):
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return seen
