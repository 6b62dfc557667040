"""The grid records only what someone said: every question starts unanswered, stays "Non
répondu" everywhere until answered, raises the youth-protection reminder only on answers given,
and the hand-off waits for a complete grid."""

import html
import re

import pypdf
import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from cases import grid as grid_rules
from cases import services
from cases.models import Grid, PoliceHandoff
from cases.tests.conftest import (
    COMPLETE_GRID,
    post_form,
    reported_case,
    verified_client,
)

NOT_ANSWERED = "Non répondu"
DPJ_REMINDER = "un signalement à la DPJ pourrait être requis"


def step_url(case, step):
    return reverse("cases:case_step", args=[case.pk, step])


def post_step(client, case, step, data):
    case.refresh_from_db()
    return post_form(client, step_url(case, step), {"version": case.version, **data})


def note_police_contact(w, case):
    case.refresh_from_db()
    services.police_contact_save(case=case, actor=w.intervener, version=case.version,
                                 contacted_at=timezone.now(), officer="Agente Fictive",
                                 police_file_number="")
    case.refresh_from_db()


def pdf_text(content: bytes) -> str:
    import io

    return " ".join(" ".join((page.extract_text() or "").split())
                    for page in pypdf.PdfReader(io.BytesIO(content)).pages)


def test_one_answer_leaves_every_other_question_unanswered_and_no_reminder(cw, case_of):
    client = verified_client(cw.intervener)
    assert post_step(client, case_of, "grid", {"victim_age": "14"}).status_code == 302

    grid = Grid.objects.get()
    assert grid.victim_age == 14
    for name in grid_rules.CHOICE_QUESTIONS:
        assert getattr(grid, name) == "", name  # nothing chosen for the intervener
    assert not grid.is_complete and grid.completed_at is None
    assert grid.youth_protection_signs == []

    page = html.unescape(client.get(reverse("cases:case_detail", args=[case_of.pk]))
                         .content.decode())
    unanswered = [q for q in grid_rules.QUESTIONS if q.name != "victim_age"]
    answers = page[page.index('<dl class="grid-answers">'):]
    answers = answers[:answers.index("</dl>")]
    assert answers.count(NOT_ANSWERED) == len(unanswered)
    assert DPJ_REMINDER not in page


def test_the_hand_off_is_refused_until_the_grid_is_complete_listing_each_question(
        cw, case_of):
    client = verified_client(cw.intervener)
    post_step(client, case_of, "grid", {"victim_age": "14", "relationship": "friends"})
    note_police_contact(cw, case_of)

    page = html.unescape(client.get(step_url(case_of, "handoff")).content.decode())
    missing = [q for q in grid_rules.QUESTIONS
               if q.required and q.name not in ("victim_age", "relationship")]
    for question in missing:  # said before trying, each linked to its field
        link = f'href="{step_url(case_of, "grid")}#id_{question.name}"'
        assert link in page, question.name
        assert str(question.label) in page

    response = post_step(client, case_of, "handoff", {"confirm": "on"})
    assert response.status_code == 400
    body = html.unescape(response.content.decode())
    assert f"{len(missing)} questions sont sans réponse" in body
    assert PoliceHandoff.objects.get().sent_at is None

    answers = {name: value for name, value in COMPLETE_GRID.items() if value != ""}
    post_step(client, case_of, "grid", {k: str(v) for k, v in answers.items()})
    assert Grid.objects.get().is_complete
    assert post_step(client, case_of, "handoff", {"confirm": "on"}).status_code == 302
    assert PoliceHandoff.objects.get().sent_at is not None


def test_sending_needs_the_confirmation_and_the_preview_shows_what_the_police_receive(
        cw, case_of):
    client = verified_client(cw.intervener)
    services.grid_save(case=case_of, actor=cw.intervener, version=case_of.version,
                       **COMPLETE_GRID)
    note_police_contact(cw, case_of)
    page = html.unescape(client.get(step_url(case_of, "handoff")).content.decode())
    assert "Ce que recevra Service de police de Val-Bleu" in page
    assert "Une élève dit qu'une photo intime circule" in page  # the account, as sent
    assert "Relation amoureuse, actuelle ou passée" in page  # the grid's answers in words
    assert "Zoé Imaginaire" not in page  # names go to the police, masked on this screen
    assert "ne peut pas être repris" in page  # what cannot be undone is said

    unconfirmed = post_step(client, case_of, "handoff", {})
    assert unconfirmed.status_code == 400
    assert PoliceHandoff.objects.get().sent_at is None


