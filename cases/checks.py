"""System checks: a production site must not encrypt case content with a demo key."""

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.checks import Error, register

from cases.crypto import configured_keys


@register(deploy=True)
def case_keys_check(app_configs=None, **kwargs):
    keys = configured_keys()
    if not keys:
        if settings.DEBUG:
            return []  # the demo derives a key from SECRET_KEY
        return [Error(
            "No key is configured to encrypt case files.",
            hint="Generate one with `sexto cases generate-key` and set SEXTO_CASE_KEYS "
                 "(or SEXTO_CASE_KEYS_FILE).",
            id="cases.E001",
        )]
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key.encode())
        except ValueError:
            return [Error(f"Key #{position} of SEXTO_CASE_KEYS is not a Fernet key.",
                          id="cases.E002")]
    return []
