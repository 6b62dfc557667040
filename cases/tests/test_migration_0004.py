"""Grids saved before answers started empty keep their values, marked to confirm (migration
0004), and go to the police only once the intervener has answered each question again."""

import datetime
import html

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import Case, Grid
from cases.tests.conftest import post_form, verified_client
from core.exceptions import ApplicationError

BEFORE = [("cases", "0003_destruction_rule_as_data")]
CHOICES = ["relationship", "consent_to_creation", "consent_to_sharing", "pressure_or_threats",
           "adult_involved", "recipients", "intent_to_harm", "school_impact"]
# What a grid saved with only the victim's age held before: the old form's first choices and
# the model's defaults, which nobody chose.
OLD_DEFAULTS = {"relationship": "unknown", "consent_to_creation": "yes",
                "consent_to_sharing": "yes", "pressure_or_threats": "yes",
                "adult_involved": "yes", "recipients": "unknown", "intent_to_harm": "yes",
                "school_impact": "some"}


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_kept_values_are_to_confirm_and_block_the_hand_off_until_answered(cw):
    # One trip back and forth (each trip rebuilds tables): a grid of today going back keeps
    # its value; a grid saved the old way comes forward to confirm.
    today = Case.objects.create(reference="SX-NEW-1", school=cw.school, told_at=timezone.now(),
                                account="", reported_by=cw.reporter)
    Grid.objects.create(case=today, victim_age=13, pressure_or_threats="yes",
                        to_confirm=["pressure_or_threats"])
    old_apps = migrate(BEFORE)
    try:
        OldGrid = old_apps.get_model("cases", "Grid")
        assert OldGrid.objects.get(case_id=today.pk).pressure_or_threats == "yes"
        OldCase = old_apps.get_model("cases", "Case")
        told = timezone.now() - datetime.timedelta(hours=3)
        old_case = OldCase.objects.create(reference="SX-OLD-1", school_id=cw.school.pk,
                                          reported_by_id=cw.reporter.pk, told_at=told,
                                          account="", lead_id=cw.intervener.pk,
                                          status="in_progress")
        OldGrid.objects.create(case=old_case, victim_age=14, completed_at=told, notes="",
                               **OLD_DEFAULTS)
    finally:
        migrate(_leaves())

    assert Grid.objects.get(case=today).to_confirm == ["pressure_or_threats"]
    grid = Grid.objects.get(case__reference="SX-OLD-1")
    assert {name: getattr(grid, name) for name in CHOICES} == OLD_DEFAULTS  # values kept
    assert sorted(grid.to_confirm) == sorted(CHOICES)
    assert not grid.is_complete
    assert grid.youth_protection_signs == []  # "Oui" nobody confirmed raises nothing

    case = Case.objects.get(reference="SX-OLD-1")
    client = verified_client(cw.intervener)
    page = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert "Oui (à confirmer)" in page
    form = client.get(reverse("cases:case_step", args=[case.pk, "grid"])).content.decode()
    assert "checked" not in form  # no kept value is offered as if chosen
    assert "Réponse gardée d'une version antérieure de la grille" in html.unescape(form)

    services.police_contact_save(case=case, actor=cw.intervener, version=case.version,
                                 contacted_at=timezone.now(), officer="Agente Fictive",
                                 police_file_number="")
    case.refresh_from_db()
    with pytest.raises(ApplicationError) as refused:
        services.handoff_send(case=case, actor=cw.intervener, version=case.version)
    assert sorted(refused.value.extra["unanswered"]) == sorted(CHOICES)

    # Answering some confirms them; the others keep their old value, still to confirm.
    post_form(client, reverse("cases:case_step", args=[case.pk, "grid"]), {
        "version": case.version, "victim_age": "14", "pressure_or_threats": "no",
        "adult_involved": "no"})
    grid.refresh_from_db()
    assert grid.pressure_or_threats == "no" and grid.relationship == "unknown"
    assert sorted(grid.to_confirm) == sorted(set(CHOICES) - {"pressure_or_threats",
                                                             "adult_involved"})
    case.refresh_from_db()
    post_form(client, reverse("cases:case_step", args=[case.pk, "grid"]), {
        # As the browser sends it: the answers already confirmed are checked on the page.
        "version": case.version, "victim_age": "14", "pressure_or_threats": "no",
        "adult_involved": "no", **{name: OLD_DEFAULTS[name] for name in grid.to_confirm}})
    grid.refresh_from_db()
    assert grid.to_confirm == [] and grid.is_complete and grid.completed_at is not None


def _leaves():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()
