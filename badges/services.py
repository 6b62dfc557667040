"""Writing badge classes, badge requests (the review state machine) and awards.

Every write is audited. Emails go out after the database work is done, so that a mail server
failure never loses a request or a decision (the queue and the request page show it anyway).
"""

import datetime
from dataclasses import dataclass, field
from typing import Literal

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import override

from accounts.eligibility import badge_eligibility
from accounts.models import User
from accounts.selectors import user_is_reviewer
from audit.services import record
from badges.models import Award, BadgeClass, BadgeRequest, BadgeRequestEvent
from badges.selectors import (
    award_current_for,
    badge_class_for_level,
    badge_request_open_for,
    eligibility_summary_for_reviewer,
    reviewers_to_notify,
)
from core.exceptions import ApplicationError
from core.mail import mail_send
from core.text import localized
from training.models import Level, Program
from training.selectors import level_is_completed

Status = BadgeRequest.Status
Decision = Literal["grant", "reject", "revise"]
Visibility = Literal["private", "with_answers", "titles_only"]

ANSWER_MAX_LENGTH = 10_000


@dataclass(frozen=True)
class Transition:
    to_status: str
    by: Literal["applicant", "reviewer"]
    reason_required: bool = False


# The whole review state machine. Keys are (current status, action); "" is "no request yet".
# Granted and rejected are final: they appear in no key. After a rejection the learner starts
# a new request (a new row), so the rejected one keeps its history untouched.
TRANSITIONS: dict[tuple[str, str], Transition] = {
    ("", "submit"): Transition(Status.REQUESTED, by="applicant"),
    (Status.REQUESTED, "grant"): Transition(Status.GRANTED, by="reviewer"),
    (Status.REQUESTED, "reject"): Transition(Status.REJECTED, by="reviewer", reason_required=True),
    (Status.REQUESTED, "revise"): Transition(
        Status.REVISION_REQUESTED, by="reviewer", reason_required=True
    ),
    (Status.REVISION_REQUESTED, "resubmit"): Transition(Status.REQUESTED, by="applicant"),
}


def transition_for(*, status: str, action: str) -> Transition:
    """The allowed transition, or ApplicationError for every pair the table does not list."""
    transition = TRANSITIONS.get((status, action))
    if transition is None:
        raise ApplicationError(
            _("Cette action n'est pas possible pour une demande dans cet état."),
            code="invalid_transition", extra={"status": status, "action": action},
        )
    return transition


def _apply_transition(
    *, badge_request: BadgeRequest, action: str, actor: User | None, reason: str = ""
) -> BadgeRequestEvent:
    """Move a (locked) request along the table and write its history event."""
    # A request not saved yet has no status: its default value is not a state it was in.
    from_status = "" if badge_request._state.adding else badge_request.status
    transition = transition_for(status=from_status, action=action)
    reason = (reason or "").strip()
    if transition.reason_required and not reason:
        raise ApplicationError(
            _("Indiquez un motif : la personne le lira pour comprendre la décision."),
            code="reason_required",
        )
    badge_request.status = transition.to_status
    now = timezone.now()
    if transition.by == "reviewer":
        badge_request.decided_at = now
        badge_request.decided_by = actor
        badge_request.decision_reason = reason
    else:
        badge_request.submitted_at = now
        badge_request.decided_at = None
        badge_request.decided_by = None
        badge_request.decision_reason = ""
    badge_request.save()
    return BadgeRequestEvent.objects.create(
        request=badge_request, actor=actor, from_status=from_status,
        to_status=transition.to_status, reason=reason,
    )


# --- Badge classes --------------------------------------------------------------------------

