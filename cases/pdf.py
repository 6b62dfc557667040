"""The paper copy of a police hand-off, for the forces that still want one: tagged, PDF/A-2a and
PDF/UA-1, in French or English.

What it shows is the snapshot stored when the hand-off was sent (services.handoff_snapshot),
never the live case: the paper says what the police received, whatever was edited since. Only
the force, the contact (date, officer, police file number) and the date sent come from the
PoliceHandoff row itself. No image, ever: the snapshot holds none, and the document says so.

The layout is the Typst template pdf/handoff.typ. As for the badge attestation
(credentials/pdf.py, whose text helpers are reused here), every dynamic value reaches it as
JSON data through `sys.inputs` and is placed as plain text: what a staff member typed is never
read as Typst markup. Only the fonts embedded in Typst are used; a character they lack becomes
U+FFFD, because PDF/A forbids text that cannot be displayed.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from cases import grid as grid_rules
from cases.models import Case, Channel, CustodyTransfer, Device, PoliceHandoff, Student
from cases.services import handoff_snapshot, handoff_snapshot_load

# Generic helpers of the attestation: text cleaning and the fallback for characters the
# embedded fonts lack. Importing them keeps one implementation of both.
from core.typst_text import TypstTemplate, paragraphs, plain_text

TEMPLATE = Path(__file__).resolve().parent / "pdf" / "handoff.typ"
_TEMPLATE = TypstTemplate(TEMPLATE)

LANGUAGES = ("fr", "en")

NONE_SHOWN = "—"


def handoff_pdf_render(*, handoff: PoliceHandoff, language: str,
                       exported_at: datetime.datetime | None = None) -> bytes:
    """The hand-off as PDF bytes (A4, tagged, PDF/A-2a + PDF/UA-1). It must have been sent."""
    return _TEMPLATE.render(
        handoff_document(handoff=handoff, language=language, exported_at=exported_at))


def handoff_pdf_filename(handoff: PoliceHandoff) -> str:
    """The download's name: the opaque case reference only, never a name."""
    reference = "".join(
        c for c in handoff.case.reference if c.isascii() and (c.isalnum() or c in "-_")
    )
    return f"{reference or 'remise'}.pdf"


# --- data sent to the template --------------------------------------------------------------


def handoff_document(*, handoff: PoliceHandoff, language: str,
                     exported_at: datetime.datetime | None = None) -> dict:
    """The JSON-ready document the template lays out: labels in `language`, values as text."""
    if handoff.sent_at is None:
        raise ValueError("This hand-off was never sent: there is nothing the police received.")
    return _document(snapshot=handoff_snapshot_load(handoff), handoff=handoff, case=handoff.case,
                     language=language, exported_at=exported_at)


# What the preview shows in place of a name: the names do go to the police, but reach a
# school screen only through the re-authenticated, audited reveal.
NAME_MASKED = "••••••"


def handoff_preview_document(*, case: Case, language: str) -> dict:
    """What the police would receive if the hand-off were sent now, names masked."""
    snapshot = handoff_snapshot(case)
    for student in snapshot["students"]:
        student["name"] = NAME_MASKED
    return _document(snapshot=snapshot, handoff=getattr(case, "handoff", None), case=case,
                     language=language, exported_at=None)


def _document(*, snapshot: dict, handoff: PoliceHandoff | None, case: Case, language: str,
              exported_at: datetime.datetime | None) -> dict:
    if language not in LANGUAGES:
        raise ValueError(f"Unsupported language: {language!r}")
    reference = plain_text(snapshot.get("reference") or case.reference)
    with translation.override(language):
        labels = _labels()
        grid = snapshot.get("grid")
        return {
            "lang": language,
            # The opaque reference, never a name: viewers show the title in lists and tabs.
            "title": f"{labels['title']} – {reference}",
            "labels": labels,
            "reference": reference,
            "school": plain_text(snapshot.get("school") or ""),
            "force": plain_text(handoff.force.name) if handoff else NONE_SHOWN,
            "contacted_at": _when(handoff.contacted_at if handoff else None),
            "officer": plain_text(handoff.officer) if handoff and handoff.officer else NONE_SHOWN,
            "police_file_number": (plain_text(handoff.police_file_number)
                                   if handoff and handoff.police_file_number else NONE_SHOWN),
            "sent_at": _when(handoff.sent_at if handoff else None),
            "exported_at": _when(exported_at or timezone.now()),
            "told_at": _when(snapshot.get("told_at")),
            "account": paragraphs(snapshot.get("account") or ""),
            "channels": ", ".join(
                _choice(Channel.choices, code) for code in snapshot.get("channels") or []
            ) or NONE_SHOWN,
            "apps_other": paragraphs(snapshot.get("apps_other") or ""),
            "still_spreading": _choice(Case.Spreading.choices, snapshot.get("still_spreading")),
            "students": [_student(item) for item in snapshot.get("students") or []],
            "devices": [_device(item) for item in snapshot.get("devices") or []],
            "no_device_reason": _choice(Case.NoDevice.choices,
                                        snapshot.get("no_device_reason")),
            "grid": None if grid is None else _grid_answers(grid),
            "dpj_report_made": {True: _("Oui"), False: _("Non")}.get(
                snapshot.get("dpj_report_made"), str(grid_rules.NOT_ANSWERED)),
            "dpj_reported_at": _when(snapshot.get("dpj_reported_at")),
        }


def _label(model: type[models.Model], name: str) -> str:
    """A field's verbose_name, in the active language, as a label."""
    return capfirst(str(model._meta.get_field(name).verbose_name))


