"""Badge pages: after a level, a learner's requests and awards, the review, public pages."""

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.eligibility import badge_eligibility
from accounts.services import profile_publish_set
from badges import access, selectors, services
from badges.forms import (
    AwardVisibilityForm,
    EvidenceForm,
    ProfileVisibilityForm,
    ReviewDecisionForm,
    ReviewQueueFilterForm,
)
from badges.models import Award, BadgeRequest
from core.exceptions import ApplicationError
from training.models import LevelKind

# --- After a level --------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def level_completed(request: HttpRequest, level_id: uuid.UUID) -> HttpResponse:
    level = access._get_completed_level_for_user(request, level_id)
    badge_class = selectors.badge_class_for_level(level=level)
    context = {"level": level, "badge_class": badge_class,
               "level_kind": LevelKind(level.kind).label}
    if badge_class is None:
        return render(request, "badges/level_completed.html", context)
    eligibility = badge_eligibility(request.user) if badge_class.requires_agreement else None
    context["eligibility"] = eligibility

    if badge_class.auto_grant:
        # Idempotent: reloading this page never grants twice.
        result = services.badge_level_completed(user=request.user, level=level, request=request)
        context.update(result=result, award=result.award)
        return render(request, "badges/level_completed.html", context)

    open_request = selectors.badge_request_open_for(user=request.user, badge_class=badge_class)
    if open_request is not None:
        return redirect("badges:request_detail", request_id=open_request.pk)
    current = selectors.award_current_for(user=request.user, badge_class=badge_class)
    if current is not None:
        context["award"] = current
        return render(request, "badges/level_completed.html", context)

    form = EvidenceForm(request.POST or None, questions=level.evidence_questions or [])
    if request.method == "POST" and form.is_valid():
        try:
            badge_request = services.badge_request_submit(
                applicant=request.user, level=level, answers=form.cleaned_data, request=request
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, _("Votre demande de badge a été envoyée pour évaluation."))
            return redirect("badges:request_detail", request_id=badge_request.pk)
    context["form"] = form
    return render(request, "badges/level_completed.html", context)


# --- The learner's requests and awards ------------------------------------------------------


def _history(badge_request: BadgeRequest, *, for_applicant: bool) -> list[dict]:
    """The request's events as lines to show; the applicant sees roles, not reviewers' names."""
    lines = []
    for event in badge_request.events.select_related("actor"):
        if event.actor_id is None:
            who = _("Attribution automatique")
        elif event.actor_id == badge_request.applicant_id:
            who = _("Vous") if for_applicant else str(event.actor)
        else:
            who = _("Évaluation") if for_applicant else str(event.actor)
        lines.append({
            "at": event.created_at,
            "status": event.to_status,
            "label": BadgeRequest.Status(event.to_status).label,
            "who": who,
            "reason": event.reason,
        })
    return lines


def _request_detail_context(badge_request: BadgeRequest, form: EvidenceForm | None) -> dict:
    return {
        "badge_request": badge_request,
        "history": _history(badge_request, for_applicant=True),
        "form": form,
        "level_kind": LevelKind(badge_request.level.kind).label,
    }


def _resubmit_form(badge_request: BadgeRequest, data=None) -> EvidenceForm:
    questions = badge_request.answers or badge_request.level.evidence_questions or []
    initial = {a["id"]: a.get("answer", "") for a in badge_request.answers}
    return EvidenceForm(data, questions=questions, initial=initial)


@login_required
@require_safe
def request_detail(request: HttpRequest, request_id: uuid.UUID) -> HttpResponse:
    badge_request = access._get_request_for_applicant(request, request_id)
    form = None
    if badge_request.status == BadgeRequest.Status.REVISION_REQUESTED:
        form = _resubmit_form(badge_request)
    return render(request, "badges/request_detail.html",
                  _request_detail_context(badge_request, form))


@login_required
@require_POST
def request_resubmit(request: HttpRequest, request_id: uuid.UUID) -> HttpResponse:
    badge_request = access._get_request_for_applicant(request, request_id)
    form = _resubmit_form(badge_request, request.POST)
    if form.is_valid():
        try:
            services.badge_request_resubmit(badge_request=badge_request, applicant=request.user,
                                            answers=form.cleaned_data, request=request)
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, _("Vos réponses révisées ont été envoyées."))
            return redirect("badges:request_detail", request_id=badge_request.pk)
    if badge_request.status != BadgeRequest.Status.REVISION_REQUESTED:
        # Nothing to edit any more (already resubmitted or decided): say so on the page.
        messages.error(request, _("Cette demande ne peut plus être modifiée."))
        return redirect("badges:request_detail", request_id=badge_request.pk)
    return render(request, "badges/request_detail.html",
                  _request_detail_context(badge_request, form))


