"""Badge services: class sync, the review state machine, grants, automatic grants, emails."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from audit.models import AuditEvent
from badges.models import Award, BadgeClass, BadgeRequest, BadgeRequestEvent
from badges.services import (
    TRANSITIONS,
    award_visibility_set,
    badge_classes_sync,
    badge_level_completed,
    badge_request_resubmit,
    badge_request_review,
    badge_request_submit,
)
from badges.tests.conftest import complete
from core.exceptions import ApplicationError

Status = BadgeRequest.Status

# --- Badge classes ------------------------------------------------------------------------


def test_sync_creates_one_class_per_level_with_a_badge(program):
    explorateur = program.explorateur_class
    assert explorateur.program_slug == "trousse-fictive"
    assert explorateur.level_kind == "explorateur"
    assert explorateur.auto_grant is True
    assert program.architecte_class.validity_days == 365
    assert program.architecte_class.auto_grant is False
    assert BadgeClass.objects.count() == 2


def test_sync_updates_and_is_quiet_when_nothing_changed(program):
    before = AuditEvent.objects.filter(action__startswith="badge_class.").count()
    badge_classes_sync(program=program.program)
    assert AuditEvent.objects.filter(action__startswith="badge_class.").count() == before

    level = program.architecte
    level.badge = {**level.badge, "validity_days": 30}
    level.save()
    badge_classes_sync(program=program.program)
    program.architecte_class.refresh_from_db()
    assert program.architecte_class.validity_days == 30
    assert AuditEvent.objects.filter(action="badge_class.updated").count() == 1


def test_sync_skips_levels_without_badge(program):
    program.explorateur.badge = {}
    program.explorateur.save()
    synced = badge_classes_sync(program=program.program)
    assert [b.slug for b in synced] == ["fictif-architecte"]


def test_sync_refuses_a_slug_owned_by_another_program(program):
    BadgeClass.objects.filter(slug="fictif-architecte").update(program_slug="autre")
    with pytest.raises(ApplicationError) as error:
        badge_classes_sync(program=program.program)
    assert error.value.code == "badge_slug_taken"


# --- Submitting -----------------------------------------------------------------------------


def test_submit_stores_a_snapshot_and_an_event(submitted, world):
    assert submitted.status == Status.REQUESTED
    assert [a["id"] for a in submitted.answers] == ["q1", "q2"]
    first = submitted.answers[0]
    assert set(first) == {"id", "title", "prompt", "answer", "lang"}
    assert first["lang"] == "fr"  # typed on a French page
    assert first["title"]["fr"].startswith("Question 1")
    assert first["answer"].startswith("Rencontrer")
    event = submitted.events.get()
    assert (event.from_status, event.to_status, event.actor) == ("", "requested", world.learner)
    assert AuditEvent.objects.filter(action="badge_request.submitted",
                                     target_id=str(submitted.pk)).exists()


@pytest.mark.parametrize("bad", [{"q1": "Une réponse."}, {"q1": "Une réponse.", "q2": "   "}])
def test_submit_requires_every_answer(world, program, bad):
    complete(world.learner, program.architecte)
    with pytest.raises(ApplicationError) as error:
        badge_request_submit(applicant=world.learner, level=program.architecte, answers=bad)
    assert error.value.code == "answers_required"
    assert set(error.value.extra["fields"]) == {"q2"}
    assert not BadgeRequest.objects.exists()


def test_submit_requires_a_completed_level(world, program, answers):
    with pytest.raises(ApplicationError) as error:
        badge_request_submit(applicant=world.learner, level=program.architecte, answers=answers)
    assert error.value.code == "level_not_completed"


def test_submit_refuses_a_second_open_request(submitted, world, program, answers):
    with pytest.raises(ApplicationError) as error:
        badge_request_submit(applicant=world.learner, level=program.architecte, answers=answers)
    assert error.value.code == "already_open"


def test_submit_refuses_an_automatic_badge(world, program):
    complete(world.learner, program.explorateur)
    with pytest.raises(ApplicationError) as error:
        badge_request_submit(applicant=world.learner, level=program.explorateur, answers={})
    assert error.value.code == "auto_grant"


def test_an_ineligible_person_may_still_submit(world, program, answers):
    complete(world.ineligible_learner, program.architecte)
    badge_request = badge_request_submit(applicant=world.ineligible_learner,
                                         level=program.architecte, answers=answers)
    assert badge_request.status == Status.REQUESTED


# --- The state machine ----------------------------------------------------------------------

ACTIONS = ["grant", "reject", "revise", "resubmit"]
ALLOWED = {
    (Status.REQUESTED, "grant"): Status.GRANTED,
    (Status.REQUESTED, "reject"): Status.REJECTED,
    (Status.REQUESTED, "revise"): Status.REVISION_REQUESTED,
    (Status.REVISION_REQUESTED, "resubmit"): Status.REQUESTED,
}


def test_the_table_is_exactly_the_documented_machine():
    table = {key: t.to_status for key, t in TRANSITIONS.items() if key[0]}
    assert table == ALLOWED
    assert TRANSITIONS[("", "submit")].to_status == Status.REQUESTED


def _request_in(status, world, program, answers) -> BadgeRequest:
    complete(world.learner, program.architecte)
    badge_request = badge_request_submit(applicant=world.learner, level=program.architecte,
                                         answers=answers)
    BadgeRequest.objects.filter(pk=badge_request.pk).update(
        status=status, decision_reason="Motif antérieur" if status in (
            Status.REJECTED, Status.REVISION_REQUESTED) else "")
    badge_request.refresh_from_db()
    return badge_request


def _act(action, badge_request, world, answers):
    if action == "resubmit":
        return badge_request_resubmit(badge_request=badge_request, applicant=world.learner,
                                      answers=answers)
    return badge_request_review(badge_request=badge_request, reviewer=world.reviewer,
                                decision=action, reason="Un motif clair.")


@pytest.mark.parametrize("status", Status.values)
@pytest.mark.parametrize("action", ACTIONS)
def test_every_transition(status, action, world, program, answers):
    badge_request = _request_in(status, world, program, answers)
    events_before = badge_request.events.count()
    expected = ALLOWED.get((status, action))
    if expected is None:
        with pytest.raises(ApplicationError) as error:
            _act(action, badge_request, world, answers)
        assert error.value.code == "invalid_transition"
        badge_request.refresh_from_db()
        assert badge_request.status == status
        assert badge_request.events.count() == events_before
    else:
        _act(action, badge_request, world, answers)
        badge_request.refresh_from_db()
        assert badge_request.status == expected
        event = badge_request.events.order_by("-created_at").first()
        assert (event.from_status, event.to_status) == (status, expected)
        assert badge_request.events.count() == events_before + 1


@pytest.mark.parametrize("decision", ["reject", "revise"])
@pytest.mark.parametrize("reason", ["", "   \n "])
def test_reject_and_revise_need_a_reason(submitted, world, decision, reason):
    with pytest.raises(ApplicationError) as error:
        badge_request_review(badge_request=submitted, reviewer=world.reviewer,
                             decision=decision, reason=reason)
    assert error.value.code == "reason_required"
    submitted.refresh_from_db()
    assert submitted.status == Status.REQUESTED


def test_revision_then_resubmit_keeps_history_and_edits_answers(submitted, world, answers):
    badge_request_review(badge_request=submitted, reviewer=world.reviewer, decision="revise",
                         reason="Précisez la deuxième réponse.")
    submitted.refresh_from_db()
    assert submitted.decision_reason == "Précisez la deuxième réponse."
    edited = {**answers, "q2": "Toujours appeler la police, même sans malveillance."}
    badge_request_resubmit(badge_request=submitted, applicant=world.learner, answers=edited)
    submitted.refresh_from_db()
    assert submitted.status == Status.REQUESTED
    assert submitted.answers[1]["answer"].startswith("Toujours appeler la police, même")
    assert submitted.answers[0]["answer"] == answers["q1"]
    history = list(submitted.events.values_list("to_status", "reason"))
    assert history == [("requested", ""), ("revision_requested", "Précisez la deuxième réponse."),
                       ("requested", "")]


def test_resubmit_with_a_blank_answer_changes_nothing(submitted, world, answers):
    badge_request_review(badge_request=submitted, reviewer=world.reviewer, decision="revise",
                         reason="Précisez.")
    with pytest.raises(ApplicationError):
        badge_request_resubmit(badge_request=submitted, applicant=world.learner,
                               answers={**answers, "q1": ""})
    submitted.refresh_from_db()
    assert submitted.status == Status.REVISION_REQUESTED
    assert submitted.answers[0]["answer"] == answers["q1"]


def test_only_the_applicant_resubmits(submitted, world, answers):
    badge_request_review(badge_request=submitted, reviewer=world.reviewer, decision="revise",
                         reason="Précisez.")
    with pytest.raises(ApplicationError) as error:
        badge_request_resubmit(badge_request=submitted, applicant=world.principal,
                               answers=answers)
    assert error.value.code == "forbidden"


def test_after_a_rejection_a_new_request_may_start(submitted, world, program, answers):
    badge_request_review(badge_request=submitted, reviewer=world.reviewer, decision="reject",
                         reason="Réponses hors sujet.")
    again = badge_request_submit(applicant=world.learner, level=program.architecte,
                                 answers=answers)
    assert again.pk != submitted.pk
    assert again.status == Status.REQUESTED


@pytest.mark.parametrize("who", ["learner", "principal", "author", "org_admin", "outsider"])
def test_only_reviewers_decide(submitted, world, who):
    with pytest.raises(ApplicationError) as error:
        badge_request_review(badge_request=submitted, reviewer=getattr(world, who),
                             decision="grant")
    assert error.value.code == "forbidden"


def test_platform_admin_may_decide(submitted, world):
    badge_request_review(badge_request=submitted, reviewer=world.platform_admin, decision="grant")
    submitted.refresh_from_db()
    assert submitted.status == Status.GRANTED


def test_a_reviewer_cannot_review_their_own_request(world, program, answers):
    complete(world.reviewer, program.architecte)
    # Checked before eligibility (the reviewer works at no school): the "own" rule answers.
    own = badge_request_submit(applicant=world.reviewer, level=program.architecte,
                               answers=answers)
    with pytest.raises(ApplicationError) as error:
        badge_request_review(badge_request=own, reviewer=world.reviewer, decision="grant")
    assert error.value.code == "own_request"


def test_unknown_decision_is_refused(submitted, world):
    with pytest.raises(ApplicationError) as error:
        badge_request_review(badge_request=submitted, reviewer=world.reviewer,
                             decision="approve")
    assert error.value.code == "unknown_decision"


# --- Granting -------------------------------------------------------------------------------


def test_grant_creates_a_private_award_with_evidence(submitted, world):
    before = timezone.now()
    badge_request_review(badge_request=submitted, reviewer=world.reviewer, decision="grant")
    award = Award.objects.get()
    assert award.recipient == world.learner
    assert award.request == submitted
    assert award.granted_by == world.reviewer
    assert award.evidence == submitted.answers
    assert award.granted_at >= before
    assert award.expires_at - award.granted_at == datetime.timedelta(days=365)
    assert (award.published, award.answers_published, award.visibility_chosen) == (
        False, False, False)
    assert AuditEvent.objects.filter(action="award.granted", target_id=str(award.pk)).exists()


def test_eligibility_is_checked_again_at_grant(world, program, answers):
    complete(world.ineligible_learner, program.architecte)
    badge_request = badge_request_submit(applicant=world.ineligible_learner,
                                         level=program.architecte, answers=answers)
    with pytest.raises(ApplicationError) as error:
        badge_request_review(badge_request=badge_request, reviewer=world.reviewer,
                             decision="grant")
    assert error.value.code == "ineligible"
    assert "entente" in error.value.message
    badge_request.refresh_from_db()
    assert badge_request.status == Status.REQUESTED
    assert not Award.objects.exists()
    assert AuditEvent.objects.filter(action="badge_request.grant_refused").exists()
    # Rejecting or asking for a revision stays possible.
    badge_request_review(badge_request=badge_request, reviewer=world.reviewer,
                         decision="reject", reason="Pas d'entente dans votre territoire.")


def test_eligibility_lost_after_submitting_blocks_the_grant(submitted, world):
    world.force_ok.dpcp_agreements.update(ended_on=timezone.localdate())
    with pytest.raises(ApplicationError) as error:
        badge_request_review(badge_request=submitted, reviewer=world.reviewer, decision="grant")
    assert error.value.extra["reasons"] == ["agreement_ended"]


def test_no_agreement_needed_when_the_class_says_so(world, program, answers):
    BadgeClass.objects.filter(pk=program.architecte_class.pk).update(requires_agreement=False)
    complete(world.ineligible_learner, program.architecte)
    badge_request = badge_request_submit(applicant=world.ineligible_learner,
                                         level=program.architecte, answers=answers)
    badge_request_review(badge_request=badge_request, reviewer=world.reviewer, decision="grant")
    assert Award.objects.filter(recipient=world.ineligible_learner).exists()


def test_a_current_award_blocks_a_new_request(submitted, world, program, answers):
    badge_request_review(badge_request=submitted, reviewer=world.reviewer, decision="grant")
    with pytest.raises(ApplicationError) as error:
        badge_request_submit(applicant=world.learner, level=program.architecte, answers=answers)
    assert error.value.code == "already_awarded"


# --- Automatic grant ------------------------------------------------------------------------


def test_level_completed_grants_an_automatic_badge_once(world, program):
    complete(world.learner, program.explorateur)
    result = badge_level_completed(user=world.learner, level=program.explorateur)
    assert result.created and result.award is not None
    assert result.award.granted_by is None
    assert result.award.expires_at is None
    again = badge_level_completed(user=world.learner, level=program.explorateur)
    assert not again.created
    assert again.award == result.award
    assert Award.objects.count() == 1
    badge_request = result.award.request
    assert badge_request.status == Status.GRANTED
    assert list(badge_request.events.values_list("from_status", "to_status")) == [
        ("", "requested"), ("requested", "granted")]


def test_user_holds_badge_follows_expiry_and_revocation(world, program):
    from badges.selectors import user_holds_badge

    assert not user_holds_badge(user=world.learner, slug="fictif-explorateur")
    complete(world.learner, program.explorateur)
    award = badge_level_completed(user=world.learner, level=program.explorateur).award
    assert user_holds_badge(user=world.learner, slug="fictif-explorateur")
    assert not user_holds_badge(user=world.learner, slug="inconnu")
    Award.objects.filter(pk=award.pk).update(expires_at=timezone.now())
    assert not user_holds_badge(user=world.learner, slug="fictif-explorateur")


def test_level_completed_records_nothing_for_an_ineligible_person(world, program):
    complete(world.ineligible_learner, program.explorateur)
    result = badge_level_completed(user=world.ineligible_learner, level=program.explorateur)
    assert result.award is None
    assert result.reasons == ["no_agreement"]
    assert result.messages
    assert not Award.objects.exists()
    assert not BadgeRequest.objects.exists()
    assert not BadgeRequestEvent.objects.exists()


def test_level_completed_does_nothing_for_a_reviewed_badge(world, program):
    complete(world.learner, program.architecte)
    result = badge_level_completed(user=world.learner, level=program.architecte)
    assert result.award is None and result.badge_class == program.architecte_class
    assert not BadgeRequest.objects.exists()


def test_level_completed_needs_the_level_finished(world, program):
    with pytest.raises(ApplicationError):
        badge_level_completed(user=world.learner, level=program.explorateur)


def test_level_completed_does_not_undo_a_revocation(world, program):
    complete(world.learner, program.explorateur)
    award = badge_level_completed(user=world.learner, level=program.explorateur).award
    Award.objects.filter(pk=award.pk).update(revoked=True, revoked_at=timezone.now(),
                                             revocation_reason="Erreur d'attribution.")
    result = badge_level_completed(user=world.learner, level=program.explorateur)
    assert result.award == award and not result.created
    assert Award.objects.count() == 1


# --- Visibility -----------------------------------------------------------------------------


@pytest.mark.parametrize("visibility, published, answers_published", [
    ("private", False, False), ("with_answers", True, True), ("titles_only", True, False)])
def test_award_visibility(world, program, visibility, published, answers_published):
    complete(world.learner, program.explorateur)
    award = badge_level_completed(user=world.learner, level=program.explorateur).award
    award_visibility_set(award=award, user=world.learner, visibility=visibility)
    award.refresh_from_db()
    assert (award.published, award.answers_published, award.visibility_chosen) == (
        published, answers_published, True)


def test_only_the_recipient_sets_visibility(world, program):
    complete(world.learner, program.explorateur)
    award = badge_level_completed(user=world.learner, level=program.explorateur).award
    with pytest.raises(ApplicationError):
        award_visibility_set(award=award, user=world.reviewer, visibility="with_answers")
    with pytest.raises(ApplicationError):
        award_visibility_set(award=award, user=world.learner, visibility="everyone")


# --- Emails ---------------------------------------------------------------------------------


def test_reviewers_are_mailed_in_their_language_without_the_answers(world, program, answers,
                                                                    settings):
    settings.SITE_URL = "https://sexto.example.test"
    world.reviewer.preferred_language = "en"
    world.reviewer.save()
    complete(world.learner, program.architecte)
    mail.outbox.clear()
    badge_request = badge_request_submit(applicant=world.learner, level=program.architecte,
                                         answers=answers)
    # Only people with the reviewer role (not platform administrators).
    assert [m.to for m in mail.outbox] == [[world.reviewer.email]]
    message = mail.outbox[0]
    assert "New badge request" in message.subject
    assert f"https://sexto.example.test/en/evaluation/{badge_request.pk}/" in message.body
    assert answers["q1"] not in message.body and answers["q2"] not in message.body
    assert "Ariane" not in message.body


def test_reviewers_are_mailed_on_resubmission(submitted, world, answers):
    badge_request_review(badge_request=submitted, reviewer=world.reviewer, decision="revise",
                         reason="Précisez.")
    mail.outbox.clear()
    badge_request_resubmit(badge_request=submitted, applicant=world.learner, answers=answers)
    assert [m.to for m in mail.outbox] == [[world.reviewer.email]]
    assert "Réponses révisées" in mail.outbox[0].subject


@pytest.mark.parametrize("decision, reason, subject_fr, subject_en", [
    ("grant", "", "Badge attribué", "Badge granted"),
    ("reject", "Réponses hors sujet.", "refusée", "rejected"),
    ("revise", "Précisez la question 2.", "Révision demandée", "Revision requested"),
])
@pytest.mark.parametrize("language", ["fr", "en"])
def test_learner_is_mailed_each_decision_in_their_language(
        submitted, world, decision, reason, subject_fr, subject_en, language):
    world.learner.preferred_language = language
    world.learner.save()
    mail.outbox.clear()
    badge_request_review(badge_request=submitted, reviewer=world.reviewer, decision=decision,
                         reason=reason)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [world.learner.email]
    assert (subject_fr if language == "fr" else subject_en) in message.subject
    assert f"/{language}/" in message.body
    if reason:
        assert reason in message.body
    for answer in submitted.answers:
        assert answer["answer"] not in message.body


def test_automatic_grant_mails_the_learner(world, program):
    complete(world.learner, program.explorateur)
    mail.outbox.clear()
    badge_level_completed(user=world.learner, level=program.explorateur)
    assert [m.to for m in mail.outbox] == [[world.learner.email]]
    assert "Badge attribué" in mail.outbox[0].subject
