"""Under /fr/notifications/ (/en/notifications/); notices are named by opaque ids only."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from notifications import views

app_name = "notifications"
urlpatterns = [
    path("notifications/", views.notification_list, name="list"),
    path(_("notifications/tout-lire/"), views.notifications_read_all, name="read_all"),
    path(_("notifications/<uuid:notification_id>/ouvrir/"), views.notification_open,
         name="open"),
]
