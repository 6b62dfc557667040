"""`sexto roles bootstrap-admin EMAIL`: make an existing account the first platform administrator.

Every later role is granted on the people page, by someone allowed to grant it.
"""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Role, User
from accounts.selectors import user_has_role
from accounts.services import membership_bootstrap


class Command(BaseCommand):
    help = "Role tools: `bootstrap-admin EMAIL` grants platform_admin to an existing account."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["bootstrap-admin"])
        parser.add_argument("email")

    def handle(self, *args, action, email, **options):
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(
                f"No account uses {email!r}. Create it first (sign up, or `sexto createsuperuser`)."
            )
        if not user.is_active:
            raise CommandError(f"The account {email!r} is deactivated.")
        if user_has_role(user, Role.PLATFORM_ADMIN):
            self.stdout.write(f"{user.email} is already a platform administrator.")
            return
        membership_bootstrap(user=user, role=Role.PLATFORM_ADMIN,
                             reason="sexto roles bootstrap-admin")
        self.stdout.write(f"{user.email} is now a platform administrator.")
