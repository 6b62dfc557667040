"""Typed work survives a session that ends (accounts.typed_work), in the case tool's forms.

A form sent as the session ends is kept encrypted on the server for its author, the person
signs in again (password, then second factor) and comes back to the form filled in, not saved.
"""

import datetime
import html
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.http import QueryDict
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import mfa
from accounts.models import KeptForm
from accounts.services import totp_device_create
from accounts.tests.test_second_factor import password_step, second_step, totp_code
from accounts.typed_work import TYPED_WORK_SECONDS, typed_work_initial
from audit.models import AuditEvent
from cases import forms, services
from cases.models import Entry, SharedInformation
from cases.tests.conftest import handed_off_case, post_form
from conftest import login_verified

# Long, fictional, with words that would show in a database dump if stored in clear.
NOTE = ("Rencontre avec l'élève victime (récit fictif) : elle raconte que la photo a circulé "
        "mardi soir dans le groupe « Les Ours polaires ». Elle demande qu'on prévienne sa mère. "
        * 12)
MARKERS = ["Ours polaires", "prévienne sa mère", "récit fictif", "notes"]


def _text(response) -> str:
    return html.unescape(response.content.decode())


def _idle_passes(client, settings) -> None:
    session = client.session
    session[mfa.SEEN_AT_KEY] = time.time() - settings.SEXTO_IDLE_TIMEOUT_SECONDS - 1
    session.save()


def _step_url(case, step="meeting") -> str:
    return reverse("cases:case_step", args=[case.pk, step])


def _meeting(case, **changes) -> dict:
    happened = timezone.localtime() - datetime.timedelta(hours=1)
    return {"csrfmiddlewaretoken": "jeton-de-la-page", "version": case.version,
            "kind": "meeting_victim", "student": "",
            "happened_at": happened.strftime("%Y-%m-%dT%H:%M"), "notes": NOTE, **changes}


def _send_from_page(client, url, data, page=None):
    """POST `data` to `url` as the form of `page` (default: `url` itself) sends it."""
    return post_form(client, url, data,
                     headers={"Referer": f"http://testserver{page or url}"})


def _sign_in_again(client, user, password, device, *, next_url, steps_ahead=1):
    """Password, then the authenticator app's code, keeping `next` as the pages give it."""
    response = password_step(client, user, password, next_url)
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == reverse("accounts:second_factor")
    assert parse_qs(location.query)["next"] == [next_url]
    return second_step(client, "totp", totp_code(device, steps_ahead=steps_ahead), next_url)


@pytest.fixture
def devices(cw):
    made = {}
    for person in (cw.intervener, cw.principal, cw.police):
        made[person.pk], _secret = totp_device_create(user=person, name="Téléphone")
    return made


@pytest.fixture
def intervener(client, cw, devices):
    """The intervener's browser, signed in with her password and authenticator app."""
    password_step(client, cw.intervener, cw.password)
    second_step(client, "totp", totp_code(devices[cw.intervener.pk]))
    return client


# --- Kept when the session ends -------------------------------------------------------------


def test_a_form_sent_as_the_session_ends_is_kept_encrypted_and_nothing_is_saved(
        intervener, cw, case_of, settings):
    url = _step_url(case_of)
    assert intervener.get(url).status_code == 200
    entries = Entry.objects.count()
    _idle_passes(intervener, settings)
    response = _send_from_page(intervener, url, _meeting(case_of))

    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == reverse("accounts:login")
    assert parse_qs(location.query)["next"] == [url]
    assert Entry.objects.count() == entries
    kept = KeptForm.objects.get()
    assert kept.user == cw.intervener
    assert timezone.now() < kept.expires_at <= (
        timezone.now() + datetime.timedelta(seconds=TYPED_WORK_SECONDS))
    event = AuditEvent.objects.get(action="auth.session_expired")
    assert event.data == {"reason": "idle", "typed_work_kept": True}
    # The login page says it is not lost (and why the session ended).
    page = _text(intervener.get(response["Location"]))
    assert "Votre session s'est fermée après 15 minutes sans activité" in page
    assert "Ce que vous veniez d'envoyer n'est pas perdu" in page


