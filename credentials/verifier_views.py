"""The public verifier page: paste, link or upload any Open Badge and see what holds.

Public, no login: anybody shown a badge should be able to check it. The credential comes from
anybody too, so the page shows what it says as escaped text only: no image, no link, no
Markdown or HTML from it, and its claims are labelled as claims until its signature holds.
"""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from credentials import verify as verification
from credentials.forms import BoundedMemoryUploadHandler, VerifierForm


def _verdict_explanation(verdict: str) -> str:
    return {
        verification.VALID: _("La signature, l'émetteur, les dates et le statut de révocation "
                              "ont tous été vérifiés."),
        verification.INVALID: _("Au moins une vérification a échoué : ne vous fiez pas à ce "
                                "badge."),
        verification.INCOMPLETE: _("Aucune vérification n'a échoué, mais au moins une n'a pas "
                                   "pu être faite : un document de l'émetteur était "
                                   "inaccessible. Réessayez plus tard."),
        verification.UNUSABLE: _("Ce qui a été donné n'est pas un badge Open Badges lisible."),
    }[verdict]


def _claims(summary: dict) -> list[tuple[str, str]]:
    """The summary's fields worth showing, labelled; empty ones left out. Plain strings."""
    rows = [
        (_("Nom du badge"), summary.get("name")),
        (_("Réalisation"), summary.get("achievement")
         if summary.get("achievement") != summary.get("name") else ""),
        (_("Description"), summary.get("description")),
        (_("Critères"), summary.get("criteria")),
        (_("Émetteur"), summary.get("issuer")),
        (_("Identifiant de l'émetteur"), summary.get("issuer_id")),
        (_("Valide à partir du"), summary.get("valid_from")),
        (_("Valide jusqu'au"), summary.get("valid_until")),
    ]
    return [(label, value) for label, value in rows if isinstance(value, str) and value]


def _result(report: verification.Report) -> dict:
    return {
        "verdict": report.verdict,
        "verdict_label": verification.verdict_label(report.verdict),
        "explanation": _verdict_explanation(report.verdict),
        "checks": [{"label": verification.check_label(check.name), "outcome": check.outcome,
                    "outcome_label": verification.outcome_label(check.outcome),
                    "message": check.message} for check in report.checks],
        # Authentic content (signed, or confirmed by its OB 2.0 host) versus mere claims.
        "authentic": report.passed("signature"),
        "claims": _claims(report.summary),
        "evidence": [item for item in report.summary.get("evidence") or []
                     if item.get("name") or item.get("narrative")],
    }


@csrf_protect
def _verifier(request: HttpRequest) -> HttpResponse:
    result = None
    if request.method == "POST":
        form = VerifierForm(request.POST, request.FILES)
        if form.is_valid():
            # Looked up at call time, so that tests may replace the network.
            report = verification.verify(**form.verify_arguments(),
                                         fetch=verification.default_fetcher)
            result = _result(report)
    else:
        form = VerifierForm()
    response = render(request, "credentials/verifier.html", {"form": form, "result": result})
    if request.method == "POST":
        # What was pasted may hold personal information: no cache keeps it.
        patch_cache_control(response, no_store=True)
    return response


@csrf_exempt  # the CSRF check reads the body: it runs in _verifier, after the handlers are set
@require_http_methods(["GET", "HEAD", "POST"])
def verifier(request: HttpRequest) -> HttpResponse:
    """GET: the form. POST: the form again, with the verification's report."""
    if request.method == "POST":
        # Before anything reads the body: an uploaded image stays in memory, bounded, and is
        # never written to a temporary file.
        request.upload_handlers = [BoundedMemoryUploadHandler(request)]
        try:
            request.POST  # noqa: B018 - parsed here, where "too large" can be answered in words
        except RequestDataTooBig:
            # A paste beyond DATA_UPLOAD_MAX_MEMORY_SIZE: the form says so (nothing to protect
            # from cross-site requests in showing an error: nothing is done).
            form = VerifierForm({}, too_large=True)
            form.is_valid()
            return render(request, "credentials/verifier.html", {"form": form, "result": None})
    return _verifier(request)
