"""The whole learning path in Debian's Chromium, as the people involved live it.

A school staff member signs up and confirms her address; the service centre's administrator
confirms that she works at her school; she works through the real Sexto program (every reading,
the quiz, the three cases of the Architecte level) and sends her reflective answers; a reviewer
asks for a revision; she edits and resubmits; the reviewer grants the badge; she publishes it
with her answers, and a stranger reads the attestation in French and in English.

Every page visited is checked with axe in French, and the same address in English (the
translated path, same session), so that both languages are held to WCAG 2.1 AA.
"""

import re
import secrets
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import User
from accounts.services import totp_device_create
from badges.models import Award, BadgeRequest
from tests.browser.accessibility import assert_accessible_in_both_languages
from tests.browser.case_helpers import sign_in
from tests.browser.clock import phone_tolerance
from training.models import Module, Program

pytestmark = pytest.mark.browser

SEXTO_CONTENT = Path(settings.BASE_DIR) / "content" / "sexto.yaml"
LEARNER_EMAIL = "josee.fictive@example.test"
LEARNER_PASSWORD = "un-long-mot-de-passe-fictif-2026"  # noqa: S105 - test account only

FIRST_ANSWERS = {
    "Question 1": "Rencontrer l'élève qui signale, rencontrer l'auteur présumé, confisquer "
                  "l'appareil sans regarder, remplir la grille.",
    "Question 2": "Rencontrer toutes les personnes concernées avant de décider.",
    "Question 3": "Arrêter la diffusion pendant les rencontres.",
}
REVISED_Q1 = ("Rencontrer l'élève qui signale, rencontrer l'auteur présumé, confisquer "
              "l'appareil sans jamais regarder les images, remplir la grille et appeler le corps "
              "de police, chaque fois.")


class Visit:
    """Checks every page the journey shows, in French and then the same page in English."""

    def __init__(self, browser_errors: list[str]):
        self.browser_errors = browser_errors
        self.checked: list[str] = []

    def check(self, page: Page) -> None:
        path, english = assert_accessible_in_both_languages(page, self.browser_errors)
        self.checked.extend([path, english])
        assert self.browser_errors == []


def _log_in(page: Page, visit: Visit, email: str, password: str) -> None:
    page.goto("/fr/")
    page.get_by_role("link", name="Se connecter").click()
    visit.check(page)
    page.get_by_label("Adresse courriel").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()


def _link_in_last_email(mailoutbox, to: str) -> str:
    message = [m for m in mailoutbox if to in m.to][-1]
    return re.search(r"https?://\S+", message.body).group(0)


def _module_on_page(page: Page, program) -> Module:
    # /fr/formation/<program>/<level>/<module>/
    _lang, _formation, _slug, level_kind, module_slug = urlsplit(page.url).path.strip("/").split(
        "/")
    return Module.objects.get(level__program=program, level__kind=level_kind, slug=module_slug)


def _answer_quiz(page: Page, module: Module) -> None:
    for question in module.data["questions"]:
        fieldset = page.get_by_role("group", name=re.compile(re.escape(question["prompt"]["fr"])))
        correct = next(o for o in question["options"] if o["correct"])
        fieldset.get_by_role("radio", name=correct["label"]["fr"], exact=True).check()
    page.get_by_role("button", name="Vérifier mes réponses").click()
    expect(page.get_by_text("Toutes vos réponses sont bonnes.")).to_be_visible()


def _work_through_case(page: Page, module: Module, visit: Visit) -> None:
    """Follow the method at every step; htmx swaps each step in place and moves the focus."""
    following = {choice["label"]["fr"] for step in module.data["steps"]
                 for choice in step.get("choices", []) if choice["follows_method"]}
    start_url = page.url
    visit.check(page)
    for _step in range(len(module.data["steps"])):
        ending = page.get_by_role("heading", name="Fin de la mise en situation")
        if ending.count():
            break
        shown = page.locator("#scenario label.choice span").all_inner_texts()
        label = next(text.strip() for text in shown if text.strip() in following)
        page.get_by_role("radio", name=label, exact=True).check()
        page.get_by_role("button", name="Valider mon choix").click()
        expect(page.get_by_text("Conforme à la méthode").last).to_be_visible()
        expect(page.locator("[data-focus-after-swap]")).to_be_focused()
    expect(page.get_by_role("heading", name="Fin de la mise en situation")).to_be_visible()
    assert page.url == start_url  # every step came by htmx, without a page load
    expect(page.get_by_role("heading", name="Bilan")).to_be_visible()
    visit.check(page)


def _work_through_level(page: Page, program, level_kind: str, visit: Visit) -> None:
    """From the level's first module to its end, the way a learner clicks through."""
    while True:
        module = _module_on_page(page, program)
        assert module.level.kind == level_kind
        if module.kind == "reading":
            visit.check(page)
            page.get_by_role("button", name="Marquer comme terminé et continuer").click()
        elif module.kind == "quiz":
            visit.check(page)
            _answer_quiz(page, module)
            visit.check(page)
            page.get_by_role("link", name="Passer à l'étape du badge").first.click()
        else:
            _work_through_case(page, module, visit)
            next_module = page.get_by_role("link", name=re.compile("^Module suivant"))
            if not next_module.count():
                page.get_by_role("link", name="Passer à l'étape du badge").first.click()
            else:
                next_module.first.click()
        if "/formation/" not in page.url:
            return


