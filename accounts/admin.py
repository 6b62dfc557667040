"""Django admin for people and reference data.

Roles (Membership) and school declarations (JoinRequest) are read-only here: they change
through the people page and accounts.services, where the granting rules and the audit apply.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from accounts.models import DpcpAgreement, JoinRequest, Membership, Organisation, Territory, User
from accounts.selectors import user_is_platform_admin
from audit.services import record


class UserCreationAdminForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name")


class UserChangeAdminForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class ReferenceDataAdmin(admin.ModelAdmin):
    """Police forces, territories, agreements, organisations: kept by platform administrators.

    Whether a school's staff may receive the badge hangs on this data, so every change made
    here is written to the audit log as well as to Django's admin history.
    """

    def _platform_admin(self, request) -> bool:
        return user_is_platform_admin(request.user)

    def has_module_permission(self, request):
        return self._platform_admin(request) or super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return self._platform_admin(request) or super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return self._platform_admin(request) or super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return self._platform_admin(request) or super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._platform_admin(request) or super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        record(action="reference.changed" if change else "reference.created",
               actor=request.user, target=obj, request=request,
               data={"fields": sorted(form.changed_data)})

    def delete_model(self, request, obj):
        record(action="reference.deleted", actor=request.user, target=obj, request=request)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            record(action="reference.deleted", actor=request.user, target=obj, request=request)
        super().delete_queryset(request, queryset)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    fields = ("role", "organisation", "granted_by", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _("rôles (modifiables depuis la page Personnes)")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserChangeAdminForm
    add_form = UserCreationAdminForm
    list_display = ("email", "full_name", "handle", "preferred_language", "email_verified_at",
                    "profile_published", "is_active", "is_staff", "date_joined")
    list_filter = ("is_active", "is_staff", "is_superuser", "preferred_language",
                   "profile_published")
    search_fields = ("email", "full_name", "handle")
    ordering = ("email",)
    readonly_fields = ("handle", "date_joined", "last_login", "email_verified_at")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Profil"), {"fields": ("full_name", "handle", "preferred_language",
                                  "profile_published", "email_verified_at")}),
        (_("Accès"), {"fields": ("is_active", "is_staff", "is_superuser", "groups",
                                 "user_permissions")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",),
                "fields": ("email", "full_name", "usable_password", "password1", "password2")}),
    )
    inlines = [MembershipInline]

    def get_inline_instances(self, request, obj=None):
        # A new account has no role yet; roles are shown (read-only) once it exists.
        return super().get_inline_instances(request, obj) if obj is not None else []


@admin.register(Organisation)
class OrganisationAdmin(ReferenceDataAdmin):
    list_display = ("name", "code", "kind", "parent", "territory")
    list_filter = ("kind",)
    search_fields = ("name", "code")
    list_select_related = ("parent", "territory")
    autocomplete_fields = ("parent", "territory")
    ordering = ("name",)


@admin.register(Territory)
class TerritoryAdmin(ReferenceDataAdmin):
    list_display = ("name", "code", "police_force")
    list_filter = ("police_force",)
    search_fields = ("name", "code", "police_force__name")
    list_select_related = ("police_force",)
    ordering = ("name",)


@admin.register(DpcpAgreement)
class DpcpAgreementAdmin(ReferenceDataAdmin):
    list_display = ("police_force", "signed_on", "ended_on")
    list_filter = ("police_force", "signed_on", "ended_on")
    search_fields = ("police_force__name", "police_force__code")
    list_select_related = ("police_force",)
    date_hierarchy = "signed_on"


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ("user", "role", "organisation", "granted_by", "created_at")
    list_filter = ("role", "organisation__kind")
    search_fields = ("user__email", "user__full_name", "organisation__name")
    list_select_related = ("user", "organisation", "granted_by")


@admin.register(JoinRequest)
class JoinRequestAdmin(ReadOnlyAdmin):
    list_display = ("user", "organisation", "created_at", "accepted", "decided_at",
                    "decided_by")
    list_filter = ("accepted", ("decided_at", admin.EmptyFieldListFilter))
    search_fields = ("user__email", "user__full_name", "organisation__name")
    list_select_related = ("user", "organisation", "decided_by")
