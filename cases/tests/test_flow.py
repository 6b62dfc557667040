"""The method, step by step through the pages: report, meetings, device, grid, police, support,
closure; and the no-impact path."""

import re

from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from cases.models import Case, CustodyTransfer, Device, Entry, Grid, PoliceHandoff, Student
from cases.tests.conftest import post_form, verified_client

# The moment typed into the forms: now, to the minute; the test cases were confided earlier
# (cases.tests.conftest.reported_case), and nothing may be dated in the future.
NOW = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
TODAY = NOW[:10]


def step_url(case, step):
    return reverse("cases:case_step", args=[case.pk, step])


def post_step(client, case, step, data):
    case.refresh_from_db()
    return post_form(client, step_url(case, step), {"version": case.version, **data})


def test_a_staff_member_reports_and_sees_only_their_report(cw):
    client = verified_client(cw.reporter)
    response = post_form(client, reverse("cases:case_report"), {
        "school": str(cw.school.pk), "told_at": NOW,
        "account": "Un élève raconte qu'une photo circule (récit fictif).",
        "channels": ["snapchat", "group_chat"], "apps_other": "", "still_spreading": "yes",
    })
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "cases:case_detail", args=[case.pk])
    assert case.reported_by == cw.reporter and case.school == cw.school
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Un élève raconte" in page.content.decode()
    assert "Afficher le nom" not in page.content.decode()  # not the full case page
    assert client.get(step_url(case, "grid")).status_code == 403
    assert AuditEvent.objects.filter(action="case.reported", target_id=str(case.pk)).exists()


def test_the_intervener_walks_the_method_to_the_police_and_closure(cw, case_of):
    case = case_of
    client = verified_client(cw.intervener)
    assert client.get(reverse("cases:case_detail", args=[case.pk])).status_code == 200
    assert post_step(client, case, "student", {
        "part": "alleged", "name": "Léo Imaginaire", "age": "15", "grade": "4e"}).status_code == 302
    alleged = Student.objects.get(part="alleged")
    assert post_step(client, case, "meeting", {
        "kind": "meeting_alleged", "student": str(alleged.pk), "happened_at": NOW,
        "notes": "Rencontre fictive : il reconnaît avoir partagé."}).status_code == 302
    assert Entry.objects.get().student == alleged
    assert post_step(client, case, "device", {
        "description": "Téléphone noir, étui rouge", "owner": str(alleged.pk),
        "seized_at": NOW, "seized_by": "Jade Fictive", "envelope_number": "ENV-042",
        "locked_in": "Coffre du secrétariat"}).status_code == 302
    device = Device.objects.get()
    case.refresh_from_db()
    prefix = f"device-{str(device.pk)[:8]}-"
    response = post_form(client, reverse("cases:custody_transfer", args=[case.pk, device.pk]), {
        prefix + "version": case.version, prefix + "handed_by": "Jade Fictive",
        prefix + "handed_to": "Agente Fictive", prefix + "handed_at": NOW})
    assert response.status_code == 302
    transfer = CustodyTransfer.objects.get()
    post_form(client, reverse("cases:custody_acknowledge", args=[case.pk, transfer.pk]))
    transfer.refresh_from_db()
    assert transfer.acknowledged_by == cw.intervener
    grid = {"victim_age": "14", "alleged_ages": "15", "relationship": "couple",
            "consent_to_creation": "yes", "consent_to_sharing": "no",
            "pressure_or_threats": "yes", "adult_involved": "no", "recipients": "2-5",
            "intent_to_harm": "yes", "school_impact": "some", "notes": ""}
    assert post_step(client, case, "grid", grid).status_code == 302
    assert Grid.objects.get().completed_at is not None
    page = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert "sextorsion" in page  # the youth protection reminder
    assert post_step(client, case, "dpj", {
        "made": "yes", "reported_at": NOW, "reported_by": "Jade Fictive",
        "reference": "DPJ-FICTIF-1"}).status_code == 302
    assert post_step(client, case, "police", {
        "contacted_at": NOW, "officer": "Agente Fictive",
        "police_file_number": "PF-2026-1"}).status_code == 302
    assert post_step(client, case, "handoff", {"confirm": "on"}).status_code == 302
    handoff = PoliceHandoff.objects.get()
    assert handoff.sent_at is not None and handoff.force == cw.force_ok
    case.refresh_from_db()
    assert case.status == Case.Status.WITH_POLICE and case.legal_hold
    assert post_step(client, case, "support", {
        "kind": "referral", "resource": "needhelpnow", "description": "Retrait des images",
        "due_on": "2026-12-01"}).status_code == 302
    assert post_step(client, case, "close", {"summary": "Dossier fictif fermé.",
                                             "confirm": "on"}).status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED and case.closed_at is not None
    actions = set(AuditEvent.objects.filter(target_id=str(case.pk)).values_list("action",
                                                                                flat=True))
    assert {"case.student_added", "case.entry_added", "case.device_seized",
            "case.custody_transferred", "case.custody_acknowledged", "case.grid_saved",
            "case.dpj_recorded", "case.police_contacted", "case.handoff_sent",
            "case.support_action_added", "case.closed", "case.accessed"} <= actions


