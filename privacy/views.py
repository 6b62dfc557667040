"""Privacy pages: the register of confidentiality incidents, the CAI notice draft, and
persons' access requests. Who may do what is decided in privacy.access; every page holds
personal information, so none is ever stored by a browser or a proxy (Cache-Control: no-store).
"""

import uuid

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.mfa import reauth_url, reauthenticated_recently, second_factor_required
from core.exceptions import ApplicationError
from privacy import access, selectors, services
from privacy.forms import AccessRequestForm, ApproveForm, IncidentForm, NoticeLanguageForm
from privacy.models import AccessRequest
from privacy.notices import cai_notice_draft
from privacy.package import package_json, package_sha256, package_summary

Status = AccessRequest.Status

# --- Home -----------------------------------------------------------------------------------


@never_cache
@second_factor_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    roles = access._require_privacy_role(request)
    officer_requests = selectors.access_requests_in(roles.officer_of)
    open_requests = [r for r in officer_requests if r.status != Status.DELIVERED]
    return render(request, "privacy/home.html", {
        "roles": roles,
        "incident_count": selectors.incidents_in(roles.officer_of).count(),
        "open_request_count": len(open_requests),
        "overdue_count": sum(1 for r in open_requests if r.is_overdue()),
        "awaiting_approval_count": selectors.access_requests_to_approve(roles.approver_of).filter(
            status=Status.ASSEMBLED).count(),
    })


# --- Register of confidentiality incidents --------------------------------------------------


@never_cache
@second_factor_required
@require_safe
def incident_list(request: HttpRequest) -> HttpResponse:
    organisations = access._require_privacy_officer(request)
    return render(request, "privacy/incident_list.html", {
        "incidents": selectors.incidents_in(organisations),
        "several_organisations": organisations.count() > 1,
    })


@never_cache
@second_factor_required
@require_http_methods(["GET", "HEAD", "POST"])
def incident_create(request: HttpRequest) -> HttpResponse:
    organisations = access._require_privacy_officer(request)
    initial = {"contact_name": request.user.full_name, "contact_details": request.user.email}
    form = IncidentForm(request.POST or None, organisations=organisations, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            incident = services.incident_create(
                officer=request.user, organisation=form.cleaned_data["organisation"],
                data=form.model_data(), request=request,
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, _("L'incident a été inscrit au registre."))
            return redirect("privacy:incident_detail", incident_id=incident.pk)
    return render(request, "privacy/incident_form.html", {"form": form, "incident": None})


@never_cache
@second_factor_required
@require_safe
def incident_detail(request: HttpRequest, incident_id: uuid.UUID) -> HttpResponse:
    incident = access._get_incident_for_officer(request, incident_id)
    return render(request, "privacy/incident_detail.html", {"incident": incident})


@never_cache
@second_factor_required
@require_http_methods(["GET", "HEAD", "POST"])
def incident_update(request: HttpRequest, incident_id: uuid.UUID) -> HttpResponse:
    incident = access._get_incident_for_officer(request, incident_id)
    form = IncidentForm(request.POST or None, instance=incident)
    if request.method == "POST" and form.is_valid():
        try:
            services.incident_update(incident=incident, officer=request.user,
                                     data=form.model_data(), request=request)
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, _("L'inscription au registre a été mise à jour."))
            return redirect("privacy:incident_detail", incident_id=incident.pk)
    return render(request, "privacy/incident_form.html", {"form": form, "incident": incident})


@never_cache
@second_factor_required
@require_http_methods(["GET", "HEAD", "POST"])
def incident_delete(request: HttpRequest, incident_id: uuid.UUID) -> HttpResponse:
    incident = access._get_incident_for_officer(request, incident_id)
    if request.method == "POST":
        services.incident_delete(incident=incident, officer=request.user, request=request)
        messages.success(request, _("L'inscription a été supprimée du registre."))
        return redirect("privacy:incident_list")
    return render(request, "privacy/incident_delete.html", {"incident": incident})


@never_cache
@second_factor_required
@require_safe
def incident_cai_notice(request: HttpRequest, incident_id: uuid.UUID) -> HttpResponse:
    incident = access._get_incident_for_officer(request, incident_id)
    language = NoticeLanguageForm(request.GET).language(default=get_language() or "fr")
    return render(request, "privacy/incident_cai_notice.html", {
        "incident": incident,
        "draft": cai_notice_draft(incident=incident, language=language),
        "draft_language": language,
        "other_language": "en" if language == "fr" else "fr",
    })


# --- Access requests ------------------------------------------------------------------------


@never_cache
@second_factor_required
@require_safe
def request_list(request: HttpRequest) -> HttpResponse:
    roles = access._require_privacy_role(request)
    requests = (selectors.access_requests_in(roles.officer_of)
                | selectors.access_requests_to_approve(roles.approver_of)).distinct()
    today = timezone.localdate()
    return render(request, "privacy/request_list.html", {
        "rows": [(r, r.is_overdue(today)) for r in requests],
        "roles": roles,
    })


