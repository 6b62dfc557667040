"""`sexto second_factor unlock|reset EMAIL --reason TEXT`: help a person locked out of their
second factor.

- `unlock` lifts the one-hour lock set by repeated second-factor failures;
- `reset` also removes the person's authenticator apps, passkeys and recovery codes (for a
  lost phone): they sign in with their password and add a new second factor.

Both are audited with the reason, and the person is told by email. Check who is asking before
running either: whoever gets a reset can sign in with the password alone until they add a new
second factor. Administrators do the same from the people page (accounts:people_second_factor);
this command is for the platform's operators.
"""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from accounts.services import second_factor_reset


class Command(BaseCommand):
    help = "Second-factor tools: `unlock EMAIL` or `reset EMAIL`, with --reason."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["unlock", "reset"])
        parser.add_argument("email")
        parser.add_argument("--reason", required=True,
                            help="Why (kept in the audit log), e.g. the support ticket.")

    def handle(self, *args, action, email, reason, **options):
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No account uses {email!r}.")
        if not reason.strip():
            raise CommandError("--reason must say why.")
        counts = second_factor_reset(user=user, reason=reason.strip(),
                                     unlock_only=action == "unlock")
        if action == "unlock":
            self.stdout.write(f"{user.email}: second-factor lock lifted." if counts["lock"]
                              else f"{user.email} was not locked.")
        else:
            self.stdout.write(
                f"{user.email}: removed {counts['totp']} authenticator app(s), "
                f"{counts['passkey']} passkey(s) and the recovery codes; the lock is lifted."
            )
