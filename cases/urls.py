"""French paths, translated for /en/ by the cases catalog. No personal data in any URL: cases,
students and devices are named by opaque ids."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from cases import dashboard_views, pdf_views, views

app_name = "cases"
urlpatterns = [
    path(_("dossiers/"), views.case_list, name="case_list"),
    path(_("dossiers/declarer/"), views.case_report, name="case_report"),
    path(_("dossiers/intervenants/"), views.interveners, name="interveners"),
    path(_("dossiers/tableau-de-bord/"), dashboard_views.dashboard, name="dashboard"),
    path(_("dossiers/tableau-de-bord/dossiers/"), dashboard_views.dashboard_cases,
         name="dashboard_cases"),
    path(_("dossiers/conservation/"), views.retention, name="retention"),
    path(_("dossiers/<uuid:case_id>/"), views.case_detail, name="case_detail"),
    path(_("dossiers/<uuid:case_id>/etapes/<slug:step>/"), views.case_step, name="case_step"),
    path(_("dossiers/<uuid:case_id>/appareils/<uuid:device_id>/remise/"),
         views.custody_transfer, name="custody_transfer"),
    path(_("dossiers/<uuid:case_id>/remises/<uuid:transfer_id>/confirmer/"),
         views.custody_acknowledge, name="custody_acknowledge"),
    path(_("dossiers/<uuid:case_id>/soutien/<uuid:action_id>/fait/"), views.support_done,
         name="support_done"),
    path(_("dossiers/<uuid:case_id>/eleves/<uuid:student_id>/nom/"), views.student_reveal,
         name="student_reveal"),
    path(_("dossiers/<uuid:case_id>/eleves/<uuid:student_id>/chronologie/"),
         views.student_chronology, name="student_chronology"),
    path(_("dossiers/<uuid:case_id>/responsable/"), views.case_lead, name="case_lead"),
    path(_("dossiers/<uuid:case_id>/prendre/"), views.case_take, name="case_take"),
    path(_("dossiers/<uuid:case_id>/conservation/"), views.case_hold, name="case_hold"),
    path(_("dossiers/<uuid:case_id>/journal/"), views.case_access_log, name="case_access_log"),
    path(_("dossiers/<uuid:case_id>/remise.pdf"), pdf_views.handoff_pdf, name="handoff_pdf"),
    path(_("dossiers/<uuid:case_id>/police/"), views.police_handoff, name="police_handoff"),
    path(_("dossiers/<uuid:case_id>/police/reception/"), views.police_acknowledge,
         name="police_acknowledge"),
    path(_("dossiers/<uuid:case_id>/police/suivi/"), views.police_follow_up,
         name="police_follow_up"),
    path(_("dossiers/<uuid:case_id>/police/communiquer/"), views.police_share,
         name="police_share"),
    path(_("dossiers/<uuid:case_id>/police/eleves/<int:index>/nom/"),
         views.police_student_reveal, name="police_student_reveal"),
]
