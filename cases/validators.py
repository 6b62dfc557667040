"""Text fields of a case refuse embedded data: the case tool holds no image, by construction."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# A data: URI carries a file inside text (data:image/jpeg;base64,...).
DATA_URI = re.compile(r"data:[\w.+-]+/[\w.+-]+[^,\s]{0,200},", re.IGNORECASE)
# A long unbroken run of base64 or hex: no sentence looks like that, an encoded file does.
ENCODED_RUN = re.compile(r"[A-Za-z0-9+/=_-]{200,}")


def reject_embedded_data(value: str) -> None:
    if not value:
        return
    if DATA_URI.search(value) or ENCODED_RUN.search(value):
        raise ValidationError(
            _("Ce champ contient ce qui ressemble à un fichier encodé (image, vidéo). Le dossier "
              "ne reçoit aucun fichier : décrivez en mots ce qu'on vous a dit, sans jamais "
              "regarder ni copier les images. Le reste de votre texte est conservé."),
            code="embedded_data",
        )
