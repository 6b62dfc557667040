"""Making notices and sending their emails.

An email leaves the platform and may be read anywhere (a shared mailbox, a phone on a kitchen
table), so it says only what kind of thing happened and gives a link behind the login: no
name, not even the reader's, no reference, no fact. The link opens the notice in the app,
which marks it read and leads on.

Emails go after the commit of the change that raised them, one per new notice. A mail server
that is down never fails the request that raised the notice: the notice stands in the app,
one warning is logged (without an address or a case), and `sexto cases remind` sends the email
again at its next runs, for a day (notifications.selectors.emails_unsent).
"""

from __future__ import annotations

import datetime
import logging
import smtplib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from notifications.kinds import kind_get, kind_or_unknown
from notifications.models import Notification

logger = logging.getLogger(__name__)

# An SMTP server that accepts the connection and then hangs must not hold a request for long.
MAIL_TIMEOUT_SECONDS = 10


def notify(*, kind: str, recipients: Iterable[User], url_name: str,
           url_args: Sequence = (), key: str, actor: User | None = None) -> list[Notification]:
    """Give each recipient a notice of `kind` linking to `url_name`/`url_args`, once per `key`,
    and email each new notice after the commit of the caller's transaction.

    Skipped: the actor (nobody is told of what they did themselves), inactive accounts, and
    whoever already has a notice with this key. Returns the notices made.
    """
    made = notices_make(kind=kind, recipients=recipients, url_name=url_name, url_args=url_args,
                        key=key, actor=actor)
    if made:
        ids = [notification.pk for notification in made]
        transaction.on_commit(lambda: notification_emails_send(notification_ids=ids))
    return made


def notices_make(*, kind: str, recipients: Iterable[User], url_name: str,
                 url_args: Sequence = (), key: str, actor: User | None = None
                 ) -> list[Notification]:
    """The notices of `notify`, without their emails: for a periodic job that sends them itself
    once its transactions are committed (notification_emails_send), and counts them."""
    if kind_get(kind) is None:
        raise ValueError(f"Unknown notification kind {kind!r}: register it (notifications.kinds)")
    args = [str(arg) for arg in url_args]
    reverse(url_name, args=args)  # a wrong link fails here, in the caller's tests
    people = {}
    for user in recipients:
        if user.is_active and (actor is None or user.pk != actor.pk):
            people[user.pk] = user
    already = set(Notification.objects.filter(key=key, recipient_id__in=list(people))
                  .values_list("recipient_id", flat=True))
    made = []
    for user in people.values():
        if user.pk in already:
            continue
        try:
            with transaction.atomic():  # a savepoint: a concurrent run may have made it
                made.append(Notification.objects.create(
                    recipient=user, kind=kind, url_name=url_name, url_args=args, key=key))
        except IntegrityError:
            continue
    return made


@dataclass(frozen=True)
class EmailReport:
    sent: int = 0
    failed: int = 0  # left for a later try


def notification_emails_send(*, notification_ids: Iterable) -> EmailReport:
    """Email each of these notices not emailed yet. Never raises for the mail server's sake."""
    notices = list(Notification.objects.filter(pk__in=list(notification_ids),
                                               emailed_at__isnull=True)
                   .select_related("recipient").order_by("created_at"))
    if not notices:
        return EmailReport()
    sent = taken = 0
    error_name = ""
    try:
        with get_connection(timeout=settings.EMAIL_TIMEOUT or MAIL_TIMEOUT_SECONDS
                            ) as connection:
            for notice in notices:
                # Claimed before sending: another process sending the same notice finds it
                # taken, so nobody gets it twice.
                if not Notification.objects.filter(pk=notice.pk, emailed_at__isnull=True
                                                   ).update(emailed_at=timezone.now()):
                    taken += 1
                    continue
                try:
                    connection.send_messages([_email(notice)])
                except smtplib.SMTPRecipientsRefused as error:
                    # This address only: the others still go.
                    _release(notice)
                    error_name = type(error).__name__
                    continue
                except OSError:
                    _release(notice)
                    raise
                sent += 1
    except OSError as error:  # refused, unreachable, timed out, or closed by the server
        error_name = type(error).__name__
    failed = len(notices) - sent - taken
    if failed:
        # The error's text may hold an address: only its type is logged, never to whom or why.
        logger.warning("%d notification email(s) could not be sent (%s); the notices are in "
                       "the app and the emails will be tried again", failed, error_name)
    return EmailReport(sent=sent, failed=failed)


def _release(notice: Notification) -> None:
    Notification.objects.filter(pk=notice.pk).update(emailed_at=None)


def notification_link(notification: Notification) -> str:
    """Where the notice leads, in the active language."""
    return reverse(notification.url_name, args=notification.url_args)


def _email(notice: Notification) -> EmailMessage:
    kind = kind_or_unknown(notice.kind)
    recipient = notice.recipient
    with translation.override(recipient.preferred_language or settings.LANGUAGE_CODE):
        link = settings.SITE_URL + reverse("notifications:open", args=[notice.pk])
        body = render_to_string("notifications/email/notice.txt",
                                {"sentence": kind.sentence, "link": link})
        subject = " ".join(str(kind.subject).split())
    return EmailMessage(subject, body, None, [recipient.email])


def notification_open(*, notification: Notification,
                      now: datetime.datetime | None = None) -> Notification:
    """Mark a notice read (the first time its link is followed)."""
    if notification.read_at is None:
        notification.read_at = now or timezone.now()
        notification.save(update_fields=["read_at", "updated_at"])
    return notification


def notifications_read_all(*, user: User, now: datetime.datetime | None = None) -> int:
    """Mark all of a person's unread notices read; returns how many."""
    now = now or timezone.now()
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=now, updated_at=now)
