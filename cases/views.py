"""Views of the case tool. Every one requires a second factor, checks access through
cases.access (audited refusals) and audits what it reads or writes (cases.services).

Students' names never reach the browser before `student_reveal`, which needs a fresh
re-authentication and is logged. No view accepts a file: CaseRequestMiddleware refuses any
body that is not a plain form before it is read.

The case page walks the method's steps (cases.progress): after a step is saved, the person
goes on to the next step to do, so that the right next action is always the one in view.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.mfa import (
    reauth_url,
    reauthenticated_recently,
    reauthentication_required,
    second_factor_required,
)
from accounts.models import Membership, Organisation, Role
from accounts.services import role_grant, role_revoke
from accounts.typed_work import typed_work_restored_form
from audit.actions import action_label
from audit.selectors import events_for_target
from cases import forms, selectors, services
from cases import grid as grid_rules
from cases.access import (
    Need,
    case_handoff,
    get_case_and_levels,
    get_case_for_user,
    handoff_follow_up,
    require_roles,
)
from cases.models import (
    Case,
    CustodyTransfer,
    DestructionRecord,
    Device,
    Entry,
    Grid,
    Student,
    SupportAction,
)
from cases.pdf import NAME_MASKED, handoff_document, handoff_preview_document
from cases.progress import case_progress
from cases.retention import inherited_schedule, schedule_change_impact, schedules_for
from core.exceptions import ApplicationError

PAGE_SIZE = 50


def _students(case: Case) -> list[tuple[str, str]]:
    return [(str(s.pk), s.label) for s in selectors.case_students(case)]


def _student_or_none(case: Case, student_id: str):
    if not student_id:
        return None
    return selectors.case_students(case).filter(pk=student_id).first()


def _case_url(case: Case) -> str:
    return reverse("cases:case_detail", args=[case.pk])


# --- Lists -------------------------------------------------------------------------------


@require_GET
@second_factor_required
def case_list(request: HttpRequest) -> HttpResponse:
    roles = require_roles(request, allowed=lambda r: r.any)
    status = request.GET.get("etat", "")
    school_page = Paginator(selectors.school_cases(roles, status=status),
                            PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "roles": roles,
        "status": status if status in Case.Status.values else "",
        "statuses": Case.Status.choices,
        "school_cases": school_page,
        "reported": selectors.reported_cases(roles, user=request.user)[:PAGE_SIZE],
        "police_cases": selectors.police_cases(roles)[:PAGE_SIZE],
        "register": (selectors.register_cases(roles)[:PAGE_SIZE]
                     if roles.privacy_schools else []),
        "can_report": bool(roles.report_schools),
        "refused": roles.intervener_refused,
    }
    return render(request, "cases/case_list.html", context)


# --- Step 1: report ----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@second_factor_required
def case_report(request: HttpRequest) -> HttpResponse:
    roles = require_roles(request, allowed=lambda r: bool(r.report_schools))
    schools = list(Organisation.objects.filter(pk__in=roles.report_schools).order_by("name"))
    choices = [(str(s.pk), s.name) for s in schools]
    if request.method == "POST":
        form = forms.ReportForm(request.POST, schools=choices)
    else:
        # An account typed as the session ended comes back, unsaved (accounts.typed_work).
        form = typed_work_restored_form(request, forms.ReportForm(schools=choices),
                                        action=request.path)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        school = next(s for s in schools if str(s.pk) == data["school"])
        try:
            case = services.case_report(
                reporter=request.user, school=school, told_at=data["told_at"],
                account=data["account"], channels=data["channels"],
                apps_other=data["apps_other"], still_spreading=data["still_spreading"],
                request=request,
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, _(
                "Incident déclaré : dossier %(reference)s. La direction et les intervenants "
                "Sexto de l'école en sont avisés.") % {"reference": case.reference})
            return redirect(_case_url(case))
    return render(request, "cases/case_report.html", {"form": form})


# --- The case page -----------------------------------------------------------------------


@require_GET
@second_factor_required
def case_detail(request: HttpRequest, case_id) -> HttpResponse:
    """The fullest view the person has of this case."""
    case, levels = get_case_and_levels(request, case_id)
    if Need.READ not in levels:
        if Need.POLICE in levels:
            return redirect("cases:police_handoff", case_id=case.pk)
        if Need.REPORT in levels:
            return render(request, "cases/case_reported.html", {"case": case})
        return render(request, "cases/case_metadata.html", {"case": case})
    grid = Grid.objects.filter(case=case).first()
    handoff = case_handoff(case)
    manage = Need.MANAGE in levels
    interveners = selectors.school_interveners(case.school) if not case.lead_id or manage else []
    context = {
        "case": case,
        "progress": case_progress(case),
        "manage": manage,
        # An intervener who may open the school's cases takes an unassigned one at once.
        "can_take": case.lead_id is None and not case.is_closed and any(
            user.pk == request.user.pk for user in interveners),
        # Just back from re-authenticating to show this student's name.
        "name_ready": request.GET.get("nom", "") if reauthenticated_recently(request) else "",
        "police_view": Need.POLICE in levels,
        "students": list(selectors.case_students(case)),
        "entries": selectors.case_entries(case),
        # One hand-over form per device, each with its own field ids.
        "devices": [
            (device, forms.CustodyTransferForm(prefix=_device_prefix(device),
                                               initial={"version": case.version}))
            for device in selectors.case_devices(case)
        ],
        "grid": grid,
        "grid_rows": (grid_rules.answers_shown(grid.answers, to_confirm=grid.to_confirm)
                      if grid else []),
        "grid_signs": grid.youth_protection_signs if grid else [],
        "handoff": handoff,
        "shared": list(handoff.shared.all()) if handoff else [],
        "support": list(case.support_actions.all()),
        "force": services.police_force_for(case),
        "hold_form": forms.LegalHoldForm(initial={"hold": case.legal_hold,
                                                  "reason": case.legal_hold_reason_display}),
        "lead_form": forms.LeadForm(interveners=[(str(u.pk), u.full_name)
                                                 for u in interveners]) if manage else None,
    }
    return render(request, "cases/case_detail.html", context)


# --- The method's steps: one form each ---------------------------------------------------


@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    form: type[forms.CaseForm]
    save: Callable  # (request, case, cleaned_data) -> None
    initial: Callable = lambda request, case: {}  # noqa: E731
    form_kwargs: Callable = lambda request, case: {}  # noqa: E731
    intro: str = ""
    submit: str = gettext_lazy("Enregistrer")
    # A second button that saves and opens the same form again (several students...).
    again: str = ""
    # More for the page: the hand-off shows what the police will receive.
    context: Callable = lambda request, case, form: {}  # noqa: E731


def _save_report(request, case, data):
    services.case_report_update(
        case=case, actor=request.user, version=data["version"], request=request,
        told_at=data["told_at"], account=data["account"], channels=data["channels"],
        apps_other=data["apps_other"], still_spreading=data["still_spreading"])


def _save_student(request, case, data):
    services.student_add(case=case, actor=request.user, version=data["version"],
                         part=data["part"], name=data["name"], age=data["age"],
                         grade=data["grade"], request=request)


def _meeting_kind(request) -> str:
    """The meeting the person chose to note from the case's steps (?type=), if any."""
    kind = request.GET.get("type", "")
    return kind if kind in Entry.Kind.values else ""


