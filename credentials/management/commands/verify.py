"""`sexto verify FILE_OR_URL [--json] [--lang fr|en]`: verify any Open Badge from a terminal.

The same verification as the public page (credentials/verify.py). The exit code says the
verdict, for scripts: 0 valid, 1 invalid (signature, revoked, expired, malformed), 2 unusable
input (not a credential, unreadable or missing file), 3 signature valid but a check could not be
completed (a status list or DID out of reach).
"""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand
from django.utils import translation
from django.utils.translation import gettext as _

from credentials import verify as verification
from credentials.verify import (
    FAIL,
    MAX_INPUT_BYTES,
    Report,
    check_label,
    outcome_label,
    verdict_label,
)


def _read(source: str) -> bytes:
    """The file's bytes ("-": standard input), one byte past the limit at most: verify() then
    says it is too large, and a huge file is never read whole."""
    if source == "-":
        return sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
    with open(source, "rb") as file:
        return file.read(MAX_INPUT_BYTES + 1)


def _reason(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return _("fichier introuvable")
    if isinstance(exc, IsADirectoryError):
        return _("c'est un dossier")
    if isinstance(exc, PermissionError):
        return _("accès refusé")
    return exc.strerror or str(exc)  # rarer cases: the system's own words


class Command(BaseCommand):
    help = ("Verify an Open Badge (OB 3.0 JSON or VC-JWT, OB 2.0, baked PNG or SVG) from a file, "
            "a URL or standard input (-). Exit code: 0 valid, 1 invalid, 2 not a usable "
            "credential, 3 signature valid but a check could not be completed.")

    def add_arguments(self, parser):
        parser.add_argument("source", metavar="FILE_OR_URL",
                            help="A file, an http(s) URL, or - for standard input.")
        parser.add_argument("--json", action="store_true", dest="as_json",
                            help="Print the report as JSON.")
        parser.add_argument("--lang", choices=["fr", "en"], default="fr",
                            help="Language of the messages (default: fr).")

    def handle(self, *args, source: str, as_json: bool, lang: str, **options):
        with translation.override(lang):
            report = self._verify(source)
            if as_json:
                self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
            else:
                for check in report.checks:
                    self.stdout.write(_("[%(outcome)s] %(check)s : %(message)s") % {
                        "outcome": outcome_label(check.outcome),
                        "check": check_label(check.name), "message": check.message})
                self.stdout.write(_("Verdict : %(verdict)s") % {
                    "verdict": verdict_label(report.verdict)})
        # handle()'s return value is printed, not used as the exit status.
        sys.exit(report.exit_code)

    def _verify(self, source: str) -> Report:
        # The fetcher is looked up at call time, so that tests may replace the network.
        fetch = verification.default_fetcher
        if source.startswith(("http://", "https://")):
            return verification.verify(text=source, fetch=fetch)
        try:
            data = _read(source)
        except OSError as exc:
            report = Report()  # no format: unusable, exit code 2
            report.add("input", FAIL, _("Impossible de lire %(source)s : %(reason)s")
                       % {"source": source, "reason": _reason(exc)})
            return report
        return verification.verify(data=data, fetch=fetch)