@transaction.atomic
def badge_classes_sync(*, program: Program) -> list[BadgeClass]:
    """Create or update the badge class of each level of `program` that declares a badge."""
    synced = []
    for level in program.levels.order_by("position"):
        badge = level.badge or {}
        if not badge:
            continue
        slug = badge["slug"]
        other = BadgeClass.objects.filter(slug=slug).exclude(program_slug=program.slug).first()
        if other is not None:
            raise ApplicationError(
                _("Le badge « %(slug)s » appartient déjà au programme « %(program)s ».")
                % {"slug": slug, "program": other.program_slug},
                code="badge_slug_taken",
            )
        values = {
            "program_slug": program.slug,
            "level_kind": level.kind,
            "name": badge["name"],
            "description": badge["description"],
            "criteria": badge["criteria"],
            "auto_grant": bool(badge.get("auto_grant", False)),
            "requires_agreement": bool(badge.get("requires_agreement", True)),
            "validity_days": badge.get("validity_days"),
        }
        badge_class = BadgeClass.objects.filter(slug=slug).first()
        if badge_class is None:
            badge_class = BadgeClass.objects.create(slug=slug, **values)
            action = "badge_class.created"
        elif any(getattr(badge_class, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(badge_class, key, value)
            badge_class.save()
            action = "badge_class.updated"
        else:
            action = None  # loading the same content again changes nothing
        if action:
            record(action=action, target=badge_class,
                   data={"program": program.slug, "version": program.version,
                         "level": level.kind})
        synced.append(badge_class)
    return synced


# --- Requests -------------------------------------------------------------------------------

def answers_language() -> str:
    """The language answers are being typed in: the page's, one of settings.LANGUAGES."""
    language = (translation.get_language() or settings.LANGUAGE_CODE)[:2]
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _answers_snapshot(*, level: Level, answers: dict[str, str]) -> list[dict]:
    """The questions as asked, each with its (stripped) answer; every answer is required.

    Each answer keeps the language of the page it was typed on ("lang"): the attestation, its
    PDF and the review mark it, so that a screen reader reads a French answer in an English
    document as French (WCAG 3.1.2, PDF/UA-1 7.2).
    """
    language = answers_language()
    snapshot = []
    missing = {}
    for question in level.evidence_questions or []:
        answer = (answers.get(question["id"]) or "").strip()
        if not answer:
            missing[question["id"]] = _("Répondez à cette question.")
        elif len(answer) > ANSWER_MAX_LENGTH:
            missing[question["id"]] = _(
                "Cette réponse est trop longue (au plus %(max)s caractères)."
            ) % {"max": ANSWER_MAX_LENGTH}
        snapshot.append({
            "id": question["id"],
            "title": question["title"],
            "prompt": question.get("prompt", {}),
            "answer": answer,
            "lang": language,
        })
    if missing:
        raise ApplicationError(
            _("Répondez à chaque question avant d'envoyer votre demande."),
            code="answers_required", extra={"fields": missing},
        )
    return snapshot


def _lock_user(user: User) -> None:
    # One person's badge writes are serialised, so two clicks never make two requests/awards.
    User.objects.select_for_update().filter(pk=user.pk).first()


def _badge_class_for_request(*, applicant: User, level: Level) -> BadgeClass:
    badge_class = badge_class_for_level(level=level)
    if badge_class is None:
        raise ApplicationError(_("Ce niveau ne mène à aucun badge."), code="no_badge")
    if not level_is_completed(user=applicant, level=level):
        raise ApplicationError(
            _("Terminez toutes les activités du niveau avant de demander le badge."),
            code="level_not_completed",
        )
    if badge_request_open_for(user=applicant, badge_class=badge_class) is not None:
        raise ApplicationError(
            _("Vous avez déjà une demande en cours pour ce badge."), code="already_open"
        )
    if award_current_for(user=applicant, badge_class=badge_class) is not None:
        raise ApplicationError(_("Ce badge vous a déjà été attribué."), code="already_awarded")
    return badge_class


def badge_request_submit(
    *, applicant: User, level: Level, answers: dict[str, str], request=None
) -> BadgeRequest:
    """A learner who finished `level` asks for its badge, with their reflective answers.

    Eligibility is not checked here on purpose: an ineligible person may still submit (they
    are told the badge cannot be attributed until they are eligible); it is checked at grant.
    """
    with transaction.atomic():
        _lock_user(applicant)
        badge_class = _badge_class_for_request(applicant=applicant, level=level)
        if badge_class.auto_grant:
            raise ApplicationError(
                _("Ce badge est attribué automatiquement à la fin du niveau."), code="auto_grant"
            )
        snapshot = _answers_snapshot(level=level, answers=answers)
        badge_request = BadgeRequest(
            badge_class=badge_class, applicant=applicant, level=level, answers=snapshot
        )
        _apply_transition(badge_request=badge_request, action="submit", actor=applicant)
        record(action="badge_request.submitted", actor=applicant, target=badge_request,
               request=request, data={"badge_class": badge_class.slug})
    _notify_reviewers(badge_request=badge_request, resubmitted=False)
    return badge_request


def badge_request_resubmit(
    *, badge_request: BadgeRequest, applicant: User, answers: dict[str, str], request=None
) -> BadgeRequest:
    """The applicant sends their edited answers back after a reviewer asked for a revision."""
    if badge_request.applicant_id != applicant.pk:
        raise ApplicationError(
            _("Seule la personne qui a fait la demande peut la modifier."), code="forbidden"
        )
    with transaction.atomic():
        badge_request = BadgeRequest.objects.select_for_update().get(pk=badge_request.pk)
        transition_for(status=badge_request.status, action="resubmit")
        badge_request.answers = _answers_snapshot(level=badge_request.level, answers=answers)
        _apply_transition(badge_request=badge_request, action="resubmit", actor=applicant)
        record(action="badge_request.resubmitted", actor=applicant, target=badge_request,
               request=request, data={"badge_class": badge_request.badge_class.slug})
    _notify_reviewers(badge_request=badge_request, resubmitted=True)
    return badge_request


def _eligibility_refusal(*, user: User, badge_class: BadgeClass):
    """None when the badge may be attributed to `user` now, else their Eligibility."""
    if not badge_class.requires_agreement:
        return None
    eligibility = badge_eligibility(user)
    return None if eligibility.eligible else eligibility


def badge_request_review(
    *, badge_request: BadgeRequest, reviewer: User, decision: Decision, reason: str = "",
    request=None,
) -> BadgeRequest:
    """A reviewer grants, rejects (with a reason) or asks for a revision (with a reason)."""
    if decision not in ("grant", "reject", "revise"):
        raise ApplicationError(_("Décision inconnue."), code="unknown_decision")
    if not user_is_reviewer(reviewer):
        raise ApplicationError(
            _("Seul un évaluateur peut rendre une décision sur une demande de badge."),
            code="forbidden",
        )
    if badge_request.applicant_id == reviewer.pk:
        raise ApplicationError(
            _("Vous ne pouvez pas évaluer votre propre demande."), code="own_request"
        )
    # The table first, so that a decided request says so rather than "ineligible".
    transition_for(status=badge_request.status, action=decision)
    if decision == "grant":
        refusal = _eligibility_refusal(user=badge_request.applicant,
                                       badge_class=badge_request.badge_class)
        if refusal is not None:
            record(action="badge_request.grant_refused", actor=reviewer, target=badge_request,
                   request=request, data={"reasons": refusal.reasons})
            raise ApplicationError(
                # Said to the reviewer, so in the reviewer's words rather than the learner's.
                _("Le badge ne peut pas être attribué : %(reasons)s.")
                % {"reasons": eligibility_summary_for_reviewer(refusal)},
                code="ineligible", extra={"reasons": refusal.reasons},
            )
    with transaction.atomic():
        badge_request = (
            BadgeRequest.objects.select_for_update().select_related("badge_class", "applicant")
            .get(pk=badge_request.pk)
        )
        _apply_transition(badge_request=badge_request, action=decision, actor=reviewer,
                          reason=reason)
        record(action=f"badge_request.{badge_request.status}", actor=reviewer,
               target=badge_request, request=request,
               data={"badge_class": badge_request.badge_class.slug})
        award = None
        if decision == "grant":
            award = _award_create(badge_request=badge_request, granted_by=reviewer,
                                  request=request)
    _notify_applicant(badge_request=badge_request, award=award)
    return badge_request


# --- Awards ---------------------------------------------------------------------------------

def _award_create(*, badge_request: BadgeRequest, granted_by: User | None, request=None) -> Award:
    badge_class = badge_request.badge_class
    granted_at = timezone.now()
    expires_at = None
    if badge_class.validity_days:
        expires_at = granted_at + datetime.timedelta(days=badge_class.validity_days)
    award = Award.objects.create(
        badge_class=badge_class, recipient=badge_request.applicant, request=badge_request,
        granted_at=granted_at, granted_by=granted_by, evidence=badge_request.answers,
        expires_at=expires_at,
        # Private until the recipient chooses (Law 25: privacy by default).
        published=False, answers_published=False, visibility_chosen=False,
    )
    record(action="award.granted", actor=granted_by, target=award, request=request,
           data={"badge_class": badge_class.slug, "request": str(badge_request.pk),
                 "automatic": granted_by is None})
    return award


@dataclass
class LevelCompletedResult:
    badge_class: BadgeClass | None
    award: Award | None = None
    created: bool = False
    # Eligibility reason codes (accounts.eligibility.Reason) when the badge could not be given.
    reasons: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)


def badge_level_completed(*, user: User, level: Level, request=None) -> LevelCompletedResult:
    """Called when `user` finished `level`: grants an automatic badge at once, if eligible.

    Idempotent: an existing award for the badge (even a revoked one, which must stay revoked)
    is returned as is. When the person is not eligible nothing is written and the reasons are
    returned, so that finishing the level again later, once eligible, grants the badge.
    """
    badge_class = badge_class_for_level(level=level)
    if badge_class is None or not badge_class.auto_grant:
        return LevelCompletedResult(badge_class=badge_class)
    if not level_is_completed(user=user, level=level):
        raise ApplicationError(
            _("Terminez toutes les activités du niveau avant de recevoir le badge."),
            code="level_not_completed",
        )
    with transaction.atomic():
        _lock_user(user)
        existing = (
            Award.objects.filter(recipient=user, badge_class=badge_class)
            .order_by("-granted_at").first()
        )
        if existing is not None:
            return LevelCompletedResult(badge_class=badge_class, award=existing)
        refusal = _eligibility_refusal(user=user, badge_class=badge_class)
        if refusal is not None:
            return LevelCompletedResult(badge_class=badge_class, reasons=refusal.reasons,
                                        messages=refusal.messages)
        # The automatic grant goes through the same table as a reviewed one: submitted by the
        # learner, granted by nobody (actor None), so the history reads the same everywhere.
        badge_request = BadgeRequest(badge_class=badge_class, applicant=user, level=level,
                                     answers=[])
        _apply_transition(badge_request=badge_request, action="submit", actor=user)
        _apply_transition(badge_request=badge_request, action="grant", actor=None)
        record(action="badge_request.granted", target=badge_request, request=request,
               data={"badge_class": badge_class.slug, "automatic": True})
        award = _award_create(badge_request=badge_request, granted_by=None, request=request)
    _notify_applicant(badge_request=badge_request, award=award)
    return LevelCompletedResult(badge_class=badge_class, award=award, created=True)


def award_visibility_set(*, award: Award, user: User, visibility: Visibility,
                         request=None) -> Award:
    """The recipient chooses who sees one badge: nobody, everyone with answers, or titles only."""
    if award.recipient_id != user.pk:
        raise ApplicationError(
            _("Seule la personne qui a reçu ce badge peut en choisir la visibilité."),
            code="forbidden",
        )
    options = {
        "private": (False, False),
        "with_answers": (True, True),
        "titles_only": (True, False),
    }
    if visibility not in options:
        raise ApplicationError(_("Choix de visibilité inconnu."), code="unknown_visibility")
    award.published, award.answers_published = options[visibility]
    award.visibility_chosen = True
    award.save(update_fields=["published", "answers_published", "visibility_chosen",
                              "updated_at"])
    record(action="award.visibility_changed", actor=user, target=award, request=request,
           data={"visibility": visibility})
    return award


def award_revoke(*, award: Award, reason: str, actor: User | None, actor_label: str = "",
                 request=None) -> bool:
    """Revoke an award, with its reason; False when it was already revoked (nothing changes).

    The reason goes to the member and to staff, never to the public. The credential's status
    list entry follows (credentials derives the list from this flag), and the member is told.
    `actor_label` names who acted when no account did (the operating-system user of a CLI run).
    """
    reason = reason.strip()
    if not reason:
        raise ApplicationError(_("Indiquez le motif de la révocation."), code="reason_required")
    with transaction.atomic():
        award = Award.objects.select_for_update().get(pk=award.pk)
        if award.revoked:
            return False
        award.revoked = True
        award.revoked_at = timezone.now()
        award.revocation_reason = reason
        award.save(update_fields=["revoked", "revoked_at", "revocation_reason", "updated_at"])
        record(action="award.revoked", actor=actor, target=award, request=request,
               data={"badge_class": award.badge_class.slug, "by": actor_label})
    _send(recipient=award.recipient, template="award_revoked", context={
        "badge_class": award.badge_class, "reason": reason, "link_name": "badges:mine"})
    return True


def award_visibility(award: Award) -> Visibility:
    if not award.published:
        return "private"
    return "with_answers" if award.answers_published else "titles_only"


# --- Emails ---------------------------------------------------------------------------------

def _absolute(url_name: str, *args) -> str:
    return settings.SITE_URL + reverse(url_name, args=args)


def _send(*, recipient: User, template: str, context: dict) -> None:
    """One plain-text email, written in the recipient's language. Never the answers."""
    with override(recipient.preferred_language or settings.LANGUAGE_CODE):
        context = {**context, "recipient": recipient}
        if "badge_class" in context:
            context["badge_name"] = localized(context["badge_class"].name)
        if "link_name" in context:
            context["link"] = _absolute(context["link_name"], *context.get("link_args", ()))
        subject = render_to_string(f"badges/email/{template}_subject.txt", context)
        body = render_to_string(f"badges/email/{template}_body.txt", context)
    # The request or decision is saved and visible in the app; a lost email is not fatal.
    mail_send(subject=" ".join(subject.split()), body=body, to=recipient.email, what=template)


def _notify_reviewers(*, badge_request: BadgeRequest, resubmitted: bool) -> None:
    for reviewer in reviewers_to_notify().exclude(pk=badge_request.applicant_id):
        _send(recipient=reviewer, template="request_submitted", context={
            "badge_class": badge_request.badge_class, "resubmitted": resubmitted,
            "link_name": "badges:review_detail", "link_args": (badge_request.pk,),
        })


def _notify_applicant(*, badge_request: BadgeRequest, award: Award | None) -> None:
    applicant = badge_request.applicant
    context = {"badge_class": badge_request.badge_class, "reason": badge_request.decision_reason}
    if badge_request.status == Status.GRANTED:
        _send(recipient=applicant, template="award_granted",
              context={**context, "award": award, "link_name": "badges:mine"})
    elif badge_request.status == Status.REJECTED:
        _send(recipient=applicant, template="request_rejected",
              context={**context, "link_name": "badges:request_detail",
                       "link_args": (badge_request.pk,)})
    elif badge_request.status == Status.REVISION_REQUESTED:
        _send(recipient=applicant, template="revision_requested",
              context={**context, "link_name": "badges:request_detail",
                       "link_args": (badge_request.pk,)})