def _entry_kwargs(request, case):
    return {"students": _students(case), "kind": _meeting_kind(request)}


def _save_entry(request, case, data):
    services.entry_add(case=case, actor=request.user, version=data["version"],
                       kind=data["kind"], happened_at=data["happened_at"], notes=data["notes"],
                       student=_student_or_none(case, data["student"]), request=request)


def _save_device(request, case, data):
    services.device_add(
        case=case, actor=request.user, version=data["version"], request=request,
        description=data["description"], owner=_student_or_none(case, data["owner"]),
        seized_at=data["seized_at"], seized_by=data["seized_by"],
        envelope_number=data["envelope_number"], locked_in=data["locked_in"])


def _save_no_device(request, case, data):
    services.no_device_record(case=case, actor=request.user, version=data["version"],
                              reason=data["reason"], request=request)


def _save_grid(request, case, data):
    services.grid_save(case=case, actor=request.user, version=data["version"], request=request,
                       **{question.name: data[question.name]
                          for question in grid_rules.QUESTIONS})


def _grid(case) -> Grid | None:
    return Grid.objects.filter(case=case).first()


def _grid_initial(request, case):
    """The answers given; a question still to confirm starts with no answer chosen."""
    grid = _grid(case)
    if grid is None:
        return {}
    return {name: value for name, value in grid.answers.items()
            if name not in grid.to_confirm}


