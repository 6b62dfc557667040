"""`sexto privacy purge [--dry-run]`: delete register entries kept for their 5 years.

Run it daily (cron or a systemd timer). It prints the ids it deleted, never their content,
and the audit log records each deletion by id.
"""

from django.core.management.base import BaseCommand

from privacy.services import incidents_purge


class Command(BaseCommand):
    help = ("Law 25 tools: `purge` deletes the confidentiality incidents whose 5 years of "
            "retention are over; `--dry-run` only lists them.")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["purge"])
        parser.add_argument("--dry-run", action="store_true",
                            help="List what would be deleted; delete nothing.")

    def handle(self, *args, action, dry_run, **options):
        result = incidents_purge(dry_run=dry_run)
        for incident_id in result.ids:
            self.stdout.write(f"{'would delete' if dry_run else 'deleted'} {incident_id}")
        count = len(result.ids)
        if dry_run:
            self.stdout.write(f"Dry run: {count} register entries past retention; none deleted.")
        else:
            self.stdout.write(f"{count} register entries past retention deleted.")
