"""The incident drill: the school's minimal path through a real incident, from the staff
member's report to the hand-off sent to the police, written once.

`DRILL` lists the screens in order, each with the fields a person fills (by their label, as a
person finds them) and the button they press. Two players use it:
- `drill_play` (here) plays it through the real pages with Django's test client, counting the
  screens shown and the fields filled, for `sexto bench --only incident_drill`;
- the browser test tests/browser/test_incident_drill.py plays the same screens in Chromium.
So the figures describe the path that is tested, not a path imagined beside it.

`klm_seconds` estimates the staff's time on the path with the Keystroke-Level Model (Card,
Moran and Newell, "The Psychology of Human-Computer Interaction", 1983): operators K (a
keystroke), P (pointing with the mouse), B (a mouse button press or release), H (homing between
keyboard and mouse) and M (mental preparation), at the book's times. Narratives have fixed,
realistic lengths: 600 characters told by the reporting student, 300 per meeting.
"""

from __future__ import annotations

import datetime
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

import lxml.html
from django.test import Client
from django.utils import timezone

# Keystroke-Level Model operator times, in seconds (Card, Moran and Newell, 1983).
K = 0.28  # one keystroke, average non-secretary typist (40 words a minute)
P = 1.1  # point at a target on the screen with the mouse
B = 0.1  # press or release a mouse button (a click is BB)
H = 0.4  # move a hand between the keyboard and the mouse
M = 1.35  # mental preparation: read the screen, decide what comes next

REPORT_CHARACTERS = 600
MEETING_CHARACTERS = 300

TARGET_MINUTES = 15
TARGET_SCREENS = 12