def test_from_sign_up_to_a_published_architecte_attestation(
    new_page, live_server, world, browser_errors, mailoutbox, settings
):
    settings.SITE_URL = live_server.url  # the links of emails and attestations
    call_command("content", "load", str(SEXTO_CONTENT), "--publish", stdout=StringIO())
    program = Program.objects.get(slug="sexto", published_at__isnull=False)
    visit = Visit(browser_errors)
    learner = new_page()

    # 1. Sign up, declaring her school.
    learner.goto("/fr/")
    visit.check(learner)
    learner.get_by_role("link", name="Créer un compte").first.click()
    visit.check(learner)
    learner.get_by_label("Nom complet").fill("Josée Fictive")
    learner.get_by_label("Adresse courriel").fill(LEARNER_EMAIL)
    learner.get_by_label(re.compile(r"^Mot de passe\W*$")).fill(LEARNER_PASSWORD)
    learner.get_by_label("Mot de passe (encore une fois)").fill(LEARNER_PASSWORD)
    learner.get_by_label("Mon école").select_option(label="École des Pionniers")
    learner.get_by_role("button", name="Créer mon compte").click()
    # The page says the same whether the address had an account or not: check the email.
    expect(learner.get_by_role("heading", level=1)).to_have_text("Vérifiez vos courriels")
    visit.check(learner)

    # 2. She confirms her address from the email she received, then signs in.
    learner.goto(_link_in_last_email(mailoutbox, LEARNER_EMAIL))
    visit.check(learner)
    learner.get_by_role("button", name="Confirmer mon adresse").click()
    expect(learner.get_by_text("Votre adresse courriel est confirmée.")).to_be_visible()
    learner.get_by_label("Adresse courriel").fill(LEARNER_EMAIL)
    learner.get_by_label("Mot de passe").fill(LEARNER_PASSWORD)
    learner.get_by_role("button", name="Se connecter").click()
    # She lands on her home, which says what her new account still needs.
    expect(learner.get_by_role("heading", level=1)).to_have_text("Bonjour Josée")
    expect(learner.get_by_text("École des Pionniers : en attente")).to_be_visible()
    visit.check(learner)

    # 3. The service centre's administrator confirms she works at École des Pionniers: a
    # decision that hands out a role, taken with a second factor (signing in with it counts
    # as the fresh re-authentication the people page asks for).
    org_admin = new_page()
    device, _secret = totp_device_create(user=world.org_admin, name="Téléphone",
                                         key_hex=secrets.token_hex(20))
    sign_in(org_admin, world.org_admin, world.password, phone_tolerance(device))
    visit.check(org_admin)
    org_admin.get_by_role("link", name="Personnes").click()
    visit.check(org_admin)
    org_admin.get_by_role("button", name="Accepter : Josée Fictive, École des Pionniers").click()
    visit.check(org_admin)
    josee = User.objects.get(email=LEARNER_EMAIL)
    assert josee.email_verified

    # 4. Explorateur: every reading and the quiz; the badge is granted on completion.
    learner.get_by_role("link", name="Formation").click()
    visit.check(learner)
    learner.get_by_role("link", name=program.title["fr"], exact=True).click()
    expect(learner.get_by_text("Le badge Sexto peut vous être attribué")).to_be_visible()
    visit.check(learner)
    learner.get_by_role("button", name="Commencer la formation").click()
    _work_through_level(learner, program, "explorateur", visit)
    expect(learner.get_by_role("heading", level=1)).to_contain_text("Niveau terminé")
    expect(learner.get_by_role("heading", name=re.compile("^Badge attribué"))).to_be_visible()
    visit.check(learner)
    assert Award.objects.get(recipient=josee).badge_class.slug == "sexto-explorateur"

    # 5. Architecte: the introduction and the three cases, then the reflective answers.
    learner.get_by_role("link", name="Formation").click()
    learner.get_by_role("link", name=program.title["fr"], exact=True).click()
    learner.get_by_role("link", name="Reprendre la formation").click()
    _work_through_level(learner, program, "architecte", visit)
    expect(learner.get_by_role("heading", level=1)).to_contain_text("Niveau terminé")
    visit.check(learner)
    for title, answer in FIRST_ANSWERS.items():
        learner.get_by_label(re.compile(f"^{title}")).fill(answer)
    learner.get_by_role("button", name="Envoyer ma demande de badge").click()
    expect(learner.get_by_role("heading", level=1)).to_contain_text("Demande de badge")
    visit.check(learner)
    badge_request = BadgeRequest.objects.get(applicant=josee,
                                             badge_class__slug="sexto-architecte")
    assert badge_request.status == "requested"

    # 6. The reviewer asks for a revision, with a reason.
    reviewer = new_page()
    _log_in(reviewer, visit, world.reviewer.email, world.password)
    reviewer.get_by_role("link", name="Évaluation", exact=True).click()
    visit.check(reviewer)
    reviewer.get_by_role("link", name=re.compile("Josée Fictive")).click()
    visit.check(reviewer)
    reviewer.get_by_label("Demander une révision").check()
    reviewer.get_by_label("Motif").fill("Votre résumé oublie l'appel au corps de police.")
    reviewer.get_by_role("button", name="Enregistrer la décision").click()
    expect(reviewer.get_by_role("heading", level=1)).to_contain_text("Demandes de badge")
    visit.check(reviewer)

    # 7. She is told by email, edits one answer (the others are kept) and resubmits.
    learner.goto(_link_in_last_email(mailoutbox, LEARNER_EMAIL))
    expect(learner.get_by_text("Votre résumé oublie l'appel au corps de police.",
                                 exact=True)).to_be_visible()
    visit.check(learner)
    expect(learner.get_by_label(re.compile("^Question 2"))).to_have_value(
        FIRST_ANSWERS["Question 2"])
    learner.get_by_label(re.compile("^Question 1")).fill(REVISED_Q1)
    learner.get_by_role("button", name="Renvoyer mes réponses").click()
    expect(learner.get_by_text("Demandée").first).to_be_visible()
    visit.check(learner)

    # 8. The reviewer grants the badge.
    reviewer.get_by_role("link", name="Évaluation", exact=True).click()
    reviewer.get_by_role("link", name=re.compile("Josée Fictive")).click()
    expect(reviewer.get_by_text(REVISED_Q1)).to_be_visible()
    reviewer.get_by_label("Accorder le badge").check()
    reviewer.get_by_role("button", name="Enregistrer la décision").click()
    expect(reviewer.get_by_role("heading", level=1)).to_contain_text("Demandes de badge")
    award = Award.objects.get(recipient=josee, badge_class__slug="sexto-architecte")
    assert not award.published  # private until she says otherwise

    # 9. She is asked, badge by badge, and publishes the Architecte badge with her answers.
    learner.goto(_link_in_last_email(mailoutbox, LEARNER_EMAIL))
    visit.check(learner)
    learner.get_by_role("link", name="Mes badges").click()
    visit.check(learner)
    card = learner.get_by_role("region", name=award.badge_class.name["fr"])
    card.get_by_label("Publier avec mes réponses").check()
    card.get_by_role("button", name="Enregistrer ce choix").click()
    learner.get_by_label("Rendre mon profil public").check()
    learner.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(learner.get_by_label("Rendre mon profil public")).to_be_checked()

    # 10. A stranger reads the attestation, as in the seed, in French then in English.
    stranger = new_page()
    josee.refresh_from_db()
    stranger.goto(f"/fr/attestations/{award.pk}/")
    expect(stranger.get_by_role("heading", level=1)).to_have_text(
        "Preuve et attestation de développement professionnel")
    expect(stranger.get_by_role("heading", name="Trousse Sexto 2 – Architecte")).to_be_visible()
    expect(stranger.get_by_text("Badge attribué à")).to_be_visible()
    expect(stranger.get_by_text("Josée Fictive")).to_be_visible()
    expect(stranger.get_by_text("Date d'obtention")).to_be_visible()
    local_grant = timezone.localtime(award.granted_at).strftime("%Y-%m-%d %H:%M:%S")
    expect(stranger.get_by_text(local_grant)).to_be_visible()
    for question in award.request.level.evidence_questions:
        expect(stranger.get_by_text(question["title"]["fr"])).to_be_visible()
    expect(stranger.get_by_text(REVISED_Q1)).to_be_visible()
    expect(stranger.get_by_text(FIRST_ANSWERS["Question 3"])).to_be_visible()
    visit.check(stranger)
    profile_url = f"{live_server.url}/fr/membres/{josee.handle}/"
    stranger.get_by_role("link", name=profile_url, exact=True).click()
    expect(stranger.get_by_role("heading", level=1)).to_contain_text("Josée Fictive")
    visit.check(stranger)
    stranger.get_by_role("button", name="English").click()
    expect(stranger.get_by_role("heading", level=1)).to_contain_text("Josée Fictive")
    stranger.goto(f"/en/attestations/{award.pk}/")
    expect(stranger.get_by_role("heading", level=1)).to_have_text(
        "Proof and attestation of professional development")
    expect(stranger.get_by_role("heading", name="Sexto kit 2 – Architect")).to_be_visible()
    expect(stranger.get_by_text("Badge granted to")).to_be_visible()
    expect(stranger.get_by_text(REVISED_Q1)).to_be_visible()

    assert browser_errors == []
    # Sign-up, both levels' pages, review and the public pages were all checked in both languages.
    assert len(set(visit.checked)) >= 40
