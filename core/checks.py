from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def secret_key_configured(app_configs, **kwargs):
    """Fail loudly rather than run production with no key (sessions, tokens, audit chain)."""
    if not settings.DEBUG and not settings.SECRET_KEY:
        return [Error(
            "SECRET_KEY is not set.",
            hint="Set SECRET_KEY (or SECRET_KEY_FILE) in the environment.",
            id="sexto.E001",
        )]
    return []
