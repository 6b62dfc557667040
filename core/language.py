"""The language switch: the same page in the other language, whatever the browser asks for.

Django's translate_url() resolves the path it is given in the *active* language. The switch
posts to /i18n/setlang/, which has no language prefix, so the active language there is the one
LocaleMiddleware guesses from the language cookie or the browser's Accept-Language. When that
guess differs from the page's language, "/fr/dossiers/" does not resolve as an English path,
translate_url() gives it back unchanged, and set_language redirects to the very page the person
left (only the cookie changed): the switch "does nothing" (Django ticket #28567). Resolving the
path in the language of its own prefix fixes it for every page.
"""

from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse
from django.urls import translate_url as django_translate_url
from django.utils import translation
from django.views import i18n


def translate_url(url: str, language: str) -> str:
    """`url` (a path, with its query string) in `language`, read in the language of its own
    /fr/ or /en/ prefix rather than in the request's; unchanged when it has no translation."""
    own = translation.get_language_from_path(urlsplit(url).path)
    with translation.override(own or translation.get_language()):
        return django_translate_url(url, language)


def set_language(request: HttpRequest) -> HttpResponse:
    """Django's set_language (sets the language cookie, which the "/" redirect then follows),
    with its `next` page read in the page's own language."""
    next_url = request.POST.get("next", request.GET.get("next")) or ""
    own = translation.get_language_from_path(urlsplit(next_url).path)
    with translation.override(own or translation.get_language()):
        return i18n.set_language(request)
