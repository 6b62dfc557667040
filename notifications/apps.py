from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class NotificationsConfig(AppConfig):
    """In-app notices and their content-free emails, low in the house: it imports core and
    accounts only. The apps that raise notices register their kinds (notifications.kinds) in a
    module of their own named `notifications`, found here as the admin finds `admin` modules,
    so that every kind has its label whatever page or command runs first."""

    name = "notifications"
    verbose_name = "Notifications"

    def ready(self):
        autodiscover_modules("notifications")
