"""Fictional demo data: places, organisations and people at every stage of the journey.

Every name here is invented (trees and birds of Quebec stand in for family names). Loading is
idempotent: each piece is looked up by a stable key first, and a second run changes nothing.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accounts.models import DpcpAgreement, Membership, Organisation, Role, Territory, User

DEMO_PASSWORD = "demo-sexto-2026"  # noqa: S105 - published demo credential, DEBUG only


@dataclass(frozen=True)
class DemoPerson:
    key: str
    email: str
    name: str
    role: str
    organisation: str | None  # organisation code, None for platform roles
    what: str  # one line for the accounts table printed by `sexto demo`
    language: str = "fr"


PEOPLE = [
    DemoPerson("admin", "admin@demo.sexto.test", "Hélène Pruche", Role.PLATFORM_ADMIN, None,
               "platform administrator (forces, territories, agreements, roles)"),
    DemoPerson("reviewer", "evaluation@demo.sexto.test", "Rosalie Bouleau", Role.REVIEWER, None,
               "reviewer: badge request queue"),
    DemoPerson("author", "auteur@demo.sexto.test", "Olivier Mélèze", Role.PROGRAM_AUTHOR, None,
               "program author: content preview and publishing"),
    DemoPerson("org_admin", "admin.css@demo.sexto.test", "Sylvie Tamarack", Role.ORG_ADMIN,
               "css-deux-rivieres",
               "service centre administrator: people, roles, second-factor help"),
    DemoPerson("principal", "direction@demo.sexto.test", "Marc Sapinière", Role.PRINCIPAL,
               "es-erables", "principal, École secondaire des Érables"),
    DemoPerson("police", "liaison@demo.sexto.test", "Julie Cormier-Héron", Role.POLICE_LIAISON,
               "police-saint-aubin", "police liaison officer, Service de police de Saint-Aubin"),
    DemoPerson("privacy", "rprp@demo.sexto.test", "Paul Épinette", Role.PRIVACY_OFFICER,
               "css-deux-rivieres", "privacy officer (responsable de la protection des RP)"),
    DemoPerson("new", "nouvelle@demo.sexto.test", "Léa Bouleau-Jaune", Role.STAFF, "es-erables",
               "learner who has not started"),
    DemoPerson("explorer_mid", "en.cours@demo.sexto.test", "Samuel Thuya", Role.STAFF,
               "es-erables", "learner halfway through Explorateur"),
    DemoPerson("explorer_done", "explorateur@demo.sexto.test", "Chloé Pimbina", Role.STAFF,
               "college-boise", "Explorateur badge granted automatically; Architecte started"),
    DemoPerson("requested", "demande@demo.sexto.test", "William Cerisier", Role.STAFF,
               "es-erables", "Architecte request waiting for review", "en"),
    DemoPerson("revision", "revision@demo.sexto.test", "Maude Noisetier", Role.STAFF,
               "college-boise", "Architecte request sent back for revision"),
    DemoPerson("architect", "architecte@demo.sexto.test", "Gabriel Sureau", Role.STAFF,
               "es-erables", "holds the published Sexto Architecte badge with its answers"),
    DemoPerson("ineligible", "hors.entente@demo.sexto.test", "Zoé Viorne", Role.STAFF,
               "es-vieux-moulin", "school whose police force has no DPCP agreement"),
]


def _organisations() -> dict[str, Organisation]:
    today = timezone.localdate()
    orgs: dict[str, Organisation] = {}

    def org(code, kind, name, parent=None, territory=None):
        obj, _ = Organisation.objects.get_or_create(
            code=code,
            defaults={"kind": kind, "name": name, "parent": parent, "territory": territory},
        )
        orgs[code] = obj
        return obj

    saint_aubin_police = org("police-saint-aubin", Organisation.Kind.POLICE_FORCE,
                             "Service de police de Saint-Aubin-des-Lacs")
    herons_police = org("police-herons", Organisation.Kind.POLICE_FORCE,
                        "Régie intermunicipale de police des Hérons")
    DpcpAgreement.objects.get_or_create(
        police_force=saint_aubin_police,
        defaults={"signed_on": datetime.date(today.year - 3, 9, 1)},
    )
    saint_aubin, _ = Territory.objects.get_or_create(
        code="saint-aubin-des-lacs",
        defaults={"name": "Saint-Aubin-des-Lacs", "police_force": saint_aubin_police},
    )
    herons, _ = Territory.objects.get_or_create(
        code="riviere-aux-herons",
        defaults={"name": "Rivière-aux-Hérons", "police_force": herons_police},
    )
    centre = org("css-deux-rivieres", Organisation.Kind.SERVICE_CENTRE,
                 "Centre de services scolaire des Deux-Rivières")
    network = org("reseau-boise", Organisation.Kind.PRIVATE_NETWORK,
                  "Réseau des écoles privées du Boisé")
    org("es-erables", Organisation.Kind.SCHOOL, "École secondaire des Érables", centre, saint_aubin)
    org("es-vieux-moulin", Organisation.Kind.SCHOOL, "École secondaire du Vieux-Moulin", centre,
        herons)
    org("college-boise", Organisation.Kind.SCHOOL, "Collège du Boisé", network, saint_aubin)
    return orgs


def _people(orgs: dict[str, Organisation]) -> dict[str, User]:
    from accounts.services import membership_bootstrap

    users: dict[str, User] = {}
    for person in PEOPLE:
        user = User.objects.filter(email=person.email).first()
        if user is None:
            user = User.objects.create_user(
                email=person.email, password=DEMO_PASSWORD, full_name=person.name,
                preferred_language=person.language, email_verified_at=timezone.now(),
            )
        organisation = orgs[person.organisation] if person.organisation else None
        if not Membership.objects.filter(
            user=user, role=person.role, organisation=organisation
        ).exists():
            membership_bootstrap(user=user, role=person.role, organisation=organisation,
                                 reason="demo data")
        users[person.key] = user
    return users


@transaction.atomic
def demo_data_load() -> dict[str, User]:
    orgs = _organisations()
    users = _people(orgs)
    _learning(users)
    from demo.cases import demo_cases_load
    from demo.waiting import demo_waiting_work_load

    demo_cases_load(users)
    demo_waiting_work_load(users)
    return users


# Fictional reflective answers, in the spirit of the seed attestation.
ANSWERS = {
    "fr": {
        "q1": (
            "Je rencontre d'abord l'élève qui signale la situation et je recueille le plus "
            "d'information possible.\n- Je rencontre ensuite le ou les auteurs présumés.\n"
            "- Je confisque l'appareil sans jamais regarder les images.\n"
            "- Je remplis la grille et j'appelle le corps de police, chaque fois.\n"
            "- Si l'école n'est pas touchée, je dirige la famille vers la police tout de suite."
        ),
        "q2": (
            "Il faut toujours appeler la police, même quand on croit à une erreur de jeunesse. "
            "Rencontrer toutes les personnes concernées donne le portrait qui guide "
            "l'intervention. Et personne, jamais, ne regarde les images."
        ),
        "q3": (
            "Arrêter la diffusion pendant que je rencontre les élèves, et bien soutenir la "
            "victime sans lui faire répéter son récit."
        ),
    },
    "en": {
        "q1": (
            "First I meet the student who reports and gather as much information as I can.\n"
            "- Then I meet the alleged perpetrators.\n- I confiscate the device without ever "
            "looking at the images.\n- I fill in the grid and always call the police.\n"
            "- If the school community is not affected, I direct the family to the police."
        ),
        "q2": (
            "Always call the police, even when it looks like a thoughtless mistake; meeting "
            "everyone involved gives the picture that guides the intervention."
        ),
        "q3": "Stopping the spread while I am still meeting the students.",
    },
}


def _complete_module(user: User, module) -> None:
    from training import selectors as training_selectors
    from training import services as training_services

    progress = training_selectors.module_progress_get(user=user, module=module)
    if progress is not None and progress.is_completed:
        return
    if module.kind == "reading":
        training_services.module_progress_record(user=user, module=module)
    elif module.kind == "quiz":
        training_services.quiz_submit(
            user=user, module=module,
            answers=training_selectors.quiz_correct_answers(module=module),
        )
    else:
        # Walk the case the way the method says: the first choice that follows it, each step.
        for _step in range(100):
            progress = training_selectors.module_progress_get(user=user, module=module)
            state = training_selectors.scenario_state(module=module, progress=progress)
            if state.ended:
                return
            step = state.current
            choice = next(c for c in step["choices"] if c["follows_method"])
            training_services.scenario_choose(
                user=user, module=module, step_id=step["id"], choice_id=choice["id"]
            )
        raise RuntimeError(f"demo could not finish the case {module.slug}")


def _work_through(user: User, level, *, modules: int | None = None) -> None:
    from badges.services import badge_level_completed
    from training.selectors import level_is_completed

    for module in list(level.modules.order_by("position"))[:modules]:
        _complete_module(user, module)
    if modules is None and level_is_completed(user=user, level=level):
        badge_level_completed(user=user, level=level)


def _request(user: User, level, language: str):
    from badges.models import BadgeRequest
    from badges.services import badge_request_submit

    existing = BadgeRequest.objects.filter(applicant=user, level=level).first()
    if existing is not None:
        return existing, False
    return badge_request_submit(applicant=user, level=level, answers=ANSWERS[language]), True


def _learning(users: dict[str, User]) -> None:
    from badges.services import award_visibility_set, badge_request_review
    from training.selectors import program_newest_published
    from training.services import enrollment_start

    program = program_newest_published(slug="sexto")
    if program is None:
        return  # no content loaded: people and places only
    explorer, architect = (program.levels.get(kind=k) for k in ("explorateur", "architecte"))
    for key in ("explorer_mid", "explorer_done", "requested", "revision", "architect",
                "ineligible"):
        enrollment_start(user=users[key], program=program)

    _work_through(users["explorer_mid"], explorer, modules=4)
    _work_through(users["ineligible"], explorer)
    _work_through(users["explorer_done"], explorer)
    _work_through(users["explorer_done"], architect, modules=2)
    for key in ("requested", "revision", "architect"):
        _work_through(users[key], explorer)
        _work_through(users[key], architect)

    _request(users["requested"], architect, "en")
    revision, created = _request(users["revision"], architect, "fr")
    if created:
        badge_request_review(
            badge_request=revision, reviewer=users["reviewer"], decision="revise",
            reason=(
                "Votre résumé oublie l'appel au corps de police. Pouvez-vous compléter la "
                "question 1 ?"
            ),
        )
    granted, created = _request(users["architect"], architect, "fr")
    if created:
        badge_request_review(badge_request=granted, reviewer=users["reviewer"],
                             decision="grant")
        award_visibility_set(award=granted.award, user=users["architect"],
                             visibility="with_answers")
        from accounts.services import profile_publish_set

        profile_publish_set(user=users["architect"], published=True)
