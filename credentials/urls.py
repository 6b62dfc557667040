"""Machine-readable documents at stable addresses, outside the /fr/ and /en/ prefixes."""

from django.urls import path

from core.ratelimit import rate_limited
from credentials import views
from credentials.cors import public_document

app_name = "credentials"
urlpatterns = [
    path(".well-known/did.json", views.did_json, name="did"),
    path("ob/v3/issuer.json", views.issuer_json, name="issuer"),
    path("ob/v3/achievements/<slug:slug>/", views.achievement_json, name="achievement"),
    path("ob/v3/achievements/<slug:slug>/en/", views.achievement_json_en,
         name="achievement_en"),
    path("ob/v3/status/<uuid:list_id>/", views.status_list_json, name="status_list"),
    path("ob/v3/credentials/<uuid:award_id>.json", views.credential_json,
         name="credential_json"),
    path("ob/v3/credentials/<uuid:award_id>.jwt", views.credential_jwt_file, name="credential_jwt"),
    path("ob/v3/credentials/<uuid:award_id>.png", views.credential_png, name="credential_png"),
    path("ob/v3/credentials/<uuid:award_id>.svg", views.credential_svg, name="credential_svg"),
    path("ob/v2/issuer.json", views.ob2_issuer, name="ob2_issuer"),
    path("ob/v2/badges/<slug:slug>.json", views.ob2_badge_class, name="ob2_badge_class"),
    path("ob/v2/assertions/<uuid:award_id>.json", views.ob2_assertion, name="ob2_assertion"),
    path("ob/v2/assertions/<uuid:award_id>.png", views.ob2_png, name="ob2_png"),
]

# Public documents, fetched by anybody's verifier or backpack: readable from any origin
# (credentials/cors.py; a preflight costs nothing and is not counted) and limited per client
# address (core/ratelimit.py, rule "credential_documents").
for _pattern in urlpatterns:
    _pattern.callback = public_document(
        rate_limited("credential_documents", methods=("GET", "HEAD"))(_pattern.callback))
