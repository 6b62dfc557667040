"""Actions recorded by the case tool; a case's access log shows them in these words."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "case.accessed": _("Consultation"),
    "case.tool_accessed": _("Consultation de l'outil des dossiers"),
    "case.access_refused": _("Accès refusé"),
    "case.upload_refused": _("Envoi de fichier refusé"),
    "case.reported": _("Déclaration"),
    "case.report_updated": _("Déclaration modifiée"),
    "case.lead_assigned": _("Responsable attribué"),
    "case.student_added": _("Élève ajouté"),
    "case.student_name_revealed": _("Nom d'un élève affiché"),
    "case.entry_added": _("Rencontre ou note ajoutée"),
    "case.device_seized": _("Appareil saisi"),
    "case.no_device_recorded": _("Aucun appareil saisi (motif noté)"),
    "case.custody_transferred": _("Remise de l'appareil"),
    "case.custody_acknowledged": _("Réception de l'appareil confirmée"),
    "case.grid_saved": _("Grille enregistrée"),
    "case.dpj_recorded": _("Signalement à la DPJ noté"),
    "case.police_contacted": _("Contact avec la police noté"),
    "case.handoff_sent": _("Remise à la police"),
    "case.handoff_acknowledged": _("Réception confirmée par la police"),
    "case.handoff_pdf_exported": _("PDF de la remise téléchargé"),
    "case.police_follow_up_saved": _("Suivi policier enregistré"),
    "case.police_information_shared": _("Renseignements communiqués par la police"),
    "case.directed_to_police": _("Famille dirigée vers la police"),
    "case.support_action_added": _("Action de soutien ajoutée"),
    "case.support_action_done": _("Action de soutien faite"),
    "case.closed": _("Dossier fermé"),
    "case.legal_hold_set": _("Conservation mise à jour"),
    "case.destroyed": _("Dossier détruit (calendrier de conservation)"),
    "case.police_information_destroyed": _(
        "Renseignements de la police détruits (calendrier de conservation)"),
    "case.retention_schedule_set": _("Calendrier de conservation enregistré"),
    "case.retention_schedule_removed": _("Calendrier de conservation retiré"),
    "cases.keys_rotated": _("Clés de chiffrement des dossiers renouvelées"),
}
