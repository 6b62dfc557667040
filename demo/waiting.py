"""Work waiting for each role of the demo, so that every home shows something to do: a join
request for the service centre's administrator, access requests for the privacy officer (one
due soon, one late), and the notices of the demo's cases (the new report and what waits for
the police unread, the older ones read), with the periodic reminders run once."""

import datetime
import uuid

from django.utils import timezone

from accounts.models import JoinRequest, Organisation, User
from accounts.services import join_request_create
from cases.models import Case
from cases.reminders import reminders_send
from notifications.models import Notification
from privacy.models import AccessRequest
from privacy.services import access_request_record

# The notices a person would not have read yet the day the demo opens: the new report, the
# hand-off the police have not acknowledged, and yesterday's acknowledgement.
UNREAD = {("cases.case_reported", "SX-DEMO-01"), ("cases.handoff_sent", "SX-DEMO-03"),
          ("cases.handoff_acknowledged", "SX-DEMO-08")}


def demo_waiting_work_load(users: dict[str, User]) -> None:
    _join_request(users)
    _access_requests(users)
    _notices()


def _join_request(users: dict[str, User]) -> None:
    # A teacher of Les Érables who also teaches at Le Vieux-Moulin declares it.
    school = Organisation.objects.get(code="es-vieux-moulin")
    if not JoinRequest.objects.filter(user=users["new"], organisation=school).exists():
        join_request_create(user=users["new"], organisation=school)


def _access_requests(users: dict[str, User]) -> None:
    centre = Organisation.objects.get(code="css-deux-rivieres")
    if AccessRequest.objects.filter(organisation=centre).exists():
        return
    today = timezone.localdate()
    for subject, days_ago in (("requested", 24), ("new", 33)):
        access_request_record(
            officer=users["privacy"], organisation=centre,
            requester_name=users[subject].full_name, requester_capacity="self",
            received_on=today - datetime.timedelta(days=days_ago),
            identity_verification="Pièce d'identité vue au secrétariat (démo).",
            language="fr", subject=users[subject])


def _notices() -> None:
    references = dict(Case.objects.values_list("pk", "reference"))
    for notice in Notification.objects.filter(read_at__isnull=True):
        cases = {references.get(uuid.UUID(str(arg))) for arg in notice.url_args
                 if _is_uuid(arg)}
        if not any((notice.kind, reference) in UNREAD for reference in cases):
            notice.read_at = notice.created_at
            notice.save(update_fields=["read_at"])
    reminders_send()  # what waited too long is told now: the late hand-off, a follow-up due


def _is_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True
