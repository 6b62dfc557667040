"""`sexto reference import KIND FILE`: load police forces, territories, agreements, organisations.

All or nothing: every row is checked first; if any is wrong, every problem is listed
("FILE, ligne N : colonne « x » : ...") and nothing is written.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.reference import COLUMNS, KINDS
from accounts.services import reference_import
from core.exceptions import ApplicationError


class Command(BaseCommand):
    help = (
        "Import reference data from a UTF-8 CSV file with a header row. Kinds and columns: "
        + "; ".join(f"{kind} ({', '.join(columns)})" for kind, columns in COLUMNS.items())
        + ". Import in that order. Rows are matched by code (agreements by police force and "
        "signing date); dates are YYYY-MM-DD."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["import"])
        parser.add_argument("kind", choices=KINDS)
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--language", choices=[code for code, _name in settings.LANGUAGES],
            default=settings.LANGUAGE_CODE, help="Language of the messages (default: fr).",
        )

    def handle(self, *args, action, kind, file, language, **options):
        with translation.override(language):
            try:
                result = reference_import(kind=kind, path=file, display_name=str(file))
            except ApplicationError as error:
                for line in error.extra.get("errors", []):
                    self.stderr.write(line)
                raise CommandError(error.message) from error
            self.stdout.write(
                _("%(kind)s : %(created)s créé(s), %(updated)s mis à jour, %(unchanged)s "
                  "inchangé(s).")
                % {"kind": kind, "created": result.created, "updated": result.updated,
                   "unchanged": result.unchanged}
            )