def _grid_kwargs(request, case):
    grid = _grid(case)
    return {"kept": grid.answers, "to_confirm": grid.to_confirm} if grid else {}


def _save_dpj(request, case, data):
    services.dpj_record(case=case, actor=request.user, version=data["version"],
                        made=data["made"], reported_at=data["reported_at"],
                        reported_by=data["reported_by"], reference=data["reference"],
                        request=request)


def _dpj_context(request, case, form):
    """The reminder the grid raises, where the report is recorded."""
    grid = _grid(case)
    return {"grid_signs": grid.youth_protection_signs if grid else []}


def _save_police(request, case, data):
    services.police_contact_save(
        case=case, actor=request.user, version=data["version"],
        contacted_at=data["contacted_at"], officer=data["officer"],
        police_file_number=data["police_file_number"], request=request)


def _police_initial(request, case):
    handoff = case_handoff(case)
    if handoff is None:
        return {}
    return {"contacted_at": handoff.contacted_at, "officer": handoff.officer,
            "police_file_number": handoff.police_file_number}


def _save_handoff(request, case, data):
    services.handoff_send(case=case, actor=request.user, version=data["version"],
                          request=request)


def _unanswered_links(case, names) -> list[tuple[str, str]]:
    """Each question still without an answer, with the address of its field in the grid."""
    url = reverse("cases:case_step", args=[case.pk, "grid"])
    return [(str(grid_rules.BY_NAME[name].label), f"{url}#id_{name}") for name in names]


def _handoff_context(request, case, form):
    """Before sending: exactly what the police will receive (names masked here), and what
    the grid still lacks, each question linked to its field."""
    grid = _grid(case)
    missing = [q.name for q in (grid.unanswered if grid else grid_rules.QUESTIONS)]
    return {
        "preview": handoff_preview_document(case=case, language=get_language()[:2]),
        "unanswered": _unanswered_links(case, missing),
        "has_contact": case_handoff(case) is not None,
        "force": services.police_force_for(case),
    }


def _save_no_impact(request, case, data):
    services.no_impact_record(case=case, actor=request.user, version=data["version"],
                              directed_at=data["directed_at"], summary=data["summary"],
                              request=request)


def _save_support(request, case, data):
    services.support_action_add(
        case=case, actor=request.user, version=data["version"], request=request,
        kind=data["kind"], resource=data["resource"], description=data["description"],
        due_on=data["due_on"])


def _save_close(request, case, data):
    services.case_close(case=case, actor=request.user, version=data["version"],
                        summary=data["summary"], request=request)


STEPS = {
    step.slug: step for step in [
        Step("report", gettext_lazy("Déclaration"), forms.ReportEditForm, _save_report,
             initial=lambda request, case: {
                 "told_at": case.told_at, "account": case.account, "channels": case.channels,
                 "apps_other": case.apps_other, "still_spreading": case.still_spreading}),
        Step("student", gettext_lazy("Ajouter un élève concerné"), forms.StudentForm,
             _save_student, again=gettext_lazy("Enregistrer et ajouter un autre élève")),
        Step("meeting", gettext_lazy("Noter une rencontre ou un soutien offert"),
             forms.EntryForm, _save_entry, form_kwargs=_entry_kwargs,
             intro=gettext_lazy("Rencontrez d'abord l'élève qui dénonce ou la victime, puis "
                                "le ou les auteurs présumés. Recueillez le plus d'information "
                                "possible, sans jamais regarder les images.")),
        Step("device", gettext_lazy("Saisir un appareil"), forms.DeviceForm, _save_device,
             form_kwargs=lambda request, case: {"students": _students(case)},
             intro=gettext_lazy("Confisquez l'appareil sans regarder les images : cela arrête "
                                "la diffusion et protège la victime. Placez-le dans une "
                                "enveloppe scellée, sous clé.")),
        Step("no-device", gettext_lazy("Aucun appareil à saisir"), forms.NoDeviceForm,
             _save_no_device),
        Step("grid", gettext_lazy("Grille d'évaluation de l'incident"), forms.GridForm,
             _save_grid, initial=_grid_initial, form_kwargs=_grid_kwargs,
             intro=gettext_lazy("Enregistrez la grille à tout moment : une question sans "
                                "réponse reste « Non répondu ». Elle est remise à "
                                "la police une fois toutes les questions répondues.")),
        Step("dpj", gettext_lazy("Protection de la jeunesse"), forms.DpjForm, _save_dpj,
             context=_dpj_context,
             initial=lambda request, case: {
                 "made": {True: "yes", False: "no"}.get(case.dpj_report_made),
                 "reported_at": case.dpj_reported_at, "reported_by": case.dpj_reported_by,
                 "reference": case.dpj_reference}),
        Step("police", gettext_lazy("Contact avec le corps de police"), forms.PoliceContactForm,
             _save_police, initial=_police_initial,
             intro=gettext_lazy("Contactez toujours le corps de police, même si aucune "
                                "malveillance n'est soupçonnée.")),
        Step("handoff", gettext_lazy("Remettre la grille et les faits à la police"),
             forms.HandoffForm, _save_handoff, context=_handoff_context,
             submit=gettext_lazy("Remettre à la police"),
             intro=gettext_lazy("La grille et les faits sont transmis aux agents de liaison "
                                "du corps de police dans Sexto. Aucune image, jamais.")),
        Step("no-impact", gettext_lazy("Aucun impact direct sur le milieu scolaire"),
             forms.NoImpactForm, _save_no_impact),
        Step("support", gettext_lazy("Plan de soutien de la victime"), forms.SupportActionForm,
             _save_support),
        Step("close", gettext_lazy("Fermer le dossier"), forms.CloseForm, _save_close,
             submit=gettext_lazy("Fermer le dossier")),
    ]
}


