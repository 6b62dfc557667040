"""Reading the person's home in tests: one panel's section, its heading's count."""

from __future__ import annotations

import re

from django.urls import reverse


def home(client, language: str = "fr"):
    from django.utils import translation

    with translation.override(language):
        url = reverse("core:home")
    response = client.get(url)
    assert response.status_code == 200
    return response


def panel(response, key: str) -> str | None:
    """The HTML of the panel `key` on the home in `response`, or None when it is not there."""
    body = response.content.decode()
    match = re.search(rf'<section [^>]*id="panel-{re.escape(key)}"[^>]*>(.*?)</section>', body,
                      re.S)
    return match.group(1) if match else None


def panel_keys(response) -> list[str]:
    return re.findall(r'<section [^>]*id="panel-([\w-]+)"', response.content.decode())


def panel_count(response, key: str) -> int | None:
    """The count shown beside the panel's heading (None when it shows none)."""
    section = panel(response, key)
    assert section is not None, f"no panel {key!r}"
    heading = re.search(r"<h2[^>]*>(.*?)</h2>", section, re.S).group(1)
    match = re.search(r'class="panel-count[^"]*"[^>]*>(\d+)<', heading)
    return int(match.group(1)) if match else None
