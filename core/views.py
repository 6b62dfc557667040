from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe

from core.home import home_panels


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The landing page for visitors; for a signed-in person, their home: what needs them
    now, in panels offered by each app (core.home)."""
    if not request.user.is_authenticated:
        return render(request, "core/home.html")
    response = render(request, "core/home_person.html", {"panels": home_panels(request)})
    # It may list cases and other people's requests: never kept by a browser or a proxy.
    add_never_cache_headers(response)
    return response
