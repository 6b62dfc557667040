"""Accessibility checks for browser tests: axe-core, WCAG 2.0 and 2.1, levels A and AA."""

from urllib.parse import urlsplit

from axe_playwright_python.sync_playwright import Axe
from django.urls import translate_url
from playwright.sync_api import expect

from tests.browser.fixtures import watch_for_errors

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
_axe = Axe()


def axe_violations(page) -> list[dict]:
    results = _axe.run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]},
    )
    return results.response["violations"]


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"    at {' '.join(map(str, node['target']))}")
    return "\n".join(lines)


def assert_accessible(page) -> None:
    """Fail with every WCAG 2.1 AA violation axe finds on the page as it is now."""
    violations = axe_violations(page)
    assert not violations, (
        f"axe found {len(violations)} accessibility violation(s) on {page.url}:\n"
        + format_violations(violations)
    )


def assert_accessible_in_both_languages(page, browser_errors: list[str]) -> tuple[str, str]:
    """The page shown (one h1, no axe violation), then the same address in English in a second
    tab of the same browser profile (same session; nothing in the first tab moves), checked
    alike. Returns the French path and the English address checked."""
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    assert_accessible(page)
    parts = urlsplit(page.url)
    english = translate_url(parts.path, "en")
    assert english != parts.path, f"no English address for {parts.path}"
    if parts.query:
        english += f"?{parts.query}"
    tab = page.context.new_page()
    watch_for_errors(tab, browser_errors)
    response = tab.goto(english)
    assert response.status == 200, english
    expect(tab.locator("html")).to_have_attribute("lang", "en")
    expect(tab.get_by_role("heading", level=1)).to_have_count(1)
    assert_accessible(tab)
    tab.close()
    return parts.path, english
