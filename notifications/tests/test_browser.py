"""The notification list in Debian's Chromium: a principal told of a new report, in both
languages, without JavaScript needed, checked with axe."""

import re
import secrets

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Membership, Role
from accounts.services import totp_device_create
from cases import services
from cases.tests.conftest import award_architecte
from conftest import make_user
from tests.browser.accessibility import assert_accessible_in_both_languages
from tests.browser.clock import phone_tolerance, totp_code

pytestmark = pytest.mark.browser


@pytest.fixture
def principal_told(world):
    """Two incidents reported at the principal's school (she is told of each), the first read."""
    w = world
    intervener = make_user("jade.intervention@example.test", "Jade Fictive",
                           email_verified_at=timezone.now())
    Membership.objects.create(user=intervener, organisation=w.school, role=Role.INTERVENER)
    award_architecte(intervener)
    for _number in range(2):  # committed at once: this test's database is transactional
        services.case_report(reporter=w.learner, school=w.school, told_at=timezone.now(),
                             account="Récit fictif.", channels=["snapchat"], apps_other="",
                             still_spreading="yes")
    device, _key = totp_device_create(user=w.principal, name="Téléphone",
                                      key_hex=secrets.token_hex(20))
    w.device = phone_tolerance(device)
    return w


def test_the_principal_finds_and_follows_her_notifications(page, principal_told,
                                                           browser_errors):
    w = principal_told
    assert sorted(m.to[0] for m in mail.outbox).count(w.principal.email) == 2
    page.goto("/fr/")
    page.get_by_role("link", name="Se connecter").click()
    page.get_by_label("Adresse courriel").fill(w.principal.email)
    page.get_by_label("Mot de passe").fill(w.password)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_label("Code à 6 chiffres").fill(totp_code(w.device))
    page.get_by_role("button", name="Vérifier").click()

    nav = page.get_by_role("navigation", name="Navigation principale")
    # The count is seen "(2)" and heard "2 non lues" (a visually hidden word; Chromium puts a
    # space after it in the accessible name).
    link = nav.get_by_role("link", name=re.compile(r"^Notifications \(2 non lues ?\)$"))
    expect(link).to_be_visible()
    assert link.evaluate("""a => { const seen = a.cloneNode(true);
        seen.querySelectorAll(".visually-hidden").forEach(hidden => hidden.remove());
        return seen.textContent.trim(); }""") == "Notifications (2)"
    link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    expect(page.get_by_text("2 notifications non lues.")).to_be_visible()
    notices = page.get_by_role("main").get_by_role("listitem")
    expect(notices).to_have_count(2)
    expect(notices.first).to_contain_text("Nouvel incident déclaré dans votre école")
    expect(notices.first).to_contain_text("Non lue")
    assert_accessible_in_both_languages(page, browser_errors)

    # Following a notice opens the case (behind her second factor) and marks it read.
    notices.first.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dossier ")
    expect(nav.get_by_role("link", name=re.compile(r"^Notifications \(1 non lue ?\)$"))
           ).to_be_visible()
    page.go_back()
    page.reload()
    expect(notices.filter(has_text="Non lue")).to_have_count(1)
    assert_accessible_in_both_languages(page, browser_errors)

    page.get_by_role("button", name="Tout marquer comme lu").click()
    expect(page.locator("#messages")).to_contain_text(
        "Toutes vos notifications sont marquées comme lues.")
    expect(notices.filter(has_text="Non lue")).to_have_count(0)
    expect(nav.get_by_role("link", name="Notifications", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Tout marquer comme lu")).to_have_count(0)
    assert_accessible_in_both_languages(page, browser_errors)
    assert browser_errors == []
