from django.urls import path
from django.utils.translation import gettext_lazy as _

from badges import views

app_name = "badges"
urlpatterns = [
    path("badges/", views.mine, name="mine"),
    path("badges/niveaux/<uuid:level_id>/termine/", views.level_completed,
         name="level_completed"),
    path("badges/demandes/<uuid:request_id>/", views.request_detail, name="request_detail"),
    path("badges/demandes/<uuid:request_id>/resoumettre/", views.request_resubmit,
         name="request_resubmit"),
    path("badges/attributions/<uuid:award_id>/visibilite/", views.award_visibility,
         name="award_visibility"),
    path("badges/profil/visibilite/", views.profile_visibility, name="profile_visibility"),
    path("evaluation/", views.review_queue, name="review_queue"),
    path("evaluation/<uuid:request_id>/", views.review_detail, name="review_detail"),
    path("evaluation/<uuid:request_id>/decision/", views.review_decide, name="review_decide"),
    # Public pages: their paths are translated (/fr/membres/..., /en/members/...). The
    # attestation page is the credentials app's (credential_pages:attestation), which adds the
    # credential's downloads to attestation_render.
    path(_("membres/<slug:handle>/"), views.member_profile, name="member_profile"),
]
