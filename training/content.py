"""Validating and loading program content files (content/README.md).

A file is read once; its SHA-256 identifies the exact text, so that loading the same file
twice is a no-op and changing a loaded version without raising `version` is refused (learners
who started a version must keep seeing the text they started).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic import ValidationError

from audit.services import record
from core.exceptions import ApplicationError
from training.content_schema import (
    Loc,
    ProgramDocument,
    clean_loc,
    place_from_loc,
    semantic_errors,
)
from training.models import Level, Module, Program


class ContentError(ApplicationError):
    """A content file was refused. `errors` holds every problem: "FILE: place: what"."""

    def __init__(self, errors: list[str]):
        self.errors = list(errors)
        super().__init__("\n".join(self.errors), code="content_invalid")


@dataclass(frozen=True)
class ContentLoadResult:
    program: Program
    created: bool  # False when this exact file was already loaded
    published: bool  # whether the program is published once the call returns


# --- reading YAML ---------------------------------------------------------------------------


class _Loader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys (YAML would keep the last one without a word)."""

    def construct_mapping(self, node, deep=False):
        seen: set = set()
        for key_node, _value_node in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, _("la clé « %(key)s » apparaît deux fois") % {"key": key},
                    key_node.start_mark,
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _line_map(node, path: Loc = (), lines: dict | None = None) -> dict[Loc, int]:
    """Where each value sits in the file (1-based line), to point authors at it."""
    lines = {} if lines is None else lines
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            child = (*path, key_node.value)
            lines[child] = key_node.start_mark.line + 1
            _line_map(value_node, child, lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _line_map(item, (*path, index), lines)
    return lines


def _line_for(loc: Loc, lines: dict[Loc, int]) -> int | None:
    # A missing key has no line of its own: point at the closest enclosing value.
    for end in range(len(loc), -1, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return None


def _format(name: str, loc: Loc, message: str, lines: dict[Loc, int]) -> str:
    line = _line_for(loc, lines)
    suffix = _(" (ligne %(line)d)") % {"line": line} if line else ""
    return f"{name}: {place_from_loc(loc)}: {message}{suffix}"


# --- pydantic errors, in the reader's language -----------------------------------------------


def _pydantic_message(error: dict) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    messages = {
        "missing": _("champ obligatoire manquant"),
        "extra_forbidden": _("clé inconnue (vérifiez l'orthographe ; les clés permises sont "
                             "décrites dans content/README.md)"),
        "string_type": _("doit être un texte (mettez-le entre guillemets s'il ressemble à un "
                         "nombre ou à oui/non)"),
        "blank": _("ne doit pas être vide"),
        "int_type": _("doit être un nombre entier"),
        "bool_type": _("doit être true ou false"),
        "list_type": _("doit être une liste"),
        "dict_type": _("doit être un dictionnaire (des clés et leurs valeurs)"),
        "model_type": _("doit être un dictionnaire (des clés et leurs valeurs)"),
        "model_attributes_type": _("doit être un dictionnaire (des clés et leurs valeurs)"),
        "slug": _("« %(value)s » n'est pas un slug valide : lettres minuscules, chiffres et "
                  "traits d'union, 80 caractères au plus") % {"value": ctx.get("value", "")},
        "identifier": _("« %(value)s » n'est pas un identifiant valide : lettres, chiffres, "
                        "« - » et « _ », 40 caractères au plus") % {"value": ctx.get("value", "")},
        "literal_error": _("valeur non permise ; valeurs possibles : %(expected)s")
        % {"expected": ctx.get("expected", "")},
        "too_short": _("il en faut au moins %(min)s") % {"min": ctx.get("min_length", "")},
        "greater_than": _("doit être plus grand que %(gt)s") % {"gt": ctx.get("gt", "")},
        "union_tag_invalid": _("type de module « %(tag)s » inconnu ; types possibles : "
                               "%(expected)s") % {"tag": ctx.get("tag", ""),
                                                  "expected": ctx.get("expected_tags", "")},
        "union_tag_not_found": _("le type du module (kind) est obligatoire"),
    }
    loc = error.get("loc") or ()
    if kind == "extra_forbidden" and loc and " " in str(loc[-1]):
        # Typically `{fr: Oui, on fait...}`: the comma split the text into a key.
        return _("clé inconnue : un texte qui contient une virgule ou « : » doit être mis "
                 "entre guillemets")
    return messages.get(kind, error["msg"])


# --- validation -----------------------------------------------------------------------------


def _read(path: Path) -> tuple[bytes, str]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ContentError([f"{path.name}: " + _("fichier illisible (%(reason)s)")
                            % {"reason": exc.strerror or exc}]) from exc
    return raw, path.name


def _validate(name: str, raw: bytes) -> ProgramDocument:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ContentError([f"{name}: " + _("le fichier doit être encodé en UTF-8")]) from exc
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = (_("ligne %(line)d, colonne %(column)d")
                 % {"line": mark.line + 1, "column": mark.column + 1}) if mark else ""
        problem = " ".join(filter(None, [exc.context, exc.problem])) or str(exc)
        raise ContentError(
            [f"{name}: {where}: " + _("erreur de syntaxe YAML : %(problem)s")
             % {"problem": problem}]
        ) from exc
    except yaml.YAMLError as exc:
        raise ContentError([f"{name}: " + _("erreur de syntaxe YAML : %(problem)s")
                            % {"problem": exc}]) from exc
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise ContentError([f"{name}: (document): " + _(
            "le fichier doit décrire un programme (des clés format, slug, version...)")])
    lines = _line_map(node)
    try:
        doc = ProgramDocument.model_validate(data)
    except ValidationError as exc:
        raise ContentError([
            _format(name, clean_loc(error["loc"]), _pydantic_message(error), lines)
            for error in exc.errors()
        ]) from exc
    problems = semantic_errors(doc)
    if problems:
        raise ContentError([_format(name, loc, message, lines) for loc, message in problems])
    return doc


def validate_file(path: Path) -> ProgramDocument:
    """Check a content file without touching the database; raises ContentError."""
    raw, name = _read(Path(path))
    return _validate(name, raw)


def validate_files(paths: list[Path]) -> list[ProgramDocument]:
    """Check several files together (for `--all`): each one, then badge slugs across them."""
    documents: list[tuple[str, ProgramDocument]] = []
    errors: list[str] = []
    for path in paths:
        try:
            raw, name = _read(Path(path))
            documents.append((name, _validate(name, raw)))
        except ContentError as exc:
            errors.extend(exc.errors)
    owners: dict[str, tuple[str, str, str]] = {}
    for name, doc in documents:
        for level_index, badge_slug in doc.badge_slugs():
            owner = (doc.slug, doc.levels[level_index].kind, name)
            first = owners.setdefault(badge_slug, owner)
            if first[:2] != owner[:2]:
                errors.append(
                    f"{name}: levels[{level_index}].badge.slug: "
                    + _("le badge « %(slug)s » est déjà déclaré dans %(file)s")
                    % {"slug": badge_slug, "file": first[2]}
                )
    if errors:
        raise ContentError(errors)
    return [doc for _name, doc in documents]


# --- loading --------------------------------------------------------------------------------


def _source_name(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path(settings.SEXTO_CONTENT_DIR).resolve()))
    except ValueError:
        return path.name


def _badge_conflicts(name: str, doc: ProgramDocument) -> list[str]:
    """A badge slug names one badge for good: it may not move to another program or level."""
    errors = []
    for level_index, badge_slug in doc.badge_slugs():
        kind = doc.levels[level_index].kind
        other = (
            Level.objects.filter(badge__slug=badge_slug)
            .exclude(program__slug=doc.slug, kind=kind)
            .select_related("program")
            .first()
        )
        if other is not None:
            errors.append(
                f"{name}: levels[{level_index}].badge.slug: "
                + _("le badge « %(slug)s » appartient déjà au niveau « %(kind)s » du programme "
                    "« %(program)s »")
                % {"slug": badge_slug, "kind": other.kind, "program": other.program.slug}
            )
    return errors


def _module_data(module) -> dict:
    return module.model_dump(mode="json", exclude={"slug", "kind", "title"})


def content_load(path: Path, *, publish: bool = False, actor=None) -> ContentLoadResult:
    """Validate a file and load it as a new program version (a draft unless `publish`).

    All or nothing: any problem raises ContentError and leaves the database unchanged.
    """
    path = Path(path)
    raw, name = _read(path)
    doc = _validate(name, raw)
    sha256 = hashlib.sha256(raw).hexdigest()
    with transaction.atomic():
        existing = Program.objects.filter(slug=doc.slug, version=doc.version).first()
        if existing is not None:
            if existing.source_sha256 != sha256:
                raise ContentError([
                    f"{name}: version: "
                    + _("la version %(version)d du programme « %(slug)s » est déjà chargée avec "
                        "un autre texte ; augmentez « version » pour charger ce changement")
                    % {"version": doc.version, "slug": doc.slug}
                ])
            if publish and not existing.is_published:
                existing = program_publish(program=existing, actor=actor)
            return ContentLoadResult(program=existing, created=False,
                                     published=existing.is_published)

        conflicts = _badge_conflicts(name, doc)
        if conflicts:
            raise ContentError(conflicts)

        program = Program.objects.create(
            slug=doc.slug,
            version=doc.version,
            title=doc.title.model_dump(),
            summary=doc.summary.model_dump(),
            description=doc.description.model_dump(),
            source_file=_source_name(path)[:255],
            source_sha256=sha256,
        )
        for level_position, level_doc in enumerate(doc.levels, start=1):
            level = Level.objects.create(
                program=program,
                kind=level_doc.kind,
                position=level_position,
                title=level_doc.title.model_dump(),
                description=level_doc.description.model_dump(),
                evidence_questions=[q.model_dump(mode="json")
                                    for q in level_doc.evidence_questions],
                badge=level_doc.badge.model_dump(mode="json") if level_doc.badge else {},
            )
            Module.objects.bulk_create([
                Module(
                    level=level,
                    slug=module_doc.slug,
                    position=module_position,
                    kind=module_doc.kind,
                    title=module_doc.title.model_dump(),
                    data=_module_data(module_doc),
                )
                for module_position, module_doc in enumerate(level_doc.modules, start=1)
            ])
        record(
            action="content.loaded",
            actor=actor,
            target=program,
            data={"slug": program.slug, "version": program.version,
                  "file": program.source_file, "sha256": sha256},
        )
        if publish:
            program = program_publish(program=program, actor=actor)
    return ContentLoadResult(program=program, created=True, published=program.is_published)


def program_publish(*, program: Program, actor) -> Program:
    """Make a version the one new learners get. Publishing twice changes nothing."""
    with transaction.atomic():
        program = Program.objects.select_for_update().get(pk=program.pk)
        if program.is_published:
            return program
        program.published_at = timezone.now()
        program.save(update_fields=["published_at", "updated_at"])
        record(
            action="content.published",
            actor=actor,
            target=program,
            data={"slug": program.slug, "version": program.version},
        )
    return program