def _after_save(request, case: Case, definition: Step) -> str:
    """Where a saved step leads: the same form again when asked, else the next step to do,
    else the case page."""
    if definition.again and "again" in request.POST:
        messages.success(request, _("Enregistré. Vous pouvez en ajouter un autre."))
        return reverse("cases:case_step", args=[case.pk, definition.slug])
    upcoming = _next_step(case)
    if upcoming is not None:
        messages.success(request, _("Enregistré. Étape suivante : %(step)s.")
                         % {"step": upcoming.title})
        return upcoming.url
    messages.success(request, _("Enregistré."))
    return _case_url(case) + f"#step-{definition.slug}"


def _next_step(case: Case):
    """The case's next step if it has a page of its own (not an action on the case page)."""
    case.refresh_from_db()
    upcoming = case_progress(case).next
    if upcoming is None or not upcoming.url or urlsplit(upcoming.url).path == _case_url(case):
        return None
    return upcoming


@require_http_methods(["GET", "POST"])
@second_factor_required
def case_step(request: HttpRequest, case_id, step: str) -> HttpResponse:
    definition = STEPS.get(step)
    case = get_case_for_user(request, case_id, need=Need.WRITE)
    if definition is None:
        raise Http404
    kwargs = definition.form_kwargs(request, case)
    status = 200
    if request.method == "POST":
        form = definition.form(request.POST, **kwargs)
        if form.is_valid():
            try:
                definition.save(request, case, form.cleaned_data)
            except ApplicationError as error:
                form.add_application_error(error)
                if error.code == "conflict":
                    # Keep their text, but let the next save go against the current case.
                    form.data = form.data.copy()
                    form.data["version"] = Case.objects.get(pk=case.pk).version
            else:
                return redirect(_after_save(request, case, definition))
        status = 400
    else:
        initial = {"version": case.version, **definition.initial(request, case)}
        # What was typed as the session ended comes back, unsaved (accounts.typed_work).
        form = typed_work_restored_form(request, definition.form(initial=initial, **kwargs),
                                        action=request.path)
    return render(request, "cases/case_step.html", {
        "case": case, "step": definition, "form": form, "progress": case_progress(case),
        **definition.context(request, case, form),
    }, status=status)


# --- Smaller actions on one case ---------------------------------------------------------


