"""Fixtures for the privacy tests: privacy officers, a second service centre, records."""

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from accounts.models import Membership, Organisation, Role

# The badges tests' fictional program, for a learner with a badge request to put in a package.
from badges.tests.conftest import answers, program, submitted  # noqa: F401
from conftest import make_user
from privacy.models import AccessRequest, ConfidentialityIncident


@pytest.fixture
def privacy(world):
    """The world's service centre gets a privacy officer; another centre has its own."""
    officer = make_user("jade.rprp@example.test", "Jade Fictive")
    Membership.objects.create(user=officer, role=Role.PRIVACY_OFFICER, organisation=world.centre)
    other_centre = Organisation.objects.create(
        kind=Organisation.Kind.SERVICE_CENTRE, name="Centre de services des Collines",
        code="css-collines",
    )
    other_school = Organisation.objects.create(
        kind=Organisation.Kind.SCHOOL, name="École des Collines", code="ecole-collines",
        parent=other_centre, territory=world.territory,
    )
    other_officer = make_user("karl.rprp@example.test", "Karl Fictif")
    Membership.objects.create(user=other_officer, role=Role.PRIVACY_OFFICER,
                              organisation=other_centre)
    other_member = make_user("lina.collines@example.test", "Lina Fictive")
    Membership.objects.create(user=other_member, role=Role.STAFF, organisation=other_school)
    return SimpleNamespace(officer=officer, other_centre=other_centre, other_school=other_school,
                           other_officer=other_officer, other_member=other_member)


def incident_fields(**overrides) -> dict:
    """A complete register entry, with a serious risk and both notices sent."""
    today = timezone.localdate()
    fields = {
        "kind": ConfidentialityIncident.Kind.DISCLOSURE,
        "information_description": "Noms et adresses courriel de membres du personnel",
        "circumstances": "Une liste envoyée par erreur à un mauvais destinataire.",
        "occurred_from": today - datetime.timedelta(days=10),
        "occurred_to": today - datetime.timedelta(days=9),
        "occurred_approximate": False,
        "learned_on": today - datetime.timedelta(days=8),
        "people_count": 42,
        "people_in_quebec_count": 40,
        "people_count_approximate": True,
        "risk_sensitivity": "Faible : coordonnées professionnelles",
        "risk_misuse": "Hameçonnage ciblé",
        "risk_consequences": "Courriels indésirables",
        "risk_likelihood": "Moyenne",
        "risk_serious": True,
        "cai_notified_on": today - datetime.timedelta(days=5),
        "people_notified_on": today - datetime.timedelta(days=4),
        "public_notice_given": False,
        "public_notice_reason": "",
        "people_notification_measures": "Courriel individuel à chaque personne",
        "measures_taken": "Demande de destruction au destinataire, confirmée",
        "measures_planned": "Formation sur l'envoi de listes",
        "measures_offered": "Se méfier des courriels inattendus",
        "other_authorities_notified": "",
        "contact_name": "Jade Fictive",
        "contact_details": "jade.rprp@example.test, 555-0100",
    }
    fields.update(overrides)
    return fields


@pytest.fixture
def incident(world, privacy):
    return ConfidentialityIncident.objects.create(
        organisation=world.centre, recorded_by=privacy.officer, **incident_fields()
    )


@pytest.fixture
def other_incident(privacy):
    return ConfidentialityIncident.objects.create(
        organisation=privacy.other_centre, recorded_by=privacy.other_officer,
        **incident_fields(circumstances="Incident des Collines"),
    )


@pytest.fixture
def access_request(world, privacy):
    """The learner asked the service centre for her information; recorded, not assembled."""
    from privacy.services import access_request_record

    return access_request_record(
        officer=privacy.officer, organisation=world.centre, subject=world.learner,
        requester_name="Ariane Fictive", requester_capacity=AccessRequest.Capacity.SELF,
        received_on=timezone.localdate() - datetime.timedelta(days=2),
        identity_verification="Pièce d'identité présentée en personne", language="fr",
    )
