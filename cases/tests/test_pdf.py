"""The paper copy of a police hand-off: what was sent, in French and English, text never read
as markup, PDF/A and tags; and the download: re-authentication, who may export, the audit."""

import io
import json
import re

import pypdf
import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import capfirst

from audit.models import AuditEvent
from cases import services
from cases.pdf import handoff_pdf_render
from cases.tests.conftest import (
    hand_off,
    handed_off_case,
    post_form,
    reported_case,
    verified_client,
)

# Typst markup and code someone could type in a case; all of it must come out as typed.
MARKUP = '#panic("x") ] [ $x$ \\ <label> @ref *gras* _it_ #import "y" // /* `c` = h'

NO_IMAGE = "Aucune image n'accompagne ce document, jamais."
ACCOUNT = "Une élève dit qu'une photo intime circule (récit fictif)."


def pdf_url(case, language="fr") -> str:
    with translation.override(language):
        return reverse("cases:handoff_pdf", args=[case.pk])


def reader(pdf: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(pdf))


def text_of(pdf: bytes) -> str:
    """The text of every page, whitespace collapsed (line wrapping is layout, not content)."""
    return " ".join(" ".join(page.extract_text() for page in reader(pdf).pages).split())


def hand_off_threatened(w, case):
    return hand_off(w, case, pressure_or_threats="yes")


def english(message: str) -> str:
    with translation.override("en"):
        return translation.gettext(message)


@pytest.fixture
def sent(cw):
    return handed_off_case(cw)


def download(user, case, language="fr"):
    response = verified_client(user, reauthenticated=True).get(pdf_url(case, language))
    assert response.status_code == 200, response.status_code
    return response


# --- What the paper says ----------------------------------------------------------------------


def test_the_school_downloads_the_hand_off_in_french(cw, sent):
    response = download(cw.intervener, sent)

    assert response["Content-Type"] == "application/pdf"
    # The opaque reference only: no name in a file name that lands in a downloads folder.
    assert response["Content-Disposition"] == f'attachment; filename="{sent.reference}.pdf"'
    assert "no-store" in response["Cache-Control"]
    text = text_of(response.content)
    for expected in [
        NO_IMAGE,
        f"Numéro de dossier {sent.reference}",
        "École École des Pionniers",
        "Corps de police Service de police de Val-Bleu",
        "Policier ou policière joint Agente Fictive",
        "Numéro de dossier de police PF-0001",
        f"Ce qui a été confié {ACCOUNT}",
        "Canaux et applications Snapchat",
        "Le contenu circule-t-il encore? Oui",
        # The police need the names.
        "Élève victime Zoé Imaginaire 14 3e secondaire",
        # The grid, each answer under its question.
        "Âge de l'élève victime 14",
        "Relation entre les jeunes Relation amoureuse, actuelle ou passée",
        "Pression, menace ou chantage (sextorsion)? Non",
        "Signes d'une intention de nuire ou d'humilier? Ne sait pas",
        "Signalement fait à la DPJ Non répondu",
        "Aucun appareil n'a été saisi.",
    ]:
        assert expected in text, expected
    # The line that matters most is also on every page's footer.
    assert text.count(NO_IMAGE) == 1 + len(reader(response.content).pages)


def test_the_police_download_it_in_english(cw, sent):
    response = download(cw.police, sent, "en")

    pdf = reader(response.content)
    assert pdf.trailer["/Root"]["/Lang"].startswith("en")
    text = text_of(response.content)
    # Already in the catalogs...
    assert "School École des Pionniers" in text
    # ...and the grid's questions and answers, from cases/grid.py, in English.
    for label in ["Relation entre les jeunes", "Pression, menace ou chantage (sextorsion)?"]:
        assert english(label) in text and english(label) != label
    assert capfirst(english("signalement fait à la DPJ")) in text
    for expected in [english("Relation amoureuse, actuelle ou passée"),
                     english("Aucune image n'accompagne ce document, jamais."),
                     sent.reference, "Zoé Imaginaire", ACCOUNT]:
        assert expected in text
    assert pdf.metadata.title == f"{english('Remise à la police')} – {sent.reference}"


def test_devices_with_their_envelope_and_the_dpj_report(cw):
    case = reported_case(cw)
    services.device_add(case=case, actor=cw.intervener, version=case.version,
                        description="Téléphone noir, étui rouge", owner=None,
                        seized_at=timezone.now(), seized_by="Jade Fictive",
                        envelope_number="ENV-042", locked_in="Coffre du secrétariat")
    case.refresh_from_db()
    services.dpj_record(case=case, actor=cw.intervener, version=case.version, made=True,
                        reported_at=timezone.now(), reported_by="Jade Fictive",
                        reference="DPJ-FICTIF-1")
    case.refresh_from_db()
    text = text_of(download(cw.principal, hand_off_threatened(cw, case)).content)

    for expected in ["Appareil 1", "Description de l'appareil Téléphone noir, étui rouge",
                     "Numéro de l'enveloppe scellée ENV-042",
                     "Lieu où il est sous clé Coffre du secrétariat", "Saisi par Jade Fictive",
                     "Signalement fait à la DPJ Oui",
                     # No hand-over was noted before the hand-off: the paper says so.
                     "Chaîne de possession Aucune remise de l'appareil n'était notée à l'envoi."]:
        assert expected in text, expected
    # Who made the report and its reference were never part of the hand-off.
    assert "DPJ-FICTIF-1" not in text


