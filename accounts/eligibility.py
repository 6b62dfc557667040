"""Who may receive the Sexto badge.

The kit may only be used, and the badge only attributed, by staff of a Quebec education
institution whose territory's police force holds an active agreement with the DPCP.
Everyone may take the training; these rules only gate the badge.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import DpcpAgreement, Organisation, Role, User

# Roles that mean "works at this school".
SCHOOL_STAFF_ROLES = {
    Role.STAFF, Role.PRINCIPAL, Role.INTERVENER, Role.ORG_ADMIN, Role.PRIVACY_OFFICER
}


class Reason:
    NO_SCHOOL = "no_school"
    NO_POLICE_FORCE = "no_police_force"
    NO_AGREEMENT = "no_agreement"
    AGREEMENT_ENDED = "agreement_ended"


REASON_TEXT = {
    Reason.NO_SCHOOL: _(
        "Votre compte n'est rattaché à aucune école du Québec. Demandez à l'administrateur de "
        "votre organisation de vous ajouter au personnel de votre école."
    ),
    Reason.NO_POLICE_FORCE: _(
        "Le territoire de votre école n'est associé à aucun corps de police dans Sexto. "
        "Vérifiez auprès de votre direction."
    ),
    Reason.NO_AGREEMENT: _(
        "Le corps de police qui dessert le territoire de votre école n'a pas d'entente avec le "
        "DPCP. Vous pouvez suivre la formation, mais le badge ne pourra pas vous être attribué. "
        "Vérifiez auprès de votre direction ou de votre corps de police."
    ),
    Reason.AGREEMENT_ENDED: _(
        "L'entente entre le corps de police de votre territoire et le DPCP a pris fin. "
        "Le badge ne peut pas être attribué tant qu'une nouvelle entente n'est pas signée. "
        "Vérifiez auprès de votre direction ou de votre corps de police."
    ),
}


@dataclass
class SchoolEligibility:
    school: Organisation
    police_force: Organisation | None
    agreement: DpcpAgreement | None
    reason: str | None

    @property
    def eligible(self) -> bool:
        return self.reason is None


@dataclass
class Eligibility:
    schools: list[SchoolEligibility] = field(default_factory=list)

    @property
    def eligible(self) -> bool:
        return any(s.eligible for s in self.schools)

    @property
    def eligible_school(self) -> Organisation | None:
        return next((s.school for s in self.schools if s.eligible), None)

    @property
    def reasons(self) -> list[str]:
        if self.eligible:
            return []
        if not self.schools:
            return [Reason.NO_SCHOOL]
        return sorted({s.reason for s in self.schools if s.reason})

    @property
    def messages(self) -> list[str]:
        return [str(REASON_TEXT[r]) for r in self.reasons]


def school_eligibility(school: Organisation, *, on: datetime.date) -> SchoolEligibility:
    force = school.territory.police_force if school.territory_id else None
    if force is None:
        return SchoolEligibility(school, None, None, Reason.NO_POLICE_FORCE)
    agreements = list(force.dpcp_agreements.all())
    active = next((a for a in agreements if a.is_active_on(on)), None)
    if active is not None:
        return SchoolEligibility(school, force, active, None)
    ended = any(a.ended_on is not None and a.ended_on <= on for a in agreements)
    return SchoolEligibility(
        school, force, None, Reason.AGREEMENT_ENDED if ended else Reason.NO_AGREEMENT
    )


def badge_eligibility(user: User, *, on: datetime.date | None = None) -> Eligibility:
    on = on or timezone.localdate()
    schools = (
        Organisation.objects.filter(
            kind=Organisation.Kind.SCHOOL,
            memberships__user=user,
            memberships__role__in=[r.value for r in SCHOOL_STAFF_ROLES],
        )
        .select_related("territory__police_force")
        .prefetch_related("territory__police_force__dpcp_agreements")
        .distinct()
        .order_by("name")
    )
    return Eligibility([school_eligibility(s, on=on) for s in schools])