def test_nothing_is_in_clear_in_the_database(intervener, case_of, settings):
    url = _step_url(case_of)
    _idle_passes(intervener, settings)
    _send_from_page(intervener, url, _meeting(case_of))
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_keptform")
        rows = cursor.fetchall()
    assert len(rows) == 1
    raw = " ".join(str(value) for value in rows[0])
    for marker in MARKERS + ["meeting_victim", "jeton-de-la-page"]:
        assert marker not in raw
    # Nor in the session, nor in a cookie the browser keeps.
    with connection.cursor() as cursor:
        cursor.execute("SELECT session_data FROM django_session")
        sessions = " ".join(row[0] for row in cursor.fetchall())
    for marker in MARKERS[:3]:
        assert marker not in sessions
    assert all("Ours" not in morsel.value for morsel in intervener.cookies.values())


def test_restored_once_to_the_same_person_after_password_and_second_factor(
        intervener, cw, case_of, devices, settings):
    url = _step_url(case_of)
    _idle_passes(intervener, settings)
    response = _send_from_page(intervener, url, _meeting(case_of))
    next_url = parse_qs(urlsplit(response["Location"]).query)["next"][0]
    entries = Entry.objects.count()

    response = _sign_in_again(intervener, cw.intervener, cw.password,
                              devices[cw.intervener.pk], next_url=next_url)
    assert response["Location"] == url  # back to the form, not the training page
    page = _text(intervener.get(url))
    assert ("Votre session avait pris fin : ce que vous aviez écrit est rétabli ci-dessous. "
            "Relisez-le, puis enregistrez.") in page
    assert NOTE.strip() in page
    assert 'value="meeting_victim" selected' in page
    assert "jeton-de-la-page" not in page  # the page's own, new CSRF token is used
    assert not KeptForm.objects.exists()  # deleted once given back
    assert Entry.objects.count() == entries  # restored, not submitted
    assert AuditEvent.objects.filter(action="auth.typed_work_restored",
                                     actor=cw.intervener).count() == 1
    # Once.
    assert NOTE.strip() not in _text(intervener.get(url))

    # Saved when she sends it again, once.
    response = post_form(intervener, url, _meeting(case_of))
    assert response.status_code == 302
    assert Entry.objects.count() == entries + 1
    assert Entry.objects.filter(case=case_of).latest("created_at").notes == NOTE.strip()


def test_someone_else_signing_in_on_that_browser_gets_nothing(
        intervener, cw, case_of, devices, settings):
    url = _step_url(case_of)
    _idle_passes(intervener, settings)
    response = _send_from_page(intervener, url, _meeting(case_of))
    next_url = parse_qs(urlsplit(response["Location"]).query)["next"][0]

    # The principal, who may write in the case too, signs in on the same browser.
    response = _sign_in_again(intervener, cw.principal, cw.password, devices[cw.principal.pk],
                              next_url=next_url, steps_ahead=0)
    assert response["Location"] == url
    page = _text(intervener.get(url))
    assert "Ours polaires" not in page
    assert "Votre session avait pris fin" not in page
    assert KeptForm.objects.filter(user=cw.intervener).count() == 1  # still hers


def test_a_row_moved_to_someone_else_in_the_database_gives_nothing(
        intervener, cw, case_of, devices, settings):
    url = _step_url(case_of)
    _idle_passes(intervener, settings)
    _send_from_page(intervener, url, _meeting(case_of))
    KeptForm.objects.update(user=cw.principal)
    principal = login_verified(Client(), cw.principal)
    assert "Ours polaires" not in _text(principal.get(url))
    assert not KeptForm.objects.exists()


def test_not_restored_after_it_expired_and_the_expired_row_is_deleted(
        intervener, cw, case_of, devices, settings):
    url = _step_url(case_of)
    _idle_passes(intervener, settings)
    response = _send_from_page(intervener, url, _meeting(case_of))
    next_url = parse_qs(urlsplit(response["Location"]).query)["next"][0]
    KeptForm.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))

    _sign_in_again(intervener, cw.intervener, cw.password, devices[cw.intervener.pk],
                   next_url=next_url)
    assert not KeptForm.objects.exists()  # deleted, not just ignored
    assert "Ours polaires" not in _text(intervener.get(url))


def test_the_key_is_derived_from_secret_key(intervener, cw, case_of, settings):
    """Another SECRET_KEY cannot read it (nor can anyone holding only the database)."""
    url = _step_url(case_of)
    _idle_passes(intervener, settings)
    _send_from_page(intervener, url, _meeting(case_of))
    settings.SECRET_KEY = "another-key-" + "x" * 50
    verified = login_verified(Client(), cw.intervener)
    assert "Ours polaires" not in _text(verified.get(url))
    assert not KeptForm.objects.exists()


