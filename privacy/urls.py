"""French paths, translated for /en/ by the privacy catalog ("vie-privee/" -> "privacy/")."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from privacy import views

app_name = "privacy"
urlpatterns = [
    path(_("vie-privee/"), views.home, name="home"),
    path(_("vie-privee/incidents/"), views.incident_list, name="incident_list"),
    path(_("vie-privee/incidents/nouveau/"), views.incident_create, name="incident_create"),
    path(_("vie-privee/incidents/<uuid:incident_id>/"), views.incident_detail,
         name="incident_detail"),
    path(_("vie-privee/incidents/<uuid:incident_id>/modifier/"), views.incident_update,
         name="incident_update"),
    path(_("vie-privee/incidents/<uuid:incident_id>/supprimer/"), views.incident_delete,
         name="incident_delete"),
    path(_("vie-privee/incidents/<uuid:incident_id>/avis-cai/"), views.incident_cai_notice,
         name="incident_cai_notice"),
    path(_("vie-privee/demandes/"), views.request_list, name="request_list"),
    path(_("vie-privee/demandes/nouvelle/"), views.request_create, name="request_create"),
    path(_("vie-privee/demandes/<uuid:request_id>/"), views.request_detail,
         name="request_detail"),
    path(_("vie-privee/demandes/<uuid:request_id>/rassembler/"), views.request_assemble,
         name="request_assemble"),
    path(_("vie-privee/demandes/<uuid:request_id>/approuver/"), views.request_approve,
         name="request_approve"),
    path(_("vie-privee/demandes/<uuid:request_id>/telecharger/"), views.request_download,
         name="request_download"),
]
