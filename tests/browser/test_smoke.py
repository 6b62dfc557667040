"""The home page in a real browser: both languages, the language switch, accessibility."""

import re

from playwright.sync_api import expect

from tests.browser.accessibility import assert_accessible


def test_home_in_french(page, browser_errors):
    page.goto("/fr/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sexto")
    expect(page.get_by_role("button", name="English")).to_be_visible()
    assert_accessible(page)
    assert browser_errors == []


def test_home_in_english(page, browser_errors):
    page.goto("/en/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    expect(page.get_by_role("button", name="Français")).to_be_visible()
    assert_accessible(page)
    assert browser_errors == []


def test_root_follows_the_browser_language(page):
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/fr/$"))


def test_language_switch_goes_to_english_and_back(page, browser_errors):
    page.goto("/fr/")
    french_title = page.title()

    page.get_by_role("button", name="English").click()
    expect(page).to_have_url(re.compile(r"/en/$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    # The switch button names the other language in that language (WCAG 3.1.2).
    expect(page.get_by_role("button", name="Français")).to_have_attribute("lang", "fr")
    assert page.title() != french_title

    page.get_by_role("button", name="Français").click()
    expect(page).to_have_url(re.compile(r"/fr/$"))
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    assert page.title() == french_title
    assert browser_errors == []


def test_keyboard_user_can_skip_to_the_content(page):
    page.goto("/fr/")
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Aller au contenu")
    expect(skip_link).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
