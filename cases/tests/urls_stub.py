"""Stands in for the case page's URL while cases.urls is not yet wired into config.urls.

Used only by tests that need `cases:case_detail` when the real one cannot be reversed.
"""

from django.conf.urls.i18n import i18n_patterns
from django.http import HttpResponse
from django.urls import include, path


def _case_detail(request, case_id):
    return HttpResponse(status=204)


urlpatterns = i18n_patterns(
    path("", include(([path("dossiers/<uuid:case_id>/", _case_detail, name="case_detail")],
                      "cases"))),
    prefix_default_language=True,
)
