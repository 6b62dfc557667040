"""The PDF attestation: content in both languages, text never read as markup, PDF/A and tags."""

import dataclasses
import datetime
import io
import re

import pypdf
import pytest
from django.utils import translation

from core.typst_text import undisplayable_texts
from credentials.pdf import AttestationPdf, attestation_pdf_render

# Typst markup and code a member could type in an answer; all of it must come out as typed.
MARKUP = '#panic("x") *gras* _it_ $x$ <lbl> @ref #import "x" \\ \\n ] ) [ ( } { // /* `c` = h'

URL = "https://sexto.example.org/fr/attestations/0b6f7c1e-1234-4abc-9def-0123456789ab/"


def attestation(**changes) -> AttestationPdf:
    data = AttestationPdf(
        language="fr",
        member_name="Béatrice Lévesque-Côté",
        badge_name="Trousse Sexto 2 – Architecte",
        level="Architecte",
        program="Trousse Sexto 2",
        program_description=(
            "La méthode **Sexto** : agir vite, sans jamais regarder les images.\n\n"
            "Deuxième paragraphe, laissé de côté."
        ),
        issuer_name="Équipe Sexto",
        issuer_url="https://sexto.example.org/",
        # 14:30:05 UTC is 10:30:05 in Montréal (daylight saving time in May).
        granted_at=datetime.datetime(2026, 5, 14, 14, 30, 5, tzinfo=datetime.UTC),
        attestation_url=URL,
        evidence=[
            ("Première étape", "J'appelle le service de police, sans ouvrir le téléphone.",
             "fr"),
            ("Confidentialité", None, "fr"),
        ],
    )
    return dataclasses.replace(data, **changes)


def reader(pdf: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(pdf))


def text_of(pdf: bytes) -> str:
    """The text of every page, whitespace collapsed (line wrapping is layout, not content)."""
    text = " ".join(page.extract_text() for page in reader(pdf).pages)
    return " ".join(text.split())


def english(message: str) -> str:
    with translation.override("en"):
        return translation.gettext(message)


def test_french_attestation():
    text = text_of(attestation_pdf_render(attestation()))

    for expected in [
        "Preuve et attestation de développement professionnel",
        "Trousse Sexto 2 – Architecte",
        "Badge attribué à Béatrice Lévesque-Côté",
        "Date d'obtention 2026-05-14 10:30:05",
        "Niveau Architecte",
        "Programme Trousse Sexto 2",
        "Émetteur Équipe Sexto",
        "https://sexto.example.org/",
        "Résumé des preuves",
        "Première étape J'appelle le service de police, sans ouvrir le téléphone.",
        "Vérifier cette attestation",
        URL,
    ]:
        assert expected in text
    # The program description: its first paragraph only, Markdown characters as they are.
    assert "La méthode **Sexto** : agir vite" in text
    assert "Deuxième paragraphe" not in text


def test_english_attestation():
    data = attestation(
        language="en",
        level="Architect",
        program="Sexto Kit 2",
        evidence=[("First step", "I call the police.", "en")],
    )
    text = text_of(attestation_pdf_render(data))

    # Labels the catalogs already translate...
    for expected in [
        "Proof and attestation of professional development",
        "Badge granted to Béatrice Lévesque-Côté",
        "Date obtained 2026-05-14 10:30:05",
        "Level Architect",
        "Program Sexto Kit 2",
    ]:
        assert expected in text
    # ...and the new ones, whatever their translation once the catalog has them.
    for label in ["Émetteur", "Résumé des preuves", "Vérifier cette attestation"]:
        assert english(label) in text
    assert "First step I call the police." in text
    assert "Badge attribué à" not in text


def test_member_text_is_never_markup():
    data = attestation(
        member_name=f"Alix {MARKUP}",
        status_note=f"Révoqué {MARKUP}",
        program_description=f"Programme {MARKUP}",
        evidence=[(f"Titre {MARKUP}", f"Réponse {MARKUP}", "fr")],
    )
    text = text_of(attestation_pdf_render(data))

    assert text.count(" ".join(MARKUP.split())) == 5  # nothing evaluated, nothing lost
    for fragment in ['#panic("x")', "*gras*", "$x$", "<lbl>", "@ref", '#import "x"', "\\ \\n ] )"]:
        assert fragment in text


def test_pdf_a_2_tagged_with_language_and_title():
    pdf = reader(attestation_pdf_render(attestation()))
    catalog = pdf.trailer["/Root"]
    xmp = catalog["/Metadata"].get_object().get_data().decode()

    assert re.search(r"pdfaid:part(>|=\")2", xmp)
    assert re.search(r"pdfaid:conformance(>|=\")A", xmp)
    assert "/StructTreeRoot" in catalog
    assert catalog["/MarkInfo"]["/Marked"]
    assert catalog["/Lang"].startswith("fr")
    assert pdf.metadata.title == (
        "Preuve et attestation de développement professionnel – Trousse Sexto 2 – Architecte"
    )


def test_english_document_language():
    catalog = reader(attestation_pdf_render(attestation(language="en"))).trailer["/Root"]
    assert catalog["/Lang"].startswith("en")


