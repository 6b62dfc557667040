"""Browser fixtures: Playwright for Python driving Debian's Chromium on pytest-django's live
server. The root conftest.py loads this module, so any app's browser tests may use them.

We never download a browser: /usr/bin/chromium comes from `apt-get install chromium`. Without
it, browser tests are skipped on a developer's machine but fail in CI (CI=true), so that CI can
never pass by skipping them.
"""

import contextlib
import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(
                f"{CHROMIUM} is missing, and browser tests must run in CI: "
                "apt-get install -y chromium (.ci/run installs it)",
                pytrace=False,
            )
        pytest.skip(f"Debian's Chromium is not installed ({CHROMIUM}): apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    # Once started, Playwright's sync API keeps an asyncio event loop in the test thread for
    # the rest of the session; Django's ORM would then refuse to run (SynchronousOnlyOperation)
    # although nothing here is asynchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


def _keep_console_error(message, errors: list[str]) -> None:
    # Chromium asks for /favicon.ico on its own; that request is not the page's doing.
    if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
        errors.append(f"console error: {message.text} ({message.location.get('url', '')})")


def watch_for_errors(page, errors: list[str]) -> None:
    """Collect the page's JavaScript and console errors (a CSP violation is one) in `errors`."""
    page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
    page.on("console", lambda message: _keep_console_error(message, errors))


@pytest.fixture
def browser_errors():
    """JavaScript errors and console errors (a CSP violation is one) seen during the test."""
    return []


@pytest.fixture
def new_page(browser, live_server, transactional_db, browser_errors):
    """A factory of pages, each in a fresh browser profile (no cookies) on the live server,
    asking for French first: one per person of a journey.

    Every profile is closed when the test ends, before the live server stops. An open profile
    keeps its connections alive, and the server thread of each connection would otherwise
    outlive the server and fail to close its database connection in a later test.
    """
    with contextlib.ExitStack() as profiles:  # each one closed, even if another fails to

        def make():
            context = browser.new_context(
                base_url=live_server.url, locale="fr-CA",
                extra_http_headers={"Accept-Language": "fr-CA,fr"},
            )
            profiles.callback(context.close)
            context.set_default_timeout(10_000)
            made = context.new_page()
            watch_for_errors(made, browser_errors)
            return made

        yield make


@pytest.fixture
def page(new_page):
    """One fresh page (see new_page)."""
    return new_page()
