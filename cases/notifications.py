"""Content-free emails about a case: an email may be read anywhere, so it says only that
something happened and links to the case page, behind login and second factor. No name, no
reference, no content."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import Role, User
from cases.models import Case, PoliceHandoff


def _send(users, *, subject: str, what: str, url_name: str, case: Case) -> None:
    # subject and what are marked with gettext_noop and translated here, per recipient.
    for user in users:
        with translation.override(user.preferred_language):
            url = settings.SITE_URL + reverse(url_name, args=[case.pk])
            body = render_to_string("cases/email/case_notice.txt",
                                    {"user": user, "what": _(what), "url": url})
            send_mail(_(subject), body, None, [user.email])


def handoff_sent_notify(handoff: PoliceHandoff) -> None:
    """Tell the force's liaison officers that a file awaits them (after the commit)."""
    officers = list(User.objects.filter(
        is_active=True, memberships__role=Role.POLICE_LIAISON,
        memberships__organisation_id=handoff.force_id).distinct())
    case = handoff.case
    transaction.on_commit(lambda: _send(
        officers, subject=gettext_noop("Sexto : un dossier vous a été remis"),
        what=gettext_noop(
            "Une école vous a remis une grille d'évaluation et les faits d'un incident."),
        url_name="cases:police_handoff", case=case))


def handoff_acknowledged_notify(handoff: PoliceHandoff) -> None:
    """Tell the case's lead (else the principals) that the police confirmed receipt."""
    case = handoff.case
    if case.lead is not None and case.lead.is_active:
        recipients = [case.lead]
    else:
        recipients = list(User.objects.filter(
            is_active=True, memberships__role=Role.PRINCIPAL,
            memberships__organisation_id=case.school_id).distinct())
    transaction.on_commit(lambda: _send(
        recipients,
        subject=gettext_noop("Sexto : la police a confirmé la réception d'un dossier"),
        what=gettext_noop(
            "Le corps de police a confirmé la réception d'un dossier de votre école."),
        url_name="cases:case_detail", case=case))


# Called by cases.services; sent by the notifications work (issue 9), content-free like the rest.
def case_reported_notify(case: Case) -> None:
    """A new report: the school's principal and its designated interveners."""


def police_decision_notify(follow_up) -> None:
    """The DPCP qualified the act: the case's lead and the principal."""


def information_shared_notify(shared) -> None:
    """The police shared information with the school: the case's lead and the principal."""
