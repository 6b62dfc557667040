"""Template helpers shared by every app."""

from functools import lru_cache

import markdown as markdown_lib
import nh3
from django import template
from django.utils.safestring import mark_safe

from core.text import localized

register = template.Library()

_ALLOWED_TAGS = {"p", "ul", "ol", "li", "strong", "em", "a", "h3", "h4", "blockquote", "br", "code"}


@register.filter
def loc(value):
    """Pick the current language from a {"fr": ..., "en": ...} mapping, French as fallback."""
    return localized(value)


@register.filter
def markdown(text):
    """Render trusted program content written in Markdown; nh3 still strips anything unsafe."""
    return mark_safe(_markdown_html(text or ""))  # noqa: S308 - sanitised in _markdown_html


@lru_cache(maxsize=1024)
def _markdown_html(text: str) -> str:
    # Program content is a small, fixed set of texts rendered on every page view: rendering
    # each once per process takes Markdown off the hot path (a pure function of its input).
    html = markdown_lib.markdown(text, extensions=["sane_lists"])
    return nh3.clean(html, tags=_ALLOWED_TAGS)
