from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from config.health import healthz
from core.language import set_language

urlpatterns = [
    # Outside the language prefixes: load balancers probe one fixed address (config/health.py).
    path("healthz", healthz, name="healthz"),
    # Django's set_language, reading the page to translate in its own language (core.language).
    path("i18n/setlang/", set_language, name="set_language"),
    path("", include("credentials.urls")),
]

urlpatterns += i18n_patterns(
    path("", include("core.urls")),
    path("", include("accounts.urls")),
    path("", include("notifications.urls")),
    path("", include("training.urls")),
    # The attestation page, its PDF and the verifier (the page is drawn by badges' templates).
    path("", include("credentials.page_urls")),
    path("", include("badges.urls")),
    path("", include("privacy.urls")),
    path("", include("cases.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=True,
)

# Error pages in the site's layout and the page's language (core/errors.py).
handler403 = "core.errors.permission_denied"
handler404 = "core.errors.page_not_found"
handler500 = "core.errors.server_error"
