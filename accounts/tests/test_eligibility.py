"""Who may receive the Sexto badge (accounts.eligibility)."""

import datetime

from accounts.eligibility import Reason, badge_eligibility
from accounts.models import DpcpAgreement, Membership, Organisation, Role, Territory

TODAY = datetime.date(2026, 3, 15)


def _school_in(world, territory, code):
    return Organisation.objects.create(
        kind=Organisation.Kind.SCHOOL, name=f"École {code}", code=code, parent=world.centre,
        territory=territory,
    )


def test_staff_of_a_school_whose_force_has_an_agreement_is_eligible(world):
    eligibility = badge_eligibility(world.learner)
    assert eligibility.eligible
    assert eligibility.eligible_school == world.school
    assert eligibility.reasons == [] and eligibility.messages == []


def test_principal_is_school_staff_too(world):
    assert badge_eligibility(world.principal).eligible


def test_no_school_means_not_eligible(world):
    for person in (world.outsider, world.reviewer, world.police, world.platform_admin):
        eligibility = badge_eligibility(person)
        assert not eligibility.eligible
        assert eligibility.reasons == [Reason.NO_SCHOOL]
        assert "aucune école" in eligibility.messages[0]


def test_a_pending_join_request_is_not_a_school(world):
    from accounts.services import join_request_create

    join_request_create(user=world.outsider, organisation=world.school)
    assert badge_eligibility(world.outsider).reasons == [Reason.NO_SCHOOL]


def test_territory_without_police_force(world):
    nowhere = Territory.objects.create(name="Lac-Perdu", code="lac-perdu", police_force=None)
    school = _school_in(world, nowhere, "ecole-lac-perdu")
    Membership.objects.create(user=world.outsider, role=Role.STAFF, organisation=school)
    assert badge_eligibility(world.outsider).reasons == [Reason.NO_POLICE_FORCE]


def test_force_without_agreement(world):
    eligibility = badge_eligibility(world.ineligible_learner)
    assert not eligibility.eligible
    assert eligibility.reasons == [Reason.NO_AGREEMENT]
    assert "DPCP" in eligibility.messages[0]


def test_ended_agreement(world):
    DpcpAgreement.objects.create(police_force=world.force_none,
                                 signed_on=datetime.date(2022, 1, 10),
                                 ended_on=datetime.date(2025, 6, 30))
    eligibility = badge_eligibility(world.ineligible_learner, on=TODAY)
    assert eligibility.reasons == [Reason.AGREEMENT_ENDED]
    # The day before it ended, it still counted.
    assert badge_eligibility(world.ineligible_learner, on=datetime.date(2025, 6, 29)).eligible
    # The end date itself is the first day without it.
    assert not badge_eligibility(world.ineligible_learner, on=datetime.date(2025, 6, 30)).eligible


def test_agreement_signed_in_the_future_does_not_count_yet(world):
    DpcpAgreement.objects.create(police_force=world.force_none,
                                 signed_on=datetime.date(2026, 9, 1))
    assert badge_eligibility(world.ineligible_learner, on=TODAY).reasons == [
        Reason.NO_AGREEMENT
    ]
    assert badge_eligibility(world.ineligible_learner, on=datetime.date(2026, 9, 1)).eligible


def test_a_new_agreement_after_an_ended_one(world):
    DpcpAgreement.objects.create(police_force=world.force_none,
                                 signed_on=datetime.date(2020, 1, 1),
                                 ended_on=datetime.date(2023, 1, 1))
    DpcpAgreement.objects.create(police_force=world.force_none,
                                 signed_on=datetime.date(2024, 1, 1))
    assert badge_eligibility(world.ineligible_learner, on=TODAY).eligible


def test_one_eligible_school_among_several_is_enough(world):
    Membership.objects.create(user=world.ineligible_learner, role=Role.STAFF,
                              organisation=world.school)
    eligibility = badge_eligibility(world.ineligible_learner)
    assert eligibility.eligible
    assert eligibility.eligible_school == world.school
    assert len(eligibility.schools) == 2


def test_several_ineligible_schools_give_every_reason(world):
    nowhere = Territory.objects.create(name="Lac-Perdu", code="lac-perdu", police_force=None)
    school = _school_in(world, nowhere, "ecole-lac-perdu")
    Membership.objects.create(user=world.ineligible_learner, role=Role.STAFF,
                              organisation=school)
    eligibility = badge_eligibility(world.ineligible_learner)
    assert not eligibility.eligible
    assert eligibility.reasons == sorted([Reason.NO_AGREEMENT, Reason.NO_POLICE_FORCE])
    assert len(eligibility.messages) == 2


def test_a_role_outside_schools_does_not_count(world):
    # Administering the service centre is not working at one of its schools.
    assert badge_eligibility(world.org_admin).reasons == [Reason.NO_SCHOOL]
