"""notifications.services: notices made once per person and key, emailed once after the commit,
content-free, in the reader's language, and a mail server that is down breaks nothing."""

import logging

import pytest
from django.core import mail
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation

from conftest import make_user
from notifications import kinds
from notifications.models import Notification
from notifications.selectors import emails_unsent, keys_notified, personal_data, unread_count
from notifications.services import notices_make, notification_emails_send, notify
from notifications.tests.conftest import TEST_KIND
from notifications.tests.mail import SmtpServer


def _notify(recipients, *, key="tests:1", actor=None):
    return notify(kind=TEST_KIND, recipients=recipients, url_name="notifications:list",
                  key=key, actor=actor)


def test_each_recipient_gets_one_notice_and_one_email_after_the_commit(
        world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        made = _notify([world.principal, world.police, world.principal])
    assert {n.recipient for n in made} == {world.principal, world.police}  # once each
    assert mail.outbox == []  # nothing leaves before the commit
    for callback in callbacks:
        callback()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([world.principal.email,
                                                           world.police.email])
    assert all(n.emailed_at is not None for n in Notification.objects.all())


def test_the_same_key_again_makes_and_sends_nothing_new(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _notify([world.principal])
        again = _notify([world.principal, world.police])
    assert [n.recipient for n in again] == [world.police]  # only who did not have it
    assert Notification.objects.filter(recipient=world.principal).count() == 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted([world.principal.email,
                                                           world.police.email])
    # Another key is another notice.
    with django_capture_on_commit_callbacks(execute=True):
        _notify([world.principal], key="tests:2")
    assert Notification.objects.filter(recipient=world.principal).count() == 2
    assert keys_notified(["tests:1", "tests:2", "tests:3"]) == {"tests:1", "tests:2"}


def test_never_the_actor_nor_an_inactive_account(world, django_capture_on_commit_callbacks):
    gone = make_user("parti@example.test", "Parti Fictif", is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        made = _notify([world.principal, world.police, gone], actor=world.principal)
    assert [n.recipient for n in made] == [world.police]
    assert [m.to for m in mail.outbox] == [[world.police.email]]


def test_an_unknown_kind_or_a_wrong_link_is_a_programming_error(world):
    with pytest.raises(ValueError, match="Unknown notification kind"):
        notify(kind="tests.never_registered", recipients=[world.principal],
               url_name="notifications:list", key="k")
    with pytest.raises(NoReverseMatch):
        notify(kind=TEST_KIND, recipients=[world.principal], url_name="nowhere:at_all",
               key="k")
    assert not Notification.objects.exists()
    with pytest.raises(ValueError, match="already registered"):
        kinds.kind_register(code=TEST_KIND, label="x", subject="x", sentence="x")


def test_the_email_is_a_sentence_and_a_link_in_the_readers_language(
        world, django_capture_on_commit_callbacks, settings):
    world.police.preferred_language = "en"
    world.police.save(update_fields=["preferred_language"])
    with django_capture_on_commit_callbacks(execute=True):
        made = _notify([world.principal, world.police])
    by_address = {m.to[0]: m for m in mail.outbox}
    french = by_address[world.principal.email]
    assert french.subject == "Sexto : quelque chose vous attend (essai)"
    assert french.body.startswith("Bonjour,\n\nQuelque chose vous attend dans Sexto (essai).")
    notice = next(n for n in made if n.recipient == world.principal)
    link = settings.SITE_URL + reverse("notifications:open", args=[notice.pk])
    assert f"\n{link}\n" in french.body
    # Not even the reader's own name: the email may be read by whoever opens the mailbox.
    for message in mail.outbox:
        for name in ("Claire", "Gina", "Fictive", world.school.name):
            assert name not in message.body and name not in message.subject
    english = by_address[world.police.email]
    police_notice = next(n for n in made if n.recipient == world.police)
    with translation.override("en"):
        english_link = reverse("notifications:open", args=[police_notice.pk])
    assert english_link.startswith("/en/")
    assert settings.SITE_URL + english_link in english.body
    # The English text itself comes from the catalogue once the lead merges it:
    # assert english.body.startswith("Hello,")


def test_mail_server_down_keeps_the_notice_logs_once_and_sends_later(
        world, mail_down, caplog, django_capture_on_commit_callbacks, settings):
    with caplog.at_level(logging.WARNING, logger="notifications.services"), \
            django_capture_on_commit_callbacks(execute=True):
        made = _notify([world.principal, world.police])  # does not raise
    assert len(made) == 2 and unread_count(world.principal) == 1
    [record] = caplog.records  # one warning for the lot, without an address or a case
    assert record.levelname == "WARNING"
    assert "ConnectionRefusedError" in record.getMessage()
    for secret in (world.principal.email, world.police.email, "example.test", str(made[0].pk)):
        assert secret not in record.getMessage()
    assert set(emails_unsent(now=timezone.now())) == {n.pk for n in made}

    # The server is back: a later try sends each email once.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    report = notification_emails_send(notification_ids=emails_unsent(now=timezone.now()))
    assert (report.sent, report.failed) == (2, 0)
    assert notification_emails_send(notification_ids=[n.pk for n in made]).sent == 0
    assert len(mail.outbox) == 2
    assert emails_unsent(now=timezone.now()) == []


def test_an_address_the_server_refuses_does_not_hold_back_the_others(
        world, settings, caplog, django_capture_on_commit_callbacks):
    with SmtpServer(refuse=world.principal.email) as server:
        server.use(settings)
        with caplog.at_level(logging.WARNING, logger="notifications.services"), \
                django_capture_on_commit_callbacks(execute=True):
            made = _notify([world.principal, world.police, world.learner])
    assert sorted(server.delivered) == sorted([world.police.email, world.learner.email])
    [record] = caplog.records
    assert "1 notification email(s)" in record.getMessage()
    assert "SMTPRecipientsRefused" in record.getMessage()
    assert world.principal.email not in record.getMessage()
    refused = next(n for n in made if n.recipient == world.principal)
    assert emails_unsent(now=timezone.now()) == [refused.pk]  # tried again later


def test_an_email_is_retried_for_a_day_only(world, django_capture_on_commit_callbacks):
    [notice] = notices_make(kind=TEST_KIND, recipients=[world.principal],
                            url_name="notifications:list", key="tests:old")
    assert emails_unsent(now=timezone.now()) == [notice.pk]
    assert emails_unsent(now=notice.created_at + timezone.timedelta(hours=23)) == [notice.pk]
    assert emails_unsent(now=notice.created_at + timezone.timedelta(hours=25)) == []


def test_personal_data_lists_kinds_and_dates_never_links(world):
    [notice] = notices_make(kind=TEST_KIND, recipients=[world.principal],
                            url_name="notifications:list", key="tests:pd")
    data = personal_data(world.principal)
    assert data == {"notifications": [{"kind": TEST_KIND, "at": notice.created_at.isoformat(),
                                       "read_at": None}]}
    assert personal_data(world.police) == {"notifications": []}
