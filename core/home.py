"""The signed-in person's home: what needs them now, in panels offered by each app.

Each app with something to show there writes a `home.py` holding

    def panels(request) -> list[Panel]: ...

returning the panels this person should see (none for someone without the role). core
collects these modules the way audit collects `audit_actions.py` (audit.actions): it imports
`<app>.home` of every installed app, so core imports no app and no app imports another to draw
the home. An app's panel reads its data through that app's selectors and is drawn by a
template partial of that app; `core.views.home` only puts the panels in order.

Panels that hold case data check the second factor themselves (see accounts.home) and show
nothing of the cases to a session that has not passed one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.http import HttpRequest

from core.discovery import app_modules


@dataclass(frozen=True)
class Panel:
    """One section of the home.

    - key: unique among the panels; the section's HTML id is "panel-<key>";
    - title: the section's heading, already translated;
    - template: the partial that draws the section's body; it gets `context` (and the page's
      own context: request, user, ...);
    - order: smaller first (ties by key);
    - count: items waiting, shown beside the heading; None when counting makes no sense
      (training progress, a second-factor gate);
    - empty_text: shown instead of the partial when count is 0.
    """

    key: str
    title: str
    template: str
    context: dict = field(default_factory=dict)
    order: int = 100
    count: int | None = None
    empty_text: str = ""

    @property
    def is_empty(self) -> bool:
        return self.count == 0 and bool(self.empty_text)


PanelProvider = Callable[[HttpRequest], list[Panel]]

_providers: dict[str, PanelProvider] | None = None


def autodiscover() -> dict[str, PanelProvider]:
    """`panels` of `<app>.home` for every installed app that has one, by module name."""
    return {name: module.panels for name, module in app_modules("home").items()
            if name != __name__}  # this registry itself


def providers() -> dict[str, PanelProvider]:
    """The providers, found once (on the first home page drawn)."""
    global _providers
    if _providers is None:
        _providers = autodiscover()
    return _providers


def home_panels(request: HttpRequest) -> list[Panel]:
    """Every panel this person should see, in order. Two panels with one key is a bug."""
    panels = [panel for provider in providers().values() for panel in provider(request)]
    keys = [panel.key for panel in panels]
    duplicates = {key for key in keys if keys.count(key) > 1}
    if duplicates:
        raise ValueError(f"Home panels share a key: {sorted(duplicates)}")
    return sorted(panels, key=lambda panel: (panel.order, panel.key))
