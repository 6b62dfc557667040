"""`sexto cases purge|remind|rotate-keys|generate-key`: the case files' periodic jobs and keys.

- purge [--dry-run]: destroy what the retention schedules say has been kept long enough; one
  line per case (id, what, rule), then totals. Run daily.
- remind: tell the people who must act, in the app and by a content-free email, about
  follow-ups that fell due, hand-offs unacknowledged after 24 and 48 hours, and cases without
  a lead after 4 working hours (cases/reminders.py); each once, so it can run every 5 minutes.
  One line per reminder made, then totals.
- rotate-keys: re-encrypt every case field under the newest key of SEXTO_CASE_KEYS and
  recompute the students' indexes. Run after putting a new key first.
- generate-key: print a new key for SEXTO_CASE_KEYS.

Output names cases by their opaque id only: it may end up in cron mail or a log.
"""

from cryptography.fernet import Fernet
from django.core.management.base import BaseCommand, CommandError

from cases.reminders import reminders_send
from cases.retention import purge
from cases.rotation import case_keys_rotate
from core.exceptions import ApplicationError


class Command(BaseCommand):
    help = "Case files: retention purge, support reminders, encryption keys."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        purging = actions.add_parser(
            "purge", help="Destroy closed cases and police information past their retention.")
        purging.add_argument("--dry-run", action="store_true",
                             help="Say what would be destroyed; change nothing.")
        actions.add_parser("remind", help="Notify the people who must act on follow-ups due, "
                           "hand-offs unacknowledged, cases without a lead (each once; no "
                           "content, a link only). Safe to run every few minutes.")
        actions.add_parser("rotate-keys", help="Re-encrypt case content under the first key "
                           "of SEXTO_CASE_KEYS and recompute the students' indexes.")
        actions.add_parser("generate-key", help="Print a new key for SEXTO_CASE_KEYS.")

    def handle(self, *args, action: str, **options):
        getattr(self, "_" + action.replace("-", "_"))(**options)

    def _purge(self, *, dry_run: bool = False, **_options) -> None:
        report = purge(dry_run=dry_run)
        for item in report.items:
            self.stdout.write("\t".join([item.case_id, item.what, item.rule]))
        verb = "would be destroyed" if dry_run else "destroyed"
        self.stdout.write(
            f"{report.cases_destroyed} case(s) {verb}; police information {verb} in "
            f"{report.police_information_cases} case(s) ({report.shared_rows_destroyed} "
            f"item(s) in all)" + (" (dry run: nothing changed)" if dry_run else ""))

    def _remind(self, **_options) -> None:
        report = reminders_send()
        for reminder in report.reminders:
            if reminder.reachable:
                self.stdout.write(f"{reminder.case_id}\t{reminder.what}\t{reminder.detail}\t"
                                  f"{reminder.notified} person(s) notified")
            else:
                # Written to stderr so that cron mails it: someone must look at that case.
                self.stderr.write(f"{reminder.case_id}\t{reminder.what}\t{reminder.detail}\t"
                                  "nobody to notify (no lead, principal or liaison officer); "
                                  "tried again next run")
        if report.emails_failed:
            self.stderr.write(f"{report.emails_failed} email(s) could not be sent (is the mail "
                              "server up?); the notices are in the app; tried again at the next "
                              "runs for a day")
        cases = len({reminder.case_id for reminder in report.reminders})
        self.stdout.write(f"{len(report.reminders)} reminder(s) in {cases} case(s); "
                          f"{report.notified} person(s) notified; "
                          f"{report.emails_sent} email(s) sent")

    def _rotate_keys(self, **_options) -> None:
        try:
            report = case_keys_rotate()
        except ApplicationError as error:
            raise CommandError(error.message) from error
        for name, count in report.reencrypted.items():
            self.stdout.write(f"{name}\t{count}")
        self.stdout.write(
            f"{report.total} value(s) re-encrypted under the newest key; "
            f"{report.already_current} already under it; "
            f"{report.changed_meanwhile} edited meanwhile and left as written; "
            f"{report.indexes_recomputed} student index(es) recomputed")

    def _generate_key(self, **_options) -> None:
        self.stdout.write(Fernet.generate_key().decode("ascii"))
