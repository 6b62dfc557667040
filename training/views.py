"""Pages of the training: the program list, a program, its modules, and the author preview.

Every form works with a plain POST followed by a redirect (PRG). The case scenario also
answers htmx requests (header HX-Request) with just the scenario fragment.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.eligibility import badge_eligibility
from core.exceptions import ApplicationError
from core.text import localized
from training import selectors, services
from training.access import (
    _get_module_for_learner,
    _get_program_for_author,
    _get_program_for_learner,
    _require_program_author,
)
from training.content import program_publish
from training.forms import QuizForm, ScenarioChoiceForm, quiz_initial
from training.models import Level, Module, Program

# --- helpers --------------------------------------------------------------------------------


def module_url(module: Module) -> str:
    level = module.level
    return reverse("training:module", args=[level.program.slug, level.kind, module.slug])


def program_url(program: Program) -> str:
    return reverse("training:program", args=[program.slug])


def level_completed_url(level: Level) -> str:
    """The badges app's page for a finished level (asking for the badge, answering questions)."""
    try:
        return reverse("badges:level_completed", args=[level.id])
    except NoReverseMatch:
        # The badges app is not wired in (yet): the program page still shows the completion.
        return program_url(level.program)


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _needs_eligibility(program: Program) -> bool:
    return any(
        level.badge and level.badge.get("requires_agreement", True)
        for level in program.levels.all()
    )


# --- public pages ---------------------------------------------------------------------------


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    entries = []
    for program in selectors.programs_published():
        shown = selectors.program_for_user(user=request.user, slug=program.slug) or program
        progress = selectors.program_progress(user=request.user, program=shown)
        entries.append({"program": shown, "progress": progress})
    return render(request, "training/home.html", {"entries": entries})


@require_safe
def program_detail(request: HttpRequest, slug: str) -> HttpResponse:
    program = _get_program_for_learner(request, slug)
    progress = selectors.program_progress(user=request.user, program=program)
    for level_progress in progress.levels:
        level_progress.badge_url = (
            level_completed_url(level_progress.level)
            if level_progress.completed_level and level_progress.level.badge else ""
        )
    eligibility = None
    if request.user.is_authenticated and _needs_eligibility(program):
        eligibility = badge_eligibility(request.user)
    newest = selectors.program_newest_published(slug=slug)
    return render(request, "training/program.html", {
        "program": program,
        "progress": progress,
        "eligibility": eligibility,
        "newer_version": newest if newest and newest.version > program.version else None,
    })


@require_POST
@login_required
def program_start(request: HttpRequest, slug: str) -> HttpResponse:
    """Start (or resume): enrol in the newest published version unless already enrolled."""
    enrollment = selectors.enrollment_get(user=request.user, program_slug=slug)
    if enrollment is None:
        program = _get_program_for_learner(request, slug)
        try:
            enrollment = services.enrollment_start(user=request.user, program=program)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect(program_url(program))
    progress = selectors.program_progress(user=request.user, program=enrollment.program)
    target = progress.resume_module
    return redirect(module_url(target) if target else program_url(enrollment.program))


# --- modules --------------------------------------------------------------------------------


def _module_context(request: HttpRequest, module: Module, progress) -> dict:
    previous, following = selectors.module_neighbours(module=module)
    level = module.level
    level_done = selectors.level_is_completed(user=request.user, level=level)
    return {
        "module": module,
        "level": level,
        "program": level.program,
        "progress": progress,
        "previous_module": previous,
        "next_module": following,
        "module_url": module_url(module),
        "level_done": level_done,
        "level_completed_url": level_completed_url(level) if level_done and level.badge else "",
    }


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def module_detail(request: HttpRequest, slug: str, level_kind: str,
                  module_slug: str) -> HttpResponse:
    module = _get_module_for_learner(request, slug, level_kind, module_slug)
    handler = {
        Module.Kind.READING: _reading,
        Module.Kind.QUIZ: _quiz,
        Module.Kind.SCENARIO: _scenario,
    }[module.kind]
    return handler(request, module)


def _reading(request: HttpRequest, module: Module) -> HttpResponse:
    if request.method == "POST":
        outcome = services.module_progress_record(user=request.user, module=module)
        level = module.level
        if outcome.level_just_completed:
            messages.success(request, _("Bravo ! Vous avez terminé le niveau « %(level)s ».")
                             % {"level": localized(level.title)})
            if level.badge:
                return redirect(level_completed_url(level))
        _previous, following = selectors.module_neighbours(module=module)
        return redirect(module_url(following) if following else program_url(level.program))
    progress = selectors.module_progress_get(user=request.user, module=module)
    return render(request, "training/module_reading.html",
                  _module_context(request, module, progress))


