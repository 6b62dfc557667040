"""Who is told what about a case, and the kinds of notice the case tool raises.

Each notice goes to exactly the people who must act, in the app and by a content-free email
(notifications.services.notify): an email may be read anywhere, so it says only what kind of
thing happened and links to the page behind login and second factor. No name, no reference,
no content. Nobody is told of what they did themselves.

cases.services calls the *_notify functions in the transaction of the change; the emails go
after its commit. The periodic notices (follow-ups due, hand-offs waiting, cases without a
lead) are found by cases.reminders. The kinds are registered here (this module is found by
notifications.apps when Django starts).
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from cases.access import intervener_gate
from cases.models import Case, PoliceFollowUp, PoliceHandoff, SharedInformation
from cases.selectors import school_interveners
from notifications.kinds import kind_register
from notifications.services import notify

CASE_REPORTED = "cases.case_reported"
HANDOFF_SENT = "cases.handoff_sent"
HANDOFF_ACKNOWLEDGED = "cases.handoff_acknowledged"
POLICE_DECISION = "cases.police_decision"
INFORMATION_SHARED = "cases.information_shared"
SUPPORT_DUE = "cases.support_due"
HANDOFF_WAITING_24H = "cases.handoff_unacknowledged_24h"
HANDOFF_WAITING_48H = "cases.handoff_unacknowledged_48h"
CASE_UNASSIGNED = "cases.case_unassigned"

kind_register(
    code=CASE_REPORTED, label=_("Nouvel incident déclaré dans votre école"),
    subject=_("Sexto : un incident a été déclaré dans votre école"),
    sentence=_("Un incident vient d'être déclaré dans votre école. Il attend d'être pris en "
               "charge."))
kind_register(
    code=HANDOFF_SENT, label=_("Dossier remis à votre corps de police"),
    subject=_("Sexto : un dossier vous a été remis"),
    sentence=_("Une école vous a remis une grille d'évaluation et les faits d'un incident."))
kind_register(
    code=HANDOFF_ACKNOWLEDGED, label=_("Réception du dossier confirmée par la police"),
    subject=_("Sexto : la police a confirmé la réception d'un dossier"),
    sentence=_("Le corps de police a confirmé la réception d'un dossier de votre école."))
kind_register(
    code=POLICE_DECISION, label=_("Décision du DPCP consignée"),
    subject=_("Sexto : la décision du DPCP est consignée dans un dossier"),
    sentence=_("Le corps de police a consigné la décision du DPCP dans un dossier de votre "
               "école."))
kind_register(
    code=INFORMATION_SHARED, label=_("Renseignements communiqués par la police"),
    subject=_("Sexto : la police a communiqué des renseignements"),
    sentence=_("Le corps de police a communiqué des renseignements à votre école dans un "
               "dossier."))
kind_register(
    code=SUPPORT_DUE, label=_("Suivi du plan de soutien arrivé à échéance"),
    subject=_("Sexto : un suivi est dû dans un dossier"),
    sentence=_("Une action du plan de soutien d'un dossier est arrivée à échéance."))
kind_register(
    code=HANDOFF_WAITING_24H, label=_("Dossier remis en attente de confirmation depuis 24 h"),
    subject=_("Sexto : un dossier remis attend votre confirmation depuis 24 heures"),
    sentence=_("Un dossier remis à votre corps de police attend depuis plus de 24 heures la "
               "confirmation de sa réception."))
kind_register(
    code=HANDOFF_WAITING_48H, label=_("Remise à la police non confirmée après 48 h"),
    subject=_("Sexto : la police n'a pas confirmé la réception d'un dossier"),
    sentence=_("Le corps de police n'a pas confirmé la réception d'un dossier de votre école, "
               "remis il y a plus de 48 heures."))
kind_register(
    code=CASE_UNASSIGNED, label=_("Incident toujours sans intervenant responsable"),
    subject=_("Sexto : un incident attend un intervenant responsable"),
    sentence=_("Un incident déclaré dans votre école n'a toujours pas d'intervenant "
               "responsable après 4 heures ouvrables."))


# --- Who must act ------------------------------------------------------------------------


def principals(school_id) -> QuerySet[User]:
    """The school's principals (never another school's)."""
    return (User.objects.filter(is_active=True, memberships__role=Role.PRINCIPAL,
                                memberships__organisation_id=school_id)
            .distinct().order_by("email"))


def liaison_officers(force_id) -> QuerySet[User]:
    """The liaison officers of one police force (never another force's)."""
    return (User.objects.filter(is_active=True, memberships__role=Role.POLICE_LIAISON,
                                memberships__organisation_id=force_id)
            .distinct().order_by("email"))


def lead_who_may_act(case: Case) -> User | None:
    """The case's lead, while they may still open the school's cases (else nobody: a lead
    whose badge lapsed is for the principal to replace, and a link they cannot open helps
    nobody)."""
    lead = case.lead
    if lead is None or not lead.is_active:
        return None
    roles = set(lead.memberships.filter(organisation_id=case.school_id)
                .values_list("role", flat=True))
    if Role.PRINCIPAL in roles:
        return lead
    if Role.INTERVENER in roles and intervener_gate(lead, case.school) is None:
        return lead
    return None


def lead_and_principals(case: Case) -> list[User]:
    lead = lead_who_may_act(case)
    return ([lead] if lead else []) + list(principals(case.school_id))


def lead_else_principals(case: Case) -> list[User]:
    lead = lead_who_may_act(case)
    return [lead] if lead else list(principals(case.school_id))


# --- Events, called by cases.services ----------------------------------------------------


def case_reported_notify(case: Case) -> None:
    """A new report: the school's principals and the interveners who may take it."""
    notify(kind=CASE_REPORTED, key=f"{CASE_REPORTED}:{case.pk}",
           recipients=[*principals(case.school_id), *school_interveners(case.school)],
           url_name="cases:case_detail", url_args=[case.pk], actor=case.reported_by)


def handoff_sent_notify(handoff: PoliceHandoff) -> None:
    """A file awaits the force's liaison officers."""
    notify(kind=HANDOFF_SENT, key=f"{HANDOFF_SENT}:{handoff.pk}:{handoff.sent_at.isoformat()}",
           recipients=liaison_officers(handoff.force_id),
           url_name="cases:police_handoff", url_args=[handoff.case_id], actor=handoff.sent_by)


def handoff_acknowledged_notify(handoff: PoliceHandoff) -> None:
    """The police confirmed receipt: the case's lead and the school's principals."""
    case = handoff.case
    notify(kind=HANDOFF_ACKNOWLEDGED,
           key=f"{HANDOFF_ACKNOWLEDGED}:{handoff.pk}:{handoff.acknowledged_at.isoformat()}",
           recipients=lead_and_principals(case), url_name="cases:case_detail",
           url_args=[case.pk], actor=handoff.acknowledged_by)


def police_decision_notify(follow_up: PoliceFollowUp) -> None:
    """The DPCP qualified the act (recorded by the police): the lead and the principals.

    No actor is known here (the follow-up does not keep who wrote it); the police officer who
    recorded it is never among the school's people anyway.
    """
    case = follow_up.handoff.case
    notify(kind=POLICE_DECISION, key=f"{POLICE_DECISION}:{follow_up.pk}",
           recipients=lead_and_principals(case), url_name="cases:case_detail",
           url_args=[case.pk])


def information_shared_notify(shared: SharedInformation) -> None:
    """The police shared information with the school: the lead and the principals."""
    case = shared.handoff.case
    notify(kind=INFORMATION_SHARED, key=f"{INFORMATION_SHARED}:{shared.pk}",
           recipients=lead_and_principals(case), url_name="cases:case_detail",
           url_args=[case.pk], actor=shared.shared_by)
