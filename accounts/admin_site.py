"""The admin site opens to platform administrators (the role), not only to Django staff flags.

Roles live in Membership; a platform administrator need not be `is_staff`. The rule of who may
open the admin is here, and which models they may edit is in accounts/admin.py.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.shortcuts import redirect


class SextoAdminSite(admin.AdminSite):
    site_header = "Sexto"
    site_title = "Sexto"

    def _may_administer(self, user) -> bool:
        # Imported here: the admin site is built while the app registry is still loading.
        from accounts.selectors import user_is_platform_admin

        return user.is_active and (user.is_staff or user_is_platform_admin(user))

    def has_permission(self, request):
        # Administrators grant the roles that open case files: a second factor, always.
        user = request.user
        return self._may_administer(user) and user.is_verified()

    def login(self, request, extra_context=None):
        user = request.user
        if user.is_authenticated and self._may_administer(user) and not user.is_verified():
            from accounts.mfa import second_factor_required

            # The site's own second-factor (or enrolment) page, then back to the admin.
            back = request.GET.get("next") or request.path
            return second_factor_required(lambda _request: redirect(back))(request)
        return super().login(request, extra_context)


class SextoAdminConfig(AdminConfig):
    default_site = "accounts.admin_site.SextoAdminSite"
