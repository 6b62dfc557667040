"""Case text refuses an image pasted as text, in every common shape, and keeps the rest of
what was typed (cases/validators.py). Issue 10: base64 wrapped at 76 columns, base64 with
spaces, hex with spaces and "data: image/png;base64," then a newline all got through, and a
2.4 KB PNG came back byte-identical from the case page."""

import base64
import quopri
import random
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError

from cases.validators import embedded_data_spans, reject_embedded_data, without_embedded_data


def png_image(width: int = 32, height: int = 24) -> bytes:
    """A real PNG (signature, IHDR, IDAT, IEND, CRCs) of noise, about 2.4 KB."""
    noise = random.Random(7)
    rows = b"".join(b"\x00" + noise.randbytes(width * 3) for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))


PNG = png_image()
B64 = base64.b64encode(PNG).decode()
SHAPES = {
    "base64 wrapped at 76 columns": base64.encodebytes(PNG).decode(),
    "base64 unbroken": B64,
    "base64 in groups of 4": " ".join(B64[i:i + 4] for i in range(0, len(B64), 4)),
    "base64 in groups of 16 on lines": "\n".join(
        " ".join(B64[j:j + 16] for j in range(i, min(i + 64, len(B64)), 16))
        for i in range(0, len(B64), 64)),
    "base64url": base64.urlsafe_b64encode(PNG).decode().rstrip("="),
    "hex": PNG.hex(),
    "hex with spaces": PNG.hex(" "),
    "hex in capitals on lines": "\n".join(PNG.hex(" ").upper()[i:i + 48]
                                          for i in range(0, len(PNG.hex(" ")), 48)),
    "data URI then a newline": "data: image/png;base64,\n" + B64,
    "data URI broken before base64": "data:image/png;\nbase64," + base64.encodebytes(PNG).decode(),
    "data URI with spaces": "data : image/png ; base64 , " + B64,
    "quoted-printable": quopri.encodestring(PNG).decode("latin-1"),
    "percent-encoded": "".join(f"%{byte:02X}" for byte in PNG),
}
BEFORE = "Ce que l'élève a raconté, gardé tel quel."
AFTER = "Et après : la suite du récit, gardée aussi."


def test_the_image_is_a_real_png_of_about_2_4_kb():
    assert PNG.startswith(b"\x89PNG\r\n\x1a\n") and PNG.endswith(b"IEND\xaeB`\x82")
    assert 2300 <= len(PNG) <= 2500


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_each_shape_is_refused_and_the_rest_kept(shape):
    text = f"{BEFORE}\n{SHAPES[shape]}\n{AFTER}"
    with pytest.raises(ValidationError) as refused:
        reject_embedded_data(text)
    assert refused.value.code == "embedded_data"
    kept = without_embedded_data(text)
    assert kept == f"{BEFORE}\n\n{AFTER}"
    # Nothing of the image is left in what the page shows back.
    reject_embedded_data(kept)


@pytest.mark.parametrize("shape", ["base64 in groups of 4", "hex with spaces"])
def test_inline_within_a_sentence(shape):
    text = f"Voici ce qu'on m'a envoyé {SHAPES[shape]} fin du message."
    assert embedded_data_spans(text)
    assert without_embedded_data(text) == "Voici ce qu'on m'a envoyé fin du message."


FRENCH = [
    "Le 12 mars 2026 à 14 h 30, l'élève de secondaire 3 (groupe 304) a dit que la photo "
    "circulait sur Snapchat depuis lundi. Anticonstitutionnellement, "
    "l'intergouvernementalisation des procédures n'a rien changé.",
    # Acronyms, numbers, codes, no punctuation at all.
    "Rencontre avec E1 E2 E3 le 12 03 2026 a 10h SPVM DPJ CIUSSS MTL dossier SPVM 2026 004512 "
    "tel 514 555 1234 poste 2201 code postal H2X 1Y4 local B 204 casier 1187 cadenas 4455",
    # Typed without accents or punctuation, a long run of ordinary words.
    "le jeune a envoye la photo a son ami qui la transmise a tout le groupe de la classe de "
    "secondaire deux puis les parents ont appele la direction vers midi et nous avons "
    "rencontre les trois eleves un apres l autre sans regarder le telephone",
    "https://www.snapchat.com/add/pseudo_eleve_2026?share_id=QkY3RjU2NzgtOTg3Ni00&locale=fr_CA "
    "voir aussi #Sexto2026",
    "Numéros d'enveloppe : 2026-0412, 2026-0413 et 2026-0414 ; scellés à 10 h 05, 10 h 12 et "
    "10 h 47. Remis à l'agente 4471 du poste de quartier 38 le 2026-03-12.",
    "Heures : 08:15 08:30 08:45 09:00 09:15 09:30 09:45 10:00 10:15 10:30 10:45 11:00 11:15",
    "Dates 2026 03 12 2026 03 13 2026 03 14 2026 03 15 2026 03 16 2026 03 17 2026 03 18 2026",
    "Un texte EN MAJUSCULES PARCE QUE LA PERSONNE ÉTAIT PRESSÉE ET INQUIÈTE POUR SON ENFANT "
    "QUI NE VOULAIT PLUS ALLER À L'ÉCOLE DEPUIS DEUX SEMAINES",
    "Élève A dit : « Je ne l'ai pas envoyée ! » Élève B répond qu'il l'a reçue à 23 h 58.",
    "Coordonnées : ecole.exemple@cssdeuxrivieres.qc.ca, 450 555-0199 poste 7102.",
    "Formule: x=12, y=34, total=46 ; 100 % des élèves rencontrés ; 3e/4e secondaire.",
]


@pytest.mark.parametrize("text", FRENCH)
def test_ordinary_french_is_accepted(text):
    reject_embedded_data(text)
    assert embedded_data_spans(text) == []
    assert without_embedded_data(text) == text.strip()
