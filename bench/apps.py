from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Benchmarks (`sexto bench`). Nothing imports this app."""

    name = "bench"
