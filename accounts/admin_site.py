"""The admin site opens to platform administrators (the role), not only to Django staff flags.

Roles live in Membership; a platform administrator need not be `is_staff`. The rule of who may
open the admin is here, and which models they may edit is in accounts/admin.py.

The admin has no sign-in form of its own: Django's would log a superuser in on a password
alone, and that session would open every page that does not itself ask for the second factor.
Its login address sends the person to the site's two-step sign-in, then back; every change made
in it asks for a fresh re-authentication, as granting a role on the people page does.
"""

import functools

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, resolve_url
from django.urls import reverse


class SextoAdminSite(admin.AdminSite):
    site_header = "Sexto"
    site_title = "Sexto"

    def _may_administer(self, user) -> bool:
        # Imported here: the admin site is built while the app registry is still loading.
        from accounts.selectors import user_is_platform_admin

        return user.is_active and (user.is_staff or user_is_platform_admin(user))

    def has_permission(self, request):
        # Administrators grant the roles that open case files: a second factor, always (a staff
        # or superuser account without one is sent to add one).
        user = request.user
        return self._may_administer(user) and user.is_verified()

    def login(self, request, extra_context=None):
        from accounts import mfa

        back = mfa.safe_next(request, default=reverse("admin:index", current_app=self.name))
        user = request.user
        if not user.is_authenticated:
            # The site's sign-in: password, then second factor, then back here.
            return redirect(mfa.url_with_next(resolve_url(settings.LOGIN_URL), back))
        if self._may_administer(user) and not user.is_verified():
            # The site's own second-factor (or enrolment) page, then back to the admin.
            return mfa.second_factor_required(lambda _request: redirect(back))(request)
        if self.has_permission(request):
            return redirect(back)
        # Signed in without the right to administer: no form to sign in as someone else here.
        raise PermissionDenied

    def admin_view(self, view, cacheable=False):
        from accounts import mfa

        inner = super().admin_view(view, cacheable)
        # Changes (every POST but signing out) ask for a fresh re-authentication: among them,
        # a user's staff and superuser flags, which open the whole platform.
        fresh = mfa.reauthentication_required(inner)

        @functools.wraps(inner)
        def wrapper(request, *args, **kwargs):
            if (request.method == "POST" and self.has_permission(request)
                    and request.path != reverse("admin:logout", current_app=self.name)):
                return fresh(request, *args, **kwargs)
            return inner(request, *args, **kwargs)

        return wrapper


class SextoAdminConfig(AdminConfig):
    default_site = "accounts.admin_site.SextoAdminSite"
