"""Actions recorded by the privacy app (Law 25): incident register and access requests."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "confidentiality_incident.created": _("Incident de confidentialité inscrit"),
    "confidentiality_incident.updated": _("Incident de confidentialité modifié"),
    "confidentiality_incident.deleted": _("Incident de confidentialité supprimé"),
    "confidentiality_incident.purged": _("Incident de confidentialité détruit (délai écoulé)"),
    "access_request.recorded": _("Demande d'accès inscrite"),
    "access_request.assembled": _("Dossier de la demande d'accès assemblé"),
    "access_request.package_changed": _("Dossier de la demande d'accès changé"),
    "access_request.approved": _("Demande d'accès approuvée"),
    "access_request.delivered": _("Demande d'accès remise"),
    "access_request.package_shown": _("Dossier de la demande d'accès consulté"),
    "access_request.package_summary_shown": _("Résumé du dossier de la demande d'accès "
                                              "consulté"),
}
