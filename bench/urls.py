"""The site's URLs plus a bare view: the baseline of `attestation_page_rps`.

Used only by `sexto bench` (override_settings(ROOT_URLCONF="bench.urls")).
"""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns


def bare(request: HttpRequest) -> HttpResponse:
    """Through the same middleware as every page, but no query and no template."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare, name="bench_bare"), *site_urlpatterns]
