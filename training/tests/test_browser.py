"""The training pages in a real browser: htmx scenario, focus, no-JS path, accessibility (axe).

Uses the Playwright fixtures of tests/browser (Debian's Chromium, never a downloaded one).
"""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.accessibility import assert_accessible
from training.content import content_load
from training.services import module_progress_record, quiz_submit
from training.tests.conftest import CORRECT_QUIZ, MINI

pytestmark = pytest.mark.browser


@pytest.fixture
def learner_page(page, live_server, world):
    page.goto("/fr/")
    client = Client()
    client.force_login(world.learner)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value,
                               "url": live_server.url}])
    return page


@pytest.fixture
def mini(transactional_db):
    return content_load(MINI, publish=True).program


def _module_path(program, kind, slug):
    return reverse("training:module", args=[program.slug, kind, slug])


def test_home_and_program_pages_are_accessible(page, mini, browser_errors):
    page.goto(reverse("training:home"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Formation")
    assert_accessible(page)
    page.get_by_role("link", name="Mini Sexto", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mini Sexto")
    assert_accessible(page)
    assert browser_errors == []


def test_program_page_with_progress_and_eligibility(learner_page, mini, world,
                                                    browser_errors):
    module = mini.levels.get(kind="explorateur").modules.get(slug="le-phenomene")
    module_progress_record(user=world.learner, module=module)
    learner_page.goto(reverse("training:program", args=[mini.slug]))
    expect(learner_page.get_by_text("1 module sur 3 terminé")).to_be_visible()
    expect(learner_page.get_by_role("progressbar").first).to_be_visible()
    expect(learner_page.get_by_text("Le badge Sexto peut vous être attribué")).to_be_visible()
    assert_accessible(learner_page)
    assert browser_errors == []


def test_quiz_feedback_is_accessible(learner_page, mini, browser_errors):
    learner_page.goto(_module_path(mini, "explorateur", "verifier"))
    assert_accessible(learner_page)
    learner_page.get_by_role("radio", name="Non").check()
    learner_page.get_by_role("radio", name="Jamais").check()
    learner_page.get_by_role("button", name="Vérifier mes réponses").click()
    expect(learner_page.get_by_text("Réponse incorrecte.")).to_be_visible()
    expect(learner_page.get_by_role("radio", name="Jamais")).to_be_checked()
    assert_accessible(learner_page)
    assert browser_errors == []


def test_scenario_with_htmx_moves_focus_to_the_new_step(learner_page, mini, browser_errors):
    learner_page.goto(_module_path(mini, "architecte", "cas-1"))
    expect(learner_page.get_by_role("heading", name="Étape 1")).to_be_visible()
    assert_accessible(learner_page)
    url_before = learner_page.url
    learner_page.get_by_role("radio", name="Demander à voir la photo").check()
    learner_page.get_by_role("button", name="Valider mon choix").click()
    step2 = learner_page.get_by_role("heading", name="Étape 2")
    expect(step2).to_be_visible()
    expect(step2).to_be_focused()
    assert learner_page.url == url_before  # swapped in place by htmx, no page load
    expect(learner_page.get_by_text("Ne suit pas la méthode")).to_be_visible()
    assert_accessible(learner_page)
    learner_page.get_by_role("radio", name="Le confisquer sans regarder").check()
    learner_page.get_by_role("button", name="Valider mon choix").click()
    ending = learner_page.get_by_role("heading", name="Fin de la mise en situation")
    expect(ending).to_be_focused()
    expect(learner_page.get_by_text("Le bilan du cas fictif.")).to_be_visible()
    assert_accessible(learner_page)
    learner_page.get_by_role("button", name="Recommencer la mise en situation").click()
    expect(learner_page.get_by_role("heading", name="Étape 1")).to_be_focused()
    assert browser_errors == []


def test_scenario_without_javascript(browser, live_server, mini, world):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    client = Client()
    client.force_login(world.learner)
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                          "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                          "url": live_server.url}])
    page = context.new_page()
    page.goto(_module_path(mini, "architecte", "cas-1"))
    page.get_by_role("radio", name="Écouter et noter les faits").check()
    page.get_by_role("button", name="Valider mon choix").click()
    expect(page.get_by_role("heading", name="Étape 2")).to_be_visible()
    expect(page.get_by_text("Conforme à la méthode")).to_be_visible()
    context.close()


def test_level_finished_page_is_accessible(learner_page, mini, world, browser_errors):
    level = mini.levels.get(kind="explorateur")
    quiz_submit(user=world.learner, module=level.modules.get(slug="verifier"),
                answers=CORRECT_QUIZ)
    learner_page.goto(_module_path(mini, "explorateur", "verifier"))
    expect(learner_page.get_by_text("2 bonnes réponses sur 2.")).to_be_visible()
    assert_accessible(learner_page)
    assert browser_errors == []


def test_preview_is_accessible(page, live_server, world, browser_errors):
    draft = content_load(MINI).program
    page.goto("/fr/")
    client = Client()
    client.force_login(world.author)
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                               "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                               "url": live_server.url}])
    page.goto(reverse("training:preview_list"))
    assert_accessible(page)
    page.goto(reverse("training:preview", args=[draft.id]))
    assert_accessible(page)
    page.get_by_role("button", name="Publier cette version").click()
    expect(page.get_by_text("Version 1 publiée")).to_be_visible()
    assert browser_errors == []
