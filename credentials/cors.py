"""CORS for the public credential documents: a verifier or wallet running in a browser, on any
site, reads them (the credential, its JWT and baked images, the issuer, the achievements, the
DID document, the status lists, the Open Badges 2.0 documents).

These documents are public and never depend on cookies, so any origin may read them
(`Access-Control-Allow-Origin: *`, never with credentials). A browser's preflight (OPTIONS)
is answered 204 with what a verifier sends: GET or HEAD, and the headers of content negotiation
and revalidation. A decorator of a dozen lines rather than django-cors-headers: that library
answers a preflight 200 and needs a middleware and a URL pattern setting for what is, here,
one list of views (credentials/urls.py).
"""

from __future__ import annotations

import functools

from django.http import HttpRequest, HttpResponse

ALLOWED_METHODS = "GET, HEAD, OPTIONS"
ALLOWED_HEADERS = "Accept, Accept-Language, Cache-Control, If-Modified-Since, If-None-Match"
PREFLIGHT_MAX_AGE_SECONDS = 86400


def public_document(view):
    """Let any origin read what `view` answers, and answer its preflight."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            del response["Content-Type"]  # no body, so no type
            response["Access-Control-Allow-Methods"] = ALLOWED_METHODS
            response["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
            response["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE_SECONDS)
        else:
            response = view(request, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return wrapped
