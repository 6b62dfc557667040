from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("credentials.urls")),
]

urlpatterns += i18n_patterns(
    path("", include("core.urls")),
    path("", include("accounts.urls")),
    path("", include("notifications.urls")),
    path("", include("training.urls")),
    # Before badges: it answers the attestation path with the credential downloads added.
    path("", include("credentials.page_urls")),
    path("", include("badges.urls")),
    path("", include("privacy.urls")),
    path("", include("cases.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=True,
)
