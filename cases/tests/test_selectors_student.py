"""cases.selectors.student_personal_data: a student's information for a Law 25 request."""

import datetime
import json

from django.utils import timezone

from cases import services
from cases.models import Case, Student
from cases.selectors import student_personal_data
from cases.tests.conftest import hand_off, reported_case


def _fresh(case: Case) -> Case:
    case.refresh_from_db()
    return case


def _add_student(w, case, *, part, name, age=None, grade="") -> Student:
    student = services.student_add(case=case, actor=w.intervener, version=_fresh(case).version,
                                   part=part, name=name, age=age, grade=grade)
    _fresh(case)
    return student


# The cases were confided a month ago: their entries, dated days ago, come after.
A_MONTH_AGO = timezone.now() - datetime.timedelta(days=30)


def _add_entry(w, case, student, notes, *, kind="note", days_ago=1):
    services.entry_add(case=case, actor=w.intervener, version=_fresh(case).version, kind=kind,
                       happened_at=timezone.now() - datetime.timedelta(days=days_ago),
                       notes=notes, student=student)
    _fresh(case)


def _zoe(case) -> Student:
    return case.students.get(part=Student.Part.VICTIM)


def test_finds_the_student_across_the_schools_cases_and_nowhere_else(cw):
    first = reported_case(cw, told_at=A_MONTH_AGO)  # Zoé Imaginaire, victim
    _add_entry(cw, first, _zoe(first), "Rencontre avec Zoé : elle est soutenue.")
    services.support_action_add(case=first, actor=cw.intervener, version=_fresh(first).version,
                                kind="referral", resource="take_it_down",
                                description="Demande de retrait accompagnée.")
    services.device_add(case=_fresh(first), actor=cw.intervener, version=first.version,
                        description="Téléphone bleu", owner=_zoe(first),
                        seized_at=timezone.now(), seized_by="Jade Fictive",
                        envelope_number="ENV-7", locked_in="Coffre de la direction")
    _fresh(first)
    # The same student in a second case, named with other capitals and spacing.
    second = services.case_report(reporter=cw.reporter, school=cw.school,
                                  told_at=A_MONTH_AGO, account="Récit fictif.",
                                  channels=[], apps_other="", still_spreading="no")
    zoe_again = _add_student(cw, second, part="reporting", name="  zoé   IMAGINAIRE ", age=14)
    _add_entry(cw, second, zoe_again, "Elle a dénoncé une autre situation.")
    services.support_action_add(case=second, actor=cw.intervener,
                                version=_fresh(second).version, kind="action",
                                description="Plan de soutien d'une autre élève.")
    # A student of the same name in another school is someone else.
    elsewhere = services.case_report(reporter=cw.other_staff, school=cw.other_school,
                                     told_at=A_MONTH_AGO, account="Autre école.",
                                     channels=[], apps_other="", still_spreading="no")
    homonym = _add_student(cw, elsewhere, part="victim", name="Zoé Imaginaire")
    _add_entry(cw, elsewhere, homonym, "Note d'une autre école.")

    data = student_personal_data(school=cw.school, name="Zoé Imaginaire")
    assert [c["reference"] for c in data["cases"]] == [first.reference, second.reference]
    one, two = data["cases"]
    assert one["student"] == [{"name": "Zoé Imaginaire", "part": "victim", "age": 14,
                               "grade": "3e secondaire"}]
    assert one["status"] == first.status and one["closed_at"] is None
    assert one["opened_at"] == first.created_at.isoformat()
    assert [e["notes"] for e in one["entries"]] == ["Rencontre avec Zoé : elle est soutenue."]
    assert [a["description"] for a in one["support_actions"]] == [
        "Demande de retrait accompagnée."]
    assert one["devices"] == [{"description": "Téléphone bleu", "envelope_number": "ENV-7",
                               "seized_at": one["devices"][0]["seized_at"],
                               "returned_at": None}]
    assert two["student"][0]["part"] == "reporting"
    assert [e["notes"] for e in two["entries"]] == ["Elle a dénoncé une autre situation."]
    # Not the victim of the second case: its support plan is someone else's.
    assert two["support_actions"] == []
    text = json.dumps(data, ensure_ascii=False)
    assert "Note d'une autre école" not in text and "Autre école" not in text
    # No staff member is named: no author, lead or custodian.
    assert "Jade Fictive" not in text and "Coffre" not in text
    assert student_personal_data(school=cw.other_school, name="Zoé Imaginaire")["cases"][0][
        "reference"] == elsewhere.reference
    assert student_personal_data(school=cw.school, name="Zoé Imaginair") == {
        "cases": [], "police": []}
    assert student_personal_data(school=cw.school, name="  ") == {"cases": [], "police": []}