def test_qr_code_has_an_alternative_text_and_the_url_is_a_link():
    pdf = attestation_pdf_render(attestation())
    page = reader(pdf).pages[0]

    uris = [annot.get_object()["/A"]["/URI"] for annot in page.get("/Annots", [])]
    assert URL in uris
    assert "Code QR menant à cette attestation en ligne" in _alternative_texts(reader(pdf))


def _alternative_texts(pdf: pypdf.PdfReader) -> list[str]:
    found, pending = [], [pdf.trailer["/Root"]["/StructTreeRoot"]]
    while pending:
        node = pending.pop()
        if isinstance(node, pypdf.generic.IndirectObject):
            node = node.get_object()
        if isinstance(node, pypdf.generic.DictionaryObject):
            if "/Alt" in node:
                found.append(str(node["/Alt"]))
            pending.extend(node[key] for key in ("/K",) if key in node)
        elif isinstance(node, pypdf.generic.ArrayObject):
            pending.extend(node)
    return found


def test_status_banner_only_when_set():
    assert "Révoqué le 2026-11-20" in text_of(
        attestation_pdf_render(attestation(status_note="Révoqué le 2026-11-20"))
    )
    assert "Révoqué" not in text_of(attestation_pdf_render(attestation()))


def test_unpublished_answer():
    text = text_of(attestation_pdf_render(attestation()))
    assert "Confidentialité (réponse non publiée)" in text

    text = text_of(attestation_pdf_render(attestation(language="en")))
    assert english("(réponse non publiée)") in text


def test_no_evidence():
    text = text_of(attestation_pdf_render(attestation(evidence=[])))
    assert "Aucune réponse : ce badge ne demande pas de preuve écrite." in text


def test_long_answer_runs_over_several_pages():
    paragraph = "Une réflexion détaillée sur la méthode, reprise plusieurs fois. " * 12
    answer = "\n\n".join([paragraph] * 25) + "\n\nFin de la réponse."
    pdf = attestation_pdf_render(attestation(evidence=[("Longue question", answer, "fr")]))

    pages = reader(pdf).pages
    assert len(pages) >= 3
    assert "Fin de la réponse." in pages[-1].extract_text()
    assert f"{len(pages)} / {len(pages)}" in pages[-1].extract_text()  # page numbers


def test_characters_the_fonts_lack_are_replaced_not_fatal():
    # PDF/A refuses text no font can display: such characters become U+FFFD, the rest stays.
    answer = "Merci 🙂 et 谢谢, contrôle\x07 fin."
    text = text_of(attestation_pdf_render(attestation(evidence=[("Question", answer, "fr")])))
    assert "Merci \ufffd et \ufffd\ufffd, contrôle fin." in text


def test_undisplayable_texts_read_from_the_diagnostic():
    diagnostic = (
        'error: PDF/A-2a error: the text `"\\u{1f642}"` could not be displayed with font\n'
        'error: PDF/A-2a error: the text `"\\"中"` could not be displayed with font\n'
        "error: unrelated\n"
    )
    assert undisplayable_texts(diagnostic) == {"\U0001f642", '"中'}


def test_refuses_a_naive_date_or_another_language():
    with pytest.raises(ValueError, match="timezone-aware"):
        attestation_pdf_render(attestation(granted_at=datetime.datetime(2026, 5, 14, 10, 30)))
    with pytest.raises(ValueError, match="language"):
        attestation_pdf_render(attestation(language="de"))


def test_program_description_keeps_its_first_paragraph_with_soft_line_breaks():
    from credentials.pdf import _summary

    # Markdown wraps lines inside a paragraph: on paper they flow as one paragraph.
    assert _summary("La trousse donne\nune façon commune\nd'agir.\n\nAutre.") == \
        "La trousse donne une façon commune d'agir."


def _language_marks(pdf: bytes) -> list[str]:
    """The /Lang of every element of the structure tree (the tagged PDF), in reading order."""
    marks = []

    def walk(node) -> None:
        node = node.get_object()
        if not isinstance(node, dict):
            return  # a marked-content id: a leaf
        if "/Lang" in node and node.get("/Type") == "/StructElem":
            marks.append(str(node["/Lang"]))
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
            walk(kid)

    walk(reader(pdf).trailer["/Root"]["/StructTreeRoot"])
    return marks


def test_answers_in_another_language_than_the_document_are_marked():
    """PDF/UA-1 7.2: the English attestation of French answers says they are French."""
    answers = [("First step", "J'appelle le service de police.", "fr"),
               ("Second step", "I meet the student.", "en"),
               ("Third step", "Je rencontre l'élève.", "fr")]
    english = attestation_pdf_render(attestation(language="en", evidence=answers))
    assert reader(english).trailer["/Root"]["/Lang"] == "en-CA"
    # Each French answer is a paragraph marked French; nothing else is marked.
    assert _language_marks(english) == ["fr-CA", "fr-CA"]
    french = attestation_pdf_render(attestation(language="fr", evidence=answers))
    assert reader(french).trailer["/Root"]["/Lang"] == "fr-CA"
    assert _language_marks(french) == ["en-CA"]