def _labels() -> dict[str, str]:
    return {
        "title": _("Remise à la police"),
        "no_image": _("Aucune image n'accompagne ce document, jamais."),
        "no_image_detail": _("Sexto ne reçoit ni ne garde aucune image ni aucun fichier : ce "
                             "document ne contient que du texte."),
        "confidential": _("Confidentiel : renseignements personnels concernant des mineurs"),
        "reference": _label(Case, "reference"),
        "school": _label(Case, "school"),
        "force": _label(PoliceHandoff, "force"),
        "contacted_at": _label(PoliceHandoff, "contacted_at"),
        "officer": _label(PoliceHandoff, "officer"),
        "police_file_number": _label(PoliceHandoff, "police_file_number"),
        "sent_at": _("Remis à la police le"),
        "facts": _("Les faits"),
        "told_at": _label(Case, "told_at"),
        "account": _label(Case, "account"),
        "channels": _label(Case, "channels"),
        "apps_other": _label(Case, "apps_other"),
        "still_spreading": _label(Case, "still_spreading"),
        "students": _("Élèves concernés"),
        "students_none": _("Aucun élève n'est inscrit au dossier."),
        "part": _label(Student, "part"),
        "name": _label(Student, "name"),
        "age": _label(Student, "age"),
        "grade": _label(Student, "grade"),
        "devices": _("Appareils saisis"),
        "devices_none": _("Aucun appareil n'a été saisi."),
        "device": capfirst(str(Device._meta.verbose_name)),
        "description": _label(Device, "description"),
        "envelope_number": _label(Device, "envelope_number"),
        "locked_in": _label(Device, "locked_in"),
        "seized_at": _label(Device, "seized_at"),
        "seized_by": _label(Device, "seized_by"),
        "custody": _("Chaîne de possession"),
        "custody_none": _("Aucune remise de l'appareil n'était notée à l'envoi."),
        "custody_not_sent": _("La chaîne de possession ne fait pas partie de cette remise."),
        "handed_by": _label(CustodyTransfer, "handed_by"),
        "handed_to": _label(CustodyTransfer, "handed_to"),
        "handed_at": _label(CustodyTransfer, "handed_at"),
        "acknowledged_at": _label(CustodyTransfer, "acknowledged_at"),
        "grid": _("Grille d'évaluation de l'incident"),
        "grid_none": _("La grille d'évaluation ne faisait pas partie de cette remise."),
        "question": _("Question"),
        "answer": _("Réponse"),
        "youth_protection": _("Protection de la jeunesse"),
        "dpj_report_made": _label(Case, "dpj_report_made"),
        "dpj_reported_at": _label(Case, "dpj_reported_at"),
        "exported_at": _("Document produit le"),
    }


def _student(item: dict) -> dict:
    return {
        "part": _choice(Student.Part.choices, item.get("part")),
        "name": plain_text(item.get("name") or "") or NONE_SHOWN,
        "age": NONE_SHOWN if item.get("age") is None else str(item["age"]),
        "grade": plain_text(item.get("grade") or "") or NONE_SHOWN,
    }


def _device(item: dict) -> dict:
    # Snapshots carry the chain of custody as it stood when sent; one without a "transfers"
    # list (None) says so rather than suggesting there was no hand-over.
    transfers = item.get("transfers")
    return {
        "description": paragraphs(item.get("description") or ""),
        "envelope_number": plain_text(item.get("envelope_number") or "") or NONE_SHOWN,
        "locked_in": plain_text(item.get("locked_in") or "") or NONE_SHOWN,
        "seized_at": _when(item.get("seized_at")),
        "seized_by": plain_text(item.get("seized_by") or "") or NONE_SHOWN,
        "transfers": None if transfers is None else [
            {
                "handed_by": plain_text(transfer.get("handed_by") or "") or NONE_SHOWN,
                "handed_to": plain_text(transfer.get("handed_to") or "") or NONE_SHOWN,
                "handed_at": _when(transfer.get("handed_at")),
                "acknowledged_at": _when(transfer.get("acknowledged_at")),
            }
            for transfer in transfers
        ],
    }


def _grid_answers(answers: dict) -> list[dict]:
    """Each question of the grid (cases/grid.py) in order, with its answer in words; a
    question nobody answered says so. A snapshot sent before a question existed omits it."""
    rows = []
    for question in grid_rules.QUESTIONS:
        if question.name not in answers:
            continue
        value = answers[question.name]
        if question.kind == "text" and value:
            shown = paragraphs(str(value)) or [str(grid_rules.NOT_ANSWERED)]
        else:
            shown = [plain_text(question.display(value))]
        rows.append({"question": plain_text(str(question.label)), "answer": shown})
    return rows


def _choice(choices, value: Any) -> str:
    """The label of `value` among `choices` in the active language; an unknown code as is."""
    if value is None or value == "":
        return NONE_SHOWN
    for code, label in choices:
        if code == value:
            return plain_text(str(label))
    return plain_text(str(value))


def _when(value: datetime.datetime | str | None) -> str:
    """A moment as the school's clock shows it (settings.TIME_ZONE), to the minute."""
    if value in (None, ""):
        return NONE_SHOWN
    if isinstance(value, str):
        try:
            value = datetime.datetime.fromisoformat(value)
        except ValueError:
            return plain_text(value)
    if timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)
    return value.astimezone(ZoneInfo(settings.TIME_ZONE)).strftime("%Y-%m-%d %H:%M")
