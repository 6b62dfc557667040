"""Read-only questions about badge classes, requests and awards."""

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.eligibility import Reason
from accounts.models import Role, User
from badges.models import Award, BadgeClass, BadgeRequest
from training.models import Level, Program

# What a reviewer reads about an applicant's eligibility: the learner-facing texts of
# accounts.eligibility speak to "you", which reads oddly in a review queue.
REVIEWER_REASON_TEXT = {
    Reason.NO_SCHOOL: _("Aucune école du Québec rattachée au compte"),
    Reason.NO_POLICE_FORCE: _("Territoire de l'école sans corps de police connu"),
    Reason.NO_AGREEMENT: _("Corps de police sans entente avec le DPCP"),
    Reason.AGREEMENT_ENDED: _("Entente avec le DPCP terminée"),
}

OPEN_STATUSES = (BadgeRequest.Status.REQUESTED, BadgeRequest.Status.REVISION_REQUESTED)


def badge_class_for_level(*, level: Level) -> BadgeClass | None:
    slug = (level.badge or {}).get("slug")
    if not slug:
        return None
    return BadgeClass.objects.filter(slug=slug).first()


def badge_request_open_for(*, user: User, badge_class: BadgeClass) -> BadgeRequest | None:
    return BadgeRequest.objects.filter(
        applicant=user, badge_class=badge_class, status__in=OPEN_STATUSES
    ).first()


def award_current_for(*, user: User, badge_class: BadgeClass) -> Award | None:
    """The person's award for this badge that is still valid (neither revoked nor expired)."""
    now = timezone.now()
    for award in Award.objects.filter(recipient=user, badge_class=badge_class, revoked=False):
        if award.status_on(now) == Award.Status.GRANTED:
            return award
    return None


def user_holds_badge(*, user: User, slug: str) -> bool:
    """Whether `user` holds a valid award of the badge class `slug` (the gate other apps use)."""
    badge_class = BadgeClass.objects.filter(slug=slug).first()
    if badge_class is None:
        return False
    return award_current_for(user=user, badge_class=badge_class) is not None


def badge_requests_for_user(*, user: User) -> QuerySet[BadgeRequest]:
    return (
        BadgeRequest.objects.filter(applicant=user)
        .select_related("badge_class")
        .order_by("-submitted_at")
    )


def awards_for_user(*, user: User) -> QuerySet[Award]:
    return Award.objects.filter(recipient=user).select_related("badge_class").order_by(
        "-granted_at"
    )


def awards_published_for_user(*, user: User) -> QuerySet[Award]:
    return awards_for_user(user=user).filter(published=True)


def awards_all() -> QuerySet[Award]:
    """Every award, oldest grant first (for `sexto awards list`)."""
    return Award.objects.select_related("badge_class", "recipient").order_by("granted_at", "id")


def badge_requests_for_review(
    *, status: str | None = BadgeRequest.Status.REQUESTED, badge_class: BadgeClass | None = None
) -> QuerySet[BadgeRequest]:
    """Requests for the review queue, oldest first; `status=None` means every status."""
    requests = BadgeRequest.objects.select_related("badge_class", "applicant").order_by(
        "submitted_at", "id"
    )
    if status:
        requests = requests.filter(status=status)
    if badge_class is not None:
        requests = requests.filter(badge_class=badge_class)
    return requests


def reviewers_to_notify() -> QuerySet[User]:
    """People who hold the reviewer role (platform administrators are not mailed)."""
    return User.objects.filter(
        is_active=True, memberships__role=Role.REVIEWER
    ).distinct().order_by("email")


def award_program(*, award: Award) -> Program | None:
    """The program version the award was earned in; else the newest published one."""
    if award.request_id is not None:
        return award.request.level.program
    return (
        Program.objects.filter(slug=award.badge_class.program_slug, published_at__isnull=False)
        .order_by("-version")
        .first()
    )


def eligibility_summary_for_reviewer(eligibility) -> str:
    """One line for a reviewer: the eligible school, or why the badge cannot be attributed."""
    if eligibility.eligible:
        return str(eligibility.eligible_school)
    return " ; ".join(str(REVIEWER_REASON_TEXT.get(r, r)) for r in eligibility.reasons)


def personal_data(user: User) -> dict:
    """What this app holds about a person (for a Law 25 access request)."""
    return {
        "badge_requests": [
            {
                "id": str(r.id),
                "badge_class": r.badge_class.slug,
                "status": r.status,
                "submitted_at": r.submitted_at.isoformat(),
                "answers": r.answers,
                "decision_reason": r.decision_reason,
            }
            for r in badge_requests_for_user(user=user)
        ],
        "awards": [
            {
                "id": str(a.id),
                "badge_class": a.badge_class.slug,
                "granted_at": a.granted_at.isoformat(),
                "expires_at": a.expires_at.isoformat() if a.expires_at else None,
                "status": a.status,
                "published": a.published,
                "answers_published": a.answers_published,
                "evidence": a.evidence,
            }
            for a in awards_for_user(user=user)
        ],
    }


def badge_requests_open_for_user(*, user: User) -> QuerySet[BadgeRequest]:
    """The person's requests still waiting for a reviewer or for their revision, oldest first
    (for their home)."""
    return (BadgeRequest.objects.filter(applicant=user, status__in=OPEN_STATUSES)
            .select_related("badge_class").order_by("submitted_at", "id"))
