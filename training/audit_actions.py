"""Actions recorded by the training app: content and learners' progress."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "content.loaded": _("Contenu de formation chargé"),
    "content.published": _("Contenu de formation publié"),
    "training.enrolled": _("Inscription à une formation"),
    "training.level_completed": _("Niveau de formation terminé"),
}
