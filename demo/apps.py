from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Fictional demo data and the `sexto demo` command. Nothing imports this app."""

    name = "demo"
