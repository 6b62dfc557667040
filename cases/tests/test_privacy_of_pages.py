"""No student name in any response before the reveal; no case content in error reports,
email notifications or audit entries."""

import json
import sys

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.views.debug import ExceptionReporter

from audit.models import AuditEvent
from cases.error_reports import CaseSafeExceptionReporterFilter
from cases.models import SupportAction
from cases.tests.conftest import handed_off_case, post_form, verified_client

NAME = "Zoé Imaginaire"
SECRET_TEXT = "photo intime circule"


@pytest.fixture
def case(cw):
    case = handed_off_case(cw)
    case.lead = cw.intervener  # the access log is for the lead and the principal
    case.save(update_fields=["lead"])
    return case


def school_pages(case, who):
    student = case.students.get()
    yield reverse("cases:case_list")
    yield reverse("cases:case_detail", args=[case.pk])
    for step in ("report", "student", "meeting", "device", "grid", "dpj", "police", "support"):
        yield reverse("cases:case_step", args=[case.pk, step])
    yield reverse("cases:student_chronology", args=[case.pk, student.pk])
    yield reverse("cases:case_access_log", args=[case.pk])
    if who == "principal":
        yield reverse("cases:interveners")


@pytest.mark.parametrize("who", ["intervener", "principal"])
def test_no_student_name_in_any_school_page_before_the_reveal(cw, case, who):
    client = verified_client(getattr(cw, who), reauthenticated=True)
    for url in school_pages(case, who):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Imaginaire" not in response.content.decode(), url


def test_metadata_and_reporter_pages_hold_no_name(cw, case):
    for user in (cw.privacy_officer, cw.reporter):
        page = verified_client(user).get(reverse("cases:case_detail", args=[case.pk]))
        assert "Imaginaire" not in page.content.decode()
    page = verified_client(cw.privacy_officer).get(reverse("cases:case_detail", args=[case.pk]))
    assert SECRET_TEXT not in page.content.decode()


def test_audit_entries_hold_ids_never_names_or_content(cw, case):
    client = verified_client(cw.intervener, reauthenticated=True)
    post_form(client, reverse("cases:student_reveal", args=[case.pk, case.students.get().pk]))
    dump = json.dumps(list(AuditEvent.objects.values("action", "target_id", "data")))
    assert "Imaginaire" not in dump and SECRET_TEXT not in dump


def _fail_while_holding(notes: str) -> None:
    raise ValueError("boom")


def test_error_reports_on_case_urls_hide_posts_and_local_variables(cw, case):
    # Built at run time: the report quotes source lines, and these must not be in the source.
    secret = "".join(["Nom", "Secret", "Fictif"])
    request = RequestFactory().post(
        reverse("cases:case_step", args=[case.pk, "meeting"]), {"notes": secret})
    request.user = cw.intervener
    try:
        _fail_while_holding(secret)
    except ValueError:
        exc_info = sys.exc_info()
    reporter = ExceptionReporter(request, *exc_info)
    reporter.filter = CaseSafeExceptionReporterFilter()
    text = reporter.get_traceback_text() + reporter.get_traceback_html()
    assert secret not in text
    assert "boom" in text  # the error itself is still reported


def test_the_project_uses_the_case_safe_filter(settings):
    assert settings.DEFAULT_EXCEPTION_REPORTER_FILTER.endswith("CaseSafeExceptionReporterFilter")


def test_notification_emails_carry_no_content(cw, case):
    SupportAction.objects.create(case=case, kind="follow_up", description=f"Appeler {NAME}",
                                 due_on=timezone.localdate())
    case.lead = cw.intervener
    case.save(update_fields=["lead"])
    call_command("cases", "remind")
    assert mail.outbox, "a reminder was sent"
    for message in mail.outbox:
        assert "Imaginaire" not in message.body + message.subject
        assert SECRET_TEXT not in message.body
