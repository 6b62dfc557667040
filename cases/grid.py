"""The incident evaluation grid (grille d'évaluation de l'incident), written once.

Its questions, their order, labels and choices, which of them must be answered before the
grid goes to the police, and the rule that raises the youth-protection (DPJ) reminder live
here. The model (cases.models.Grid), the form, the case page, the hand-off snapshot, its PDF
and the police's view all read this module, so that a question is never listed twice.

An empty value means nobody answered the question: it is shown as "Non répondu" everywhere,
and never counts as an answer. "Ne sait pas" is an answer, chosen explicitly.

Grids saved before the questions started unanswered kept values that may have been defaults
nobody chose; their questions are listed in `Grid.to_confirm` (migration 0004) until the
intervener answers each one again. Such a value is shown "à confirmer", raises no reminder, and
keeps the grid from being complete.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

NOT_ANSWERED = _("Non répondu")
TO_CONFIRM = _("à confirmer")

YES, NO, UNKNOWN = "yes", "no", "unknown"
YES_NO_UNKNOWN = ((YES, _("Oui")), (NO, _("Non")), (UNKNOWN, _("Ne sait pas")))

RELATIONSHIP = (
    ("couple", _("Relation amoureuse, actuelle ou passée")),
    ("friends", _("Amis ou connaissances")),
    ("strangers", _("Inconnus ou contact en ligne")),
    ("adult", _("Un adulte est en cause")),
    (UNKNOWN, _("Ne sait pas")),
)
RECIPIENTS = (
    ("0", _("Aucun autre destinataire connu")),
    ("1", _("Une personne")),
    ("2-5", _("De 2 à 5 personnes")),
    ("6+", _("6 personnes ou plus")),
    (UNKNOWN, _("Ne sait pas")),
)
SCHOOL_IMPACT = (
    ("none", _("Aucun impact direct sur le milieu scolaire")),
    ("some", _("Impact sur quelques élèves")),
    ("wide", _("Impact important sur le milieu scolaire")),
)

# The victim's age is asked as a number in this range.
AGE_MIN, AGE_MAX = 4, 25


@dataclass(frozen=True)
class Question:
    name: str  # the Grid field that holds the answer
    label: Promise
    kind: str  # "choice", "age", "line" or "text"
    choices: tuple[tuple[str, Promise], ...] = ()
    # Whether the grid may go to the police without an answer to it.
    required: bool = True
    help_text: Promise | str = ""

    def display(self, value: Any) -> str:
        """The answer in words, in the active language; "Non répondu" when there is none."""
        if value is None or value == "":
            return str(NOT_ANSWERED)
        if self.choices:
            return str(dict(self.choices).get(value, value))
        return str(value)


QUESTIONS: tuple[Question, ...] = (
    Question("victim_age", _("Âge de l'élève victime"), "age"),
    Question("alleged_ages", _("Âge des auteurs présumés"), "line", required=False,
             help_text=_("Par exemple «\u00a015 et 16 ans\u00a0». Laissez vide si personne n'est "
                         "identifié.")),
    Question("relationship", _("Relation entre les jeunes"), "choice", RELATIONSHIP),
    Question("consent_to_creation",
             _("L'image a-t-elle été produite avec le consentement de la victime?"), "choice",
             YES_NO_UNKNOWN),
    Question("consent_to_sharing", _("La victime a-t-elle consenti à la diffusion?"),
             "choice", YES_NO_UNKNOWN),
    Question("pressure_or_threats", _("Pression, menace ou chantage (sextorsion)?"), "choice",
             YES_NO_UNKNOWN),
    Question("adult_involved", _("Un adulte est-il impliqué?"), "choice", YES_NO_UNKNOWN),
    Question("recipients", _("Nombre de destinataires"), "choice", RECIPIENTS),
    Question("intent_to_harm", _("Signes d'une intention de nuire ou d'humilier?"), "choice",
             YES_NO_UNKNOWN),
    Question("school_impact", _("Impact sur le milieu scolaire"), "choice", SCHOOL_IMPACT),
    Question("notes", _("Précisions"), "text", required=False),
)
BY_NAME: dict[str, Question] = {question.name: question for question in QUESTIONS}
CHOICE_QUESTIONS = tuple(q.name for q in QUESTIONS if q.kind == "choice")


def label(name: str) -> Promise:
    return BY_NAME[name].label


def _given(answers: Mapping[str, Any], name: str, to_confirm) -> Any:
    """The answer someone gave to `name`, or None (no answer, or one still to confirm)."""
    if name in to_confirm:
        return None
    value = answers.get(name)
    return None if value == "" else value


def unanswered(answers: Mapping[str, Any], *, to_confirm=()) -> list[Question]:
    """The required questions without an answer given: empty, or kept from before and still
    to be confirmed. The grid is complete when this is empty."""
    return [q for q in QUESTIONS
            if q.required and _given(answers, q.name, to_confirm) is None]


def youth_protection_signs(answers: Mapping[str, Any], *, to_confirm=()) -> list[str]:
    """The answers given that point to a possible duty to report to the DPJ (Youth Protection
    Act, ss. 38-39). Only answers actually given count: an unanswered question, or one kept
    from before and not yet confirmed, raises nothing. The tool only reminds: deciding and
    reporting stay the person's own duty.
    """
    def given(name):
        return _given(answers, name, to_confirm)

    signs = []
    if given("adult_involved") == YES or given("relationship") == "adult":
        signs.append(str(_("Un adulte est impliqué (exploitation sexuelle possible).")))
    if given("pressure_or_threats") == YES:
        signs.append(str(_("Pression, menace ou chantage : sextorsion possible.")))
    if given("consent_to_creation") == NO:
        signs.append(str(_("L'image aurait été produite sans consentement (abus sexuel "
                           "possible).")))
    age = given("victim_age")
    if age is not None and age < 12:
        signs.append(str(_("L'élève victime a moins de 12 ans.")))
    return signs


@dataclass(frozen=True)
class Answer:
    question: Question
    value: Any
    shown: str  # in words: the answer, "Non répondu", or the kept value "à confirmer"
    answered: bool
    to_confirm: bool


def answers_shown(answers: Mapping[str, Any], *, to_confirm=()) -> list[Answer]:
    """Every question in order, with its answer as a reader sees it."""
    rows = []
    for question in QUESTIONS:
        value = answers.get(question.name)
        pending = question.name in to_confirm
        shown = question.display(value)
        if pending and value not in (None, ""):
            shown = f"{shown} ({TO_CONFIRM})"
        rows.append(Answer(question=question, value=value, shown=shown,
                           answered=value not in (None, "") and not pending,
                           to_confirm=pending))
    return rows


def grid_answers(grid) -> dict[str, Any]:
    """A Grid's answers by question name (a grid not yet started answers nothing)."""
    if grid is None:
        return {}
    return {question.name: getattr(grid, question.name) for question in QUESTIONS}