def test_expired_rows_are_purged_when_another_is_written(intervener, cw, case_of, settings):
    stale = KeptForm.objects.create(user=cw.principal, action="/fr/dossiers/", ciphertext="x",
                                    expires_at=timezone.now() - datetime.timedelta(minutes=1))
    _idle_passes(intervener, settings)
    _send_from_page(intervener, _step_url(case_of), _meeting(case_of))
    assert not KeptForm.objects.filter(pk=stale.pk).exists()
    assert KeptForm.objects.filter(user=cw.intervener).count() == 1


def test_the_case_version_is_kept_so_a_conflict_is_still_caught(
        intervener, cw, case_of, devices, settings):
    url = _step_url(case_of)
    typed_against = case_of.version
    _idle_passes(intervener, settings)
    response = _send_from_page(intervener, url, _meeting(case_of))
    next_url = parse_qs(urlsplit(response["Location"]).query)["next"][0]
    # Meanwhile the principal notes something in the case.
    services.entry_add(case=case_of, actor=cw.principal, version=case_of.version,
                       kind="note", happened_at=timezone.now(), notes="Appel reçu (fictif).",
                       student=None)
    _sign_in_again(intervener, cw.intervener, cw.password, devices[cw.intervener.pk],
                   next_url=next_url)
    page = _text(intervener.get(url))
    assert f'name="version" value="{typed_against}"' in page
    entries = Entry.objects.count()
    response = post_form(intervener, url, _meeting(case_of, version=typed_against))
    assert response.status_code == 400  # the conflict, shown with her text kept
    assert Entry.objects.count() == entries
    assert NOTE.strip() in _text(response)


def test_a_form_sent_from_a_page_left_open_after_the_session_ended_is_kept(
        intervener, cw, case_of, devices, settings):
    """Two tabs: the session ends in one; the form of the other is sent afterwards."""
    url = _step_url(case_of)
    _idle_passes(intervener, settings)
    intervener.get(reverse("cases:case_list"))  # the other tab: the session ends there
    assert not KeptForm.objects.exists()
    response = _send_from_page(intervener, url, _meeting(case_of))
    location = urlsplit(response["Location"])
    assert location.path == reverse("accounts:login")
    assert parse_qs(location.query)["next"] == [url]
    assert KeptForm.objects.get().user == cw.intervener
    _sign_in_again(intervener, cw.intervener, cw.password, devices[cw.intervener.pk],
                   next_url=url)
    assert NOTE.strip() in _text(intervener.get(url))


def test_not_kept_from_a_page_left_open_much_longer(intervener, case_of, settings):
    _idle_passes(intervener, settings)
    intervener.get(reverse("cases:case_list"))
    session = intervener.session
    session[mfa.ENDED_FOR_KEY]["at"] -= TYPED_WORK_SECONDS + 1
    session.save()
    _send_from_page(intervener, _step_url(case_of), _meeting(case_of))
    assert not KeptForm.objects.exists()


def test_a_form_from_another_site_is_not_kept(cw, case_of, settings):
    client = login_verified(Client(enforce_csrf_checks=True), cw.intervener)
    _idle_passes(client, settings)
    response = post_form(client, _step_url(case_of), _meeting(case_of),
                         headers={"Origin": "https://elsewhere.example"})
    assert response.status_code == 302  # the session still ends
    assert not KeptForm.objects.exists()


def test_forms_of_the_accounts_pages_are_never_kept(intervener, cw, settings):
    _idle_passes(intervener, settings)
    post_form(intervener, reverse("accounts:password_change"), {
        "old_password": cw.password, "new_password1": "Nouveau-secret-2026!",
        "new_password2": "Nouveau-secret-2026!"})
    assert not KeptForm.objects.exists()


# --- Where the login page comes back to ----------------------------------------------------


def test_without_a_referer_the_form_page_itself_if_it_answers_get(intervener, case_of,
                                                                    settings):
    url = _step_url(case_of)
    _idle_passes(intervener, settings)
    response = post_form(intervener, url, _meeting(case_of))
    assert parse_qs(urlsplit(response["Location"]).query)["next"] == [url]


def test_a_post_only_address_is_no_page_to_come_back_to(client, cw, settings):
    case = handed_off_case(cw)
    login_verified(client, cw.police)
    _idle_passes(client, settings)
    response = post_form(client, reverse("cases:police_share", args=[case.pk]),
                         {"purpose": "safety", "content": "Fictif."})
    assert response["Location"] == reverse("accounts:login")  # not a page answering 405
    # A Referer from another site is no page to come back to either.
    login_verified(client, cw.police)
    _idle_passes(client, settings)
    response = post_form(client, reverse("cases:police_share", args=[case.pk]),
                         {"purpose": "safety", "content": "Fictif."},
                         headers={"Referer": "https://elsewhere.example/fr/"})
    assert response["Location"] == reverse("accounts:login")