def _narrative(length: int, seed: str) -> str:
    """A fictional narrative of exactly `length` characters (no image, no name of anyone)."""
    words = (f"{seed} L'élève raconte, avec ses mots, ce qui s'est passé et qui a reçu le "
             "contenu. Personne n'a regardé d'image. ")
    text = (words * (length // len(words) + 1))[:length]
    return text[:-1] + "."


ACCOUNT = _narrative(REPORT_CHARACTERS, "Récit fictif de l'élève qui dénonce.")
MEETING_VICTIM = _narrative(MEETING_CHARACTERS, "Rencontre fictive avec l'élève victime.")
MEETING_ALLEGED = _narrative(MEETING_CHARACTERS, "Rencontre fictive avec l'auteur présumé.")


@dataclass(frozen=True)
class Field:
    label: str
    value: str  # for a choice among options, the option's label (or its start, `prefix`)
    kind: str  # "text", "datetime", "number", "select", "radio", "check"
    prefix: bool = False  # the option's label starts with `value` (labels with an opaque mark)


@dataclass(frozen=True)
class Screen:
    who: str  # "staff" or "intervener"
    title: str  # the page's heading (h1), start of
    button: str  # the button pressed to leave it
    fields: tuple[Field, ...] = ()


def _moment(hours_ago: float) -> str:
    return (timezone.localtime() - datetime.timedelta(hours=hours_ago)).strftime(
        "%Y-%m-%dT%H:%M")


def drill_screens() -> tuple[Screen, ...]:
    """The school's minimal path, with times of today (nothing may be in the future)."""
    return (
        Screen("staff", "Déclarer un incident", "Déclarer l'incident", (
            Field("Quand vous a-t-on confié la situation?", _moment(3), "datetime"),
            Field("Ce qu'on vous a dit", ACCOUNT, "text"),
            Field("Snapchat", "", "check"),
            Field("Le contenu circule-t-il encore?", "Oui", "select"),
        )),
        # Her report is recorded; the school's principal and interveners are told.
        Screen("staff", "Votre déclaration", ""),
        # The intervener opens the case from the notice and takes it.
        Screen("intervener", "Dossier", "Prendre ce dossier"),
        Screen("intervener", "Ajouter un élève concerné", "Enregistrer et ajouter un autre élève", (
            Field("Rôle dans l'incident", "Élève victime", "select"),
            Field("Nom de l'élève", "Zoé Imaginaire", "text"),
            Field("Âge", "14", "number"),
        )),
        Screen("intervener", "Ajouter un élève concerné", "Enregistrer", (
            Field("Rôle dans l'incident", "Auteur présumé", "select"),
            Field("Nom de l'élève", "Léo Fictif", "text"),
            Field("Âge", "15", "number"),
        )),
        Screen("intervener", "Rencontre avec l'élève victime ou qui dénonce", "Enregistrer", (
            Field("Élève rencontré", "Élève victime ·", "select", prefix=True),
            Field("Date et heure", _moment(2.5), "datetime"),
            Field("Ce qui a été dit et fait", MEETING_VICTIM, "text"),
        )),
        Screen("intervener", "Rencontre avec l'auteur présumé", "Enregistrer", (
            Field("Élève rencontré", "Auteur présumé ·", "select", prefix=True),
            Field("Date et heure", _moment(2), "datetime"),
            Field("Ce qui a été dit et fait", MEETING_ALLEGED, "text"),
        )),
        Screen("intervener", "Saisir un appareil", "Enregistrer", (
            Field("Description de l'appareil", "Téléphone noir, étui rouge", "text"),
            Field("Saisi le", _moment(2), "datetime"),
            Field("Saisi par", "Jade Fictive", "text"),
            Field("Numéro de l'enveloppe scellée", "ENV-042", "text"),
            Field("Lieu où il est gardé sous clé", "Coffre de la direction", "text"),
        )),
        Screen("intervener", "Grille d'évaluation de l'incident", "Enregistrer", (
            Field("Âge de l'élève victime", "14", "number"),
            Field("Âge des auteurs présumés", "15", "text"),
            Field("Relation entre les jeunes", "Amis ou connaissances", "radio"),
            Field("L'image a-t-elle été produite avec le consentement de la victime?", "Oui",
                  "radio"),
            Field("La victime a-t-elle consenti à la diffusion?", "Non", "radio"),
            Field("Pression, menace ou chantage (sextorsion)?", "Non", "radio"),
            Field("Un adulte est-il impliqué?", "Non", "radio"),
            Field("Nombre de destinataires", "De 2 à 5 personnes", "radio"),
            Field("Signes d'une intention de nuire ou d'humilier?", "Ne sait pas", "radio"),
            Field("Impact sur le milieu scolaire", "Impact sur quelques élèves", "radio"),
        )),
        Screen("intervener", "Contact avec le corps de police", "Enregistrer", (
            Field("Corps de police contacté le", _moment(1), "datetime"),
            Field("Policier ou policière joint", "Agente Fictive", "text"),
        )),
        Screen("intervener", "Remettre la grille et les faits à la police",
               "Remettre à la police", (
                   Field("J'ai relu ce que la police recevra", "", "check", prefix=True),
               )),
        # Sent: the next step (the support plan) is in view; the minimal path ends here.
        Screen("intervener", "Plan de soutien de la victime", ""),
    )


# --- The time it takes (Keystroke-Level Model) --------------------------------------------


def _keystrokes(item: Field) -> int:
    if item.kind == "datetime":
        return len(re.sub(r"\D", "", item.value))  # the digits; the browser adds separators
    return len(item.value)


def field_seconds(item: Field) -> float:
    """Decide (M), point at the field and click it (P BB), then type or choose."""
    seconds = M + P + 2 * B
    if item.kind in ("text", "datetime", "number"):
        seconds += H + _keystrokes(item) * K + H  # to the keyboard, type, back to the mouse
    elif item.kind == "select":
        seconds += P + 2 * B  # point at the option in the list and click it
    return seconds


def screen_seconds(screen: Screen) -> float:
    """Read the screen (M), fill its fields, point at its button and click it (P BB)."""
    seconds = M + sum(field_seconds(item) for item in screen.fields)
    if screen.button:
        seconds += P + 2 * B
    return seconds


def klm_seconds(screens: tuple[Screen, ...]) -> float:
    return sum(screen_seconds(screen) for screen in screens)


# --- Playing it through the pages ---------------------------------------------------------


@dataclass
class DrillResult:
    screens: int = 0
    fields: int = 0
    typed_characters: int = 0
    response_seconds: float = 0.0  # the server's time, summed over the path's requests
    titles: list[str] = field(default_factory=list)
    case_id: str = ""


class DrillError(AssertionError):
    """The pages did not offer what the drill says a person finds there."""


def _page(response) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(response.content.decode())


def _heading(document) -> str:
    return " ".join(document.xpath("string(//h1)").split())


def _label_text(element) -> str:
    return " ".join(element.text_content().split())


def _form_for(document, button: str):
    for form in document.forms:
        for candidate in form.xpath(".//button"):
            if _label_text(candidate) == button:
                return form, candidate
    raise DrillError(f"no form with the button {button!r} on {_heading(document)!r}")


def _fill(form, item: Field, data: dict) -> None:
    if item.kind == "radio":
        legend = [fieldset for fieldset in form.xpath(".//fieldset")
                  if _label_text(fieldset.xpath("legend")[0]) == item.label]
        if not legend:
            raise DrillError(f"no question {item.label!r}")
        for label in legend[0].xpath(".//label"):
            if _label_text(label) == item.value:
                radio = label.xpath(".//input")[0]
                data[radio.name] = radio.get("value")
                return
        raise DrillError(f"no answer {item.value!r} to {item.label!r}")
    labels = [label for label in form.xpath(".//label")
              if (_label_text(label).startswith(item.label) if item.prefix
                  else _label_text(label) == item.label)]
    if not labels:
        raise DrillError(f"no field labelled {item.label!r}")
    label = labels[0]
    target = label.get("for")
    control = (form.xpath(f".//*[@id='{target}']") or label.xpath(".//input"))[0]
    if item.kind == "check":
        checked = data.get(control.name, [])
        checked = checked if isinstance(checked, list) else [checked]
        data[control.name] = [*checked, control.get("value", "on")]
    elif item.kind == "select":
        options = [option for option in control.xpath(".//option")
                   if (_label_text(option).startswith(item.value) if item.prefix
                       else _label_text(option) == item.value)]
        if not options:
            raise DrillError(f"no option {item.value!r} for {item.label!r}")
        data[control.name] = options[0].get("value")
    else:
        data[control.name] = item.value


def drill_play(*, clients: dict[str, Client], start: str, screens: tuple[Screen, ...],
               case_url: Callable[[str], str]) -> DrillResult:
    """Play `screens` through the pages. `start` is the report form's address; `case_url`
    gives the address of the case page from the case id (the link of the notice the
    intervener receives)."""
    result = DrillResult()
    url = start
    previous = None
    for screen in screens:
        client = clients[screen.who]
        if previous is not None and previous.who != screen.who:
            url = case_url(result.case_id)  # the intervener follows the notice's link
        began = time.perf_counter()
        response = client.get(url)
        result.response_seconds += time.perf_counter() - began
        if response.status_code != 200:
            raise DrillError(f"{url} answered {response.status_code}")
        document = _page(response)
        title = _heading(document)
        if not title.startswith(screen.title):
            raise DrillError(f"expected {screen.title!r}, found {title!r} at {url}")
        result.screens += 1
        result.titles.append(title)
        previous = screen
        if not screen.button:
            continue
        form, button = _form_for(document, screen.button)
        # What the browser sends of what the person leaves as it is (hidden fields, a list's
        # one option, values already there), then what they fill.
        data: dict = {}
        for name, value in form.form_values():
            data.setdefault(name, []).append(value)
        data = {name: values if len(values) > 1 else values[0]
                for name, values in data.items()}
        for item in screen.fields:
            _fill(form, item, data)
            result.fields += 1
            result.typed_characters += _keystrokes(item) if item.kind != "check" else 0
        if button.get("name"):
            data[button.get("name")] = button.get("value", "")
        action = form.get("action") or url
        began = time.perf_counter()
        # As a browser posts a form: urlencoded (the case URLs refuse anything else).
        response = client.post(action, urlencode(data, doseq=True),
                               content_type="application/x-www-form-urlencoded")
        result.response_seconds += time.perf_counter() - began
        if response.status_code != 302:
            raise DrillError(f"{screen.title}: the form was refused ({response.status_code}): "
                             + " | ".join(" ".join(e.text_content().split()) for e in
                                          _page(response).xpath(
                                              "//*[contains(@class, 'errorlist')]"))[:300])
        url = response["Location"]
        found = re.search(r"/(?:dossiers|cases)/([0-9a-f-]{36})/", url)
        if found and not result.case_id:
            result.case_id = found.group(1)
    return result