@require_POST
@second_factor_required
def custody_transfer(request: HttpRequest, case_id, device_id) -> HttpResponse:
    case = get_case_for_user(request, case_id, need=Need.WRITE)
    device = _get_child(Device.objects.filter(case=case), device_id)
    form = forms.CustodyTransferForm(request.POST, prefix=_device_prefix(device))
    if form.is_valid():
        try:
            services.custody_transfer_add(
                device=device, actor=request.user, version=form.cleaned_data["version"],
                handed_by=form.cleaned_data["handed_by"],
                handed_to=form.cleaned_data["handed_to"],
                handed_at=form.cleaned_data["handed_at"], request=request)
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, _("Remise notée dans la chaîne de possession."))
            return redirect(_case_url(case) + "#step-device")
    step = Step("custody", _("Remise de l'appareil"), forms.CustodyTransferForm, None)
    return render(request, "cases/case_step.html", {"case": case, "step": step, "form": form},
                  status=400)


def _done_or_message(request, action: Callable) -> bool:
    """Run a one-button action; a refusal (a closed case...) becomes a message, not an error.
    True when it was done."""
    try:
        action()
    except ApplicationError as error:
        messages.error(request, error.message)
        return False
    return True


@require_POST
@second_factor_required
def custody_acknowledge(request: HttpRequest, case_id, transfer_id) -> HttpResponse:
    case = get_case_for_user(request, case_id, need=Need.WRITE)
    transfer = _get_child(CustodyTransfer.objects.filter(device__case=case), transfer_id)
    if _done_or_message(request, lambda: services.custody_acknowledge(
            transfer=transfer, actor=request.user, request=request)):
        messages.success(request, _("Réception confirmée."))
    return redirect(_case_url(case) + "#step-device")


@require_POST
@second_factor_required
def support_done(request: HttpRequest, case_id, action_id) -> HttpResponse:
    case = get_case_for_user(request, case_id, need=Need.WRITE)
    action = _get_child(SupportAction.objects.filter(case=case), action_id)
    if _done_or_message(request, lambda: services.support_action_done(
            action=action, actor=request.user, request=request)):
        messages.success(request, _("Action marquée comme faite."))
    return redirect(_case_url(case) + "#step-support")


@require_POST
@second_factor_required
def student_reveal(request: HttpRequest, case_id, student_id) -> HttpResponse:
    case = get_case_for_user(request, case_id, need=Need.READ)
    student = _get_child(Student.objects.filter(case=case), student_id)
    if not reauthenticated_recently(request):
        # Back on the case page, the student's line says the name can now be shown.
        target = reauth_url(f"{_case_url(case)}?nom={student.pk}#student-{student.pk}")
        if request.headers.get("HX-Request"):
            return HttpResponse(status=204, headers={"HX-Redirect": target})
        return redirect(target)
    name = services.student_name_reveal(student=student, actor=request.user, request=request)
    template = ("cases/_student_name.html" if request.headers.get("HX-Request")
                else "cases/student_name.html")  # without JavaScript, a whole page
    return render(request, template, {"case": case, "student": student, "name": name})


@require_GET
@second_factor_required
def student_chronology(request: HttpRequest, case_id, student_id) -> HttpResponse:
    """Every entry about this student in the school's cases; police information never."""
    case = get_case_for_user(request, case_id, need=Need.READ)
    student = _get_child(selectors.case_students(case), student_id)
    entries, cases = selectors.student_chronology(case=case, student=student)
    return render(request, "cases/student_chronology.html",
                  {"case": case, "student": student, "entries": entries, "cases": cases})


@require_POST
@second_factor_required
def case_lead(request: HttpRequest, case_id) -> HttpResponse:
    case = get_case_for_user(request, case_id, need=Need.MANAGE)
    interveners = selectors.school_interveners(case.school)
    form = forms.LeadForm(request.POST, interveners=[(str(u.pk), u.full_name)
                                                     for u in interveners])
    if form.is_valid():
        lead = next(u for u in interveners if str(u.pk) == form.cleaned_data["lead"])
        if _done_or_message(request, lambda: services.case_lead_assign(
                case=case, lead=lead, actor=request.user, request=request)):
            messages.success(request, _("Intervenant responsable attribué."))
    else:
        messages.error(request, _("Choisissez un intervenant Sexto de l'école."))
    return redirect(_case_url(case))


