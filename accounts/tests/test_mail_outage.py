"""`sexto second_factor reset` with the mail server out of reach: the reset is done and audited,
and the person's email that could not leave is one warning line, never a traceback."""

from io import StringIO

from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEvent
from core.tests.test_mail import smtp_unreachable  # noqa: F401 - a fixture


def test_reset_completes_with_one_warning_when_mail_is_down(world, smtp_unreachable,  # noqa: F811
                                                             caplog,
                                                             django_capture_on_commit_callbacks):
    TOTPDevice.objects.create(user=world.principal, name="Téléphone", confirmed=True)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("second_factor", "reset", world.principal.email, "--reason", "perdu",
                     stdout=StringIO())
    assert not TOTPDevice.objects.filter(user=world.principal).exists()
    assert AuditEvent.objects.filter(target_id=str(world.principal.pk)).exists()
    warnings = [r for r in caplog.records if r.levelname in ("WARNING", "ERROR")]
    assert [(r.name, r.exc_info) for r in warnings] == [("core.mail", None)]
    assert world.principal.email not in caplog.text


def test_sign_up_and_a_new_link_with_the_mail_server_down(world, smtp_unreachable,  # noqa: F811
                                                           caplog, client):
    """The account is kept and the pages answer; the person asks for another link later."""
    from django.urls import reverse

    from accounts.models import User
    from accounts.tests.test_abuse_limits import signup_form

    response = client.post(reverse("accounts:signup"), signup_form(world, "panne@example.test"))
    assert response.status_code == 302
    person = User.objects.get(email="panne@example.test")
    client.force_login(person)
    assert client.post(reverse("accounts:verify_email_resend")).status_code == 302
    warnings = [r for r in caplog.records if r.levelname in ("WARNING", "ERROR")]
    assert [(r.name, r.exc_info) for r in warnings] == [("core.mail", None)] * 2
    assert "panne@example.test" not in caplog.text
