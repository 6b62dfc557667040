"""The draft notice to the Commission d'accès à l'information holds every required item."""

import pytest
from django.urls import reverse
from django.utils import translation

from conftest import login_verified
from privacy.notices import cai_notice_draft

# Regulation respecting confidentiality incidents, s. 3, and what the persons are offered.
ITEMS = {
    "fr": [
        "Organisation",
        "Numéro d'entreprise du Québec",
        "Personne à contacter",
        "Renseignements personnels visés",
        "Circonstances de l'incident",
        "Date ou période de l'incident",
        "Date où l'organisation a pris connaissance de l'incident",
        "Nombre de personnes concernées et nombre de celles qui résident au Québec",
        "Sensibilité des renseignements",
        "Utilisations malveillantes possibles",
        "Conséquences appréhendées",
        "Probabilité d'une utilisation préjudiciable",
        "L'organisation conclut à un risque de préjudice sérieux.",
        "Mesures pour aviser les personnes concernées",
        "Mesures prises ou prévues",
        "Mesures proposées aux personnes concernées",
        "hors Québec",
    ],
    "en": [
        "Organisation",
        "Quebec enterprise number",
        "Person to contact",
        "Personal information concerned",
        "Circumstances of the incident",
        "Date or period of the incident",
        "Date the organisation learned of the incident",
        "Number of persons concerned and number of them who reside in Quebec",
        "Sensitivity of the information",
        "Possible ill-intentioned uses",
        "Anticipated consequences",
        "Likelihood of injurious use",
        "The organisation concludes that there is a risk of serious injury.",
        "Measures to notify the persons concerned",
        "Measures taken or planned",
        "Measures offered to the persons concerned",
        "outside Quebec",
    ],
}


def _facts(incident) -> list[str]:
    return [
        "Centre de services scolaire des Trois-Lacs",
        incident.contact_name, incident.contact_details,
        incident.information_description, incident.circumstances,
        incident.occurred_from.isoformat(), incident.occurred_to.isoformat(),
        incident.learned_on.isoformat(), "42", "40",
        incident.risk_sensitivity, incident.risk_misuse, incident.risk_consequences,
        incident.risk_likelihood, incident.people_notification_measures,
        incident.people_notified_on.isoformat(), incident.measures_taken,
        incident.measures_planned, incident.measures_offered,
    ]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_draft_holds_every_item_and_every_fact(incident, language):
    draft = cai_notice_draft(incident=incident, language=language)
    for item in ITEMS[language]:
        assert item in draft, f"{language}: {item!r} missing"
    for fact in _facts(incident):
        assert fact in draft, f"{language}: {fact!r} missing"


def test_english_draft_has_no_french_labels(incident):
    draft = cai_notice_draft(incident=incident, language="en")
    assert "Commission d'accès à l'information" in draft  # the Commission's name stays
    for french in ("Renseignements personnels visés", "Mesures prises", "à compléter"):
        assert french not in draft


def test_missing_items_stand_out(incident):
    incident.people_in_quebec_count = None
    incident.measures_planned = ""
    incident.information_description = ""
    incident.information_undescribed_reason = "Journal du serveur illisible"
    incident.risk_serious = False
    draft = cai_notice_draft(incident=incident, language="fr")
    assert "dont [à compléter] résidant au Québec" in draft
    assert "Prévues : [à compléter]" in draft
    assert "Ne peut pas être décrit : Journal du serveur illisible" in draft
    assert "ne conclut pas à un risque de préjudice sérieux" in draft
    assert "[to be completed]" in cai_notice_draft(incident=incident, language="en")


def test_draft_page_in_both_languages(client, incident, privacy):
    login_verified(client, privacy.officer)
    url = reverse("privacy:incident_cai_notice", args=[incident.pk])
    response = client.get(url)
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert response.context["draft_language"] == "fr"
    body = response.content.decode()
    assert "Renseignements personnels visés" in body and 'readonly' in body
    english = client.get(url, {"langue": "en"})
    assert english.context["draft_language"] == "en"
    assert "Personal information concerned" in english.content.decode()
    # The English site drafts in English by default; a bad language falls back to the page's.
    with translation.override("en"):
        url_en = reverse("privacy:incident_cai_notice", args=[incident.pk])
    on_en = client.get(url_en, {"langue": "xx"})
    assert on_en.context["draft_language"] == "en"
    assert "Notice to the Commission d'accès à l'information" in on_en.content.decode()
