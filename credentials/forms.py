"""The public verifier's form: one badge, given one way out of three (pasted, address, image).

Shapes only: what the badge is worth is credentials.verify's business. The image is read into
memory by `BoundedMemoryUploadHandler` and never written anywhere.
"""

from __future__ import annotations

import re
from pathlib import PurePath

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.utils.translation import gettext_lazy as _

from credentials.verify import MAX_INPUT_BYTES, PNG_SIGNATURE

# Extension -> what the bytes must be, and the content types a browser may announce for it.
# Browsers that do not know the type send application/octet-stream: the bytes decide then.
IMAGE_TYPES = {".png": ("png", {"image/png"}), ".svg": ("svg", {"image/svg+xml"})}
GENERIC_CONTENT_TYPES = {"", "application/octet-stream"}
# The root element of an SVG, possibly prefixed (<svg:svg ...>).
SVG_ROOT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?svg[\s>/]")
SVG_SNIFF_BYTES = 64 * 1024


class BoundedMemoryUploadHandler(MemoryFileUploadHandler):
    """Uploads in memory, never in a temporary file, and at most MAX_INPUT_BYTES + 1 bytes of
    them per request: the rest is read and dropped, and the file's size says it was too big.

    Django's memory handler gives up past FILE_UPLOAD_MAX_MEMORY_SIZE, and the file would then
    silently vanish from the form ("nothing given") rather than be refused as too large.
    """

    def __init__(self, request=None):
        super().__init__(request)
        self.kept = 0

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.activated = True  # whatever the request's length: nothing goes to disk

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        room = MAX_INPUT_BYTES + 1 - self.kept
        if room > 0:
            self.file.write(raw_data[:room])
            self.kept += min(room, len(raw_data))
        return None  # nothing for any other handler

    def file_complete(self, file_size: int):
        # Cut short by the request's budget (an earlier file spent it): too large all the same.
        truncated = self.file.tell() < file_size
        return super().file_complete(max(file_size, MAX_INPUT_BYTES + 1) if truncated
                                     else file_size)


def _is_svg(data: bytes) -> bool:
    head = data[:SVG_SNIFF_BYTES].lstrip().removeprefix(b"\xef\xbb\xbf").lstrip()
    return head.startswith(b"<") and SVG_ROOT.search(head) is not None


class VerifierForm(forms.Form):
    credential = forms.CharField(
        label=_("Badge collé (JSON ou JWT)"),
        help_text=_("Le contenu du badge tel quel : du JSON qui commence par « { », ou un "
                    "jeton JWT qui commence par « eyJ »."),
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false", "autocomplete": "off"}),
        required=False,
        max_length=MAX_INPUT_BYTES,
        error_messages={"max_length": _("Ce texte est trop long (2 Mo au plus).")},
    )
    url = forms.URLField(
        label=_("Adresse web du badge"),
        help_text=_("L'adresse (https://…) où le badge est publié, en JSON, en JWT ou en "
                    "image. Sexto ira chercher le document à cette adresse."),
        required=False,
        max_length=2000,
        assume_scheme="https",
        error_messages={"invalid": _("Donnez une adresse web complète, en http:// ou "
                                     "https://.")},
    )
    image = forms.FileField(
        label=_("Image du badge (PNG ou SVG)"),
        help_text=_("Un fichier .png ou .svg de 2 Mo au plus, dans lequel le badge est "
                    "intégré. Il est lu puis oublié : rien n'est enregistré."),
        required=False,
        widget=forms.FileInput(attrs={"accept": ".png,.svg,image/png,image/svg+xml"}),
        error_messages={"empty": _("Ce fichier est vide.")},
    )

    INPUTS = ("credential", "url", "image")

    def __init__(self, *args, too_large: bool = False, **kwargs):
        kwargs.setdefault("label_suffix", "")  # labels are written as sentences
        super().__init__(*args, **kwargs)
        # Django refused the request's fields as too large before this form could read them.
        self.too_large = too_large

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        # URLField also takes ftp://; the verifier fetches web addresses only.
        if url and not url.lower().startswith(("http://", "https://")):
            raise ValidationError(self.fields["url"].error_messages["invalid"], code="invalid")
        return url

    def clean_image(self) -> bytes | None:
        """The image's bytes, once they are a PNG or SVG matching the file's name and type."""
        upload = self.cleaned_data.get("image")
        if not upload:
            return None
        if len(self.files.getlist(self.add_prefix("image"))) > 1:
            raise ValidationError(_("Déposez une seule image."), code="several")
        if upload.size > MAX_INPUT_BYTES:
            raise ValidationError(_("Cette image dépasse 2 Mo ; déposez-en une plus petite."),
                                  code="too_large")
        data = upload.read()
        kind = "png" if data.startswith(PNG_SIGNATURE) else "svg" if _is_svg(data) else None
        expected, content_types = IMAGE_TYPES.get(PurePath(upload.name).suffix.lower(),
                                                  (None, set()))
        content_type = (upload.content_type or "").lower()
        if kind is None or kind != expected or \
                content_type not in content_types | GENERIC_CONTENT_TYPES:
            raise ValidationError(_("Ce fichier n'est pas une image PNG ou SVG : déposez "
                                    "l'image du badge (.png ou .svg)."), code="file_type")
        return data

    def _given(self, name: str) -> bool:
        key = self.add_prefix(name)
        if name == "image":
            return bool(self.files.get(key))
        return bool((self.data.get(key) or "").strip())

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.too_large:
            raise ValidationError(_("Ce qui a été envoyé dépasse la taille acceptée (2 Mo au "
                                    "plus)."), code="too_large")
        given = [name for name in self.INPUTS if self._given(name)]
        if not given:
            raise ValidationError(_("Donnez le badge à vérifier : collez-le, indiquez son "
                                    "adresse web ou déposez son image."), code="none")
        if len(given) > 1:
            raise ValidationError(_("Donnez le badge d'une seule façon à la fois : collé, par "
                                    "son adresse ou par son image."), code="several")
        return cleaned

    def full_clean(self) -> None:
        super().full_clean()
        # Django ties only the help text to its field; errors are tied too, for screen readers.
        for name, field in self.fields.items():
            auto_id = self[name].auto_id
            described_by = [f"{auto_id}_helptext"] if field.help_text else []
            if name in self.errors:
                described_by.append(f"{auto_id}_errors")
            if described_by:
                field.widget.attrs["aria-describedby"] = " ".join(described_by)

    def verify_arguments(self) -> dict:
        """verify()'s arguments for what was given (the form must be valid)."""
        if self.cleaned_data.get("image"):
            return {"data": self.cleaned_data["image"]}
        return {"text": self.cleaned_data.get("credential") or self.cleaned_data.get("url")}
