"""Pages under /fr/ and /en/: the attestation (with its credential by content negotiation)
and its PDF; the page itself is drawn by badges.views.attestation_render."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from core.ratelimit import rate_limited
from credentials import verifier_views, views

# The public attestation and its PDF, like the documents of credentials/urls.py; the verifier,
# which may fetch an address for its visitor, has a rule of its own.
_limited = rate_limited("credential_documents", methods=("GET", "HEAD"))

app_name = "credential_pages"
urlpatterns = [
    path(_("attestations/<uuid:award_id>/"), _limited(views.attestation), name="attestation"),
    path(_("attestations/<uuid:award_id>/pdf/"), _limited(views.attestation_pdf),
         name="attestation_pdf"),
    path(_("attestations/<uuid:award_id>/revoquer/"), views.award_revoke, name="award_revoke"),
    path(_("verifier/"), rate_limited("verifier")(verifier_views.verifier), name="verifier"),
]
