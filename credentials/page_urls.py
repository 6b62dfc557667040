"""Pages under /fr/ and /en/: the attestation (with its credential by content negotiation)
and its PDF; the page itself is drawn by badges.views.attestation_render."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from credentials import verifier_views, views

app_name = "credential_pages"
urlpatterns = [
    path(_("attestations/<uuid:award_id>/"), views.attestation, name="attestation"),
    path(_("attestations/<uuid:award_id>/pdf/"), views.attestation_pdf, name="attestation_pdf"),
    path(_("attestations/<uuid:award_id>/revoquer/"), views.award_revoke, name="award_revoke"),
    path(_("verifier/"), verifier_views.verifier, name="verifier"),
]
