from django.contrib import admin

from audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the log is append-only (the database refuses changes), only record() adds."""

    list_display = ["sequence", "at", "action", "actor", "target_type", "target_id"]
    list_filter = ["action"]
    # Joined, so that an entry whose actor was deleted shows no actor instead of failing.
    list_select_related = ["actor"]
    search_fields = ["target_id", "action"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
