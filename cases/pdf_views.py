"""The paper copy of a police hand-off, as a download (cases/pdf.py builds it).

Open to the school side (Need.READ) and to the liaison officers of the force that received the
hand-off (Need.POLICE). Exporting puts minors' names on paper: like revealing a name, it asks
for a fresh re-authentication, and each export is audited (ids only).
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_GET

from accounts.mfa import reauth_url, reauthenticated_recently, second_factor_required
from audit.services import record
from cases.access import Need, case_handoff, get_case_and_levels, refuse
from cases.pdf import LANGUAGES, handoff_pdf_filename, handoff_pdf_render


@require_GET
@second_factor_required
def handoff_pdf(request: HttpRequest, case_id) -> HttpResponse:
    case, levels = get_case_and_levels(request, case_id)
    school_side = Need.READ in levels
    if not school_side and Need.POLICE not in levels:
        refuse(request, case_id=case.pk, need=Need.READ, status=403)
    handoff = case_handoff(case)
    if handoff is None or handoff.sent_at is None:
        raise Http404
    if not reauthenticated_recently(request):
        if school_side:
            back = reverse("cases:case_detail", args=[case.pk]) + "#step-handoff"
        else:
            back = reverse("cases:police_handoff", args=[case.pk])
        return redirect(reauth_url(back))
    language = (translation.get_language() or "fr")[:2]
    if language not in LANGUAGES:
        language = "fr"
    pdf = handoff_pdf_render(handoff=handoff, language=language)
    record(action="case.handoff_pdf_exported", actor=request.user, request=request,
           target_type="cases.case", target_id=str(case.pk),
           data={"handoff": str(handoff.pk), "side": "school" if school_side else "police",
                 "language": language})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{handoff_pdf_filename(handoff)}"'
    response["Cache-Control"] = "no-store"
    return response
