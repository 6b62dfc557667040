"""The rules every write follows: times in order and never in the future, each refusal beside
its field with what was typed kept; and the one rule for what a closed case still accepts."""

import datetime
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import Case, CustodyTransfer, Device, Entry, SupportAction
from cases.tests.conftest import (
    COMPLETE_GRID,
    handed_off_case,
    post_form,
    verified_client,
)
from core.exceptions import ApplicationError


def local(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def post_step(client, case, step, data):
    case.refresh_from_db()
    return post_form(client, reverse("cases:case_step", args=[case.pk, step]),
                     {"version": case.version, **data})


# --- Times --------------------------------------------------------------------------------


def test_the_police_cannot_be_contacted_before_the_situation_was_confided(cw, case_of):
    client = verified_client(cw.intervener)
    before = local(case_of.told_at - datetime.timedelta(hours=1))
    response = post_step(client, case_of, "police", {
        "contacted_at": before, "officer": "Agente Fictive", "police_file_number": "PF-9"})
    assert response.status_code == 400
    body = html.unescape(response.content.decode())
    assert "antérieur au moment où la situation a été confiée" in body
    # Beside the field (its error list sits in the field's group), and nothing typed is lost.
    field = body[body.index('for="id_contacted_at"'):]
    assert field.index("antérieur") < field.index('name="contacted_at"')
    assert f'value="{before}"' in body and 'value="Agente Fictive"' in body
    assert 'value="PF-9"' in body
    assert Case.objects.get().version == case_of.version  # nothing written


@pytest.mark.parametrize("step,data", [
    ("meeting", {"kind": "note", "student": "", "notes": "Note fictive."}),
    ("police", {"officer": "Agente Fictive", "police_file_number": ""}),
    ("no-impact", {"summary": "Résumé fictif."}),
])
def test_nothing_is_dated_before_the_report_or_in_the_future(cw, case_of, step, data):
    field = {"meeting": "happened_at", "police": "contacted_at",
             "no-impact": "directed_at"}[step]
    client = verified_client(cw.intervener)
    future = local(timezone.now() + datetime.timedelta(hours=2))
    response = post_step(client, case_of, step, {**data, field: future})
    assert response.status_code == 400
    assert "Cette date est dans le futur." in html.unescape(response.content.decode())
    earlier = local(case_of.told_at - datetime.timedelta(days=1))
    response = post_step(client, case_of, step, {**data, field: earlier})
    assert response.status_code == 400
    assert "antérieur" in html.unescape(response.content.decode())
    assert post_step(client, case_of, step, {**data, field: local(timezone.now())}
                     ).status_code == 302


def test_a_report_is_never_in_the_future(cw):
    client = verified_client(cw.reporter)
    response = post_form(client, reverse("cases:case_report"), {
        "school": str(cw.school.pk),
        "told_at": local(timezone.now() + datetime.timedelta(days=1)),
        "account": "Récit fictif gardé.", "still_spreading": "no"})
    assert response.status_code == 200
    body = html.unescape(response.content.decode())
    assert "Cette date est dans le futur." in body and "Récit fictif gardé." in body
    assert not Case.objects.exists()


def test_an_edited_report_stays_before_the_steps_that_follow_it(cw):
    case = handed_off_case(cw)  # police contacted an hour after the situation was confided
    client = verified_client(cw.intervener)
    later = local(case.handoff.contacted_at + datetime.timedelta(minutes=30))
    response = post_step(client, case, "report", {
        "told_at": later, "account": case.account, "channels": case.channels,
        "apps_other": "", "still_spreading": case.still_spreading})
    assert response.status_code == 400
    assert "postérieur à une étape déjà notée" in html.unescape(response.content.decode())


def test_a_hand_over_cannot_precede_the_seizure(cw, case_of):
    device = services.device_add(case=case_of, actor=cw.intervener, version=case_of.version,
                                 description="Téléphone", owner=None,
                                 seized_at=timezone.now() - datetime.timedelta(minutes=30),
                                 seized_by="Jade", envelope_number="E-1", locked_in="Coffre")
    case_of.refresh_from_db()
    with pytest.raises(ApplicationError) as refused:
        services.custody_transfer_add(device=device, actor=cw.intervener,
                                      version=case_of.version, handed_by="Jade",
                                      handed_to="Agente",
                                      handed_at=device.seized_at - datetime.timedelta(hours=1))
    assert refused.value.code == "order" and refused.value.extra["field"] == "handed_at"


def test_the_dpcp_decision_comes_after_the_police_knew(cw):
    case = handed_off_case(cw)
    police = verified_client(cw.police)
    before = local(case.handoff.contacted_at - datetime.timedelta(hours=2))
    response = post_form(police, reverse("cases:police_follow_up", args=[case.pk]), {
        "qualification": "impulsive", "qualified_at": before, "outcome": "",
        "notes": "Note policière gardée."})
    assert response.status_code == 400
    body = html.unescape(response.content.decode())
    assert "antérieur au contact de l'école avec la police" in body
    assert "Note policière gardée." in body
    # A meeting may be planned ahead; images cannot have been destroyed tomorrow.
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = post_form(police, reverse("cases:police_follow_up", args=[case.pk]), {
        "qualification": "impulsive", "qualified_at": local(timezone.now()),
        "outcome": "awareness", "awareness_meeting_on": tomorrow,
        "images_destroyed_on": tomorrow})
    assert response.status_code == 400
    assert "Cette date est dans le futur." in html.unescape(response.content.decode())
    response = post_form(police, reverse("cases:police_follow_up", args=[case.pk]), {
        "qualification": "impulsive", "qualified_at": local(timezone.now()),
        "outcome": "awareness", "awareness_meeting_on": tomorrow})
    assert response.status_code == 302


# --- What a closed case still accepts -------------------------------------------------------


@pytest.fixture
def closed(cw):
    """A handed-off case with a device, a hand-over, a support action, then closed."""
    case = handed_off_case(cw)
    device = services.device_add(case=case, actor=cw.intervener, version=case.version,
                                 description="Téléphone", owner=None,
                                 seized_at=timezone.now() - datetime.timedelta(minutes=30),
                                 seized_by="Jade", envelope_number="E-1", locked_in="Coffre")
    case.refresh_from_db()
    services.custody_transfer_add(device=device, actor=cw.intervener, version=case.version,
                                  handed_by="Jade", handed_to="Agente",
                                  handed_at=timezone.now() - datetime.timedelta(minutes=10))
    case.refresh_from_db()
    services.support_action_add(case=case, actor=cw.intervener, version=case.version,
                                kind="follow_up", resource="", description="Suivi",
                                due_on=None)
    case.refresh_from_db()
    services.case_close(case=case, actor=cw.intervener, version=case.version,
                        summary="Fermé (fictif).")
    case.refresh_from_db()
    return case


def _refused_writes(w, case):
    """Every write of the school's part, each called as its page would."""
    student = case.students.get()
    now = timezone.now()
    return {
        "report": lambda: services.case_report_update(case=case, actor=w.intervener,
                                                      version=case.version, account="x"),
        "lead": lambda: services.case_lead_assign(case=case, lead=w.intervener,
                                                  actor=w.principal),
        "student": lambda: services.student_add(case=case, actor=w.intervener,
                                                version=case.version, part="other",
                                                name="Autre Fictif", age=None, grade=""),
        "entry": lambda: services.entry_add(case=case, actor=w.intervener,
                                            version=case.version, kind="note",
                                            happened_at=now, notes="n", student=student),
        "device": lambda: services.device_add(case=case, actor=w.intervener,
                                              version=case.version, description="d",
                                              owner=None, seized_at=now, seized_by="s",
                                              envelope_number="e", locked_in="l"),
        "no_device": lambda: services.no_device_record(case=case, actor=w.intervener,
                                                       version=case.version,
                                                       reason="not_at_school"),
        "grid": lambda: services.grid_save(case=case, actor=w.intervener,
                                           version=case.version, **COMPLETE_GRID),
        "dpj": lambda: services.dpj_record(case=case, actor=w.intervener,
                                           version=case.version, made=False,
                                           reported_at=None, reported_by="", reference=""),
        "police_contact": lambda: services.police_contact_save(
            case=case, actor=w.intervener, version=case.version, contacted_at=now,
            officer="o", police_file_number=""),
        "handoff": lambda: services.handoff_send(case=case, actor=w.intervener,
                                                 version=case.version),
        "no_impact": lambda: services.no_impact_record(case=case, actor=w.intervener,
                                                       version=case.version,
                                                       directed_at=now, summary="s"),
        "support_add": lambda: services.support_action_add(
            case=case, actor=w.intervener, version=case.version, kind="action",
            resource="", description="d", due_on=None),
        "support_done": lambda: services.support_action_done(
            action=SupportAction.objects.get(case=case), actor=w.intervener),
        "close": lambda: services.case_close(case=case, actor=w.intervener,
                                             version=case.version, summary="s"),
    }


def test_a_closed_case_refuses_every_write_of_the_schools_part(cw, closed):
    version = closed.version
    for name, write in _refused_writes(cw, closed).items():
        with pytest.raises(ApplicationError) as refused:
            write()
        assert refused.value.code == "closed", name
    closed.refresh_from_db()
    assert closed.version == version  # nothing was written
    assert not Entry.objects.filter(case=closed).exists()
    assert SupportAction.objects.get(case=closed).done_at is None


def test_a_closed_case_still_takes_custody_the_police_part_and_holds(cw, closed):
    transfer = CustodyTransfer.objects.get(device__case=closed)
    services.custody_acknowledge(transfer=transfer, actor=cw.intervener)
    device = Device.objects.get(case=closed)
    closed.refresh_from_db()
    services.custody_transfer_add(device=device, actor=cw.intervener, version=closed.version,
                                  handed_by="Agente", handed_to="Parent Fictif",
                                  handed_at=timezone.now())
    handoff = closed.handoff
    services.handoff_acknowledge(handoff=handoff, actor=cw.police)
    services.follow_up_save(handoff=handoff, actor=cw.police, qualification="impulsive",
                            qualified_at=timezone.now(), outcome="awareness")
    services.information_share(handoff=handoff, actor=cw.police, purpose="follow_up",
                               content="Suivi fait (fictif).")
    closed.refresh_from_db()
    services.legal_hold_set(case=closed, actor=cw.principal, hold=True, reason="Demande")
    closed.refresh_from_db()
    assert closed.legal_hold and CustodyTransfer.objects.filter(device=device).count() == 2


def test_the_pages_say_the_case_is_closed_instead_of_failing(cw, closed):
    client = verified_client(cw.intervener)
    action = SupportAction.objects.get(case=closed)
    response = post_form(client, reverse("cases:support_done", args=[closed.pk, action.pk]))
    assert response.status_code == 302
    page = html.unescape(client.get(response["Location"]).content.decode())
    assert "Ce dossier est fermé : il ne peut plus être modifié." in page
    response = post_step(client, closed, "meeting", {
        "kind": "note", "student": "", "happened_at": local(timezone.now()), "notes": "n"})
    assert response.status_code == 400
    assert "Ce dossier est fermé" in html.unescape(response.content.decode())


def test_closing_asks_for_a_confirmation_and_says_what_cannot_be_undone(cw, case_of):
    client = verified_client(cw.intervener)
    page = html.unescape(client.get(reverse("cases:case_step", args=[case_of.pk, "close"]))
                         .content.decode())
    assert "Elle ne peut pas être annulée" in page
    response = post_step(client, case_of, "close", {"summary": "Résumé gardé."})
    assert response.status_code == 400 and "Résumé gardé." in response.content.decode()
    case_of.refresh_from_db()
    assert not case_of.is_closed
    assert post_step(client, case_of, "close", {"summary": "Résumé.", "confirm": "on"}
                     ).status_code == 302

