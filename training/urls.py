"""French paths, translated for /en/ by the catalog ("formation/" -> "training/")."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from training import views

app_name = "training"
urlpatterns = [
    path(_("formation/"), views.home, name="home"),
    # Author pages first: their fixed words must not be read as a program slug.
    path(_("formation-apercu/"), views.preview_list, name="preview_list"),
    path(_("formation-apercu/<uuid:program_id>/"), views.preview, name="preview"),
    path(_("formation-apercu/<uuid:program_id>/publier/"), views.preview_publish,
         name="preview_publish"),
    path(_("formation/<slug:slug>/"), views.program_detail, name="program"),
    path(_("formation/<slug:slug>/commencer/"), views.program_start, name="start"),
    path(_("formation/<slug:slug>/<slug:level_kind>/<slug:module_slug>/"), views.module_detail,
         name="module"),
    path(_("formation/<slug:slug>/<slug:level_kind>/<slug:module_slug>/recommencer/"),
         views.scenario_restart, name="scenario_restart"),
]