@require_POST
@second_factor_required
def case_take(request: HttpRequest, case_id) -> HttpResponse:
    """An intervener takes an unassigned case of their school: they become its lead."""
    case = get_case_for_user(request, case_id, need=Need.WRITE)
    if case.lead_id is not None:
        messages.error(request, _("Ce dossier a déjà un intervenant responsable."))
        return redirect(_case_url(case))
    if not any(user.pk == request.user.pk
               for user in selectors.school_interveners(case.school)):
        messages.error(request, _("Seuls les intervenants Sexto de l'école peuvent prendre un "
                                  "dossier."))
        return redirect(_case_url(case))
    if _done_or_message(request, lambda: services.case_lead_assign(
            case=case, lead=request.user, actor=request.user, request=request)):
        messages.success(request, _("Vous êtes l'intervenant responsable de ce dossier."))
        upcoming = _next_step(case)
        if upcoming is not None:
            return redirect(upcoming.url)
    return redirect(_case_url(case))


@require_POST
@second_factor_required
def case_hold(request: HttpRequest, case_id) -> HttpResponse:
    case = get_case_for_user(request, case_id, need=Need.MANAGE)
    form = forms.LegalHoldForm(request.POST)
    if form.is_valid():
        try:
            services.legal_hold_set(case=case, actor=request.user,
                                    hold=form.cleaned_data["hold"],
                                    reason=form.cleaned_data["reason"], request=request)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Conservation mise à jour."))
    return redirect(_case_url(case))


@require_GET
@second_factor_required
def case_access_log(request: HttpRequest, case_id) -> HttpResponse:
    """Who read or changed this case, and when: for its lead and the principal."""
    case = get_case_for_user(request, case_id, need=Need.ACCESS_LOG)
    events = Paginator(events_for_target(target_type="cases.case", target_id=str(case.pk)),
                       PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "cases/case_access_log.html", {
        "case": case, "events": events,
        "rows": [(event, action_label(event.action)) for event in events]})


def _device_prefix(device: Device) -> str:
    return f"device-{str(device.pk)[:8]}"


def _get_child(queryset, pk):
    item = queryset.filter(pk=pk).first()
    if item is None:
        raise Http404
    return item


# --- The police side ---------------------------------------------------------------------


def _police_page(request: HttpRequest, case: Case, *, follow_up_form=None, share_form=None,
                 status: int = 200) -> HttpResponse:
    """The hand-off as the police received it, in words and local times, and their forms.

    The students' names are masked, as on the school's pages: each one reaches the screen
    through police_student_reveal, after a re-authentication, audited.
    """
    handoff = case.handoff
    doc = handoff_document(handoff=handoff, language=get_language())
    for student in doc["students"]:
        student["name"] = NAME_MASKED
    return render(request, "cases/police_handoff.html", {
        "case": case, "handoff": handoff, "doc": doc,
        "police_reveal": True,
        # Just back from re-authenticating to show this student's name.
        "name_ready": request.GET.get("nom", "") if reauthenticated_recently(request) else "",
        "follow_up_form": follow_up_form or typed_work_restored_form(
            request, forms.FollowUpForm(instance=handoff_follow_up(handoff)),
            action=reverse("cases:police_follow_up", args=[case.pk])),
        "share_form": share_form or typed_work_restored_form(
            request, forms.ShareForm(), action=reverse("cases:police_share", args=[case.pk])),
        "shared": list(handoff.shared.all()),
    }, status=status)


@require_GET
@second_factor_required
def police_handoff(request: HttpRequest, case_id) -> HttpResponse:
    return _police_page(request, get_case_for_user(request, case_id, need=Need.POLICE))


@require_POST
@second_factor_required
def police_student_reveal(request: HttpRequest, case_id, index: int) -> HttpResponse:
    """One student's name as the police received it: the same rule as student_reveal (a
    fresh re-authentication, an audit entry), for the liaison officers of the force."""
    case = get_case_for_user(request, case_id, need=Need.POLICE)
    page = reverse("cases:police_handoff", args=[case.pk])
    if not reauthenticated_recently(request):
        # Back on the hand-off, the student's line says the name can now be shown.
        target = reauth_url(f"{page}?nom={index}#police-student-{index}")
        if request.headers.get("HX-Request"):
            return HttpResponse(status=204, headers={"HX-Redirect": target})
        return redirect(target)
    name = services.handoff_student_name_reveal(handoff=case.handoff, index=index,
                                                actor=request.user, request=request)
    if name is None:
        raise Http404
    if request.headers.get("HX-Request"):
        return render(request, "cases/_police_student_name.html",
                      {"index": index, "name": name})
    return render(request, "cases/police_student_name.html",  # without JavaScript, a page
                  {"case": case, "index": index, "name": name, "back": page})


