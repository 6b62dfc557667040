"""When the cache (Redis) cannot be reached, the rate limits and the cache-held lockouts let
requests through and say so in the log, rather than taking sign-in down with them."""

from django.test import Client
from django.urls import reverse

from accounts.tests.test_abuse_limits import limits, login, signup_form


def test_an_unreachable_redis_lets_people_sign_up_and_in(world, settings, caplog):
    """Nothing listens on port 1: every cache call fails, as when Redis is down. django-axes's
    lock (in the database) still holds."""
    settings.CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }}
    limits(settings, signup=(1, 3600))
    for n in range(2):
        response = Client().post(reverse("accounts:signup"),
                                 signup_form(world, f"panne{n}@example.test"))
        assert response.status_code == 302
    assert login(Client(), world.learner.email, world.password).status_code == 302
    attacker = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(attacker, world.learner.email, "faux")
    assert login(attacker, world.learner.email, world.password).status_code == 429
    assert "rate limits and lockouts are not counted" in caplog.text
