"""Actions recorded by the badges app: badge classes, requests and their review, awards."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "badge_class.created": _("Badge créé"),
    "badge_class.updated": _("Badge modifié"),
    "badge_request.submitted": _("Demande de badge envoyée"),
    "badge_request.resubmitted": _("Demande de badge envoyée de nouveau"),
    # The reviewer's decision: badge_request.<the request's new status>.
    "badge_request.granted": _("Demande de badge accordée"),
    "badge_request.rejected": _("Demande de badge refusée"),
    "badge_request.revision_requested": _("Révision de la demande de badge demandée"),
    "badge_request.grant_refused": _("Attribution du badge refusée (admissibilité)"),
    "award.granted": _("Badge attribué"),
    "award.visibility_changed": _("Visibilité du badge modifiée"),
    "award.revoked": _("Badge révoqué"),
}
