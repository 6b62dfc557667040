"""The register of confidentiality incidents: create, read, update, delete, and retention."""

import datetime
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from audit.models import AuditEvent
from conftest import login_verified
from privacy.models import ConfidentialityIncident, years_after
from privacy.services import incidents_purge
from privacy.tests.conftest import incident_fields


def _post_data(**overrides) -> dict:
    data = incident_fields(**overrides)
    post = {}
    for name, value in data.items():
        if isinstance(value, bool):
            if name == "risk_serious":
                post[name] = "yes" if value else "no"
            elif value:
                post[name] = "on"
        elif value is None:
            post[name] = ""
        elif isinstance(value, datetime.date):
            post[name] = value.isoformat()
        else:
            post[name] = str(value)
    return post


def _audit_data_has_ids_only(event: AuditEvent) -> None:
    text = json.dumps(event.data)
    for word in ("courriel", "Jade", "liste", "@"):
        assert word not in text, event.action


# --- Create -----------------------------------------------------------------------------------


def test_create_page_offers_the_officers_organisation(client, world, privacy):
    login_verified(client, privacy.officer)
    response = client.get(reverse("privacy:incident_create"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    form = response.context["form"]
    assert list(form.fields["organisation"].queryset) == [world.centre]
    # The contact person defaults to the privacy officer.
    assert form["contact_name"].value() == "Jade Fictive"
    body = response.content.decode()
    assert body.count("<h1") == 1 and "<legend>" in body


def test_create_an_entry(client, world, privacy):
    login_verified(client, privacy.officer)
    data = _post_data(organisation=str(world.centre.pk))
    response = client.post(reverse("privacy:incident_create"), data)
    incident = ConfidentialityIncident.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("privacy:incident_detail", args=[incident.pk])
    assert incident.organisation == world.centre and incident.recorded_by == privacy.officer
    assert incident.people_count == 42 and incident.risk_serious is True
    event = AuditEvent.objects.get(action="confidentiality_incident.created")
    assert event.target_id == str(incident.pk) and event.actor == privacy.officer
    _audit_data_has_ids_only(event)


def test_create_refuses_another_organisation(client, world, privacy):
    login_verified(client, privacy.officer)
    data = _post_data(organisation=str(privacy.other_centre.pk))
    response = client.post(reverse("privacy:incident_create"), data)
    assert response.status_code == 200
    assert "organisation" in response.context["form"].errors
    assert not ConfidentialityIncident.objects.exists()


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"information_description": "", "information_undescribed_reason": ""},
     "information_description", "expliquez pourquoi c'est impossible"),
    ({"occurred_to": timezone.localdate() - datetime.timedelta(days=20)},
     "occurred_to", "La fin de la période précède son début."),
    ({"learned_on": timezone.localdate() - datetime.timedelta(days=30)},
     "learned_on", "avant qu'il ait lieu"),
    ({"learned_on": timezone.localdate() + datetime.timedelta(days=1)},
     "learned_on", "ne peut pas être dans le futur"),
    ({"people_in_quebec_count": 50}, "people_in_quebec_count", "ne peut pas dépasser"),
    ({"risk_serious": False}, "cai_notified_on", "que si le risque de préjudice est sérieux"),
    ({"public_notice_given": True}, "public_notice_reason", "pourquoi un avis public"),
    ({"circumstances": ""}, "circumstances", "Ce champ est obligatoire."),
])
def test_bad_input_is_explained_on_its_field_and_nothing_typed_is_lost(
    client, world, privacy, overrides, field, message
):
    login_verified(client, privacy.officer)
    data = _post_data(organisation=str(world.centre.pk), **overrides)
    response = client.post(reverse("privacy:incident_create"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in error for error in form.errors[field]), form.errors
    body = response.content.decode()
    assert f'id="id_{field}_error"' in body  # tied to the field by aria-describedby
    assert 'role="alert"' in body
    assert "Une liste envoyée par erreur" in body or field == "circumstances"
    assert "Hameçonnage ciblé" in body
    assert not ConfidentialityIncident.objects.exists()


def test_the_form_is_in_english_on_the_english_site(client, world, privacy):
    login_verified(client, privacy.officer)
    with translation.override("en"):
        url = reverse("privacy:incident_create")
    response = client.post(
        url,
        _post_data(organisation=str(world.centre.pk), information_description=""),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Describe the information concerned" in body
    assert "Record a confidentiality incident" in body


def test_english_paths_are_translated(world):
    with translation.override("en"):
        assert reverse("privacy:incident_list") == "/en/privacy/incidents/"
        assert reverse("privacy:request_create") == "/en/privacy/requests/new/"
    assert reverse("privacy:incident_list") == "/fr/vie-privee/incidents/"


# --- Read -----------------------------------------------------------------------------------


def test_list_and_detail_show_the_officers_register_only(client, incident, other_incident,
                                                         privacy):
    login_verified(client, privacy.officer)
    response = client.get(reverse("privacy:incident_list"))
    assert response.status_code == 200
    assert list(response.context["incidents"]) == [incident]
    assert "no-store" in response["Cache-Control"]
    detail = client.get(reverse("privacy:incident_detail", args=[incident.pk]))
    body = detail.content.decode()
    assert detail.status_code == 200 and "no-store" in detail["Cache-Control"]
    for text in ("Noms et adresses courriel", "Une liste envoyée par erreur", "Hameçonnage ciblé",
                 "Demande de destruction", incident.kept_until.isoformat()):
        assert text in body
    assert client.get(reverse("privacy:incident_detail",
                              args=[other_incident.pk])).status_code == 404


# --- Update -----------------------------------------------------------------------------------


def test_update_an_entry(client, incident, privacy):
    login_verified(client, privacy.officer)
    url = reverse("privacy:incident_update", args=[incident.pk])
    form = client.get(url).context["form"]
    assert "organisation" not in form.fields  # an entry stays in its register
    assert form["risk_serious"].value() == "yes"
    response = client.post(url, _post_data(people_count=50))
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.people_count == 50
    event = AuditEvent.objects.get(action="confidentiality_incident.updated")
    assert event.target_id == str(incident.pk)
    _audit_data_has_ids_only(event)


def test_update_with_bad_input_changes_nothing(client, incident, privacy):
    login_verified(client, privacy.officer)
    url = reverse("privacy:incident_update", args=[incident.pk])
    response = client.post(url, _post_data(people_count="-3", circumstances="Nouveau texte"))
    assert response.status_code == 200
    assert "people_count" in response.context["form"].errors
    assert "Nouveau texte" in response.content.decode()
    incident.refresh_from_db()
    assert incident.people_count == 42 and incident.circumstances.startswith("Une liste")


# --- Delete -----------------------------------------------------------------------------------


def test_delete_asks_then_deletes_and_audits(client, incident, privacy):
    login_verified(client, privacy.officer)
    url = reverse("privacy:incident_delete", args=[incident.pk])
    page = client.get(url)
    assert page.status_code == 200 and "cinq ans" in page.content.decode()
    assert ConfidentialityIncident.objects.exists()
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("privacy:incident_list")
    assert not ConfidentialityIncident.objects.exists()
    event = AuditEvent.objects.get(action="confidentiality_incident.deleted")
    assert event.target_id == str(incident.pk)
    _audit_data_has_ids_only(event)


# --- Retention --------------------------------------------------------------------------------


def test_years_after_handles_the_29th_of_february():
    assert years_after(datetime.date(2024, 2, 29), 5) == datetime.date(2029, 2, 28)
    assert years_after(datetime.date(2024, 3, 1), -5) == datetime.date(2019, 3, 1)


def _entry(world, privacy, learned_on):
    return ConfidentialityIncident.objects.create(
        organisation=world.centre, recorded_by=privacy.officer,
        **incident_fields(occurred_from=learned_on, occurred_to=None, learned_on=learned_on,
                          cai_notified_on=learned_on, people_notified_on=learned_on),
    )


def test_purge_deletes_entries_once_their_five_years_are_over(world, privacy):
    today = datetime.date(2031, 6, 15)
    expired = _entry(world, privacy, datetime.date(2026, 6, 14))
    last_day = _entry(world, privacy, datetime.date(2026, 6, 15))  # 5 years complete tonight
    recent = _entry(world, privacy, datetime.date(2030, 1, 1))
    assert expired.kept_until == datetime.date(2031, 6, 14)

    dry = incidents_purge(today=today, dry_run=True)
    assert dry.ids == [str(expired.pk)] and dry.dry_run
    assert ConfidentialityIncident.objects.count() == 3
    assert not AuditEvent.objects.filter(action="confidentiality_incident.purged").exists()

    result = incidents_purge(today=today)
    assert result.ids == [str(expired.pk)]
    assert set(ConfidentialityIncident.objects.all()) == {last_day, recent}
    event = AuditEvent.objects.get(action="confidentiality_incident.purged")
    assert event.target_id == str(expired.pk) and event.actor is None
    _audit_data_has_ids_only(event)


def test_purge_command(world, privacy, capsys):
    old = _entry(world, privacy, timezone.localdate() - datetime.timedelta(days=5 * 366 + 2))
    kept = _entry(world, privacy, timezone.localdate() - datetime.timedelta(days=30))

    call_command("privacy", "purge", "--dry-run")
    out = capsys.readouterr().out
    assert f"would delete {old.pk}" in out and "Dry run: 1 " in out
    assert str(kept.pk) not in out
    assert ConfidentialityIncident.objects.count() == 2

    call_command("privacy", "purge")
    out = capsys.readouterr().out
    assert f"deleted {old.pk}" in out and "1 register entries past retention deleted." in out
    assert list(ConfidentialityIncident.objects.all()) == [kept]
    # Ids only: nothing of the entry's content is printed.
    assert "liste" not in out.lower()

    call_command("privacy", "purge")
    assert "0 register entries past retention deleted." in capsys.readouterr().out
