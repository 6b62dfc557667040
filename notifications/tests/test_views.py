"""The notification list, following a notice, marking all read, the navigation's count."""

import datetime

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from notifications.models import Notification
from notifications.services import notices_make, notification_open
from notifications.tests.conftest import TEST_KIND
from notifications.views import PAGE_SIZE


def _notices(user, count: int, *, prefix: str = "n", url_name: str = "core:home"):
    made = []
    for number in range(count):
        made += notices_make(kind=TEST_KIND, recipients=[user], url_name=url_name,
                             key=f"tests:{prefix}{number}")
    return made


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _age(notice, minutes: int) -> None:
    Notification.objects.filter(pk=notice.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=minutes))


def test_the_list_shows_unread_first_then_read_newest_first(world):
    older_unread, newer_read, newest_unread = _notices(world.learner, 3)
    _age(older_unread, 30)
    _age(newer_read, 20)
    _age(newest_unread, 10)
    notification_open(notification=newer_read)
    body = _client(world.learner).get(reverse("notifications:list")).content.decode()
    order = [body.index(reverse("notifications:open", args=[n.pk]))
             for n in (newest_unread, older_unread, newer_read)]
    assert order == sorted(order)
    assert body.count("Quelque chose vous attend (essai)") == 3
    assert body.count(">Non lue<") == 2
    assert "2 notifications non lues." in body
    assert 'action="' + reverse("notifications:read_all") + '"' in body


def test_the_list_is_paginated(world):
    _notices(world.learner, PAGE_SIZE + 2)
    client = _client(world.learner)
    first = client.get(reverse("notifications:list")).content.decode()
    assert first.count('class="badge-status"') == PAGE_SIZE
    assert "Page 1 sur 2" in first and "?page=2" in first
    second = client.get(reverse("notifications:list") + "?page=2").content.decode()
    assert second.count('class="badge-status"') == 2


def test_only_ones_own_notices_are_listed_and_opened(world):
    [mine] = _notices(world.learner, 1)
    [theirs] = _notices(world.principal, 1, prefix="p")
    client = _client(world.learner)
    body = client.get(reverse("notifications:list")).content.decode()
    assert str(mine.pk) in body and str(theirs.pk) not in body
    response = client.get(reverse("notifications:open", args=[theirs.pk]))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_following_a_notice_marks_it_read_and_leads_on_in_the_pages_language(world):
    [notice] = _notices(world.learner, 1, url_name="notifications:list")
    client = _client(world.learner)
    response = client.get(reverse("notifications:open", args=[notice.pk]))
    assert response.status_code == 302 and response["Location"] == "/fr/notifications/"
    notice.refresh_from_db()
    first_read = notice.read_at
    assert first_read is not None
    with translation.override("en"):
        english = reverse("notifications:open", args=[notice.pk])
    assert english.startswith("/en/")
    response = client.get(english)
    assert response["Location"] == "/en/notifications/"
    notice.refresh_from_db()
    assert notice.read_at == first_read  # read once, when it was first followed


def test_a_notice_whose_page_is_gone_leads_back_to_the_list(world):
    [notice] = _notices(world.learner, 1)
    Notification.objects.filter(pk=notice.pk).update(url_name="gone:page")
    response = _client(world.learner).get(reverse("notifications:open", args=[notice.pk]),
                                          follow=True)
    assert response.redirect_chain[-1][0] == reverse("notifications:list")
    assert "une page qui n&#x27;existe plus" in response.content.decode()


def test_mark_all_as_read_is_a_post_of_ones_own(world):
    _notices(world.learner, 3)
    _notices(world.principal, 1, prefix="p")
    client = _client(world.learner)
    assert client.get(reverse("notifications:read_all")).status_code == 405
    response = client.post(reverse("notifications:read_all"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("notifications:list")
    assert "Toutes vos notifications sont marquées comme lues." in response.content.decode()
    assert not Notification.objects.filter(recipient=world.learner, read_at__isnull=True).exists()
    assert Notification.objects.get(recipient=world.principal).read_at is None


def test_signed_out_people_are_sent_to_sign_in(world, client):
    for url in (reverse("notifications:list"),
                reverse("notifications:open", args=[_notices(world.learner, 1)[0].pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    assert client.post(reverse("notifications:read_all")).status_code == 302


def test_the_navigation_counts_unread_notices_accessibly_with_one_query(world):
    client = _client(world.learner)
    body = client.get(reverse("core:home")).content.decode()
    assert f'href="{reverse("notifications:list")}">Notifications</a>' in body
    _notices(world.learner, 3)
    # Any page: the count is the navigation's own query (the home also lists the notices).
    with CaptureQueriesContext(connection) as queries:
        body = client.get(reverse("badges:mine")).content.decode()
    assert ('Notifications (3<span class="visually-hidden"> non lues</span>)</a>' in body)
    counts = [q["sql"] for q in queries.captured_queries
              if "notifications_notification" in q["sql"]]
    assert len(counts) == 1 and "COUNT(" in counts[0].upper()
    first, second, _third = Notification.objects.filter(recipient=world.learner)
    notification_open(notification=first)
    notification_open(notification=second)
    _notices(world.principal, 1, prefix="p")  # someone else's notices are not counted
    body = client.get(reverse("core:home")).content.decode()
    assert 'Notifications (1<span class="visually-hidden"> non lue</span>)</a>' in body


def test_signed_out_pages_count_nothing(world, client):
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("core:home"))
    assert not [q for q in queries.captured_queries
                if "notifications_notification" in q["sql"]]


def test_an_empty_list_says_so_in_english_too(world):
    client = _client(world.learner)
    french = client.get(reverse("notifications:list")).content.decode()
    assert "Aucune notification pour le moment." in french
    assert "Tout marquer comme lu" not in french
    english = client.get("/en/notifications/")
    assert english.status_code == 200 and '<html lang="en">' in english.content.decode()



def test_the_home_lists_the_unread_notices_first(world):
    from core.home import home_panels

    _notices(world.principal, 7, prefix="home")
    client = _client(world.principal)
    response = client.get(reverse("core:home"))
    page = response.content.decode()
    assert 'id="panel-notifications"' in page and reverse("notifications:list") in page
    panels = home_panels(response.wsgi_request)
    panel = next(p for p in panels if p.key == "notifications")
    assert panel.count == 7 and len(panel.context["unread_notices"]) == 5
    assert panel.order < min(p.order for p in panels if p.key != "notifications")
    Notification.objects.update(read_at=timezone.now())
    assert 'id="panel-notifications"' not in client.get(reverse("core:home")).content.decode()
