"""Reading the log: who did what to a target (the case page)."""

import pytest

from audit.selectors import events_for_target
from audit.services import record

pytestmark = pytest.mark.django_db


@pytest.fixture
def case_events(person, django_user_model):
    other = django_user_model.objects.create_user(
        email="yves.fictif@example.test", password="x" * 12, full_name="Yves Fictif"
    )
    return [
        record(action="case.viewed", actor=person, target_type="cases.case", target_id="c-1"),
        record(action="case.viewed", actor=other, target_type="cases.case", target_id="c-2"),
        record(action="case.grid_saved", actor=other, target_type="cases.case",
               target_id="c-1"),
        record(action="case.viewed", actor=other, target_type="badges.award",
               target_id="c-1"),
        record(action="case.viewed", actor=other, target_type="cases.case", target_id="c-1"),
    ]


def test_events_for_target_newest_first(case_events):
    events = events_for_target(target_type="cases.case", target_id="c-1")
    assert [e.sequence for e in events] == [5, 3, 1]


def test_events_for_target_keeps_the_chosen_actions(case_events):
    events = events_for_target(target_type="cases.case", target_id="c-1", actions=["case.viewed"])
    assert [e.sequence for e in events] == [5, 1]
    assert not events_for_target(target_type="cases.case", target_id="c-1", actions=[]).exists()


def test_events_for_target_brings_the_actor_in_the_same_query(
    case_events, person, django_assert_num_queries
):
    with django_assert_num_queries(1):
        actors = [e.actor for e in events_for_target(target_type="cases.case", target_id="c-1")]
    assert actors[-1] == person and actors[0] != person
