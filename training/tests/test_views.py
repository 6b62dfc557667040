"""Every training page: success, 404, 403, 405 and the anonymous redirect to login."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from training.content import content_load
from training.models import Enrollment, LevelCompletion, ModuleProgress, Program
from training.services import module_progress_record, quiz_submit, scenario_choose
from training.tests.conftest import CORRECT_QUIZ, MINI, mini_data, write_yaml

HTMX = {"HTTP_HX_REQUEST": "true"}


def url_module(module, name="training:module"):
    return reverse(name, args=["mini-sexto", module.level.kind, module.slug])


def assert_login_redirect(response):
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def learner_client(client, world):
    client.force_login(world.learner)
    return client


# --- home -----------------------------------------------------------------------------------


def test_home_lists_published_programs_only(client, world, program, tmp_path):
    data = mini_data()
    data["slug"] = "brouillon"
    for level in data["levels"]:
        level.pop("badge")
        level.pop("evidence_questions", None)
    content_load(write_yaml(tmp_path, data))
    response = client.get(reverse("training:home"))
    assert response.status_code == 200
    body = text(response)
    assert "Mini Sexto" in body
    assert reverse("training:program", args=["mini-sexto"]) in body
    assert reverse("training:program", args=["brouillon"]) not in body
    assert "<progress" not in body  # nothing to show for an anonymous visitor


def test_home_shows_the_learners_progress(learner_client, world, modules):
    module_progress_record(user=world.learner, module=modules["le-phenomene"])
    body = text(learner_client.get(reverse("training:home")))
    assert "1 module sur 3 terminé" in body
    assert '<progress class="progress" max="3" value="1"' in body


def test_home_wrong_method(client, db):
    assert client.post(reverse("training:home")).status_code == 405


def test_english_paths_are_translated(client, program):
    with translation.override("en"):
        url = reverse("training:program", args=["mini-sexto"])
    assert url == "/en/training/mini-sexto/"
    response = client.get(url)
    assert response.status_code == 200
    body = text(response)
    assert "Your progress" in body and "Log in to start" in body
    assert "Explorer: Discover" in body


# --- program --------------------------------------------------------------------------------


def test_program_page_for_an_anonymous_visitor(client, program):
    response = client.get(reverse("training:program", args=["mini-sexto"]))
    assert response.status_code == 200
    body = text(response)
    assert "<h1>Mini Sexto</h1>" in body
    assert "<strong>d'essai</strong>" in body or "<strong>d&#x27;essai</strong>" in body
    assert "Se connecter pour commencer" in body
    assert "Découvrir" in body and "Appliquer" in body
    assert "Le phénomène" in body and "Cas de Léa" in body
    assert "entente avec le DPCP" not in body  # eligibility is for logged-in people


def test_program_page_shows_eligibility_and_start_for_a_learner(learner_client):
    content_load(MINI, publish=True)
    body = text(learner_client.get(reverse("training:program", args=["mini-sexto"])))
    assert "Le badge Sexto peut vous être attribué" in body
    assert "École des Pionniers" in body
    assert "Commencer la formation" in body
    assert body.index("peut vous être attribué") < body.index("Commencer la formation")


def test_program_page_warns_an_ineligible_learner_before_starting(client, world, program):
    client.force_login(world.ineligible_learner)
    body = text(client.get(reverse("training:program", args=["mini-sexto"])))
    assert "Le badge ne peut pas vous être attribué pour l'instant" in body
    assert "Vous pouvez tout de même suivre la formation." in body


def test_program_page_shows_progress_bars_and_resume(learner_client, world, modules):
    module_progress_record(user=world.learner, module=modules["le-phenomene"])
    body = text(learner_client.get(reverse("training:program", args=["mini-sexto"])))
    assert "1 module sur 3 terminé" in body  # the program
    assert "1 module sur 2 terminé" in body  # the first level
    assert "0 module sur 1 terminé" in body  # the second level
    assert body.count("<progress") == 3
    assert "Reprendre la formation" in body
    assert url_module(modules["verifier"]) in body


def test_program_page_links_a_finished_level_to_its_badge(learner_client, world, modules):
    module_progress_record(user=world.learner, module=modules["le-phenomene"])
    quiz_submit(user=world.learner, module=modules["verifier"], answers=CORRECT_QUIZ)
    body = text(learner_client.get(reverse("training:program", args=["mini-sexto"])))
    level = modules["verifier"].level
    assert "Niveau terminé." in body
    assert reverse("badges:level_completed", args=[level.id]) in body


def test_program_page_404(client, db, tmp_path):
    assert client.get(reverse("training:program", args=["inconnu"])).status_code == 404
    content_load(MINI)  # a draft only: not public
    assert client.get(reverse("training:program", args=["mini-sexto"])).status_code == 404


def test_program_page_wrong_method(client, program):
    assert client.post(reverse("training:program", args=["mini-sexto"])).status_code == 405


# --- start ----------------------------------------------------------------------------------


def test_start_enrols_and_goes_to_the_first_module(learner_client, world, modules):
    response = learner_client.post(reverse("training:start", args=["mini-sexto"]))
    assert response.status_code == 302
    assert response.url == url_module(modules["le-phenomene"])
    enrollment = Enrollment.objects.get(user=world.learner)
    assert enrollment.program == modules["le-phenomene"].level.program


def test_start_keeps_the_version_already_started(learner_client, world, program, tmp_path):
    learner_client.post(reverse("training:start", args=["mini-sexto"]))
    data = mini_data()
    data["version"] = 2
    content_load(write_yaml(tmp_path, data), publish=True)
    response = learner_client.post(reverse("training:start", args=["mini-sexto"]))
    assert response.status_code == 302
    assert Enrollment.objects.get(user=world.learner).program == program
    body = text(learner_client.get(reverse("training:program", args=["mini-sexto"])))
    assert "Vous suivez la version 1" in body


def test_start_anonymous_wrong_method_and_404(client, world, program):
    url = reverse("training:start", args=["mini-sexto"])
    assert_login_redirect(client.post(url))
    client.force_login(world.learner)
    assert client.get(url).status_code == 405
    assert client.post(reverse("training:start", args=["inconnu"])).status_code == 404
    assert not Enrollment.objects.exists()


# --- reading --------------------------------------------------------------------------------


def test_reading_page_and_completion(learner_client, world, modules):
    reading = modules["le-phenomene"]
    response = learner_client.get(url_module(reading))
    assert response.status_code == 200
    body = text(response)
    assert "<h1>Le phénomène</h1>" in body
    assert "<strong>jamais</strong>" in body
    assert "Marquer comme terminé et continuer" in body
    assert "Module suivant" in body and "Module précédent" not in body
    response = learner_client.post(url_module(reading))
    assert response.status_code == 302
    assert response.url == url_module(modules["verifier"])
    assert ModuleProgress.objects.get(user=world.learner, module=reading).is_completed


def test_finishing_a_level_with_a_reading_leads_to_the_badge(learner_client, world, modules):
    quiz_submit(user=world.learner, module=modules["verifier"], answers=CORRECT_QUIZ)
    response = learner_client.post(url_module(modules["le-phenomene"]))
    level = modules["le-phenomene"].level
    assert response.status_code == 302
    assert response.url == reverse("badges:level_completed", args=[level.id])
    assert LevelCompletion.objects.filter(user=world.learner, level=level).exists()


def test_module_anonymous_404_and_wrong_method(client, world, modules):
    reading = modules["le-phenomene"]
    assert_login_redirect(client.get(url_module(reading)))
    assert_login_redirect(client.post(url_module(reading)))
    client.force_login(world.learner)
    for args in [("mini-sexto", "explorateur", "absent"),
                 ("mini-sexto", "virtuose", "le-phenomene"),
                 ("inconnu", "explorateur", "le-phenomene")]:
        assert client.get(reverse("training:module", args=args)).status_code == 404
    assert client.put(url_module(reading)).status_code == 405
    assert client.delete(url_module(reading)).status_code == 405


def test_modules_of_a_draft_are_not_reachable(client, world, tmp_path):
    content_load(MINI)
    client.force_login(world.learner)
    response = client.get(reverse("training:module",
                                  args=["mini-sexto", "explorateur", "le-phenomene"]))
    assert response.status_code == 404


# --- quiz -----------------------------------------------------------------------------------


def test_quiz_page_has_fieldsets_and_legends(learner_client, modules):
    body = text(learner_client.get(url_module(modules["verifier"])))
    assert body.count("<fieldset") == 2
    assert "<legend>1. Peut-on regarder les images ?</legend>" in body
    assert 'type="radio" name="q-q1" value="a"' in body
    assert "Vérifier mes réponses" in body
    assert "Bonne réponse." not in body


def test_quiz_missing_answer_keeps_what_was_chosen(learner_client, modules):
    response = learner_client.post(url_module(modules["verifier"]), {"q-q1": "b"})
    assert response.status_code == 200
    body = text(response)
    assert "Choisissez une réponse." in body
    assert re.search(r'name="q-q1" value="b"[^>]*checked', body)
    assert not ModuleProgress.objects.exists()


def test_quiz_wrong_answer_shows_feedback_and_keeps_answers(learner_client, world, modules):
    quiz = modules["verifier"]
    response = learner_client.post(url_module(quiz), {"q-q1": "a", "q-q2": "c"})
    assert response.status_code == 302
    assert response.url == url_module(quiz) + "#resultats"
    body = text(learner_client.get(url_module(quiz)))
    assert "1 bonne réponse sur 2." in body
    assert "Bonne réponse." in body and "Réponse incorrecte." in body
    assert "Personne ne regarde les images." in body
    assert "On contacte toujours la police." in body
    assert 'class="feedback follows"' in body and 'class="feedback deviates"' in body
    assert re.search(r'name="q-q2" value="c"[^>]*checked', body)
    assert not ModuleProgress.objects.get(user=world.learner, module=quiz).is_completed


def test_quiz_all_correct_completes(learner_client, world, modules):
    quiz = modules["verifier"]
    learner_client.post(url_module(quiz), {"q-q1": "a", "q-q2": "b"})
    assert ModuleProgress.objects.get(user=world.learner, module=quiz).is_completed
    body = text(learner_client.get(url_module(quiz)))
    assert "Toutes vos réponses sont bonnes." in body
    assert "2 bonnes réponses sur 2." in body


def test_quiz_unknown_option_is_a_form_error(learner_client, modules):
    response = learner_client.post(url_module(modules["verifier"]), {"q-q1": "z", "q-q2": "b"})
    assert response.status_code == 200
    assert "Choisissez l&#x27;une des réponses proposées." in response.content.decode()


# --- scenario -------------------------------------------------------------------------------


def test_scenario_shows_intro_and_first_step(learner_client, modules):
    case = modules["cas-1"]
    response = learner_client.get(url_module(case))
    assert response.status_code == 200
    body = text(response)
    assert "Situation de départ" in body
    assert "Une élève fictive vient vous voir." in body
    assert 'id="scenario"' in body and 'aria-live="polite"' in body
    assert f'hx-post="{url_module(case)}"' in body
    assert 'hx-target="this"' in body
    assert "<h2 data-focus-after-swap>Étape 1</h2>" in body
    assert "<legend>Que faites-vous ?</legend>" in body
    assert 'name="step" value="s1"' in body
    assert "Recommencer" not in body


def test_scenario_choice_without_javascript_redirects_then_shows_feedback(
    learner_client, world, modules
):
    case = modules["cas-1"]
    response = learner_client.post(url_module(case), {"step": "s1", "choice": "b"})
    assert response.status_code == 302
    assert response.url == url_module(case) + "#scenario"
    body = text(learner_client.get(url_module(case)))
    assert 'class="feedback deviates"' in body
    assert "Ne suit pas la méthode" in body
    assert "Non, on ne regarde jamais les images." in body
    assert "<h2 data-focus-after-swap>Étape 2</h2>" in body
    assert "Vous avez le téléphone en main." in body


def test_scenario_choice_with_htmx_returns_the_fragment(learner_client, modules):
    case = modules["cas-1"]
    response = learner_client.post(url_module(case), {"step": "s1", "choice": "a"}, **HTMX)
    assert response.status_code == 200
    body = text(response)
    assert "<html" not in body
    assert "data-focus-after-swap" in body
    assert 'class="feedback follows"' in body
    assert "Conforme à la méthode" in body
    assert "Étape 2" in body
    assert "HX-Request" in response["Vary"]


def test_scenario_resumes_at_the_current_step(client, world, modules):
    case = modules["cas-1"]
    scenario_choose(user=world.learner, module=case, step_id="s1", choice_id="a")
    client.force_login(world.learner)
    body = text(client.get(url_module(case)))
    assert "Étape 2" in body
    assert 'name="step" value="s2"' in body


def test_scenario_ending_shows_the_debrief_and_the_path(learner_client, world, modules):
    case = modules["cas-1"]
    learner_client.post(url_module(case), {"step": "s1", "choice": "b"})
    learner_client.post(url_module(case), {"step": "s2", "choice": "a"})
    response = learner_client.get(url_module(case))
    body = text(response)
    assert "Fin de la mise en situation" in body
    assert "Votre parcours" in body
    assert "1 décision sur 2 conforme à la méthode." in body
    path = body[body.index("Votre parcours"):body.index("Bilan")]
    assert path.index("Ne suit pas la méthode") < path.index("Conforme à la méthode")
    assert "Demander à voir la photo" in path and "Le confisquer sans regarder" in path
    assert "Le bilan du cas fictif." in body
    assert "Recommencer la mise en situation" in body
    level = case.level
    assert reverse("badges:level_completed", args=[level.id]) in body
    assert ModuleProgress.objects.get(user=world.learner, module=case).is_completed


def test_scenario_missing_choice_is_a_form_error(learner_client, modules):
    case = modules["cas-1"]
    response = learner_client.post(url_module(case), {"step": "s1"})
    assert response.status_code == 200
    assert "Choisissez ce que vous faites." in text(response)
    response = learner_client.post(url_module(case), {"step": "s1"}, **HTMX)
    assert response.status_code == 200
    assert "<html" not in text(response)
    assert "Choisissez ce que vous faites." in text(response)


def test_scenario_stale_step_is_explained(learner_client, world, modules):
    case = modules["cas-1"]
    learner_client.post(url_module(case), {"step": "s1", "choice": "a"})
    response = learner_client.post(url_module(case), {"step": "s1", "choice": "a"}, follow=True)
    body = text(response)
    assert "ne correspond plus à l&#x27;étape en cours" in body
    assert "Étape 2" in body
    response = learner_client.post(url_module(case), {"step": "s1", "choice": "a"}, **HTMX)
    assert "ne correspond plus à l&#x27;étape en cours" in text(response)
    assert len(ModuleProgress.objects.get(user=world.learner).state["path"]) == 1


def test_scenario_restart(learner_client, world, modules):
    case = modules["cas-1"]
    scenario_choose(user=world.learner, module=case, step_id="s1", choice_id="a")
    scenario_choose(user=world.learner, module=case, step_id="s2", choice_id="a")
    url = url_module(case, "training:scenario_restart")
    response = learner_client.post(url)
    assert response.status_code == 302
    body = text(learner_client.get(url_module(case)))
    assert "Étape 1" in body
    response = learner_client.post(url, **HTMX)
    assert response.status_code == 200 and "<html" not in text(response)
    assert ModuleProgress.objects.get(user=world.learner, module=case).is_completed


def test_scenario_restart_anonymous_404_and_wrong_method(client, world, modules):
    case = modules["cas-1"]
    url = url_module(case, "training:scenario_restart")
    assert_login_redirect(client.post(url))
    client.force_login(world.learner)
    assert client.get(url).status_code == 405
    missing = reverse("training:scenario_restart", args=["mini-sexto", "architecte", "absent"])
    assert client.post(missing).status_code == 404
    reading = url_module(modules["le-phenomene"], "training:scenario_restart")
    response = client.post(reading, follow=True)
    assert "ne s&#x27;applique pas" in text(response)


# --- author preview -------------------------------------------------------------------------


def test_preview_list_for_authors(client, world, program, tmp_path):
    data = mini_data()
    data["version"] = 2
    content_load(write_yaml(tmp_path, data))
    for user in (world.author, world.platform_admin):
        client.force_login(user)
        response = client.get(reverse("training:preview_list"))
        assert response.status_code == 200
        body = text(response)
        assert "Brouillon" in body and "Publiée le" in body
        assert "(version actuelle)" in body
        for version in Program.objects.all():
            assert reverse("training:preview", args=[version.id]) in body


def test_preview_list_access(client, world, db):
    url = reverse("training:preview_list")
    assert_login_redirect(client.get(url))
    client.force_login(world.learner)
    assert client.get(url).status_code == 403
    client.force_login(world.reviewer)
    assert client.get(url).status_code == 403
    client.force_login(world.author)
    assert client.post(url).status_code == 405


def test_preview_shows_every_step_choice_and_answer(client, world):
    draft = content_load(MINI).program
    client.force_login(world.author)
    response = client.get(reverse("training:preview", args=[draft.id]))
    assert response.status_code == 200
    body = text(response)
    assert "Brouillon" in body and "Publier cette version" in body
    for step in ("s1", "s2", "fin"):
        assert f"Étape {step}" in body
    assert "Vous remplissez la grille et appelez la police." in body
    assert "Non, on ne regarde jamais les images." in body
    assert body.count("Ne suit pas la méthode") == 2
    assert body.count("Conforme à la méthode") == 2
    assert body.count("(bonne réponse)") == 2
    assert "Toujours <code>b</code> <strong>(bonne réponse)</strong>" in body
    assert "Le bilan du cas fictif." in body
    assert "Question 1 - Le cas" in body
    assert "mini-architecte" in body


def test_preview_access(client, world, program):
    url = reverse("training:preview", args=[program.id])
    assert_login_redirect(client.get(url))
    client.force_login(world.learner)
    assert client.get(url).status_code == 403
    client.force_login(world.author)
    assert client.post(url).status_code == 405
    missing = reverse("training:preview", args=["00000000-0000-0000-0000-000000000000"])
    assert client.get(missing).status_code == 404
    body = text(client.get(url))
    assert "Publier cette version" not in body and "Publiée le" in body


def test_publish_from_the_preview(client, world):
    draft = content_load(MINI).program
    url = reverse("training:preview_publish", args=[draft.id])
    client.force_login(world.author)
    response = client.post(url)
    assert response.status_code == 302
    assert response.url == reverse("training:preview", args=[draft.id])
    draft.refresh_from_db()
    assert draft.is_published
    response = client.post(url, follow=True)
    assert "Cette version est déjà publiée." in text(response)


def test_publish_access(client, world):
    draft = content_load(MINI).program
    url = reverse("training:preview_publish", args=[draft.id])
    assert_login_redirect(client.post(url))
    client.force_login(world.learner)
    assert client.post(url).status_code == 403
    client.force_login(world.author)
    assert client.get(url).status_code == 405
    missing = reverse("training:preview_publish", args=["00000000-0000-0000-0000-000000000000"])
    assert client.post(missing).status_code == 404
    draft.refresh_from_db()
    assert not draft.is_published


def test_every_page_of_the_real_program_renders(client, world):
    """Load content/sexto.yaml and open every module of it, as a learner and in the preview."""
    from pathlib import Path

    from django.conf import settings

    from training.models import Module

    program = content_load(Path(settings.SEXTO_CONTENT_DIR) / "sexto.yaml", publish=True).program
    client.force_login(world.platform_admin)
    assert client.get(reverse("training:preview", args=[program.id])).status_code == 200
    client.force_login(world.learner)
    assert client.get(reverse("training:program", args=[program.slug])).status_code == 200
    for module in Module.objects.filter(level__program=program).select_related("level"):
        url = reverse("training:module", args=[program.slug, module.level.kind, module.slug])
        response = client.get(url)
        assert response.status_code == 200, url
        assert text(response).count("<h1") == 1
