"""System checks on the configuration that core reads."""

from django.conf import settings
from django.core.checks import Warning, register


@register(deploy=True)
def shared_cache_check(app_configs=None, **kwargs):
    # Rate limits and lockouts are counted in the cache: in each process's own memory, every
    # gunicorn worker would count apart, multiplying each limit by the number of workers.
    backend = settings.CACHES["default"]["BACKEND"]
    if backend == "django.core.cache.backends.locmem.LocMemCache":
        return [Warning(
            "The cache is each process's own memory: rate limits and lockouts are not shared "
            "between server processes.",
            hint="Set REDIS_URL (e.g. redis://127.0.0.1:6379/0) to a Redis server.",
            id="core.W001",
        )]
    return []
