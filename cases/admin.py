"""Only the retention schedules are in Django admin: configuration, not case data.

Case files themselves are never in the admin (platform administrators read no case), and their
content is encrypted, so a superuser reading the database sees no content either.
"""

from django.contrib import admin

from accounts.admin import ReferenceDataAdmin
from cases.models import RetentionSchedule


@admin.register(RetentionSchedule)
class RetentionScheduleAdmin(ReferenceDataAdmin):
    list_display = ["organisation", "closed_case_days", "police_information_days"]
