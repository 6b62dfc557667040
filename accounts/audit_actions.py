"""Actions about people's accounts: sign-in, second factor, roles, people."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    # Recorded by audit.receivers, from Django's authentication signals.
    "auth.login": _("Connexion"),
    "auth.logout": _("Déconnexion"),
    "auth.login_failed": _("Échec de connexion"),
    "auth.account_locked": _("Connexion au compte bloquée : échecs venus de plusieurs adresses"),
    "account.created": _("Compte créé"),
    "account.signup_existing": _("Inscription tentée avec l'adresse d'un compte existant"),
    "email.verified": _("Adresse courriel confirmée"),
    "profile.updated": _("Profil modifié"),
    "profile.published_changed": _("Publication du profil modifiée"),
    "password.changed": _("Mot de passe changé"),
    "role.granted": _("Rôle attribué"),
    "role.revoked": _("Rôle retiré"),
    "role.bootstrapped": _("Premier administrateur de la plateforme créé"),
    "join_request.created": _("Demande d'adhésion faite"),
    "join_request.approved": _("Demande d'adhésion acceptée"),
    "join_request.declined": _("Demande d'adhésion refusée"),
    "reference.imported": _("Données de référence importées"),
    "reference.created": _("Donnée de référence ajoutée"),
    "reference.changed": _("Donnée de référence modifiée"),
    "reference.deleted": _("Donnée de référence supprimée"),
    "auth.session_expired": _("Session expirée"),
    "auth.typed_work_restored": _("Saisie rétablie après une reconnexion"),
    "auth.reauthenticated": _("Nouvelle authentification"),
    "auth.device_added": _("Second facteur ajouté"),
    "auth.device_removed": _("Second facteur retiré"),
    "auth.recovery_codes_generated": _("Codes de récupération générés"),
    "auth.second_factor_verified": _("Second facteur vérifié"),
    "auth.second_factor_failed": _("Échec du second facteur"),
    "auth.second_factor_locked": _("Second facteur verrouillé"),
    "auth.second_factor_unlocked": _("Second facteur déverrouillé"),
    "auth.second_factor_reset": _("Second facteur réinitialisé"),
    "auth.second_factor_help_refused": _("Aide au second facteur refusée"),
}