def test_no_impact_path_directs_the_family_and_closes_the_school_side(cw, case_of):
    client = verified_client(cw.principal)
    response = post_step(client, case_of, "no-impact", {
        "directed_at": NOW, "summary": "Famille dirigée vers le poste de police (fictif)."})
    assert response.status_code == 302
    case_of.refresh_from_db()
    assert case_of.status == Case.Status.CLOSED and case_of.directed_to_police_at is not None


def test_a_stale_form_is_a_conflict_and_keeps_the_text(cw, case_of):
    client = verified_client(cw.intervener)
    stale = case_of.version
    post_step(client, case_of, "meeting", {"kind": "note", "student": "", "happened_at": NOW,
                                           "notes": "Première note."})
    response = post_form(client, step_url(case_of, "meeting"), {
        "version": stale, "kind": "note", "student": "", "happened_at": NOW,
        "notes": "Ma note qui ne doit pas se perdre."})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Quelqu&#x27;un d&#x27;autre a modifié ce dossier" in body
    assert "Ma note qui ne doit pas se perdre." in body
    assert Entry.objects.count() == 1


def test_embedded_data_is_refused_and_the_rest_is_kept(cw, case_of):
    client = verified_client(cw.intervener)
    blob = "data:image/jpeg;base64," + "A" * 400
    response = post_step(client, case_of, "meeting", {
        "kind": "note", "student": "", "happened_at": NOW,
        "notes": "Texte gardé. " + blob})
    body = response.content.decode()
    assert response.status_code == 400 and "fichier encodé" in body
    assert f'value="{NOW}"' in body and "Texte gardé." in body
    assert Entry.objects.count() == 0


def test_an_image_wrapped_at_76_columns_is_refused_and_not_sent_back(cw, case_of):
    """Issue 10: a 2.4 KB PNG typed as wrapped base64 was saved and came back from the page."""
    import base64

    from cases.tests.test_embedded_data import PNG

    client = verified_client(cw.intervener)
    wrapped = base64.encodebytes(PNG).decode()
    response = post_step(client, case_of, "meeting", {
        "kind": "note", "student": "", "happened_at": NOW,
        "notes": "Texte gardé.\n" + wrapped + "\nEt la suite."})
    body = response.content.decode()
    assert response.status_code == 400 and "fichier encodé" in body
    assert "Texte gardé." in body and "Et la suite." in body
    assert not any(line in body for line in wrapped.splitlines())
    assert Entry.objects.count() == 0


