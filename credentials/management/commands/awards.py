"""`sexto awards list|export|revoke`: every award, its documents, and revocation.

- list [--json]: one line per award, oldest grant first, tab-separated, no header.
- export AWARD_ID --format ob3|ob3-jwt|ob2|png|svg|ob2-png|pdf [--lang fr|en] [-o FILE]
- revoke AWARD_ID... | --badge-class SLUG | --csv FILE, --reason TEXT [--by EMAIL]
"""

import csv
import getpass
import json
import sys
import uuid
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from django.utils.translation import override

from accounts.models import User
from badges.models import Award
from badges.selectors import awards_all
from badges.services import award_revoke
from core.exceptions import ApplicationError
from credentials import exports

FORMATS = ["ob3", "ob3-jwt", "ob2", "png", "svg", "ob2-png", "pdf"]


class Command(BaseCommand):
    help = "Awards: list them, export their documents, revoke them."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        listing = actions.add_parser("list", help="Every award, oldest grant first, no header.")
        listing.add_argument("--json", action="store_true", help="A JSON list of objects.")

        export = actions.add_parser("export", help="One award's credential, image or PDF.")
        export.add_argument("award_id")
        export.add_argument("--format", required=True, choices=FORMATS)
        export.add_argument("--lang", choices=["fr", "en"], default="fr",
                            help="Language of the PDF (French by default).")
        export.add_argument("-o", "--output", help="File to write (default: standard output).")

        revoke = actions.add_parser("revoke", help="Revoke awards, with a reason.")
        revoke.add_argument("award_ids", nargs="*", metavar="AWARD_ID")
        revoke.add_argument("--badge-class", help="Every award of this badge class.")
        revoke.add_argument("--csv", help="A CSV file whose first column holds award ids "
                            "(a header row is skipped).")
        revoke.add_argument("--reason", required=True, help="Shown to the member and staff.")
        revoke.add_argument("--by", help="Email of the person revoking (default: the "
                            "operating-system user is recorded).")

    def handle(self, *args, action: str, **options):
        getattr(self, f"_{action}")(**options)

    # --- list -------------------------------------------------------------------------------

    def _list(self, *, json: bool = False, **_options) -> None:  # noqa: A002 - the flag's name
        rows = []
        # The French path is the canonical one (French is the default language).
        with override("fr"):
            for award in awards_all():
                rows.append({
                    "id": str(award.pk),
                    "status": str(award.status),
                    "member": award.recipient.handle,
                    "badge_class": award.badge_class.slug,
                    "level": award.badge_class.level_kind,
                    "path": reverse("credential_pages:attestation", args=[award.pk]),
                })
        if json:
            self.stdout.write(_json_dumps(rows))
            return
        for row in rows:
            self.stdout.write("\t".join(row[key] for key in
                                        ("id", "status", "member", "badge_class", "level", "path")))

    # --- export -----------------------------------------------------------------------------

    def _export(self, *, award_id: str, format: str, lang: str, output=None,  # noqa: A002
                **_options) -> None:
        award = _award_or_error(award_id)
        content = exports.award_export(award=award, format=format, language=lang)
        if output:
            Path(output).write_bytes(content)
            self.stderr.write(f"{format} of award {award.pk} written to {output}")
        else:
            sys.stdout.buffer.write(content)
            sys.stdout.flush()

    # --- revoke -----------------------------------------------------------------------------

    def _revoke(self, *, award_ids, badge_class=None, csv=None, reason: str,  # noqa: A002
                by=None, **_options) -> None:
        actor = None
        if by:
            actor = User.objects.filter(email__iexact=by.strip()).first()
            if actor is None:
                raise CommandError(f"No account with the email {by}.")
        label = by or f"os:{getpass.getuser()}"
        targets: list[str] = list(award_ids)
        if csv:
            targets += _ids_from_csv(Path(csv))
        awards = []
        unknown = []
        for value in targets:
            award = _award_or_none(value)
            (awards.append(award) if award else unknown.append(value))
        if badge_class:
            found = list(Award.objects.filter(badge_class__slug=badge_class))
            if not found:
                unknown.append(f"badge class {badge_class}")
            awards += found
        if not targets and not badge_class:
            raise CommandError("Give award ids, --badge-class or --csv.")
        seen = set()
        for award in awards:
            if award.pk in seen:
                continue
            seen.add(award.pk)
            try:
                changed = award_revoke(award=award, reason=reason, actor=actor, actor_label=label)
            except ApplicationError as error:
                raise CommandError(error.message) from error
            self.stdout.write(f"{award.pk}\t{'revoked' if changed else 'already revoked'}")
        for value in unknown:
            self.stderr.write(f"{value}\tunknown")
        if unknown:
            sys.exit(1)


def _json_dumps(rows) -> str:
    return json.dumps(rows, indent=2)


def _award_or_none(value: str) -> Award | None:
    try:
        return Award.objects.select_related("badge_class", "recipient").filter(
            pk=uuid.UUID(value.strip())).first()
    except ValueError:
        return None


def _award_or_error(value: str) -> Award:
    award = _award_or_none(value)
    if award is None:
        raise CommandError(f"No award with the id {value}.")
    return award


def _ids_from_csv(path: Path) -> list[str]:
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            rows = [row for row in csv.reader(handle) if row and row[0].strip()]
    except OSError as error:
        raise CommandError(f"{path}: {error.strerror}") from error
    if rows and _award_or_none(rows[0][0]) is None and not _looks_like_uuid(rows[0][0]):
        rows = rows[1:]  # a header row
    return [row[0].strip() for row in rows]


def _looks_like_uuid(value: str) -> bool:
    try:
        uuid.UUID(value.strip())
    except ValueError:
        return False
    return True
