"""assert_accessible() really fails, and says where: a check that cannot fail protects nothing."""

import pytest

from tests.browser.accessibility import assert_accessible

BAD_PAGE = """<!DOCTYPE html><html><head><title>Mauvaise page</title></head><body>
<main><h1>Titre</h1><img src="/x.png" id="no-alt"><button id="empty-button"></button></main>
</body></html>"""


def test_assert_accessible_lists_each_violation_and_where(page):
    page.set_content(BAD_PAGE)
    with pytest.raises(AssertionError) as failure:
        assert_accessible(page)
    report = str(failure.value)
    assert "- html-has-lang (serious)" in report
    assert "- image-alt (critical)" in report and "at #no-alt" in report
    assert "- button-name (critical)" in report and "at #empty-button" in report
    assert "https://dequeuniversity.com/rules/axe/" in report


def test_assert_accessible_passes_a_clean_page(page):
    page.set_content(
        '<!DOCTYPE html><html lang="fr"><head><title>Bonne page</title></head>'
        "<body><main><h1>Titre</h1><p>Texte.</p></main></body></html>"
    )
    assert_accessible(page)