def test_enrolment_keeps_the_next_of_the_sign_in(client, cw, case_of, settings):
    """A case-role holder with no second factor yet: password, then adding one, then back."""
    url = _step_url(case_of)
    response = password_step(client, cw.intervener, cw.password, url)
    location = urlsplit(response["Location"])
    assert location.path == reverse("accounts:security")
    assert parse_qs(location.query)["next"] == [url]
    add = f'{reverse("accounts:totp_add")}?next={url}'
    assert f'href="{add}"' in _text(client.get(response["Location"]))
    client.get(add)
    device = TOTPDevice.objects.get(user=cw.intervener)
    response = client.post(add, {"name": "", "otp_token": totp_code(device), "next": url})
    assert response["Location"] == mfa.url_with_next(reverse("accounts:recovery_codes"), url)
    assert f'href="{url}"' in _text(client.get(response["Location"]))  # "continuer"
    assert client.get(url).status_code == 200


# --- The police page: two forms -------------------------------------------------------------


def test_the_police_page_restores_both_its_forms_with_one_message(client, cw, devices,
                                                                    settings):
    case = handed_off_case(cw)
    page_url = reverse("cases:police_handoff", args=[case.pk])
    password_step(client, cw.police, cw.password)
    second_step(client, "totp", totp_code(devices[cw.police.pk]))
    assert client.get(page_url).status_code == 200
    _idle_passes(client, settings)
    shared = "Rencontre de sensibilisation tenue avec la famille (fictif)."
    response = _send_from_page(client, reverse("cases:police_share", args=[case.pk]),
                               {"purpose": "safety", "content": shared}, page=page_url)
    assert parse_qs(urlsplit(response["Location"]).query)["next"] == [page_url]
    # The follow-up form of the same page, sent afterwards: kept too.
    _send_from_page(client, reverse("cases:police_follow_up", args=[case.pk]),
                    {"notes": "Dossier policier suivi (fictif).", "qualification": ""},
                    page=page_url)
    assert KeptForm.objects.filter(user=cw.police).count() == 2

    _sign_in_again(client, cw.police, cw.password, devices[cw.police.pk], next_url=page_url)
    page = _text(client.get(page_url))
    assert page.count("Votre session avait pris fin") == 1
    assert shared in page and "Dossier policier suivi (fictif)." in page
    assert 'name="purpose" value="safety" required id="id_purpose_0" checked' in page
    assert not KeptForm.objects.exists()
    assert not SharedInformation.objects.exists()


# --- Into the form's initial values ---------------------------------------------------------


def test_initial_values_include_multi_valued_fields_and_unticked_boxes():
    data = QueryDict(mutable=True)
    data.setlist("channels", ["snapchat", "instagram"])
    data["account"] = "Récit fictif."
    data["version"] = "7"
    report = forms.ReportEditForm()
    initial = typed_work_initial(report, data)
    assert initial["channels"] == ["snapchat", "instagram"]
    assert initial["account"] == "Récit fictif." and initial["version"] == "7"
    assert "told_at" not in initial  # not in the data: the form's own initial value stays

    close = forms.CloseForm(initial={"confirm": True})
    assert typed_work_initial(close, QueryDict("summary=x"))["confirm"] is False


def test_an_incident_report_typed_as_the_session_ends_comes_back_to_its_form(
        client, cw, settings):
    device, _secret = totp_device_create(user=cw.reporter, name="Téléphone")
    password_step(client, cw.reporter, cw.password)
    second_step(client, "totp", totp_code(device))
    url = reverse("cases:case_report")
    told = (timezone.localtime() - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    _idle_passes(client, settings)
    response = _send_from_page(client, url, {
        "csrfmiddlewaretoken": "jeton-de-la-page", "school": str(cw.school.pk),
        "told_at": told, "account": NOTE, "channels": ["snapchat", "group_chat"],
        "still_spreading": "yes"})
    next_url = parse_qs(urlsplit(response["Location"]).query)["next"][0]
    assert _sign_in_again(client, cw.reporter, cw.password, device,
                          next_url=next_url)["Location"] == url
    page = _text(client.get(url))
    assert NOTE.strip() in page and f'value="{told}"' in page
    assert page.count("checked") == 2  # both channels, as she ticked them
    from cases.models import Case

    assert not Case.objects.exists()  # restored, not reported behind her back
