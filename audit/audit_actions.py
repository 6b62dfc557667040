"""Actions the audit app records itself, through Django's authentication signals."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "auth.login": _("Connexion"),
    "auth.logout": _("Déconnexion"),
    "auth.login_failed": _("Échec de connexion"),
}
