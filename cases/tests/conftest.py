"""The case tool's fictional world: one person per role, signed in with a second factor."""

import datetime
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import DpcpAgreement, Membership, Organisation, Role, Territory
from badges.models import Award, BadgeClass
from cases import services
from conftest import login_verified, make_user


def architecte_badge() -> BadgeClass:
    badge_class, _ = BadgeClass.objects.get_or_create(
        slug="sexto-architecte",
        defaults={"program_slug": "sexto", "level_kind": "architecte",
                  "name": {"fr": "Trousse Sexto 2 – Architecte", "en": "Sexto kit 2 – Architect"},
                  "description": {"fr": "Fictif", "en": "Fictional"},
                  "criteria": {"fr": "Fictif", "en": "Fictional"}},
    )
    return badge_class


def award_architecte(user, **extra) -> Award:
    return Award.objects.create(badge_class=architecte_badge(), recipient=user,
                                granted_at=timezone.now(), **extra)


def verified_client(user, *, reauthenticated=False) -> Client:
    """A browser session of `user` that passed a second factor (TOTP) a moment ago."""
    return login_verified(Client(), user, reauthenticated=reauthenticated)


@pytest.fixture
def cw(world):
    """The `world` of the root conftest, plus the case tool's people and a second school.

    - world.school (École des Pionniers, force with an agreement): principal, intervener with
      a valid Architecte badge, a staff member who reports, a privacy officer;
    - other_school (École des Cèdres, other territory, other force with an agreement), with
      its own principal and intervener;
    - police: liaison of the school's force; other_police: liaison of the other force.
    """
    w = world
    today = datetime.date.today()
    w.intervener = make_user("jade.intervention@example.test", "Jade Fictive")
    Membership.objects.create(user=w.intervener, organisation=w.school, role=Role.STAFF)
    Membership.objects.create(user=w.intervener, organisation=w.school, role=Role.INTERVENER)
    award_architecte(w.intervener)
    w.reporter = w.learner
    w.privacy_officer = make_user("karim.vieprivee@example.test", "Karim Fictif")
    Membership.objects.create(user=w.privacy_officer, organisation=w.centre,
                              role=Role.PRIVACY_OFFICER)
    other_force = Organisation.objects.create(
        kind=Organisation.Kind.POLICE_FORCE, name="Service de police des Cèdres", code="spc")
    DpcpAgreement.objects.create(police_force=other_force,
                                 signed_on=today - datetime.timedelta(days=100))
    cedres = Territory.objects.create(name="Les Cèdres", code="cedres", police_force=other_force)
    w.other_centre = Organisation.objects.create(
        kind=Organisation.Kind.SERVICE_CENTRE, name="Centre de services des Cèdres",
        code="css-cedres")
    w.other_school = Organisation.objects.create(
        kind=Organisation.Kind.SCHOOL, name="École des Cèdres", code="ecole-cedres",
        parent=w.other_centre, territory=cedres)
    w.other_force = other_force
    w.other_principal = make_user("luc.direction@example.test", "Luc Fictif")
    Membership.objects.create(user=w.other_principal, organisation=w.other_school,
                              role=Role.PRINCIPAL)
    w.other_intervener = make_user("mia.intervention@example.test", "Mia Fictive")
    Membership.objects.create(user=w.other_intervener, organisation=w.other_school,
                              role=Role.INTERVENER)
    award_architecte(w.other_intervener)
    w.other_staff = make_user("noe.personnel@example.test", "Noé Fictif")
    Membership.objects.create(user=w.other_staff, organisation=w.other_school, role=Role.STAFF)
    w.other_police = make_user("olga.liaison@example.test", "Olga Fictive")
    Membership.objects.create(user=w.other_police, organisation=other_force,
                              role=Role.POLICE_LIAISON)
    w.other_privacy_officer = make_user("paul.vieprivee@example.test", "Paul Fictif")
    Membership.objects.create(user=w.other_privacy_officer, organisation=w.other_centre,
                              role=Role.PRIVACY_OFFICER)
    return w


def reported_case(w, **extra):
    """A case reported by world.reporter at world.school, with one student."""
    case = services.case_report(
        # Confided two hours ago: the steps noted "now" in the tests come after it.
        reporter=w.reporter, school=w.school,
        told_at=extra.pop("told_at", timezone.now() - datetime.timedelta(hours=2)),
        account=extra.pop("account", "Une élève dit qu'une photo intime circule (récit fictif)."),
        channels=["snapchat"], apps_other="", still_spreading="yes",
    )
    services.student_add(case=case, actor=w.intervener, version=case.version,
                         part="victim", name="Zoé Imaginaire", age=14, grade="3e secondaire")
    case.refresh_from_db()
    return case


# An answer to every question of the grid (cases/grid.py), none raising the DPJ reminder.
COMPLETE_GRID = {
    "victim_age": 14, "alleged_ages": "15", "relationship": "couple",
    "consent_to_creation": "yes", "consent_to_sharing": "no", "pressure_or_threats": "no",
    "adult_involved": "no", "recipients": "1", "intent_to_harm": "unknown",
    "school_impact": "some", "notes": "",
}


def hand_off(w, case, **grid_answers):
    """Fill the grid, note the police contact and send the hand-off to world.force_ok."""
    services.grid_save(case=case, actor=w.intervener, version=case.version,
                       **{**COMPLETE_GRID, **grid_answers})
    case.refresh_from_db()
    services.police_contact_save(case=case, actor=w.intervener, version=case.version,
                                 contacted_at=case.told_at + datetime.timedelta(hours=1),
                                 officer="Agente Fictive",
                                 police_file_number="PF-0001")
    case.refresh_from_db()
    services.handoff_send(case=case, actor=w.intervener, version=case.version)
    case.refresh_from_db()
    return case


def handed_off_case(w):
    """A case with one student whose grid and facts were handed to world.force_ok."""
    return hand_off(w, reported_case(w))


def post_form(client: Client, url: str, data: dict | None = None, **extra):
    """POST as a browser posts a form: urlencoded (Django's test client defaults to multipart,
    which every case URL refuses)."""
    return client.post(url, urlencode(data or {}, doseq=True),
                       content_type="application/x-www-form-urlencoded", **extra)


@pytest.fixture
def case_of(cw):
    return reported_case(cw)
