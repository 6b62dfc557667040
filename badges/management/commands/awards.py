"""`sexto awards list [--json]`: every award, oldest grant first."""

import json

from django.core.management.base import BaseCommand
from django.urls import reverse
from django.utils.translation import override

from badges.selectors import awards_all


class Command(BaseCommand):
    help = "Awards: `list` prints every award (id, status, member, badge class, level, path)."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        listing = actions.add_parser("list", help="Every award, oldest grant first, no header.")
        listing.add_argument("--json", action="store_true", help="A JSON list of objects.")

    def handle(self, *args, action: str, **options):
        if action == "list":
            self._list(as_json=options["json"])

    def _list(self, *, as_json: bool) -> None:
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
                    "path": reverse("badges:attestation", args=[award.pk]),
                })
        if as_json:
            self.stdout.write(json.dumps(rows, indent=2))
            return
        for row in rows:
            self.stdout.write("\t".join(row[key] for key in
                                        ("id", "status", "member", "badge_class", "level", "path")))
