"""The training panel on the person's home (training.home): everyone's own progress, with the
way to carry on."""

import pytest
from django.test import Client
from django.urls import reverse

from core.tests.homepage import home, panel, panel_keys
from training.services import enrollment_start, module_progress_record


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_someone_who_has_not_started_is_offered_to_start(world, program):
    section = panel(home(signed_in(world.learner)), "training")
    assert "Mini Sexto" in section
    assert "Vous n'avez pas encore commencé cette formation." in section
    assert f'action="{reverse("training:start", args=["mini-sexto"])}"' in section


def test_a_learner_sees_their_progress_and_continues_where_they_were(world, program, modules):
    enrollment_start(user=world.learner, program=program)
    module_progress_record(user=world.learner, module=modules["le-phenomene"])
    section = panel(home(signed_in(world.learner)), "training")
    assert '<progress class="progress" max="3" value="1"' in section
    assert "1 module sur 3 terminé" in section
    # Carrying on: the first module not completed, the quiz.
    verifier = modules["verifier"]
    resume = reverse("training:module", args=["mini-sexto", verifier.level.kind, "verifier"])
    assert f'href="{resume}"' in section
    assert "Prochain module : Vérifier ses acquis" in section
    # Someone else's progress is theirs alone.
    other = panel(home(signed_in(world.principal)), "training")
    assert "pas encore commencé" in other


@pytest.mark.parametrize("who", ["learner", "principal", "reviewer", "police", "org_admin",
                                 "outsider", "platform_admin"])
def test_everyone_signed_in_has_the_panel(world, program, who):
    assert "training" in panel_keys(home(signed_in(getattr(world, who))))


def test_no_panel_when_nothing_is_published(world):
    assert "training" not in panel_keys(home(signed_in(world.learner)))
