"""Public credential documents: DID, issuer, achievements, credentials, status lists, OB 2.0.

Machine-readable documents are public JSON with CORS open (web wallets and verifiers fetch them
from other origins). A credential of an award follows the attestation's rule: published, or
seen by its recipient or a reviewer; everyone else gets 404.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from badges import views as badges_views
from badges.access import _get_award_for_attestation, award_viewer_is_staff
from badges.forms import AwardRevokeForm
from badges.models import Award, BadgeClass
from badges.services import award_revoke as award_revoke_service
from core.ratelimit import CACHE_ERRORS, cache_unavailable
from core.text import localized
from credentials import exports, ob2
from credentials.compose import CONTEXT, achievement, issuer_profile
from credentials.did import did_document
from credentials.keys import keyring_load
from credentials.models import StatusList
from credentials.services import credential_for_award, credential_jwt
from credentials.status import STATUS_LIST_TTL_SECONDS, status_list_credential

JSON_LD = "application/ld+json"
# What a client asks for when it wants the credential rather than the page.
CREDENTIAL_MEDIA_TYPES = ("application/vc+ld+json", "application/vc", JSON_LD,
                          "application/json")


def _json(data: dict, *, content_type: str = "application/json", status: int = 200,
          download: str = "") -> HttpResponse:
    response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=2),
                            content_type=f"{content_type}; charset=utf-8", status=status)
    if download:
        response["Content-Disposition"] = f'attachment; filename="{download}"'
    return response


# --- Issuer and achievements -----------------------------------------------------------------


@require_safe
def did_json(request: HttpRequest) -> HttpResponse:
    response = _json(did_document(keyring_load()), content_type="application/did+json")
    patch_cache_control(response, public=True, max_age=3600)
    return response


@require_safe
def issuer_json(request: HttpRequest) -> HttpResponse:
    return _json({"@context": CONTEXT, **issuer_profile()}, content_type=JSON_LD)


def _achievement_response(slug: str, language: str) -> HttpResponse:
    badge_class = get_object_or_404(BadgeClass, slug=slug)
    return _json({"@context": CONTEXT, **achievement(badge_class, language)},
                 content_type=JSON_LD)


@require_safe
def achievement_json(request: HttpRequest, slug: str) -> HttpResponse:
    return _achievement_response(slug, "fr")


@require_safe
def achievement_json_en(request: HttpRequest, slug: str) -> HttpResponse:
    return _achievement_response(slug, "en")


@require_safe
def status_list_json(request: HttpRequest, list_id: uuid.UUID) -> HttpResponse:
    status_list = get_object_or_404(StatusList, pk=list_id)
    response = _json(status_list_credential(status_list), content_type="application/vc+ld+json")
    # Verifiers may cache it a little; a revocation shows within this delay.
    patch_cache_control(response, public=True, max_age=STATUS_LIST_TTL_SECONDS)
    return response


# --- One award's credential ------------------------------------------------------------------


def _download_name(award, extension: str) -> str:
    return f"sexto-{award.badge_class.slug}-{award.pk}.{extension}"


@require_safe
def credential_json(request: HttpRequest, award_id: uuid.UUID) -> HttpResponse:
    award = _get_award_for_attestation(request, award_id)
    credential = credential_for_award(award=award)
    return _json(credential.document, content_type="application/vc+ld+json",
                 download=_download_name(award, "json"))


@require_safe
def credential_jwt_file(request: HttpRequest, award_id: uuid.UUID) -> HttpResponse:
    award = _get_award_for_attestation(request, award_id)
    # OB 3.0 section 8.2: a VC-JWT is served as text/plain.
    return _file(credential_jwt(award=award).encode("ascii"), "text/plain; charset=us-ascii",
                 _download_name(award, "jwt"))


def _file(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
def credential_png(request: HttpRequest, award_id: uuid.UUID) -> HttpResponse:
    award = _get_award_for_attestation(request, award_id)
    return _file(exports.baked_png(award), "image/png", _download_name(award, "png"))


@require_safe
def credential_svg(request: HttpRequest, award_id: uuid.UUID) -> HttpResponse:
    award = _get_award_for_attestation(request, award_id)
    return _file(exports.baked_svg(award), "image/svg+xml; charset=utf-8",
                 _download_name(award, "svg"))


def _wants_credential(request: HttpRequest) -> bool:
    """True when the Accept header prefers a credential media type to HTML (no header: HTML)."""
    preferred = request.get_preferred_type(["text/html", *CREDENTIAL_MEDIA_TYPES])
    return preferred is not None and preferred != "text/html"


def _attestation_page(request: HttpRequest, award, *, revoke_form=None, status: int = 200,
                      csrf_token=None) -> HttpResponse:
    extra = {"downloads": _downloads(award), "linkedin_url": _linkedin_url(award)}
    if csrf_token is not None:
        extra["csrf_token"] = csrf_token
    if award_viewer_is_staff(request) and not award.revoked:
        extra["revoke_form"] = revoke_form or AwardRevokeForm()
        extra["revoke_url"] = reverse("credential_pages:award_revoke", args=[award.pk])
    response = badges_views.attestation_render(
        request, award, template_name="credentials/attestation.html", extra=extra)
    response.status_code = status
    return response


# --- The public attestation page, cached for anonymous visitors ----------------------------------
#
# It is the page every verifier and employer opens. For an anonymous visitor it depends only on
# the award, its badge class, its recipient's public details, the language and the site's
# address: the key below holds all of them, so a change gives a new key and nothing stale is
# ever served. Only the CSRF token of the page's forms (the language switch) is the visitor's
# own: the page is stored with a placeholder in its place, replaced at each request. The
# placeholder cannot come from a member's text, which the template escapes ("<" -> "&lt;").

ANONYMOUS_PAGE_SECONDS = 600
_CSRF_PLACEHOLDER = "<csrf-token/>"


def _anonymous_page_key(request: HttpRequest, award_id: uuid.UUID) -> str | None:
    """The cache key of the anonymous page, or None when it must be rendered for this request."""
    if request.user.is_authenticated or len(messages.get_messages(request)):
        return None
    # What the page shows, field by field: a change made with queryset.update() (which leaves
    # updated_at alone) must still give a new key.
    row = Award.objects.filter(pk=award_id, published=True).values_list(
        "updated_at", "granted_at", "expires_at", "revoked", "revoked_at", "answers_published",
        "badge_class__updated_at", "recipient__full_name", "recipient__handle",
        "recipient__profile_published", "request__level__program_id",
    ).first()
    if row is None:
        return None  # unknown or private: the full path answers (404)
    expired = row[2] is not None and row[2] <= timezone.now()
    # The full path too: the language switch sends the visitor back to it, query included.
    stamp = repr((row, expired, settings.SITE_URL, get_language(), request.get_full_path()))
    return f"attestation-page:{award_id}:{hashlib.sha256(stamp.encode()).hexdigest()}"


def _cache_unavailable(error: Exception) -> None:
    cache_unavailable(error, "the attestation page is rendered without it")


def _cached_page(key: str | None) -> str | None:
    # The page cache only saves work: with Redis out of reach the page is rendered, not lost.
    if key is None:
        return None
    try:
        return cache.get(key)
    except CACHE_ERRORS as error:
        _cache_unavailable(error)
        return None


def _cache_page(key: str, html: str) -> None:
    try:
        cache.set(key, html, ANONYMOUS_PAGE_SECONDS)
    except CACHE_ERRORS as error:
        _cache_unavailable(error)


@require_safe
def attestation(request: HttpRequest, award_id: uuid.UUID) -> HttpResponse:
    """The attestation page, or its credential when the client asks for JSON."""
    if _wants_credential(request):
        award = _get_award_for_attestation(request, award_id)
        response = _json(credential_for_award(award=award).document,
                         content_type="application/vc+ld+json")
        # The credential itself, as at its own address (credentials/cors.py); asking for it
        # needs no preflight (Accept is a header any page may send).
        response["Access-Control-Allow-Origin"] = "*"
    else:
        key = _anonymous_page_key(request, award_id)
        html = _cached_page(key)
        if html is None:
            award = _get_award_for_attestation(request, award_id)
            if key is None:
                response = _attestation_page(request, award)
            else:
                response = _attestation_page(
                    request, award, csrf_token=mark_safe(_CSRF_PLACEHOLDER))  # noqa: S308
                html = response.content.decode()
                _cache_page(key, html)
        if html is not None:
            response = HttpResponse(html.replace(_CSRF_PLACEHOLDER, get_token(request)))
    patch_vary_headers(response, ["Accept"])
    return response


@login_required
@require_POST
def award_revoke(request: HttpRequest, award_id: uuid.UUID) -> HttpResponse:
    """Reviewers and platform administrators revoke an award, with a reason."""
    award = _get_award_for_attestation(request, award_id)
    if not award_viewer_is_staff(request):
        raise PermissionDenied
    form = AwardRevokeForm(request.POST)
    if not form.is_valid():
        return _attestation_page(request, award, revoke_form=form, status=400)
    if award_revoke_service(award=award, reason=form.cleaned_data["reason"],
                            actor=request.user, request=request):
        messages.success(request, _("Le badge est révoqué ; la personne titulaire en est "
                                    "avisée."))
    else:
        messages.info(request, _("Ce badge était déjà révoqué."))
    return redirect("credential_pages:attestation", award_id=award.pk)


def _linkedin_url(award) -> str:
    """LinkedIn's "Add to profile" form for a certification, filled in from the award."""
    granted = award.granted_at
    query = {
        "startTask": "CERTIFICATION_NAME",
        "name": localized(award.badge_class.name),
        "organizationName": settings.SEXTO_ISSUER_NAME,
        "issueYear": granted.year,
        "issueMonth": granted.month,
        "certUrl": settings.SITE_URL + reverse("credential_pages:attestation", args=[award.pk]),
        "certId": str(award.pk),
    }
    if award.expires_at:
        query.update(expirationYear=award.expires_at.year,
                     expirationMonth=award.expires_at.month)
    return "https://www.linkedin.com/profile/add?" + urlencode(query)