@require_POST
@second_factor_required
def police_acknowledge(request: HttpRequest, case_id) -> HttpResponse:
    case = get_case_for_user(request, case_id, need=Need.POLICE)
    services.handoff_acknowledge(handoff=case.handoff, actor=request.user, request=request)
    messages.success(request, _("Réception confirmée. L'école le voit dans son dossier."))
    return redirect("cases:police_handoff", case_id=case.pk)


@require_POST
@second_factor_required
def police_follow_up(request: HttpRequest, case_id) -> HttpResponse:
    case = get_case_for_user(request, case_id, need=Need.POLICE)
    form = forms.FollowUpForm(request.POST, instance=handoff_follow_up(case.handoff))
    if form.is_valid():
        try:
            services.follow_up_save(handoff=case.handoff, actor=request.user, request=request,
                                    **form.cleaned_data)
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, _("Suivi policier enregistré."))
            return redirect("cases:police_handoff", case_id=case.pk)
    return _police_page(request, case, follow_up_form=form, status=400)


@require_POST
@second_factor_required
def police_share(request: HttpRequest, case_id) -> HttpResponse:
    case = get_case_for_user(request, case_id, need=Need.POLICE)
    form = forms.ShareForm(request.POST)
    if form.is_valid():
        services.information_share(handoff=case.handoff, actor=request.user,
                                   purpose=form.cleaned_data["purpose"],
                                   content=form.cleaned_data["content"], request=request)
        messages.success(request, _("Renseignements communiqués à l'école, dans la partie "
                                    "réservée du dossier."))
        return redirect("cases:police_handoff", case_id=case.pk)
    return _police_page(request, case, share_form=form, status=400)


# --- The principal's interveners ---------------------------------------------------------


@require_http_methods(["GET", "POST"])
@reauthentication_required  # designating or removing one grants or removes a role
def interveners(request: HttpRequest) -> HttpResponse:
    roles = require_roles(request, allowed=lambda r: bool(r.principal_schools))
    schools = list(Organisation.objects.filter(pk__in=roles.principal_schools).order_by("name"))
    school = next((s for s in schools if str(s.pk) == request.GET.get("ecole")), schools[0])
    staff = selectors.school_staff_not_interveners(school)
    form = forms.DesignateForm(request.POST or None,
                               staff=[(str(u.pk), u.full_name) for u in staff])
    if request.method == "POST":
        if "remove" in request.POST:
            membership = Membership.objects.filter(
                pk=request.POST.get("remove"), organisation=school, role=Role.INTERVENER
            ).select_related("user", "organisation").first()
            if membership is not None:
                try:
                    role_revoke(revoker=request.user, membership=membership, request=request)
                except ApplicationError as error:
                    messages.error(request, error.message)
                else:
                    messages.success(request, _("Désignation retirée. Réattribuez ses "
                                                "dossiers ouverts."))
            return redirect(reverse("cases:interveners") + f"?ecole={school.pk}")
        if form.is_valid():
            user = next(u for u in staff if str(u.pk) == form.cleaned_data["user"])
            try:
                role_grant(granter=request.user, user=user, role=Role.INTERVENER,
                           organisation=school, request=request)
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Intervenant Sexto désigné."))
                return redirect(reverse("cases:interveners") + f"?ecole={school.pk}")
    designated = selectors.school_intervener_memberships(school)
    active_leads = [membership.user_id for membership, gate, _n in designated if gate is None]
    unassigned = selectors.unassigned_open_cases(school, active_leads=active_leads)
    return render(request, "cases/interveners.html", {
        "school": school, "schools": schools, "form": form, "designated": designated,
        "unassigned": unassigned,
    })


# --- Retention: the schedule and the destruction register ----------------------------------


