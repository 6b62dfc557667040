"""Revoking awards: from the attestation page, from `sexto awards revoke`, and what follows."""

import json
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from audit.models import AuditEvent
from badges.models import Award
from badges.services import award_revoke
from core.exceptions import ApplicationError
from credentials.services import credential_for_award
from credentials.verify import verify


def _revoke_url(award):
    return reverse("credential_pages:award_revoke", args=[award.pk])


def test_revoking_needs_a_reason_and_is_reported_once(award, world):
    with pytest.raises(ApplicationError):
        award_revoke(award=award, reason="  ", actor=world.reviewer)
    mail.outbox.clear()
    assert award_revoke(award=award, reason="Attribué par erreur.", actor=world.reviewer)
    assert not award_revoke(award=award, reason="Encore.", actor=world.reviewer)
    award.refresh_from_db()
    assert award.revoked and award.revoked_at and award.revocation_reason == "Attribué par erreur."
    assert [m.to for m in mail.outbox] == [[world.learner.email]]
    assert "Attribué par erreur." in mail.outbox[0].body
    event = AuditEvent.objects.filter(action="award.revoked").get()
    assert event.actor == world.reviewer and event.target_id == str(award.pk)


def test_revoked_credential_fails_verification_through_the_status_list(award, world):
    document = credential_for_award(award=award).document
    assert verify(text=json.dumps(document)).verdict == "valid"
    award_revoke(award=award, reason="Erreur.", actor=world.reviewer)
    report = verify(text=json.dumps(document))
    assert report.verdict == "invalid"
    assert [c.outcome for c in report.checks if c.name == "status"] == ["fail"]


def test_reviewer_revokes_from_the_attestation_page(client, award, world):
    client.force_login(world.reviewer)
    page = client.get(reverse("credential_pages:attestation", args=[award.pk]))
    assert _revoke_url(award) in page.content.decode()
    blank = client.post(_revoke_url(award), {"reason": ""})
    assert blank.status_code == 400
    assert "Indiquez le motif de la révocation." in blank.content.decode()
    # Revoking cannot be undone: without the confirmation nothing happens, and the reason
    # typed is kept in the form.
    unconfirmed = client.post(_revoke_url(award), {"reason": "Badge attribué par erreur."})
    assert unconfirmed.status_code == 400
    body = unconfirmed.content.decode()
    assert "Cochez la case pour confirmer la révocation." in body
    assert "Badge attribué par erreur." in body
    award.refresh_from_db()
    assert not award.revoked
    done = client.post(_revoke_url(award), {"reason": "Badge attribué par erreur.",
                                            "confirm": "on"})
    assert done.status_code == 302
    award.refresh_from_db()
    assert award.revoked


def test_revocation_rules_for_other_people(client, award, world):
    assert client.post(_revoke_url(award), {"reason": "x"}).status_code == 302  # to login
    client.force_login(world.learner)  # the recipient cannot revoke her own badge
    assert client.post(_revoke_url(award), {"reason": "x"}).status_code == 403
    assert _revoke_url(award) not in client.get(
        reverse("credential_pages:attestation", args=[award.pk])).content.decode()
    award.published = False
    award.save()
    client.force_login(world.outsider)
    assert client.post(_revoke_url(award), {"reason": "x"}).status_code == 404
    client.force_login(world.reviewer)
    assert client.get(_revoke_url(award)).status_code == 405
    award.refresh_from_db()
    assert not award.revoked


def test_the_reason_is_shown_to_the_member_and_staff_never_to_the_public(client, award, world):
    award_revoke(award=award, reason="Motif confidentiel.", actor=world.reviewer)
    url = reverse("credential_pages:attestation", args=[award.pk])
    public = client.get(url).content.decode()
    assert "révoqué le" in public and "Motif confidentiel." not in public
    world.learner.profile_published = True
    world.learner.save()
    profile = client.get(reverse("badges:member_profile", args=[world.learner.handle]))
    assert "Ce badge a été révoqué le" in profile.content.decode()
    assert "Motif confidentiel." not in profile.content.decode()
    for person in (world.learner, world.reviewer):
        client.force_login(person)
        assert "Motif confidentiel." in client.get(url).content.decode()
    client.force_login(world.learner)
    assert "Motif confidentiel." in client.get(reverse("badges:mine")).content.decode()


def _revoke_command(*args) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("awards", "revoke", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue(), err.getvalue()


def test_cli_revokes_by_id_and_records_who_acted(award, world):
    code, out, _err = _revoke_command(str(award.pk), "--reason", "Erreur.", "--by",
                                      world.reviewer.email)
    assert code == 0 and out.strip() == f"{award.pk}\trevoked"
    assert AuditEvent.objects.get(action="award.revoked").actor == world.reviewer
    code, out, _err = _revoke_command(str(award.pk), "--reason", "Erreur.")
    assert code == 0 and out.strip() == f"{award.pk}\talready revoked"


def test_cli_without_by_records_the_operating_system_user(award):
    code, _out, _err = _revoke_command(str(award.pk), "--reason", "Erreur.")
    assert code == 0
    event = AuditEvent.objects.get(action="award.revoked")
    assert event.actor is None and event.data["by"].startswith("os:")


def test_cli_bulk_by_badge_class_and_csv_reports_unknown_ids(award, world, tmp_path):
    unknown = "00000000-0000-4000-8000-000000000000"
    csv_file = tmp_path / "awards.csv"
    csv_file.write_text(f"award_id\n{award.pk}\n{unknown}\nnot-an-id\n", encoding="utf-8")
    code, out, err = _revoke_command("--csv", str(csv_file), "--reason", "Lot annulé.")
    assert code == 1
    assert f"{award.pk}\trevoked" in out
    assert f"{unknown}\tunknown" in err and "not-an-id\tunknown" in err
    award.refresh_from_db()
    assert award.revoked
    code, out, _err = _revoke_command("--badge-class", award.badge_class.slug,
                                      "--reason", "Lot annulé.")
    assert code == 0 and "already revoked" in out
    assert Award.objects.filter(revoked=True).count() == 1


def test_cli_refuses_nothing_to_revoke_and_unknown_badge_class(db):
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        _revoke_command("--reason", "x")
    code, _out, err = _revoke_command("--badge-class", "nope", "--reason", "x")
    assert code == 1 and "badge class nope\tunknown" in err