def test_names_stay_hidden_until_a_reauthenticated_reveal(cw, case_of):
    student = Student.objects.get()
    client = verified_client(cw.intervener)
    page = client.get(reverse("cases:case_detail", args=[case_of.pk])).content.decode()
    assert "Zoé Imaginaire" not in page and "Imaginaire" not in page
    reveal = reverse("cases:student_reveal", args=[case_of.pk, student.pk])
    response = post_form(client, reveal)
    assert response.status_code == 302 and "next=" in response["Location"]
    assert not AuditEvent.objects.filter(action="case.student_name_revealed").exists()
    fresh = verified_client(cw.intervener, reauthenticated=True)
    response = post_form(fresh, reveal, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Zoé Imaginaire" in response.content.decode()
    assert AuditEvent.objects.filter(action="case.student_name_revealed",
                                     target_id=str(case_of.pk)).count() == 1


def test_names_and_content_are_encrypted_in_the_database(cw, case_of):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM cases_student")
        (stored_name,) = cursor.fetchone()
        cursor.execute("SELECT account FROM cases_case")
        (stored_account,) = cursor.fetchone()
    assert "Zoé" not in stored_name and stored_name.startswith("gAAAA")
    assert "photo" not in stored_account
    assert re.fullmatch(r"[A-Za-z0-9_=-]+", stored_account)


def test_case_pages_are_never_cached(cw, case_of):
    response = verified_client(cw.intervener).get(reverse("cases:case_detail",
                                                          args=[case_of.pk]))
    assert "no-store" in response["Cache-Control"]


def test_the_police_acknowledge_record_the_follow_up_and_share_apart(cw):
    from cases.tests.conftest import handed_off_case

    case = handed_off_case(cw)
    police = verified_client(cw.police)
    page = police.get(reverse("cases:police_handoff", args=[case.pk]))
    # The name the police received, masked until revealed (cases/tests/test_police_reveal.py).
    assert page.status_code == 200 and "Zoé Imaginaire" not in page.content.decode()
    post_form(police, reverse("cases:police_acknowledge", args=[case.pk]))
    response = post_form(police, reverse("cases:police_follow_up", args=[case.pk]), {
        "qualification": "impulsive", "qualified_at": NOW, "outcome": "awareness",
        "awareness_meeting_on": TODAY, "images_destroyed_on": TODAY,
        "device_returned_on": "", "notes": "Note policière fictive"})
    assert response.status_code == 302
    post_form(police, reverse("cases:police_share", args=[case.pk]), {
        "purpose": "follow_up", "content": "Rencontre de sensibilisation faite (fictif)."})
    school = verified_client(cw.intervener).get(
        reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert "Rencontre de sensibilisation faite" in school
    assert "Note policière fictive" not in school  # the police part stays with the police
    chronology = verified_client(cw.intervener).get(reverse(
        "cases:student_chronology", args=[case.pk, case.students.get().pk])).content.decode()
    assert "Rencontre de sensibilisation faite" not in chronology
    case.handoff.refresh_from_db()
    assert case.handoff.acknowledged_by == cw.police
    assert timezone.now() >= case.handoff.acknowledged_at


def test_handoff_and_acknowledgement_notify_without_content(
    cw, mailoutbox, django_capture_on_commit_callbacks
):
    # The recipients of each notice are held in detail by cases/tests/test_notifications.py.
    from cases.tests.conftest import handed_off_case

    with django_capture_on_commit_callbacks(execute=True):
        case = handed_off_case(cw)
    # The report (principal, intervener), then the hand-off (the force's liaison officer).
    assert [m.to for m in mailoutbox] == [[cw.principal.email], [cw.intervener.email],
                                          [cw.police.email]]
    case.lead = cw.intervener
    case.save(update_fields=["lead"])
    with django_capture_on_commit_callbacks(execute=True):
        post_form(verified_client(cw.police), reverse("cases:police_acknowledge",
                                                      args=[case.pk]))
    assert sorted(m.to[0] for m in mailoutbox[3:]) == sorted([cw.intervener.email,
                                                              cw.principal.email])
    for message in mailoutbox:
        assert "Imaginaire" not in message.body and case.reference not in message.body
        assert "photo" not in message.body and "/notifications/" in message.body


def test_without_javascript_the_reveal_is_a_whole_page(cw, case_of):
    student = Student.objects.get()
    client = verified_client(cw.intervener, reauthenticated=True)
    response = post_form(client, reverse("cases:student_reveal", args=[case_of.pk, student.pk]))
    body = response.content.decode()
    assert response.status_code == 200 and "Zoé Imaginaire" in body and "<html" in body
    assert case_of.reference in body  # the way back to the case


def test_the_police_read_the_hand_off_in_words_and_local_time(cw):
    from cases.tests.conftest import handed_off_case

    case = handed_off_case(cw)
    body = verified_client(cw.police).get(
        reverse("cases:police_handoff", args=[case.pk])).content.decode()
    assert "Relation amoureuse, actuelle ou passée" in body  # the grid answer, in words
    assert "Élève victime" in body and "Snapchat" in body
    assert "relationship" not in body and ">victim<" not in body
    assert "+00:00" not in body


def test_the_access_log_says_what_was_done_in_words(cw, case_of):
    case_of.lead = cw.intervener
    case_of.save(update_fields=["lead"])
    client = verified_client(cw.intervener)
    client.get(reverse("cases:case_detail", args=[case_of.pk]))
    body = client.get(reverse("cases:case_access_log", args=[case_of.pk])).content.decode()
    assert "Consultation" in body and "Élève ajouté" in body and "case.accessed" not in body
