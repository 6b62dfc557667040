from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from badges.models import Award
from credentials.keys import keyring_ensure_demo
from credentials.services import credential_for_award
from demo.cases import TOTP_KEYS, totp_secret
from demo.data import DEMO_PASSWORD, PEOPLE, demo_data_load


class Command(BaseCommand):
    help = (
        "Run the demo: migrate the embedded SQLite database under var/, load the program "
        "content and the fictional demo data (idempotent), then serve on 127.0.0.1."
    )

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--no-serve", action="store_true",
            help="Prepare the database and data, print the accounts, and stop.",
        )

    def handle(self, *args, port: int, no_serve: bool, **options):
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        call_command("content", "load", "--all", "--publish", verbosity=0, stdout=self.stdout)
        # The demo's grants and reviews are staged, not news: their emails would only bury
        # the welcome text below, so they go nowhere.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            demo_data_load()
        # Credentials name the address they were issued at: sign them for this one.
        keyring_ensure_demo()
        for award in Award.objects.select_related("badge_class", "recipient"):
            credential_for_award(award=award)
        self._print_welcome(port)
        if no_serve:
            return
        # No autoreloader: it would re-run this whole command in a child process.
        call_command("runserver", f"127.0.0.1:{port}", use_reloader=False)

    def _print_welcome(self, port: int) -> None:
        url = f"http://127.0.0.1:{port}/"
        self.stdout.write(self.style.SUCCESS(f"\nSexto demo: {url}"))
        self.stdout.write(f"Every demo account's password: {DEMO_PASSWORD}\n")
        width = max(len(p.email) for p in PEOPLE)
        for person in PEOPLE:
            self.stdout.write(f"  {person.email.ljust(width)}  {person.what}")
        self.stdout.write("\nCase files ask for a second factor. Add these demo secrets to any "
                          "authenticator app (TOTP; demo only):")
        emails = {person.key: person.email for person in PEOPLE}
        for key in TOTP_KEYS:
            self.stdout.write(f"  {emails[key].ljust(width)}  {totp_secret(key)}")
        self.stdout.write("\nEmails are printed here instead of being sent.\n")
