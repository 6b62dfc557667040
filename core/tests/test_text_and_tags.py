"""core.text.localized and the `loc` / `markdown` template filters."""

from django.template import Context, Template
from django.utils import translation

from core.templatetags.sexto import loc, markdown
from core.text import localized

TEXT = {"fr": "Bonjour", "en": "Hello"}


def test_localized_picks_the_asked_language():
    assert localized(TEXT, "en") == "Hello"
    assert localized(TEXT, "fr") == "Bonjour"
    assert localized(TEXT, "en-ca") == "Hello"


def test_localized_falls_back_to_french():
    assert localized({"fr": "Seulement en français"}, "en") == "Seulement en français"
    assert localized({"fr": "Vide en anglais", "en": ""}, "en") == "Vide en anglais"


def test_localized_follows_the_active_language():
    with translation.override("en"):
        assert localized(TEXT) == "Hello"
    with translation.override("fr"):
        assert localized(TEXT) == "Bonjour"


def test_localized_passes_plain_values_through():
    assert localized("déjà une chaîne", "en") == "déjà une chaîne"
    assert localized(None, "en") == ""


def test_loc_filter_in_a_template():
    template = Template("{% load sexto %}{{ text|loc }}")
    with translation.override("en"):
        assert template.render(Context({"text": TEXT})) == "Hello"
        assert loc({"fr": "Seulement en français"}) == "Seulement en français"


def test_markdown_renders_basic_formatting():
    html = markdown("Un **mot** et une [lien](https://example.org/).\n\n- a\n- b")
    assert "<strong>mot</strong>" in html
    assert '<a href="https://example.org/"' in html
    assert "<li>a</li>" in html


def test_markdown_strips_scripts_and_event_handlers():
    html = markdown(
        'Texte <script>alert(1)</script> <img src="x" onerror="alert(2)"> '
        '[clic](javascript:alert(3))'
    )
    assert "<script" not in html
    assert "onerror" not in html
    assert "<img" not in html
    assert "javascript:" not in html


def test_markdown_of_nothing_is_empty():
    assert markdown(None) == ""
    assert markdown("") == ""
