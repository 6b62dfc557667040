"""Case URLs: no file ever enters, nothing is cached.

Placed before CsrfViewMiddleware: CSRF checking reads request.POST, which would parse a
multipart body into memory or a temporary file. Here the decision is made from the headers
alone, so a refused body is never read; the server discards it.
"""

from functools import lru_cache

from django.conf import settings
from django.contrib.auth import get_user
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers

from audit.services import record

CASE_NAMESPACE = "cases"
# A case form is a few pages of text at most.
MAX_CASE_BODY_BYTES = 256 * 1024
# The only body a case URL takes: a form of text fields. A body without a Content-Type is
# refused too: nothing says what it is, and a file can be sent that way.
ACCEPTED_BODY_TYPES = {"application/x-www-form-urlencoded"}


@lru_cache(maxsize=1)
def case_path_prefixes() -> tuple[str, ...]:
    """Where the case tool's URLs start, in every language ("/fr/dossiers/", "/en/cases/").

    Every case URL lies below the case list (a test holds that), so a prefix check answers
    for each request in well under a microsecond, where resolving the URL took 150 µs.
    """
    prefixes = []
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            prefixes.append(reverse(f"{CASE_NAMESPACE}:case_list"))
    return tuple(prefixes)


def is_case_path(path_info: str) -> bool:
    return path_info.startswith(case_path_prefixes())


class CaseRequestMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_case_path(request.path_info):
            return self.get_response(request)
        refusal = self._refusal(request)
        if refusal is not None:
            return refusal
        response = self.get_response(request)
        add_never_cache_headers(response)  # includes no-store and private
        return response

    def _refusal(self, request):
        content_type = request.META.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = MAX_CASE_BODY_BYTES + 1
        chunked = "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
        if length == 0 and not chunked:
            return None  # no body: servers name a content type for GETs too (wsgiref)
        if content_type in ACCEPTED_BODY_TYPES and length <= MAX_CASE_BODY_BYTES and not chunked:
            return None
        record(
            action="case.upload_refused",
            # AuthenticationMiddleware comes later; the session is already there.
            actor=get_user(request),
            request=request,
            data={"content_type": content_type[:100], "length": length, "path": request.path},
        )
        # No request context: authentication has not run yet, and the page needs none.
        body = render_to_string("cases/upload_refused.html")
        response = HttpResponse(body, status=415 if length <= MAX_CASE_BODY_BYTES else 413)
        add_never_cache_headers(response)
        return response
