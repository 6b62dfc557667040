"""Template helpers for the accounts pages."""

import datetime

from django import template
from django.utils import timezone
from django.utils.timesince import timesince

register = template.Library()


@register.filter
def duration(delta: datetime.timedelta | None) -> str:
    """A delay in words, in the current language ("1 heure", "30 minutes")."""
    if not delta:
        return ""
    now = timezone.now()
    return timesince(now - delta, now, depth=2)
