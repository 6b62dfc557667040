"""`sexto awards revoke` with the mail server out of reach: the revocation is done and said,
and the member's email that could not leave is one warning line, never a traceback."""

from io import StringIO

from django.core.management import call_command

from badges.models import Award
from core.tests.test_mail import smtp_unreachable  # noqa: F401 - a fixture


def test_revoke_completes_with_one_warning_when_mail_is_down(award, smtp_unreachable,  # noqa: F811
                                                              caplog):
    out, err = StringIO(), StringIO()
    call_command("awards", "revoke", str(award.pk), "--reason", "Erreur.", stdout=out,
                 stderr=err)
    assert out.getvalue().strip() == f"{award.pk}\trevoked"
    assert Award.objects.get(pk=award.pk).revoked_at is not None
    warnings = [r for r in caplog.records if r.levelname in ("WARNING", "ERROR")]
    assert [(r.name, r.exc_info) for r in warnings] == [("core.mail", None)]
    assert "award_revoked" in warnings[0].getMessage()
    assert award.recipient.email not in caplog.text
