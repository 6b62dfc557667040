"""System checks: a production site that cannot sign its credentials must not start quietly."""

from django.conf import settings
from django.core.checks import Error, register

from credentials.keys import KeyringError, keyring_configured, keyring_load


@register()
def signing_keys_check(app_configs=None, **kwargs):
    if settings.DEBUG:
        return []  # the demo creates its own keyring under var/
    if not keyring_configured():
        return [Error(
            "No credential signing key is configured.",
            hint="Create one with `sexto keys generate -o /path/keyring.json` and set "
                 "SEXTO_SIGNING_KEYS_FILE (or SEXTO_SIGNING_KEYS).",
            id="credentials.E001",
        )]
    try:
        keyring = keyring_load()
        keyring.active("Ed25519")
        keyring.active("RSA")
    except KeyringError as error:
        return [Error(error.message, id="credentials.E002")]
    return []
