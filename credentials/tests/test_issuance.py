"""Issuing an award's credential: what it says, what it hides, when it is signed again."""

import json

from django.test import override_settings
from django.utils import timezone

from badges.services import award_visibility_set
from credentials.compose import identity_hash
from credentials.models import IssuedCredential
from credentials.services import credential_for_award, credential_jwt
from credentials.status import (
    bit_is_set,
    decode_bitstring,
    encode_bitstring,
    status_list_credential,
)
from credentials.verify import verify


def test_credential_is_an_open_badge_3_0_3_with_the_awards_facts(award, world):
    document = credential_for_award(award=award).document
    assert document["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert document["id"] == f"urn:uuid:{award.pk}"
    assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert document["issuer"]["id"] == "did:web:127.0.0.1%3A8000"
    assert document["validFrom"] == award.granted_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert document["validUntil"]  # the fictional Architecte badge lasts 365 days
    achievement = document["credentialSubject"]["achievement"]
    assert achievement["name"] == "Trousse fictive 2 – Architecte"
    assert achievement["criteria"] == {"narrative": "Répondre."}
    assert achievement["related"][0]["inLanguage"] == "en"
    assert [e["narrative"] for e in document["evidence"]] == [
        "Rencontrer, confisquer sans regarder, appeler la police.",
        "Toujours appeler le corps de police."]
    assert document["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"


def test_no_clear_email_only_a_salted_hash(award, world):
    credential = credential_for_award(award=award)
    text = json.dumps(credential.document) + credential_jwt(award=award)
    assert world.learner.email not in text
    identifier = credential.document["credentialSubject"]["identifier"][0]
    assert identifier["identityHash"] == identity_hash(world.learner.email,
                                                       credential.identity_salt)
    assert identifier["hashed"] is True


def test_titles_only_publication_keeps_the_answers_out(award, world):
    award_visibility_set(award=award, user=world.learner, visibility="titles_only")
    award.refresh_from_db()
    document = credential_for_award(award=award).document
    assert all("narrative" not in item for item in document["evidence"])
    assert [item["name"] for item in document["evidence"]] == [
        "Question 1 - Résumez les étapes", "Question 2 - Ce que j'ai appris"]


def test_credential_is_signed_once_and_again_only_when_it_changes(award, world):
    first = credential_for_award(award=award)
    assert credential_for_award(award=award).document == first.document  # nothing changed
    award_visibility_set(award=award, user=world.learner, visibility="titles_only")
    award.refresh_from_db()
    second = credential_for_award(award=award)
    assert second.pk == first.pk and second.status_index == first.status_index
    assert second.document["proof"][0]["proofValue"] != first.document["proof"][0]["proofValue"]
    with override_settings(SITE_URL="https://sexto.example.org"):
        moved = credential_for_award(award=award)
        assert moved.document["issuer"]["id"] == "did:web:sexto.example.org"
        assert verify(text=json.dumps(moved.document)).verdict == "valid"
    assert IssuedCredential.objects.count() == 1


def test_each_credential_gets_its_own_random_status_entry(award, program, world):
    from badges.services import badge_level_completed
    from badges.tests.conftest import complete

    complete(world.learner, program.explorateur)
    other = badge_level_completed(user=world.learner, level=program.explorateur).award
    a, b = credential_for_award(award=award), credential_for_award(award=other)
    assert a.status_list_id == b.status_list_id
    assert a.status_index != b.status_index
    assert 0 <= a.status_index < a.status_list.size == 131_072


def test_status_list_flips_when_the_award_is_revoked(award):
    credential = credential_for_award(award=award)
    listed = status_list_credential(credential.status_list)
    bits = decode_bitstring(listed["credentialSubject"]["encodedList"])
    assert len(bits) * 8 == 131_072 and not bit_is_set(bits, credential.status_index)
    award.revoked, award.revoked_at, award.revocation_reason = True, timezone.now(), "Erreur."
    award.save()
    listed = status_list_credential(credential.status_list)
    bits = decode_bitstring(listed["credentialSubject"]["encodedList"])
    assert bit_is_set(bits, credential.status_index)
    assert sum(bin(byte).count("1") for byte in bits) == 1


def test_bitstring_is_most_significant_bit_first():
    bits = decode_bitstring(encode_bitstring({0, 9, 131_071}, 131_072))
    assert bits[0] == 0b1000_0000 and bits[1] == 0b0100_0000 and bits[-1] == 1
    assert encode_bitstring({5}, 131_072) == encode_bitstring({5}, 131_072)  # no timestamp


def test_every_image_a_credential_names_is_a_static_file():
    """With hashed static names in production, naming a missing file is an error, not a 404."""
    from types import SimpleNamespace

    from django.contrib.staticfiles import finders

    from credentials.compose import badge_artwork

    assert finders.find("credentials/issuer.png")
    for kind in ("explorateur", "architecte", "virtuose", "innovateur"):
        for extension in ("png", "svg"):
            assert finders.find(badge_artwork(SimpleNamespace(level_kind=kind), extension))