def test_unanswered_stays_unanswered_in_the_police_view_and_the_pdf(cw, case_of):
    # Every required question answered; the optional ones (ages of the alleged authors,
    # notes) left empty go to the police as "not answered", never as a made-up value.
    answers = {**COMPLETE_GRID, "alleged_ages": "", "notes": ""}
    services.grid_save(case=case_of, actor=cw.intervener, version=case_of.version, **answers)
    note_police_contact(cw, case_of)
    case_of.refresh_from_db()
    services.handoff_send(case=case_of, actor=cw.intervener, version=case_of.version)

    police = verified_client(cw.police, reauthenticated=True)
    view = html.unescape(police.get(reverse("cases:police_handoff", args=[case_of.pk]))
                         .content.decode())
    for name in ("alleged_ages", "notes"):
        label = str(grid_rules.label(name))
        assert re.search(re.escape(label) + r"</th><td>\s*" + NOT_ANSWERED, view), name
    # The DPJ report was never recorded: "not answered", not "no".
    assert re.search(r"Signalement fait à la DPJ</dt><dd>\s*" + NOT_ANSWERED, view)

    pdf = pdf_text(police.get(reverse("cases:handoff_pdf", args=[case_of.pk])).content)
    assert f"Âge des auteurs présumés {NOT_ANSWERED}" in pdf
    assert f"Précisions {NOT_ANSWERED}" in pdf
    assert f"Signalement fait à la DPJ {NOT_ANSWERED}" in pdf

    with_english = verified_client(cw.police, reauthenticated=True)
    english = pdf_text(with_english.get(reverse("cases:handoff_pdf", args=[case_of.pk]),
                                        HTTP_ACCEPT_LANGUAGE="en").content)
    assert "Not answered" in english or NOT_ANSWERED in english


def test_ne_sait_pas_is_an_answer_chosen_explicitly(cw, case_of):
    answers = {name: "unknown" for name in grid_rules.CHOICE_QUESTIONS
               if "unknown" in dict(grid_rules.BY_NAME[name].choices)}
    answers.update(victim_age=15, school_impact="some")
    grid = services.grid_save(case=case_of, actor=cw.intervener, version=case_of.version,
                              **answers)
    assert grid.is_complete
    assert "Ne sait pas" in [row.shown for row in grid_rules.answers_shown(grid.answers)]


@pytest.mark.parametrize(("answers", "expected"), [
    ({}, 0),
    ({"adult_involved": "unknown", "pressure_or_threats": "unknown",
      "consent_to_creation": "unknown"}, 0),
    ({"adult_involved": "yes"}, 1),
    ({"relationship": "adult"}, 1),
    ({"pressure_or_threats": "yes", "consent_to_creation": "no", "victim_age": 11}, 3),
    ({"victim_age": 12}, 0),
])
def test_the_reminder_counts_only_answers_given(answers, expected):
    assert len(grid_rules.youth_protection_signs(answers)) == expected


def test_a_value_kept_from_before_raises_nothing_until_confirmed():
    kept = {"pressure_or_threats": "yes", "adult_involved": "yes"}
    assert grid_rules.youth_protection_signs(
        kept, to_confirm=["pressure_or_threats", "adult_involved"]) == []
    assert len(grid_rules.youth_protection_signs(kept, to_confirm=["adult_involved"])) == 1
    assert {q.name for q in grid_rules.unanswered(
        {**COMPLETE_GRID, **kept}, to_confirm=["adult_involved"])} == {"adult_involved"}


def _checked_or_selected(page: str) -> list[str]:
    """Inputs checked and options selected with a value: choices made for the person."""
    found = re.findall(r"<input[^>]*\bchecked\b[^>]*>", page)
    found += [option for option in re.findall(r"<option[^>]*\bselected\b[^>]*>", page)
              if not re.search(r'value=""', option)]
    return found


def test_no_choice_is_made_for_anyone_on_a_new_case(cw, case_of):
    client = verified_client(cw.intervener)
    for step in ("student", "meeting", "device", "no-device", "grid", "dpj", "police",
                 "handoff", "no-impact", "support", "close"):
        page = client.get(step_url(case_of, step)).content.decode()
        assert _checked_or_selected(page) == [], step
    principal = verified_client(cw.principal)
    case_page = principal.get(reverse("cases:case_detail", args=[case_of.pk])).content.decode()
    lead_form = case_page[case_page.index('name="lead"'):]
    lead_form = lead_form[:lead_form.index("</select>")]
    assert _checked_or_selected(lead_form) == []
    report = verified_client(cw.reporter).get(reverse("cases:case_report")).content.decode()
    assert _checked_or_selected(report) == []
    interveners = principal.get(reverse("cases:interveners")).content.decode()
    assert _checked_or_selected(interveners) == []


def test_no_choice_is_made_for_the_police_either(cw):
    from cases.tests.conftest import handed_off_case

    case = handed_off_case(cw)
    page = verified_client(cw.police).get(
        reverse("cases:police_handoff", args=[case.pk])).content.decode()
    assert _checked_or_selected(page) == []
    assert escape(NOT_ANSWERED) in page  # the qualification and the outcome start unanswered


def test_a_grid_made_of_one_answer_reads_in_english_as_not_answered(cw, case_of):
    client = verified_client(cw.intervener)
    post_step(client, case_of, "grid", {"victim_age": "14"})
    english = reverse("cases:case_detail", args=[case_of.pk]).replace("/fr/", "/en/", 1)
    page = html.unescape(client.get(english.replace("/dossiers/", "/cases/")).content.decode())
    assert "Not answered" in page and NOT_ANSWERED not in page


@pytest.fixture
def reported(cw):
    return reported_case(cw)