@require_http_methods(["GET", "POST"])
@second_factor_required
def retention(request: HttpRequest) -> HttpResponse:
    """The privacy officer's page: the retention schedule of each organisation where they hold
    the role (set, changed or removed), the schedule each of their schools follows, and what
    the purge destroyed there (ids and dates only).

    A change may lead to irreversible destruction, so it asks for a recent re-authentication,
    and a change that shortens retention says what the next purge would destroy and waits for
    a confirmation.
    """
    roles = require_roles(request, allowed=lambda r: bool(r.privacy_organisations))
    organisations = list(Organisation.objects.filter(pk__in=roles.privacy_organisations)
                         .order_by("name"))
    status, bound, removal = 200, None, None
    if request.method == "POST":
        organisation = next((o for o in organisations
                             if str(o.pk) == request.POST.get("organisation")), None)
        if organisation is None:
            messages.error(request, _("Choisissez une organisation dont vous êtes responsable "
                                      "de la protection des renseignements personnels."))
            status = 400
        elif "remove" in request.POST:
            removal = _retention_remove(request, organisation)
            if removal is None:
                return redirect("cases:retention")
            status = 400
        else:
            bound = _retention_set(request, organisation)
            if bound is None:
                return redirect("cases:retention")
            status = 400
    context = _retention_context(request, roles, organisations, bound)
    context.update(removal=removal, reauthenticated=reauthenticated_recently(request),
                   reauth_url=reauth_url(reverse("cases:retention")))
    return render(request, "cases/retention.html", context, status=status)


def _retention_set(request: HttpRequest, organisation: Organisation):
    """Save the organisation's schedule; None when done, else (organisation, form) to send
    back: errors, a re-authentication to make, or a destruction to confirm."""
    form = forms.RetentionScheduleForm(request.POST, prefix=str(organisation.pk))
    if form.is_valid() and not reauthenticated_recently(request):
        form.add_error(None, _reauth_first_message())
    if form.is_valid():
        values = {name: form.cleaned_data[name]
                  for name in ("closed_case_days", "police_information_days")}
        impact = schedule_change_impact(organisation, **values)
        if impact.any and not form.cleaned_data["confirm_destruction"]:
            form.ask_confirmation(impact)
        else:
            try:
                services.retention_schedule_set(organisation=organisation, actor=request.user,
                                                request=request, **values)
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Calendrier de conservation enregistré pour "
                                            "%(name)s.") % {"name": organisation.name})
                return None
    return organisation, form


def _retention_remove(request: HttpRequest, organisation: Organisation):
    """Remove the organisation's own schedule; None when done (or refused with a message),
    else (organisation, impact): what the inherited schedule would destroy, to confirm."""
    if not reauthenticated_recently(request):
        messages.error(request, _reauth_first_message())
        return None
    inherited = inherited_schedule(organisation)
    impact = schedule_change_impact(
        organisation, closed_case_days=inherited.closed_case_days,
        police_information_days=inherited.police_information_days)
    if impact.any and request.POST.get("confirm_destruction") != "on":
        return organisation, impact
    if services.retention_schedule_remove(organisation=organisation, actor=request.user,
                                          request=request):
        messages.success(request, _(
            "Calendrier retiré : %(name)s suit de nouveau le calendrier dont il relève."
        ) % {"name": organisation.name})
    return None


def _reauth_first_message() -> str:
    return _("Confirmez d'abord votre identité : un changement de calendrier peut mener à des "
             "destructions définitives.")


def _retention_context(request: HttpRequest, roles, organisations: list, bound) -> dict:
    schools = list(Organisation.objects.filter(pk__in=roles.privacy_schools,
                                               kind=Organisation.Kind.SCHOOL).order_by("name"))
    in_effect = schedules_for(organisations + schools)
    editors = []
    for organisation in organisations:
        schedule = in_effect[organisation.pk]
        if bound is not None and bound[0] == organisation:
            form = bound[1]
        else:
            # Start from the schedule it follows today, its own or an inherited one.
            form = forms.RetentionScheduleForm(prefix=str(organisation.pk), initial={
                "closed_case_days": schedule.closed_case_days,
                "police_information_days": schedule.police_information_days,
            })
        own = schedule.organisation == organisation
        editors.append((organisation, form, own, schedule))
    destructions = Paginator(
        DestructionRecord.objects.filter(school_id__in=roles.privacy_schools)
        .select_related("school").order_by("-created_at", "pk"), PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    # The record keeps the schedule's code (it outlives a renaming); show today's name.
    names = dict(Organisation.objects.filter(
        code__in={record.schedule_code for record in destructions}).values_list("code", "name"))
    for record in destructions:
        record.schedule_label = (names.get(record.schedule_code, record.schedule_code)
                                 if record.schedule_code else _("valeurs par défaut"))
    return {
        "editors": editors,
        "schools": [(school, in_effect[school.pk]) for school in schools],
        "destructions": destructions,
    }
