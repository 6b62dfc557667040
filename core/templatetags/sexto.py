"""Template helpers shared by every app."""

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
    html = markdown_lib.markdown(text or "", extensions=["sane_lists"])
    return mark_safe(nh3.clean(html, tags=_ALLOWED_TAGS))  # noqa: S308 - sanitised just above
