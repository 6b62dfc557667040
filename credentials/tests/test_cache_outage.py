"""Public pages do not depend on the cache: with Redis out of reach they are rendered."""

from django.test import Client
from django.urls import reverse


def test_the_attestation_page_is_served_while_redis_is_down(award, settings, caplog):
    """The anonymous page cache only saves work: with Redis out of reach (nothing listens on
    port 1) the page is rendered, not a 500."""
    settings.CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }}
    settings.SEXTO_RATE_LIMITS_ENABLED = False
    response = Client().get(reverse("credential_pages:attestation", args=[award.id]))
    assert response.status_code == 200
    assert award.recipient.full_name in response.content.decode()
    assert "attestation page is rendered without it" in caplog.text
