"""One email sent where losing it is not fatal: what it tells is already saved and shown in the
app. A mail server refusing, unreachable or hanging is then one warning line (in a command, on
standard error), and the work goes on: never a traceback, never an address in the log.
"""

import logging

from django.conf import settings
from django.core.mail import get_connection, send_mail

logger = logging.getLogger(__name__)

# An SMTP server that accepts the connection and then hangs must not hold a request or a command.
MAIL_TIMEOUT_SECONDS = 10


def mail_send(*, subject: str, body: str, to: str, what: str) -> bool:
    """Send one plain-text email; False, with one warning logged, when it could not leave.

    `what` names the kind of email in the warning (the address and the error's text, which may
    hold it, are left out).
    """
    try:
        connection = get_connection(timeout=settings.EMAIL_TIMEOUT or MAIL_TIMEOUT_SECONDS)
        send_mail(subject, body, None, [to], connection=connection)
    except OSError as error:  # smtplib's errors, refused, unreachable, timed out
        logger.warning("The %s email could not be sent (%s); the rest was done.", what,
                       type(error).__name__)
        return False
    return True