@login_required
@require_safe
def mine(request: HttpRequest) -> HttpResponse:
    awards = []
    for award in selectors.awards_for_user(user=request.user):
        form = AwardVisibilityForm(prefix=str(award.pk), initial=(
            {"visibility": services.award_visibility(award)} if award.visibility_chosen else {}
        ))
        awards.append((award, form))
    return render(request, "badges/mine.html", {
        "badge_requests": selectors.badge_requests_for_user(user=request.user),
        "awards": awards,
        "profile_form": ProfileVisibilityForm(
            initial={"published": request.user.profile_published}
        ),
    })


@login_required
@require_POST
def award_visibility(request: HttpRequest, award_id: uuid.UUID) -> HttpResponse:
    award = access._get_award_for_owner(request, award_id)
    form = AwardVisibilityForm(request.POST, prefix=str(award.pk))
    if not form.is_valid():
        messages.error(request, _("Choisissez qui peut voir ce badge."))
        return redirect("badges:mine")
    services.award_visibility_set(award=award, user=request.user,
                                  visibility=form.cleaned_data["visibility"], request=request)
    messages.success(request, _("La visibilité du badge a été enregistrée."))
    return redirect("badges:mine")


@login_required
@require_POST
def profile_visibility(request: HttpRequest) -> HttpResponse:
    form = ProfileVisibilityForm(request.POST)
    form.is_valid()  # a checkbox: absent means unchecked, never invalid
    published = bool(form.cleaned_data.get("published"))
    profile_publish_set(user=request.user, published=published, request=request)
    messages.success(request, _("Votre profil est maintenant public.") if published
                     else _("Votre profil est maintenant privé."))
    return redirect("badges:mine")


# --- Review ---------------------------------------------------------------------------------


@login_required
@require_safe
def review_queue(request: HttpRequest) -> HttpResponse:
    access._require_reviewer(request)
    filter_form = ReviewQueueFilterForm(request.GET or None)
    requests = selectors.badge_requests_for_review(**filter_form.filters())
    page = Paginator(requests, 50).get_page(request.GET.get("page"))
    rows = []
    for badge_request in page:
        eligibility = badge_eligibility(badge_request.applicant)
        rows.append((badge_request, eligibility,
                     selectors.eligibility_summary_for_reviewer(eligibility)))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "badges/review_queue.html", {
        "filter_form": filter_form, "rows": rows, "page": page, "query": query.urlencode(),
    })


def _render_review(request: HttpRequest, badge_request: BadgeRequest,
                   form: ReviewDecisionForm) -> HttpResponse:
    eligibility = badge_eligibility(badge_request.applicant)
    return render(request, "badges/review_detail.html", {
        "badge_request": badge_request,
        "history": _history(badge_request, for_applicant=False),
        "eligibility": eligibility,
        "eligibility_summary": selectors.eligibility_summary_for_reviewer(eligibility),
        "form": form,
        "own_request": badge_request.applicant_id == request.user.pk,
        "level_kind": LevelKind(badge_request.level.kind).label,
    })


@login_required
@require_safe
def review_detail(request: HttpRequest, request_id: uuid.UUID) -> HttpResponse:
    badge_request = access._get_request_for_reviewer(request, request_id)
    return _render_review(request, badge_request, ReviewDecisionForm())


@login_required
@require_POST
def review_decide(request: HttpRequest, request_id: uuid.UUID) -> HttpResponse:
    badge_request = access._get_request_for_reviewer(request, request_id)
    form = ReviewDecisionForm(request.POST)
    if form.is_valid():
        try:
            services.badge_request_review(
                badge_request=badge_request, reviewer=request.user,
                decision=form.cleaned_data["decision"], reason=form.cleaned_data["reason"],
                request=request,
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, _("Votre décision a été enregistrée."))
            return redirect("badges:review_queue")
    badge_request.refresh_from_db()
    return _render_review(request, badge_request, form)


# --- Public pages ---------------------------------------------------------------------------


def attestation_render(request: HttpRequest, award: Award, *,
                       template_name: str = "badges/attestation.html",
                       extra: dict | None = None) -> HttpResponse:
    """The attestation page; the credentials app renders it with its downloads added."""
    return render(request, template_name, {
        "award": award,
        # The reason is the member's and staff's business, never the public's.
        "show_revocation_reason": access.award_viewer_is_staff(request) or (
            request.user.is_authenticated and request.user.pk == award.recipient_id),
        "program": selectors.award_program(award=award),
        "level_kind": LevelKind(award.badge_class.level_kind).label
        if award.badge_class.level_kind in LevelKind.values else award.badge_class.level_kind,
        "status": award.status,
        "Status": Award.Status,
        "is_recipient": request.user.is_authenticated and request.user.pk == award.recipient_id,
        "issuer_name": settings.SEXTO_ISSUER_NAME,
        **(extra or {}),
    })


@require_safe
def member_profile(request: HttpRequest, handle: str) -> HttpResponse:
    member = access._get_member_for_profile(request, handle)
    return render(request, "badges/member_profile.html", {
        "member": member,
        "awards": selectors.awards_published_for_user(user=member),
        "is_owner": request.user.is_authenticated and request.user.pk == member.pk,
    })
