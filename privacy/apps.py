from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """Law 25 at the edge of the product: it reads every app's selectors; nothing imports it."""

    name = "privacy"
