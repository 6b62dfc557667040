"""The bench data generator, at small sizes: valid rows the application reads as its own."""

import pytest
from django.utils import timezone

from accounts.models import Membership, Role
from cases import crypto
from cases.bulk import _spread, cases_bulk_create
from cases.metrics import case_metrics
from cases.models import Case, Grid, PoliceFollowUp, PoliceHandoff, Student, SupportAction
from cases.retention import purge


def test_spread_is_skewed_and_exact():
    counts = _spread(1000, 5)
    assert sum(counts) == 1000
    assert counts == sorted(counts, reverse=True)
    assert counts[0] > 1.8 * counts[1]
    assert _spread(7, 1) == [7]
    assert _spread(0, 3) == [0, 0, 0]


def test_bulk_create_makes_readable_fictional_cases(db):
    result = cases_bulk_create(total=120, schools=4, seed=3, password="mot-de-passe-fictif-42",
                               batch_size=50)

    assert result["total"] == 120 and Case.objects.count() == 120
    school = result["school"]
    counts = result["cases_per_school"]
    assert counts[school.pk] == max(counts.values()) == Case.objects.filter(school=school).count()
    assert sorted(counts.values(), reverse=True)[1] < counts[school.pk]

    # The school can use the kit: its territory's force holds an agreement.
    assert school.territory.police_force == result["force"]
    assert result["force"].dpcp_agreements.exists()
    principal = result["principal"]
    assert Membership.objects.filter(user=principal, organisation=school,
                                     role=Role.PRINCIPAL).exists()
    assert principal.check_password("mot-de-passe-fictif-42")

    # Every row reads back through the ORM: tokens decrypt, dates are in the past, and the
    # students' indexes are the ones the application computes.
    now = timezone.now()
    for case in Case.objects.all():
        assert case.account and case.created_at <= now
        assert case.is_closed == (case.closed_at is not None)
        assert 1 <= case.students.count() <= 3
        assert Grid.objects.filter(case=case).exists()
    for student in Student.objects.select_related("case"):
        assert "Fictif" in student.name
        assert student.index == crypto.blind_index(str(student.case.school_id), student.name)
    # Nothing happens in the future.
    for model, field in ((Grid, "completed_at"), (PoliceHandoff, "contacted_at"),
                         (PoliceHandoff, "sent_at"), (PoliceHandoff, "acknowledged_at"),
                         (PoliceFollowUp, "qualified_at"), (SupportAction, "done_at"),
                         (Case, "closed_at"), (Case, "directed_to_police_at")):
        assert not model.objects.filter(**{f"{field}__gt": now}).exists(), (model, field)
    assert PoliceHandoff.objects.exists() and PoliceFollowUp.objects.exists()
    assert SupportAction.objects.exists()
    assert Case.objects.filter(status=Case.Status.CLOSED).exists()
    assert Case.objects.exclude(status=Case.Status.CLOSED).exists()

    metrics = case_metrics(Case.objects.filter(school=school), now=now)
    assert metrics.report_to_closure.measured > 0
    assert metrics.handoff_to_decision.measured > 0


def test_same_seed_same_cases_and_a_second_run_does_not_collide(db):
    first = cases_bulk_create(total=30, schools=2, seed=7)
    second = cases_bulk_create(total=30, schools=2, seed=7)
    assert Case.objects.count() == 60
    assert first["school"] != second["school"]

    def shape(school):
        return sorted(Case.objects.filter(school=school).values_list("status", "legal_hold"))

    assert shape(first["school"]) == shape(second["school"])
    assert not first["principal"].has_usable_password()  # no password asked for


def test_bulk_cases_can_be_purged(db):
    cases_bulk_create(total=60, schools=2, seed=1)
    # A year and a half on, some closed cases are past the default two years.
    report = purge(now=timezone.now() + timezone.timedelta(days=600), dry_run=True)
    assert report.cases_destroyed > 0


@pytest.mark.parametrize("bad", [{"total": 10, "schools": 0}, {"total": -1, "schools": 1}])
def test_bulk_refuses_nonsense(db, bad):
    with pytest.raises(ValueError):
        cases_bulk_create(**bad)