def _downloads(award) -> dict:
    links = {
        name: reverse(f"credentials:{name}", args=[award.pk])
        for name in ("credential_json", "credential_jwt", "credential_png", "credential_svg",
                     "ob2_assertion", "ob2_png")
    }
    links["pdf"] = reverse("credential_pages:attestation_pdf", args=[award.pk])
    return links


@require_safe
def attestation_pdf(request: HttpRequest, award_id: uuid.UUID) -> HttpResponse:
    award = _get_award_for_attestation(request, award_id)
    language = (get_language() or "fr")[:2]
    response = HttpResponse(exports.award_export(award=award, format="pdf", language=language),
                            content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="{_download_name(award, f"{language}.pdf")}"')
    return response


# --- Open Badges 2.0 ----------------------------------------------------------------------------


@require_safe
def ob2_issuer(request: HttpRequest) -> HttpResponse:
    return _json(ob2.issuer(), content_type=JSON_LD)


@require_safe
def ob2_badge_class(request: HttpRequest, slug: str) -> HttpResponse:
    return _json(ob2.badge_class(get_object_or_404(BadgeClass, slug=slug)), content_type=JSON_LD)


@require_safe
def ob2_assertion(request: HttpRequest, award_id: uuid.UUID) -> HttpResponse:
    award = _get_award_for_attestation(request, award_id)
    # OB 2.0 hosted verification: a revoked assertion answers 410 Gone with revoked: true.
    return _json(exports.ob2_assertion(award), content_type=JSON_LD,
                 status=410 if award.revoked else 200)


@require_safe
def ob2_png(request: HttpRequest, award_id: uuid.UUID) -> HttpResponse:
    award = _get_award_for_attestation(request, award_id)
    return _file(exports.baked_ob2_png(award), "image/png", _download_name(award, "ob2.png"))
