"""Small builders for case tests: fictional content only, straight through the ORM.

Services are bypassed on purpose: these tests are about what happens to cases that already
exist (retention, reminders, metrics, key rotation), whatever path created them.
"""

from __future__ import annotations

import datetime
import itertools

from django.utils import timezone

from accounts.models import Organisation
from cases import crypto
from cases.models import (
    Case,
    PoliceFollowUp,
    PoliceHandoff,
    SharedInformation,
    Student,
    SupportAction,
)

_references = itertools.count(1)


def case_create(school: Organisation, *, status: str = Case.Status.REPORTED,
                closed_at: datetime.datetime | None = None, reported_by=None, **fields) -> Case:
    """A case of `school`. `created_at=` is honoured (auto_now_add would otherwise win).

    A closed case without `closed_at` is closed now: the model allows a missing date, but no
    real closure lacks one and the retention rules count from it.
    """
    created_at = fields.pop("created_at", None)
    if status == Case.Status.CLOSED and closed_at is None:
        closed_at = timezone.now()
    fields.setdefault("told_at", created_at or timezone.now())
    fields.setdefault("account", "Récit fictif confié à l'école.")
    fields.setdefault("reference", f"T-{next(_references):06d}")
    case = Case.objects.create(school=school, status=status, closed_at=closed_at,
                               reported_by=reported_by, **fields)
    if created_at is not None:
        Case.objects.filter(pk=case.pk).update(created_at=created_at)
        case.created_at = created_at
    return case


def student_add(case: Case, part: str, name: str, **fields) -> Student:
    """A student of `case`, indexed as the chronology finds them: by school and name."""
    return Student.objects.create(
        case=case, part=part, name=name,
        index=crypto.blind_index(str(case.school_id), name), **fields,
    )


def handoff_add(case: Case, *, force: Organisation, contacted_at: datetime.datetime | None = None,
                **fields) -> PoliceHandoff:
    fields.setdefault("officer", "Agente fictive")
    return PoliceHandoff.objects.create(case=case, force=force,
                                        contacted_at=contacted_at or timezone.now(), **fields)


def follow_up_add(handoff: PoliceHandoff, **fields) -> PoliceFollowUp:
    return PoliceFollowUp.objects.create(handoff=handoff, **fields)


def shared_add(handoff: PoliceHandoff, *, created_at: datetime.datetime | None = None,
               content: str = "Renseignement fictif communiqué par la police.",
               **fields) -> SharedInformation:
    """Police information shared with the school; `created_at=` dates it (for retention)."""
    fields.setdefault("purpose", SharedInformation.Purpose.FOLLOW_UP)
    shared = SharedInformation.objects.create(handoff=handoff, content=content, **fields)
    if created_at is not None:
        SharedInformation.objects.filter(pk=shared.pk).update(created_at=created_at)
        shared.created_at = created_at
    return shared


def support_action_add(case: Case, **fields) -> SupportAction:
    fields.setdefault("kind", SupportAction.Kind.FOLLOW_UP)
    fields.setdefault("description", "Suivi fictif avec l'élève.")
    return SupportAction.objects.create(case=case, **fields)
