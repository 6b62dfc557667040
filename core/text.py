from django.utils.translation import get_language


def localized(value, lang: str | None = None) -> str:
    """Pick a language from a {"fr": ..., "en": ...} mapping; French when the other is missing."""
    if not isinstance(value, dict):
        return value if value is not None else ""
    lang = (lang or get_language() or "fr")[:2]
    return value.get(lang) or value.get("fr") or ""
