"""Fixtures for the badges tests: a small fictional program built with the ORM."""

from types import SimpleNamespace

import pytest
from django.utils import timezone

from badges.services import badge_classes_sync
from training.models import Level, LevelCompletion, Module, Program


def _t(fr: str, en: str) -> dict:
    return {"fr": fr, "en": en}


QUESTIONS = [
    {"id": "q1", "title": _t("Question 1 - Résumez les étapes", "Question 1 - Summarise the steps"),
     "prompt": _t("Nommez les étapes dans l'ordre.", "Name the steps in order.")},
    {"id": "q2", "title": _t("Question 2 - Ce que j'ai appris", "Question 2 - What I learned"),
     "prompt": _t("Appuyez-vous sur les trois cas.", "Draw on the three cases.")},
]

ANSWERS = {"q1": "Rencontrer, confisquer sans regarder, appeler la police.",
           "q2": "Toujours appeler le corps de police."}


@pytest.fixture
def program(db):
    """A published program with an automatic Explorateur badge and a reviewed Architecte one."""
    program = Program.objects.create(
        slug="trousse-fictive", version=1,
        title=_t("Trousse fictive", "Fictional kit"),
        summary=_t("Résumé.", "Summary."),
        description=_t("Description du **programme** fictif.",
                       "Description of the fictional program."),
        source_file="trousse-fictive.yaml", source_sha256="0" * 64,
        published_at=timezone.now(),
    )
    explorateur = Level.objects.create(
        program=program, kind="explorateur", position=1,
        title=_t("Explorateur", "Explorer"), description=_t("Niveau 1.", "Level 1."),
        badge={"slug": "fictif-explorateur", "name": _t("Trousse fictive 1 – Explorateur",
                                                        "Fictional kit 1 – Explorer"),
               "description": _t("Bases.", "Basics."), "criteria": _t("Finir.", "Finish."),
               "auto_grant": True, "requires_agreement": True, "validity_days": None},
    )
    architecte = Level.objects.create(
        program=program, kind="architecte", position=2,
        title=_t("Architecte", "Architect"), description=_t("Niveau 2.", "Level 2."),
        evidence_questions=QUESTIONS,
        badge={"slug": "fictif-architecte", "name": _t("Trousse fictive 2 – Architecte",
                                                       "Fictional kit 2 – Architect"),
               "description": _t("Cas.", "Cases."), "criteria": _t("Répondre.", "Answer."),
               "auto_grant": False, "requires_agreement": True, "validity_days": 365},
    )
    for level in (explorateur, architecte):
        Module.objects.create(level=level, slug="lecture", position=1, kind="reading",
                              title=_t("Lecture", "Reading"), data={"body": _t("Texte", "Text")})
    classes = {b.slug: b for b in badge_classes_sync(program=program)}
    return SimpleNamespace(
        program=program, explorateur=explorateur, architecte=architecte,
        explorateur_class=classes["fictif-explorateur"],
        architecte_class=classes["fictif-architecte"],
    )


def complete(user, level) -> None:
    LevelCompletion.objects.get_or_create(user=user, level=level,
                                          defaults={"completed_at": timezone.now()})


@pytest.fixture
def answers() -> dict:
    return dict(ANSWERS)


@pytest.fixture
def submitted(world, program, answers):
    """The eligible learner finished the Architecte level and asked for its badge."""
    from badges.services import badge_request_submit

    complete(world.learner, program.architecte)
    return badge_request_submit(applicant=world.learner, level=program.architecte,
                                answers=answers)