@never_cache
@second_factor_required
@require_http_methods(["GET", "HEAD", "POST"])
def request_create(request: HttpRequest) -> HttpResponse:
    organisations = access._require_privacy_officer(request)
    form = AccessRequestForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            access_request = services.access_request_record(
                officer=request.user, request=request, **form.cleaned_data
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, _("La demande d'accès a été enregistrée."))
            return redirect("privacy:request_detail", request_id=access_request.pk)
    return render(request, "privacy/request_form.html", {"form": form})


# The request page's query parameter asking for the package in full.
FULL_PACKAGE_PARAM = "contenu"


def _may_read_package(view: access.AccessRequestView) -> bool:
    """Who may read a package in full (after a re-authentication): the head who approves it,
    and the privacy officer once it is approved. Before that, the officer sees its summary
    only, as they see metadata only of cases elsewhere."""
    return view.as_approver or view.access_request.status in (Status.APPROVED, Status.DELIVERED)


def _full_package_url(access_request: AccessRequest) -> str:
    return (reverse("privacy:request_detail", args=[access_request.pk])
            + f"?{FULL_PACKAGE_PARAM}=1")


def _render_request(request: HttpRequest, view: access.AccessRequestView, *,
                    approve_form: ApproveForm | None = None,
                    full: bool = False) -> HttpResponse:
    access_request = view.access_request
    may_read = _may_read_package(view)
    full = full and may_read and reauthenticated_recently(request)
    package = package_text = digest = None
    summary = []
    package_error = ""
    if access_request.status != Status.RECORDED:
        read = (services.access_request_package_shown if full
                else services.access_request_package_summarised)
        try:
            package = read(access_request=access_request, viewer=request.user, request=request)
        except ApplicationError as error:
            package_error = error.message
        else:
            digest = package_sha256(package)
            if full:
                package_text = package_json(package)
            else:
                summary = package_summary(package)
    approval_blocked = ""
    if view.as_approver and access_request.status == Status.ASSEMBLED:
        try:
            services.access_request_approve_check(access_request=access_request,
                                                  approver=request.user)
        except ApplicationError as error:
            approval_blocked = error.message
        # Approving what one has read: the form comes with the package in full.
        if approve_form is None and digest is not None and full:
            approve_form = ApproveForm(initial={"sha256": digest})
    return render(request, "privacy/request_detail.html", {
        "access_request": access_request,
        "as_officer": view.as_officer,
        "as_approver": view.as_approver,
        "overdue": access_request.is_overdue(),
        "package_text": package_text,
        "package_summary": summary,
        "may_read_package": may_read,
        "full_package_url": _full_package_url(access_request),
        "reauth_minutes": max(settings.SEXTO_REAUTH_SECONDS // 60, 1),
        "package_error": package_error,
        # The page's package differs from the one assembled: the data changed since.
        "package_changed": digest is not None and digest != access_request.package_sha256,
        "approve_form": approve_form if full else None,
        "approval_blocked": approval_blocked,
        "Status": Status,
    })


@never_cache
@second_factor_required
@require_safe
def request_detail(request: HttpRequest, request_id: uuid.UUID) -> HttpResponse:
    view = access._get_access_request_for_reader(request, request_id)
    full = request.GET.get(FULL_PACKAGE_PARAM) == "1" and _may_read_package(view)
    if full and not reauthenticated_recently(request):
        return redirect(reauth_url(_full_package_url(view.access_request)))
    return _render_request(request, view, full=full)


@never_cache
@second_factor_required
@require_POST
def request_assemble(request: HttpRequest, request_id: uuid.UUID) -> HttpResponse:
    access_request = access._get_access_request_for_officer(request, request_id)
    try:
        services.access_request_assemble(access_request=access_request, officer=request.user,
                                         request=request)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Les renseignements ont été rassemblés. Ils attendent "
                                    "l'approbation de la direction."))
    return redirect("privacy:request_detail", request_id=access_request.pk)


@never_cache
@second_factor_required
@require_POST
def request_approve(request: HttpRequest, request_id: uuid.UUID) -> HttpResponse:
    access_request = access._get_access_request_for_approver(request, request_id)
    form = ApproveForm(request.POST)
    if form.is_valid():
        try:
            services.access_request_approve(
                access_request=access_request, approver=request.user,
                seen_sha256=form.cleaned_data["sha256"], request=request,
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, _("La communication des renseignements est approuvée."))
            return redirect("privacy:request_detail", request_id=access_request.pk)
    view = access._get_access_request_for_reader(request, request_id)
    return _render_request(request, view, approve_form=form, full=True)


@never_cache
@second_factor_required
@require_POST
def request_download(request: HttpRequest, request_id: uuid.UUID) -> HttpResponse:
    access_request = access._get_access_request_for_officer(request, request_id)
    if not reauthenticated_recently(request):
        # An export of the package: a fresh re-authentication, as for the case tool's exports.
        messages.error(request, _("Confirmez d'abord votre identité : votre dernière "
                                  "vérification date de plus de quelques minutes."))
        return redirect(reauth_url(reverse("privacy:request_detail",
                                           args=[access_request.pk])))
    try:
        package = services.access_request_deliver(access_request=access_request,
                                                  officer=request.user, request=request)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("privacy:request_detail", request_id=access_request.pk)
    response = HttpResponse(package_json(package), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="sexto-renseignements-{access_request.pk}.json"'
    )
    return response