def test_other_students_names_are_replaced_by_their_label(cw):
    case = reported_case(cw, told_at=A_MONTH_AGO,
                         account="Zoé Imaginaire dit que Léo Fictif a partagé la photo.")
    zoe = _zoe(case)
    leo = _add_student(cw, case, part="alleged", name="Léo Fictif")
    sister = _add_student(cw, case, part="other", name="Maëlle Imaginaire")
    _add_entry(cw, case, zoe, "Zoé a vu LÉO   fictif montrer la photo.\nLéo a nié. "
                              "Maëlle Imaginaire était là ; Maëlle a tout vu. Léonard aussi.")
    _add_entry(cw, case, leo, "Rencontre avec Léo Fictif, qui reconnaît les faits.",
               kind="meeting_alleged")
    services.device_add(case=_fresh(case), actor=cw.intervener, version=case.version,
                        description="Téléphone de Léo", owner=leo, seized_at=timezone.now(),
                        seized_by="Jade Fictive", envelope_number="ENV-8", locked_in="Coffre")

    data = student_personal_data(school=cw.school, name="Zoé Imaginaire")
    (found,) = data["cases"]
    leo_label, sister_label = f"[{leo.label}]", f"[{sister.label}]"
    assert found["account"] == f"Zoé Imaginaire dit que {leo_label} a partagé la photo."
    assert [e["notes"] for e in found["entries"]] == [
        f"Zoé a vu {leo_label} montrer la photo.\n{leo_label} a nié. {sister_label} était "
        f"là ; {sister_label} a tout vu. Léonard aussi."]
    # Leo's own meeting and device are his, not hers.
    assert found["devices"] == []
    text = json.dumps(data, ensure_ascii=False)
    assert "Fictif" not in text and "Maëlle" not in text
    # The last name Zoé shares with her sister stays: it is hers too.
    assert "Zoé Imaginaire" in text

    # Asked about Leo, the same case gives his part, Zoé replaced by her label.
    (his,) = student_personal_data(school=cw.school, name="léo fictif")["cases"]
    assert his["student"][0]["part"] == "alleged"
    assert his["account"] == f"[{zoe.label}] dit que Léo Fictif a partagé la photo."
    assert [e["kind"] for e in his["entries"]] == ["meeting_alleged"]
    assert [d["envelope_number"] for d in his["devices"]] == ["ENV-8"]
    assert his["support_actions"] == []


def test_what_the_police_shared_and_their_follow_up_are_under_police(cw):
    case = hand_off(cw, reported_case(cw, told_at=A_MONTH_AGO))
    services.information_share(handoff=case.handoff, actor=cw.police, purpose="follow_up",
                               content="Renseignement fictif de la police.")
    services.follow_up_save(handoff=case.handoff, actor=cw.police, qualification="impulsive",
                            outcome="awareness", notes="Notes policières fictives.")

    data = student_personal_data(school=cw.school, name="Zoé Imaginaire")
    assert set(data) == {"cases", "police"}
    (police,) = data["police"]
    assert police["case"] == case.reference
    assert [s["content"] for s in police["shared"]] == ["Renseignement fictif de la police."]
    assert police["follow_up"]["qualification"] == "impulsive"
    assert police["follow_up"]["notes"] == "Notes policières fictives."
    cases_text = json.dumps(data["cases"], ensure_ascii=False)
    assert "police" not in cases_text.replace("with_police", "")
    assert "Renseignement fictif" not in cases_text and "Agente Fictive" not in cases_text
