from django.contrib import admin

from cases.models import RetentionSchedule
from cases.retention import schedule_for
from cases.selectors import personal_data
from cases.tests.conftest import handed_off_case
from conftest import login_verified


def test_personal_data_gives_a_staff_members_part_by_reference_never_content(cw):
    case = handed_off_case(cw)
    data = personal_data(cw.reporter)
    assert data["cases_reported"] == [{"reference": case.reference, "status": "with_police",
                                       "reported_at": case.created_at.isoformat()}]
    assert "Imaginaire" not in str(personal_data(cw.intervener))
    assert "photo" not in str(data)


def test_no_case_data_is_in_django_admin():
    registered = {model for model in admin.site._registry if model._meta.app_label == "cases"}
    assert registered == {RetentionSchedule}


def test_the_retention_schedule_is_kept_in_the_admin_by_platform_admins(world, client):
    login_verified(client, world.platform_admin, reauthenticated=True)
    response = client.post("/fr/admin/cases/retentionschedule/add/", {
        "organisation": str(world.centre.pk), "closed_case_days": "365",
        "police_information_days": "180"})
    assert response.status_code == 302
    assert schedule_for(world.school).closed_case_days == 365
