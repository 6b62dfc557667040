"""Reference data from CSV files: police forces, territories, DPCP agreements, organisations.

`plan_import()` reads and checks a whole file without writing anything; `apply_import()` writes
a plan that has no error (accounts.services.reference_import runs both in one transaction).
Each problem is reported as "FILE, ligne N : colonne « x » : what is wrong", all of them at
once, so that whoever fixes the spreadsheet can fix everything in one go.

Files are UTF-8 CSV (a byte-order mark is accepted: spreadsheets add one) with a header row.
Import them in this order, since each refers to the previous ones by code:
forces, territories, agreements, organisations.
"""

import csv
import datetime
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from accounts.models import DpcpAgreement, Organisation, Territory

COLUMNS: dict[str, list[str]] = {
    "forces": ["code", "name"],
    "territories": ["code", "name", "police_force_code"],
    "agreements": ["police_force_code", "signed_on", "ended_on"],
    "organisations": ["code", "kind", "name", "parent_code", "territory_code"],
}
KINDS = tuple(COLUMNS)

_CODE = re.compile(r"^[-a-zA-Z0-9_]{1,60}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NAME_MAX = 200
# Schools belong to one of these; they are what an organisation administrator looks after.
_PARENT_KINDS = {Organisation.Kind.SERVICE_CENTRE, Organisation.Kind.PRIVATE_NETWORK}


@dataclass
class Plan:
    kind: str
    rows: list[dict] = field(default_factory=list)  # checked values, ready to write
    errors: list[str] = field(default_factory=list)


class _Report:
    """Collects messages in the one format people are told to expect."""

    def __init__(self, file: str):
        self.file = file
        self.errors: list[str] = []

    def cell(self, line: int, column: str, problem: str) -> None:
        self.errors.append(
            _("%(file)s, ligne %(line)s : colonne « %(column)s » : %(problem)s")
            % {"file": self.file, "line": line, "column": column, "problem": problem}
        )

    def row(self, line: int, problem: str) -> None:
        self.errors.append(
            _("%(file)s, ligne %(line)s : %(problem)s")
            % {"file": self.file, "line": line, "problem": problem}
        )

    def whole_file(self, problem: str) -> None:
        self.errors.append(_("%(file)s : %(problem)s") % {"file": self.file, "problem": problem})


def _read(path: Path, report: _Report, columns: list[str]) -> list[tuple[int, dict[str, str]]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        report.whole_file(_("fichier introuvable"))
        return []
    except UnicodeDecodeError as exc:
        report.whole_file(
            _("le fichier n'est pas encodé en UTF-8 (octet invalide à la position %(position)s)")
            % {"position": exc.start}
        )
        return []
    except OSError as exc:
        report.whole_file(_("lecture impossible (%(error)s)") % {"error": exc.strerror or exc})
        return []

    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if header is None:
            report.whole_file(_("le fichier est vide ; la première ligne doit nommer les colonnes"))
            return []
        header = [name.strip() for name in header]
        for name in columns:
            if name not in header:
                report.cell(1, name, _("colonne absente de l'en-tête"))
        for position, name in enumerate(header):
            if name not in columns:
                report.cell(1, name, _("colonne inconnue (colonnes attendues : %(expected)s)")
                            % {"expected": ", ".join(columns)})
            elif name in header[:position]:
                report.cell(1, name, _("colonne en double dans l'en-tête"))
        if report.errors:
            return []
        rows = []
        for values in reader:
            line = reader.line_num
            if not any(value.strip() for value in values):
                continue  # blank lines (often at the end of a file) mean nothing
            if len(values) != len(header):
                report.row(line, _("la ligne compte %(count)s valeurs, l'en-tête en annonce "
                                   "%(expected)s") % {"count": len(values),
                                                      "expected": len(header)})
                continue
            rows.append((line, {name: value.strip() for name, value in zip(header, values,
                                                                            strict=True)}))
    except csv.Error as exc:
        report.row(reader.line_num, _("CSV mal formé (%(error)s)") % {"error": exc})
        return []
    if not rows and not report.errors:
        report.whole_file(_("aucune ligne de données après l'en-tête"))
    return rows


def _code(report: _Report, line: int, row: dict, column: str, *, required: bool = True):
    value = row[column]
    if not value:
        if required:
            report.cell(line, column, _("valeur obligatoire"))
        return None
    if not _CODE.match(value):
        report.cell(line, column, _(
            "« %(value)s » n'est pas un code valide : lettres sans accents, chiffres, tirets "
            "et soulignés seulement, 60 caractères au plus"
        ) % {"value": value})
        return None
    return value


def _name(report: _Report, line: int, row: dict, column: str = "name"):
    value = row[column]
    if not value:
        report.cell(line, column, _("valeur obligatoire"))
        return None
    if len(value) > _NAME_MAX:
        report.cell(line, column, _("%(max)s caractères au plus (il y en a %(count)s)")
                    % {"max": _NAME_MAX, "count": len(value)})
        return None
    return value


def _date(report: _Report, line: int, row: dict, column: str, *, required: bool):
    value = row[column]
    if not value:
        if required:
            report.cell(line, column, _("valeur obligatoire (date AAAA-MM-JJ)"))
        return None
    try:
        if not _DATE.match(value):
            raise ValueError(value)
        return datetime.date.fromisoformat(value)
    except ValueError:
        report.cell(line, column, _("« %(value)s » n'est pas une date valide au format "
                                    "AAAA-MM-JJ") % {"value": value})
        return None


def _force(report: _Report, line: int, row: dict, column: str, organisations: dict,
           *, required: bool):
    code = _code(report, line, row, column, required=required)
    if code is None:
        return None
    force = organisations.get(code)
    if force is None:
        report.cell(line, column, _("aucun corps de police n'a le code « %(value)s » (importez "
                                    "d'abord les corps de police)") % {"value": code})
        return None
    if force.kind != Organisation.Kind.POLICE_FORCE:
        report.cell(line, column, _("« %(value)s » n'est pas un corps de police, mais : "
                                    "%(kind)s") % {"value": code,
                                                   "kind": force.get_kind_display()})
        return None
    return force


def _unique(report: _Report, line: int, column: str, key, shown: str, seen: dict) -> bool:
    if key in seen:
        report.cell(line, column, _("« %(value)s » figure déjà à la ligne %(line)s")
                    % {"value": shown, "line": seen[key]})
        return False
    seen[key] = line
    return True


def _check_forces(report, rows, plan):
    organisations = {o.code: o for o in Organisation.objects.all()}
    seen: dict = {}
    for line, row in rows:
        before = len(report.errors)
        code = _code(report, line, row, "code")
        name = _name(report, line, row)
        if code and _unique(report, line, "code", code, code, seen):
            existing = organisations.get(code)
            if existing is not None and existing.kind != Organisation.Kind.POLICE_FORCE:
                report.cell(line, "code", _(
                    "le code « %(value)s » appartient déjà à une organisation d'un autre type "
                    "(%(kind)s)") % {"value": code, "kind": existing.get_kind_display()})
        if len(report.errors) == before:
            plan.rows.append({"code": code, "name": name})


def _check_territories(report, rows, plan):
    organisations = {o.code: o for o in Organisation.objects.all()}
    seen: dict = {}
    for line, row in rows:
        before = len(report.errors)
        code = _code(report, line, row, "code")
        name = _name(report, line, row)
        force = _force(report, line, row, "police_force_code", organisations, required=False)
        if code:
            _unique(report, line, "code", code, code, seen)
        if len(report.errors) == before:
            plan.rows.append({"code": code, "name": name, "police_force": force})


def _check_agreements(report, rows, plan):
    organisations = {o.code: o for o in Organisation.objects.all()}
    seen: dict = {}
    for line, row in rows:
        before = len(report.errors)
        force = _force(report, line, row, "police_force_code", organisations, required=True)
        signed_on = _date(report, line, row, "signed_on", required=True)
        ended_on = _date(report, line, row, "ended_on", required=False)
        if signed_on and ended_on and ended_on < signed_on:
            report.cell(line, "ended_on", _("la fin (%(ended)s) précède la signature "
                                            "(%(signed)s)") % {"ended": ended_on,
                                                               "signed": signed_on})
        if force and signed_on:
            _unique(report, line, "signed_on", (force.code, signed_on),
                    f"{force.code} {signed_on}", seen)
        if len(report.errors) == before:
            plan.rows.append({"police_force": force, "signed_on": signed_on,
                              "ended_on": ended_on})


def _check_organisations(report, rows, plan):
    organisations = {o.code: o for o in Organisation.objects.all()}
    territories = {t.code: t for t in Territory.objects.all()}
    # A parent may be defined in the same file, above or below the school that names it.
    kinds_in_file = {row["code"]: row["kind"] for _line, row in rows}
    seen: dict = {}
    for line, row in rows:
        before = len(report.errors)
        code = _code(report, line, row, "code")
        name = _name(report, line, row)
        kind = row["kind"]
        if not kind:
            report.cell(line, "kind", _("valeur obligatoire"))
            kind = None
        elif kind not in Organisation.Kind.values:
            report.cell(line, "kind", _("« %(value)s » n'est pas un type connu (valeurs "
                                        "permises : %(allowed)s)")
                        % {"value": kind, "allowed": ", ".join(Organisation.Kind.values)})
            kind = None
        if code and _unique(report, line, "code", code, code, seen):
            existing = organisations.get(code)
            if kind and existing is not None and existing.kind != kind:
                report.cell(line, "kind", _(
                    "l'organisation « %(value)s » existe déjà comme %(kind)s ; un import ne "
                    "change pas son type") % {"value": code, "kind": existing.get_kind_display()})

        parent_code = _code(report, line, row, "parent_code", required=False)
        if parent_code and kind and kind != Organisation.Kind.SCHOOL:
            report.cell(line, "parent_code", _("seule une école a une organisation mère"))
        elif parent_code:
            parent_kind = kinds_in_file.get(parent_code) or getattr(
                organisations.get(parent_code), "kind", None)
            if parent_kind is None:
                report.cell(line, "parent_code", _("aucune organisation n'a le code "
                                                   "« %(value)s »") % {"value": parent_code})
            elif parent_kind not in _PARENT_KINDS:
                report.cell(line, "parent_code", _(
                    "« %(value)s » n'est ni un centre de services scolaire ni un réseau "
                    "d'écoles privées") % {"value": parent_code})

        territory_code = _code(report, line, row, "territory_code", required=False)
        territory = None
        if kind == Organisation.Kind.SCHOOL and not row["territory_code"]:
            report.cell(line, "territory_code", _("obligatoire pour une école : le territoire "
                                                  "désigne son corps de police"))
        elif territory_code and kind and kind != Organisation.Kind.SCHOOL:
            report.cell(line, "territory_code",
                        _("seule une école est rattachée à un territoire"))
        elif territory_code:
            territory = territories.get(territory_code)
            if territory is None:
                report.cell(line, "territory_code", _(
                    "aucun territoire n'a le code « %(value)s » (importez d'abord les "
                    "territoires)") % {"value": territory_code})
        if len(report.errors) == before:
            plan.rows.append({"code": code, "kind": kind, "name": name,
                              "parent_code": parent_code, "territory": territory})


_CHECKS = {
    "forces": _check_forces,
    "territories": _check_territories,
    "agreements": _check_agreements,
    "organisations": _check_organisations,
}


def plan_import(*, kind: str, path: Path, display_name: str) -> Plan:
    """Read and check a file; writes nothing."""
    if kind not in COLUMNS:
        raise ValueError(f"unknown reference kind {kind!r}")
    plan = Plan(kind=kind)
    report = _Report(display_name)
    rows = _read(Path(path), report, COLUMNS[kind])
    if not report.errors:
        _CHECKS[kind](report, rows, plan)
    plan.errors = report.errors
    return plan


def _upsert(model, lookup: dict, values: dict) -> str:
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        model.objects.create(**lookup, **values)
        return "created"
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if not changed:
        return "unchanged"
    for name in changed:
        setattr(obj, name, values[name])
    obj.save()
    return "updated"


def apply_import(plan: Plan) -> dict[str, int]:
    """Write a checked plan (no errors); returns how many rows were created, updated, unchanged."""
    if plan.errors:
        raise ValueError("a plan with errors cannot be applied")
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    rows = plan.rows
    if plan.kind == "organisations":
        # Parents (service centres, networks) first, so that schools can point at them.
        rows = sorted(rows, key=lambda r: r["kind"] == Organisation.Kind.SCHOOL)
    for row in rows:
        if plan.kind == "forces":
            outcome = _upsert(Organisation, {"code": row["code"]},
                              {"kind": Organisation.Kind.POLICE_FORCE, "name": row["name"]})
        elif plan.kind == "territories":
            force = row["police_force"]
            outcome = _upsert(Territory, {"code": row["code"]},
                              {"name": row["name"],
                               "police_force_id": force.pk if force else None})
        elif plan.kind == "agreements":
            outcome = _upsert(DpcpAgreement, {"police_force_id": row["police_force"].pk,
                                              "signed_on": row["signed_on"]},
                              {"ended_on": row["ended_on"]})
        else:
            parent = (Organisation.objects.get(code=row["parent_code"])
                      if row["parent_code"] else None)
            territory = row["territory"]
            outcome = _upsert(Organisation, {"code": row["code"]}, {
                "kind": row["kind"], "name": row["name"],
                "parent_id": parent.pk if parent else None,
                "territory_id": territory.pk if territory else None,
            })
        counts[outcome] += 1
    return counts
