"""Badge pages: success, outsider 404, wrong role 403, wrong method 405, and privacy."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from badges.models import Award, BadgeRequest
from badges.services import (
    award_visibility_set,
    badge_level_completed,
    badge_request_review,
)
from badges.tests.conftest import complete

Status = BadgeRequest.Status


def login(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def explorer_award(world, program):
    complete(world.learner, program.explorateur)
    return badge_level_completed(user=world.learner, level=program.explorateur).award


@pytest.fixture
def architect_award(submitted, world):
    badge_request_review(badge_request=submitted, reviewer=world.reviewer, decision="grant")
    return Award.objects.get(request=submitted)


# --- level_completed ------------------------------------------------------------------------


def test_level_completed_requires_login(client, program):
    url = reverse("badges:level_completed", args=[program.architecte.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_level_completed_404_when_the_level_is_not_finished(client, world, program):
    login(client, world.learner)
    assert client.get(reverse("badges:level_completed",
                              args=[program.architecte.pk])).status_code == 404


def test_level_completed_405_on_other_methods(client, world, program):
    login(client, world.learner)
    complete(world.learner, program.architecte)
    url = reverse("badges:level_completed", args=[program.architecte.pk])
    assert client.put(url).status_code == 405
    assert client.delete(url).status_code == 405


def test_level_completed_grants_an_automatic_badge(client, world, program):
    login(client, world.learner)
    complete(world.learner, program.explorateur)
    url = reverse("badges:level_completed", args=[program.explorateur.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert "Badge attribué : Trousse fictive 1 – Explorateur" in response.content.decode()
    award = Award.objects.get(recipient=world.learner)
    assert reverse("credential_pages:attestation", args=[award.pk]) in response.content.decode()
    client.get(url)
    assert Award.objects.filter(recipient=world.learner).count() == 1


def test_level_completed_explains_why_an_automatic_badge_was_not_given(client, world, program):
    login(client, world.ineligible_learner)
    complete(world.ineligible_learner, program.explorateur)
    response = client.get(reverse("badges:level_completed", args=[program.explorateur.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "n'a pas pu vous être attribué" in body
    assert "entente avec le DPCP" in body
    assert not Award.objects.exists()


def test_level_completed_shows_the_evidence_form(client, world, program):
    login(client, world.learner)
    complete(world.learner, program.architecte)
    response = client.get(reverse("badges:level_completed", args=[program.architecte.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert '<label for="id_q1">Question 1 - Résumez les étapes</label>' in body
    assert 'aria-describedby="id_q1_helptext"' in body
    assert 'id="id_q1_helptext">Nommez les étapes dans l&#x27;ordre.' in body
    assert "peut vous être attribué" in body  # the eligibility notice, before the form
    form_at = body.index('<form method="post" action="/fr/badges')
    assert body.index("peut vous être attribué") < form_at


def test_level_completed_warns_an_ineligible_person_before_the_form(client, world, program):
    login(client, world.ineligible_learner)
    complete(world.ineligible_learner, program.architecte)
    response = client.get(reverse("badges:level_completed", args=[program.architecte.pk]))
    body = response.content.decode()
    assert "ne pourra pas vous être attribué tant que vous ne serez pas admissible" in body
    assert 'name="q1"' in body


def test_level_completed_post_creates_the_request(client, world, program, answers):
    login(client, world.learner)
    complete(world.learner, program.architecte)
    response = client.post(reverse("badges:level_completed", args=[program.architecte.pk]),
                           answers)
    badge_request = BadgeRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("badges:request_detail", args=[badge_request.pk])
    assert badge_request.applicant == world.learner


def test_level_completed_post_keeps_what_was_typed(client, world, program):
    login(client, world.learner)
    complete(world.learner, program.architecte)
    response = client.post(reverse("badges:level_completed", args=[program.architecte.pk]),
                           {"q1": "Ma réponse à garder", "q2": "  "})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Ma réponse à garder" in body
    assert "Répondez à cette question." in body
    assert 'aria-invalid="true"' in body
    assert not BadgeRequest.objects.exists()


def test_level_completed_redirects_to_the_open_request(client, world, submitted, program):
    login(client, world.learner)
    response = client.get(reverse("badges:level_completed", args=[program.architecte.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("badges:request_detail", args=[submitted.pk])


# --- request_detail / request_resubmit ------------------------------------------------------


def test_request_detail_for_the_applicant(client, world, submitted):
    login(client, world.learner)
    response = client.get(reverse("badges:request_detail", args=[submitted.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Rencontrer, confisquer sans regarder" in body
    assert "Demandé" in body


@pytest.mark.parametrize("who", ["outsider", "reviewer", "principal"])
def test_request_detail_404_for_anyone_else(client, world, submitted, who):
    login(client, getattr(world, who))
    assert client.get(reverse("badges:request_detail", args=[submitted.pk])).status_code == 404


def test_request_detail_405(client, world, submitted):
    login(client, world.learner)
    assert client.post(reverse("badges:request_detail", args=[submitted.pk])).status_code == 405


def test_request_detail_shows_the_revision_form_prefilled(client, world, submitted):
    badge_request_review(badge_request=submitted, reviewer=world.reviewer, decision="revise",
                         reason="Développez la question 2.")
    login(client, world.learner)
    body = client.get(reverse("badges:request_detail", args=[submitted.pk])).content.decode()
    assert "Développez la question 2." in body
    assert reverse("badges:request_resubmit", args=[submitted.pk]) in body
    assert "Rencontrer, confisquer sans regarder, appeler la police.</textarea>" in body


def test_request_resubmit(client, world, submitted, answers):
    badge_request_review(badge_request=submitted, reviewer=world.reviewer, decision="revise",
                         reason="Développez.")
    login(client, world.learner)
    url = reverse("badges:request_resubmit", args=[submitted.pk])
    response = client.post(url, {**answers, "q2": "Réponse développée."})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Status.REQUESTED
    assert submitted.answers[1]["answer"] == "Réponse développée."


def test_request_resubmit_keeps_what_was_typed(client, world, submitted):
    badge_request_review(badge_request=submitted, reviewer=world.reviewer, decision="revise",
                         reason="Développez.")
    login(client, world.learner)
    response = client.post(reverse("badges:request_resubmit", args=[submitted.pk]),
                           {"q1": "Texte neuf à garder", "q2": ""})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Texte neuf à garder" in body
    assert "Répondez à cette question." in body
    submitted.refresh_from_db()
    assert submitted.status == Status.REVISION_REQUESTED


def test_request_resubmit_when_not_in_revision(client, world, submitted, answers):
    login(client, world.learner)
    response = client.post(reverse("badges:request_resubmit", args=[submitted.pk]), answers)
    assert response.status_code == 302
    assert submitted.events.count() == 1


def test_request_resubmit_404_and_405(client, world, submitted, answers):
    url = reverse("badges:request_resubmit", args=[submitted.pk])
    login(client, world.outsider)
    assert client.post(url, answers).status_code == 404
    login(client, world.learner)
    assert client.get(url).status_code == 405


# --- mine, award_visibility, profile_visibility ---------------------------------------------


def test_mine_lists_requests_and_asks_for_visibility(client, world, submitted, explorer_award):
    login(client, world.learner)
    response = client.get(reverse("badges:mine"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Trousse fictive 2 – Architecte" in body  # the request
    assert "Trousse fictive 1 – Explorateur" in body  # the award
    assert "Voulez-vous le publier" in body
    assert f'name="{explorer_award.pk}-visibility"' in body
    assert 'name="published"' in body


def test_mine_requires_login_and_405(client, world):
    assert client.get(reverse("badges:mine")).status_code == 302
    login(client, world.learner)
    assert client.post(reverse("badges:mine")).status_code == 405


def test_award_visibility(client, world, explorer_award):
    login(client, world.learner)
    url = reverse("badges:award_visibility", args=[explorer_award.pk])
    response = client.post(url, {f"{explorer_award.pk}-visibility": "titles_only"})
    assert response.status_code == 302
    explorer_award.refresh_from_db()
    assert explorer_award.published and not explorer_award.answers_published
    assert explorer_award.visibility_chosen
    body = client.get(reverse("badges:mine")).content.decode()
    assert "Voulez-vous le publier" not in body
    assert "titres des questions seulement" in body


def test_award_visibility_404_405_and_bad_choice(client, world, explorer_award):
    url = reverse("badges:award_visibility", args=[explorer_award.pk])
    login(client, world.outsider)
    assert client.post(url, {f"{explorer_award.pk}-visibility": "with_answers"}).status_code == 404
    login(client, world.learner)
    assert client.get(url).status_code == 405
    assert client.post(url, {f"{explorer_award.pk}-visibility": "everyone"}).status_code == 302
    explorer_award.refresh_from_db()
    assert not explorer_award.published and not explorer_award.visibility_chosen


def test_profile_visibility(client, world):
    login(client, world.learner)
    url = reverse("badges:profile_visibility")
    assert client.post(url, {"published": "on"}).status_code == 302
    world.learner.refresh_from_db()
    assert world.learner.profile_published
    assert AuditEvent.objects.filter(action="profile.published_changed").exists()
    client.post(url, {})
    world.learner.refresh_from_db()
    assert not world.learner.profile_published
    assert client.get(url).status_code == 405


# --- review_queue / review_detail / review_decide -------------------------------------------


@pytest.mark.parametrize("who", ["reviewer", "platform_admin"])
def test_review_queue(client, world, submitted, who):
    login(client, getattr(world, who))
    response = client.get(reverse("badges:review_queue"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Ariane Fictive" in body
    assert "Admissible" in body and "École des Pionniers" in body
    assert reverse("badges:review_detail", args=[submitted.pk]) in body


def test_review_queue_filters_and_shows_ineligibility(client, world, program, submitted,
                                                     answers):
    from badges.services import badge_request_submit

    complete(world.ineligible_learner, program.architecte)
    badge_request_submit(applicant=world.ineligible_learner, level=program.architecte,
                         answers=answers)
    badge_request_review(badge_request=submitted, reviewer=world.reviewer, decision="revise",
                         reason="Précisez.")
    login(client, world.reviewer)
    body = client.get(reverse("badges:review_queue")).content.decode()
    assert "Bruno Fictif" in body and "Ariane Fictive" not in body
    assert "Corps de police sans entente avec le DPCP" in body
    body = client.get(reverse("badges:review_queue"),
                      {"status": "revision_requested"}).content.decode()
    assert "Ariane Fictive" in body and "Bruno Fictif" not in body
    body = client.get(reverse("badges:review_queue"), {
        "status": "all", "badge_class": str(program.explorateur_class.pk)}).content.decode()
    assert "Ariane Fictive" not in body and "Bruno Fictif" not in body


def test_review_queue_is_oldest_first(client, world, program, submitted, answers):
    from badges.services import badge_request_submit

    complete(world.principal, program.architecte)
    badge_request_submit(applicant=world.principal, level=program.architecte, answers=answers)
    login(client, world.reviewer)
    body = client.get(reverse("badges:review_queue")).content.decode()
    assert body.index("Ariane Fictive") < body.index("Claire Fictive")


@pytest.mark.parametrize("who", ["learner", "principal", "author", "police", "outsider"])
def test_review_pages_403_for_other_roles(client, world, submitted, who):
    login(client, getattr(world, who))
    assert client.get(reverse("badges:review_queue")).status_code == 403
    assert client.get(reverse("badges:review_detail", args=[submitted.pk])).status_code == 403
    assert client.post(reverse("badges:review_decide", args=[submitted.pk]),
                       {"decision": "grant"}).status_code == 403


def test_review_pages_405(client, world, submitted):
    login(client, world.reviewer)
    assert client.post(reverse("badges:review_queue")).status_code == 405
    assert client.post(reverse("badges:review_detail", args=[submitted.pk])).status_code == 405
    assert client.get(reverse("badges:review_decide", args=[submitted.pk])).status_code == 405


def test_review_detail(client, world, submitted):
    login(client, world.reviewer)
    response = client.get(reverse("badges:review_detail", args=[submitted.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Toujours appeler le corps de police." in body
    assert "Admissible" in body
    assert reverse("badges:review_decide", args=[submitted.pk]) in body


def test_review_detail_unknown_id_404(client, world):
    import uuid

    login(client, world.reviewer)
    assert client.get(reverse("badges:review_detail", args=[uuid.uuid4()])).status_code == 404


def test_review_decide_grant(client, world, submitted):
    login(client, world.reviewer)
    response = client.post(reverse("badges:review_decide", args=[submitted.pk]),
                           {"decision": "grant", "reason": ""})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Status.GRANTED
    assert Award.objects.filter(request=submitted).exists()


def test_review_decide_missing_reason_keeps_the_text(client, world, submitted):
    login(client, world.reviewer)
    response = client.post(reverse("badges:review_decide", args=[submitted.pk]),
                           {"decision": "reject", "reason": "   "})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Indiquez un motif" in body
    assert re.search(r'value="reject"[^>]*checked', body)
    submitted.refresh_from_db()
    assert submitted.status == Status.REQUESTED


def test_review_decide_revise_with_reason(client, world, submitted):
    login(client, world.reviewer)
    client.post(reverse("badges:review_decide", args=[submitted.pk]),
                {"decision": "revise", "reason": "Ajoutez un exemple."})
    submitted.refresh_from_db()
    assert submitted.status == Status.REVISION_REQUESTED
    assert submitted.decision_reason == "Ajoutez un exemple."


def test_review_decide_ineligible_shows_the_reason(client, world, program, answers):
    from badges.services import badge_request_submit

    complete(world.ineligible_learner, program.architecte)
    badge_request = badge_request_submit(applicant=world.ineligible_learner,
                                         level=program.architecte, answers=answers)
    login(client, world.reviewer)
    response = client.post(reverse("badges:review_decide", args=[badge_request.pk]),
                           {"decision": "grant", "reason": "Bon travail"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Le badge ne peut pas être attribué" in body
    assert "Bon travail" in body
    assert not Award.objects.exists()


# --- attestation ----------------------------------------------------------------------------


def test_attestation_public_with_answers(client, world, architect_award):
    award_visibility_set(award=architect_award, user=world.learner, visibility="with_answers")
    world.learner.profile_published = True
    world.learner.save()
    response = client.get(reverse("credential_pages:attestation", args=[architect_award.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Preuve et attestation de développement professionnel" in body
    assert "Trousse fictive 2 – Architecte" in body
    assert "<dt>Niveau</dt>" in body and "<dd>Architecte</dd>" in body
    # The badge's own description and criteria, the program linked rather than told again.
    assert "<p>Cas.</p>" in body and "<p>Répondre.</p>" in body
    assert "Description du <strong>programme</strong> fictif." not in body
    program_url = reverse("training:program", args=["trousse-fictive"])
    assert f'href="{program_url}">Trousse fictive</a>' in body
    assert "Badge attribué à" in body and "Ariane Fictive" in body
    assert "<dt>Émetteur</dt>" in body
    assert 'class="status-banner status-granted"' in body and "<strong>Valide</strong>" in body
    assert 'class="badge-image" src="/static/credentials/badges/sexto-architecte.png"' in body
    assert reverse("badges:member_profile", args=[world.learner.handle]) in body
    local = timezone.localtime(architect_award.granted_at).strftime("%Y-%m-%d %H:%M:%S")
    assert "Date d'obtention" in body and local in body
    assert "Question 1 - Résumez les étapes" in body
    assert "Rencontrer, confisquer sans regarder" in body


def test_attestation_without_request_uses_the_newest_published_version(client, world,
                                                                      program, explorer_award):
    from training.models import Program

    Program.objects.create(
        slug="trousse-fictive", version=2, title={"fr": "Trousse, version 2", "en": "T"},
        summary={"fr": "R", "en": "S"}, description={"fr": "Texte de la version 2.", "en": "V2."},
        source_file="v2.yaml", source_sha256="1" * 64, published_at=timezone.now())
    Program.objects.create(
        slug="trousse-fictive", version=3, title={"fr": "Brouillon v3", "en": "Draft"},
        summary={"fr": "R", "en": "S"}, description={"fr": "Brouillon v3.", "en": "Draft."},
        source_file="v3.yaml", source_sha256="2" * 64)
    url = reverse("credential_pages:attestation", args=[explorer_award.pk])
    award_visibility_set(award=explorer_award, user=world.learner, visibility="titles_only")
    # With its request, the attestation names the version the badge was earned in.
    assert ">Trousse fictive</a>" in client.get(url).content.decode()
    request_id = explorer_award.request_id
    Award.objects.filter(pk=explorer_award.pk).update(request=None)
    BadgeRequest.objects.filter(pk=request_id).delete()
    body = client.get(url).content.decode()
    assert ">Trousse, version 2</a>" in body and "Brouillon v3" not in body


def test_attestation_in_english(client, world, architect_award):
    award_visibility_set(award=architect_award, user=world.learner, visibility="with_answers")
    url = reverse("credential_pages:attestation", args=[architect_award.pk])
    english = url.replace("/fr/", "/en/", 1)
    response = client.get(english)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Proof and attestation of professional development" in body
    assert "Fictional kit 2 – Architect" in body


def test_attestation_titles_only_hides_answers(client, world, architect_award):
    award_visibility_set(award=architect_award, user=world.learner, visibility="titles_only")
    url = reverse("credential_pages:attestation", args=[architect_award.pk])
    body = client.get(url).content.decode()
    assert "Question 1 - Résumez les étapes" in body
    assert "Rencontrer, confisquer sans regarder" not in body
    # No link to a profile that is not published.
    assert reverse("badges:member_profile", args=[world.learner.handle]) not in body


@pytest.mark.parametrize("who", [None, "outsider", "principal"])
def test_attestation_unpublished_is_404_for_others(client, world, architect_award, who):
    if who:
        login(client, getattr(world, who))
    assert client.get(reverse("credential_pages:attestation",
                              args=[architect_award.pk])).status_code == 404


@pytest.mark.parametrize("who", ["learner", "reviewer", "platform_admin"])
def test_attestation_unpublished_visible_to_recipient_and_reviewers(client, world,
                                                                   architect_award, who):
    login(client, getattr(world, who))
    response = client.get(reverse("credential_pages:attestation", args=[architect_award.pk]))
    assert response.status_code == 200
    assert "Cette attestation est privée" in response.content.decode()


def test_attestation_unknown_id_404_and_405(client, world, architect_award):
    import uuid

    unknown = reverse("credential_pages:attestation", args=[uuid.uuid4()])
    assert client.get(unknown).status_code == 404
    login(client, world.learner)
    assert client.post(reverse("credential_pages:attestation",
                               args=[architect_award.pk])).status_code == 405


def test_attestation_shows_revoked_and_expired(client, world, architect_award):
    award_visibility_set(award=architect_award, user=world.learner, visibility="titles_only")
    url = reverse("credential_pages:attestation", args=[architect_award.pk])
    Award.objects.filter(pk=architect_award.pk).update(expires_at=timezone.now())
    assert "Ce badge a expiré" in client.get(url).content.decode()
    Award.objects.filter(pk=architect_award.pk).update(
        revoked=True, revoked_at=timezone.now(), revocation_reason="Erreur.")
    assert "Ce badge a été révoqué" in client.get(url).content.decode()


# --- member_profile -------------------------------------------------------------------------


def test_member_profile_published_shows_published_awards_only(client, world, architect_award,
                                                              explorer_award):
    world.learner.profile_published = True
    world.learner.save()
    award_visibility_set(award=architect_award, user=world.learner, visibility="titles_only")
    response = client.get(reverse("badges:member_profile", args=[world.learner.handle]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Ariane Fictive" in body
    assert "Trousse fictive 2 – Architecte" in body
    assert "Trousse fictive 1 – Explorateur" not in body


def test_member_profile_english_path(client, world):
    world.learner.profile_published = True
    world.learner.save()
    with __import__("django.utils.translation", fromlist=["override"]).override("en"):
        url = reverse("badges:member_profile", args=[world.learner.handle])
    assert url == f"/en/members/{world.learner.handle}/"
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("who", [None, "outsider", "reviewer"])
def test_member_profile_private_is_404(client, world, who):
    if who:
        login(client, getattr(world, who))
    assert client.get(reverse("badges:member_profile",
                              args=[world.learner.handle])).status_code == 404


def test_member_profile_owner_sees_the_private_note(client, world):
    login(client, world.learner)
    response = client.get(reverse("badges:member_profile", args=[world.learner.handle]))
    assert response.status_code == 200
    assert "Votre profil est privé" in response.content.decode()


def test_member_profile_unknown_and_405(client, world):
    assert client.get(reverse("badges:member_profile", args=["m-inconnu"])).status_code == 404
    world.learner.profile_published = True
    world.learner.save()
    assert client.post(reverse("badges:member_profile",
                               args=[world.learner.handle])).status_code == 405