def _quiz(request: HttpRequest, module: Module) -> HttpResponse:
    questions = module.data["questions"]
    progress = selectors.module_progress_get(user=request.user, module=module)
    saved = (progress.state.get("answers") if progress else None) or {}
    feedback = None
    if request.method == "POST":
        form = QuizForm(request.POST, questions=questions)
        if form.is_valid():
            try:
                outcome = services.quiz_submit(user=request.user, module=module,
                                               answers=form.answers())
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                if outcome.progress.state.get("all_correct"):
                    messages.success(request, _("Toutes vos réponses sont bonnes."))
                else:
                    messages.warning(request, _(
                        "Certaines réponses sont à revoir : lisez les explications, puis "
                        "réessayez."))
                if outcome.level_just_completed:
                    messages.success(
                        request, _("Bravo ! Vous avez terminé le niveau « %(level)s ».")
                        % {"level": localized(module.level.title)})
                return redirect(module_url(module) + "#resultats")
    else:
        form = QuizForm(initial=quiz_initial(saved), questions=questions)
        if saved:
            feedback = {
                f.question["id"]: f for f in selectors.quiz_feedback(module=module, answers=saved)
            }
    context = _module_context(request, module, progress)
    context.update({
        "form": form,
        "rows": [(q, field, (feedback or {}).get(q["id"])) for q, field in form.rows()],
        "has_feedback": bool(feedback),
        "score": sum(1 for f in (feedback or {}).values() if f.correct),
    })
    return render(request, "training/module_quiz.html", context)


def _scenario_context(request: HttpRequest, module: Module, *, form=None,
                      error: str = "") -> dict:
    progress = selectors.module_progress_get(user=request.user, module=module)
    state = selectors.scenario_state(module=module, progress=progress)
    context = _module_context(request, module, progress)
    if form is None and not state.ended:
        form = ScenarioChoiceForm(step=state.current)
    context.update({
        "state": state,
        "form": form,
        "error": error,
        "restart_url": reverse("training:scenario_restart",
                               args=[module.level.program.slug, module.level.kind, module.slug]),
    })
    return context


def _scenario_response(request: HttpRequest, module: Module, **kwargs) -> HttpResponse:
    """After a POST: the fragment for htmx, otherwise back to the page (PRG)."""
    if _is_htmx(request):
        response = render(request, "training/_scenario.html",
                          _scenario_context(request, module, **kwargs))
    elif kwargs.get("form") is not None:
        # A form error: show it next to the field, on the full page.
        response = render(request, "training/module_scenario.html",
                          _scenario_context(request, module, **kwargs))
    else:
        if kwargs.get("error"):
            messages.error(request, kwargs["error"])
        response = redirect(module_url(module) + "#scenario")
    patch_vary_headers(response, ["HX-Request"])
    return response


def _scenario(request: HttpRequest, module: Module) -> HttpResponse:
    if request.method == "POST":
        choice_id = request.POST.get("choice", "")
        step_id = request.POST.get("step", "")
        if not choice_id:
            progress = selectors.module_progress_get(user=request.user, module=module)
            state = selectors.scenario_state(module=module, progress=progress)
            if not state.ended and step_id == state.current["id"]:
                form = ScenarioChoiceForm(request.POST, step=state.current)
                form.is_valid()  # fills form.errors: "choisissez ce que vous faites"
                return _scenario_response(request, module, form=form)
        try:
            services.scenario_choose(user=request.user, module=module, step_id=step_id,
                                     choice_id=choice_id)
        except ApplicationError as exc:
            return _scenario_response(request, module, error=exc.message)
        return _scenario_response(request, module)
    response = render(request, "training/module_scenario.html",
                      _scenario_context(request, module))
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_POST
@login_required
def scenario_restart(request: HttpRequest, slug: str, level_kind: str,
                     module_slug: str) -> HttpResponse:
    module = _get_module_for_learner(request, slug, level_kind, module_slug)
    try:
        services.scenario_restart(user=request.user, module=module)
    except ApplicationError as exc:
        return _scenario_response(request, module, error=exc.message)
    return _scenario_response(request, module)


# --- author preview -------------------------------------------------------------------------


@require_safe
@login_required
def preview_list(request: HttpRequest) -> HttpResponse:
    _require_program_author(request)
    newest = {p.slug: p.id for p in selectors.programs_published()}
    programs = list(selectors.programs_all())
    return render(request, "training/preview_list.html", {
        "programs": programs,
        "current_ids": set(newest.values()),
    })


@require_safe
@login_required
def preview(request: HttpRequest, program_id) -> HttpResponse:
    program = _get_program_for_author(request, program_id)
    return render(request, "training/preview.html", {
        "program": program,
        "levels": selectors.program_levels(program=program),
    })


@require_POST
@login_required
def preview_publish(request: HttpRequest, program_id) -> HttpResponse:
    program = _get_program_for_author(request, program_id)
    if program.is_published:
        messages.info(request, _("Cette version est déjà publiée."))
    else:
        program_publish(program=program, actor=request.user)
        messages.success(request, _("Version %(version)d publiée : les nouveaux apprenants la "
                                    "suivront.") % {"version": program.version})
    return redirect(reverse("training:preview", args=[program.id]))