def test_a_chain_of_custody_in_the_snapshot_is_shown(cw, sent):
    handoff = sent.handoff
    snapshot = services.handoff_snapshot_load(handoff)
    seized = timezone.now().isoformat()
    snapshot["devices"] = [{
        "description": "Tablette", "seized_at": seized, "seized_by": "Jade Fictive",
        "envelope_number": "E-7", "locked_in": "Coffre",
        "transfers": [{"handed_by": "Jade Fictive", "handed_to": "Agente Fictive",
                       "handed_at": seized, "acknowledged_at": None}],
    }]
    handoff.snapshot = json.dumps(snapshot)
    text = text_of(handoff_pdf_render(handoff=handoff, language="fr"))

    assert "Remis par Remis à Remis le Réception confirmée le" in text
    assert "Jade Fictive Agente Fictive" in text


def test_the_paper_says_what_was_sent_not_the_live_case(cw, sent):
    services.case_report_update(case=sent, actor=cw.intervener, version=sent.version,
                                account="Récit modifié après l'envoi.")
    sent.students.update(grade="5e secondaire")
    # The contact with the force is not part of what was sent: it is read as it is now.
    sent.handoff.officer = "Sergent Nouveau"
    sent.handoff.save(update_fields=["officer"])

    text = text_of(download(cw.intervener, sent).content)
    assert ACCOUNT in text and "Récit modifié" not in text
    assert "3e secondaire" in text and "5e secondaire" not in text
    assert "Sergent Nouveau" in text


def test_typed_text_is_never_markup(cw):
    case = reported_case(cw, account=f"Récit {MARKUP}")
    services.student_add(case=case, actor=cw.intervener, version=case.version, part="alleged",
                         name=f"Léo {MARKUP}", age=15, grade="4e")
    case.refresh_from_db()
    case = hand_off_threatened(cw, case)

    text = text_of(download(cw.intervener, case).content)
    assert text.count(" ".join(MARKUP.split())) == 2  # nothing evaluated, nothing lost
    for fragment in ['#panic("x")', "] [", "$x$", "\\", "<label>", '#import "y"']:
        assert fragment in text


def test_characters_the_fonts_lack_are_replaced_not_fatal(cw):
    case = hand_off_threatened(cw, reported_case(cw, account="Merci 🙂 et 谢谢, fin."))
    text = text_of(download(cw.intervener, case).content)
    assert "Merci \ufffd et \ufffd\ufffd, fin." in text


def test_pdf_a_2a_and_ua_1_tagged_with_title_and_language(cw, sent):
    pdf = reader(download(cw.intervener, sent).content)
    catalog = pdf.trailer["/Root"]
    xmp = catalog["/Metadata"].get_object().get_data().decode()

    assert re.search(r"pdfaid:part(>|=\")2", xmp)
    assert re.search(r"pdfaid:conformance(>|=\")A", xmp)
    assert re.search(r"pdfuaid:part(>|=\")1", xmp)
    assert "/StructTreeRoot" in catalog
    assert catalog["/MarkInfo"]["/Marked"]
    assert catalog["/Lang"].startswith("fr")
    assert pdf.metadata.title == f"Remise à la police – {sent.reference}"
    # No name in the metadata, which file browsers and search tools show.
    assert "Zoé" not in str(pdf.metadata)


def test_refuses_a_hand_off_never_sent_and_another_language(cw, sent):
    with pytest.raises(ValueError, match="language"):
        handoff_pdf_render(handoff=sent.handoff, language="de")
    sent.handoff.sent_at = None
    with pytest.raises(ValueError, match="never sent"):
        handoff_pdf_render(handoff=sent.handoff, language="fr")


# --- The download -----------------------------------------------------------------------------


def test_exporting_asks_for_a_fresh_reauthentication(cw, sent):
    from accounts.mfa import reauth_url

    response = verified_client(cw.intervener).get(pdf_url(sent))
    assert response.status_code == 302
    assert response["Location"] == reauth_url(
        reverse("cases:case_detail", args=[sent.pk]) + "#step-handoff")

    response = verified_client(cw.police).get(pdf_url(sent))
    assert response.status_code == 302
    assert response["Location"] == reauth_url(reverse("cases:police_handoff", args=[sent.pk]))
    assert not AuditEvent.objects.filter(action="case.handoff_pdf_exported").exists()


def test_each_export_is_audited_with_ids_only(cw, sent):
    download(cw.police, sent)

    event = AuditEvent.objects.filter(action="case.handoff_pdf_exported").get()
    assert event.actor == cw.police
    assert (event.target_type, event.target_id) == ("cases.case", str(sent.pk))
    assert event.data == {"handoff": str(sent.handoff.pk), "side": "police", "language": "fr"}


@pytest.mark.parametrize("person", ["other_principal", "other_police", "outsider"])
def test_outsiders_get_404(cw, sent, person):
    response = verified_client(getattr(cw, person), reauthenticated=True).get(pdf_url(sent))

    assert response.status_code == 404
    refusal = AuditEvent.objects.filter(action="case.access_refused").latest("sequence")
    assert refusal.target_id == str(sent.pk) and refusal.data["status"] == 404
    assert not AuditEvent.objects.filter(action="case.handoff_pdf_exported").exists()


@pytest.mark.parametrize("person", ["reporter", "privacy_officer"])
def test_those_who_see_the_case_without_its_content_get_403(cw, sent, person):
    response = verified_client(getattr(cw, person), reauthenticated=True).get(pdf_url(sent))
    assert response.status_code == 403


def test_404_when_the_hand_off_was_never_sent(cw):
    case = reported_case(cw)
    services.police_contact_save(case=case, actor=cw.intervener, version=case.version,
                                 contacted_at=timezone.now(), officer="Agente Fictive",
                                 police_file_number="")
    response = verified_client(cw.principal, reauthenticated=True).get(pdf_url(case))

    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="case.handoff_pdf_exported").exists()


def test_get_only(cw, sent):
    client = verified_client(cw.intervener, reauthenticated=True)
    assert post_form(client, pdf_url(sent)).status_code == 405
