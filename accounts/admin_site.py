"""The admin site opens to platform administrators (the role), not only to Django staff flags.

Roles live in Membership; a platform administrator need not be `is_staff`. The rule of who may
open the admin is here, and which models they may edit is in accounts/admin.py.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig


class SextoAdminSite(admin.AdminSite):
    site_header = "Sexto"
    site_title = "Sexto"

    def has_permission(self, request):
        # Imported here: the admin site is built while the app registry is still loading.
        from accounts.selectors import user_is_platform_admin

        user = request.user
        return user.is_active and (user.is_staff or user_is_platform_admin(user))


class SextoAdminConfig(AdminConfig):
    default_site = "accounts.admin_site.SextoAdminSite"
