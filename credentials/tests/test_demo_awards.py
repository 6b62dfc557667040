"""What the issue's "done" means, on the demo: every demo award exports in every format,
verifies with our verifier and with the independent one, revokes, and prints."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from badges.models import Award
from badges.services import award_revoke
from credentials.did import did_document
from credentials.exports import award_export
from credentials.keys import keyring_load
from credentials.tests.interop import node_verify, require_node
from credentials.verify import verify

FORMATS = ["ob3", "ob3-jwt", "ob2", "png", "svg", "ob2-png", "pdf"]


@pytest.fixture
def demo_awards(db):
    call_command("demo", "--no-serve", stdout=StringIO())
    awards = list(Award.objects.select_related("badge_class", "recipient"))
    assert {a.badge_class.slug for a in awards} == {"sexto-explorateur", "sexto-architecte"}
    return awards


def test_every_demo_award_exports_verifies_revokes_and_prints(demo_awards, world):
    require_node()
    for award in demo_awards:
        exported = {fmt: award_export(award=award, format=fmt) for fmt in FORMATS}
        assert exported["pdf"].startswith(b"%PDF")
        assert json.loads(exported["ob2"])["type"] == "Assertion"
        for fmt in ("ob3", "ob3-jwt", "png", "svg"):
            assert verify(data=exported[fmt]).verdict == "valid", (award.pk, fmt)
        document = json.loads(exported["ob3"])
        did = document["issuer"]["id"]
        outcome = node_verify(document, dids={did: did_document(keyring_load(), did)})
        assert outcome["verified"] is True, (award.pk, outcome)

        assert award_revoke(award=award, reason="Démonstration de la révocation.",
                            actor=world.reviewer)
        award.refresh_from_db()
        assert verify(data=exported["ob3"]).verdict == "invalid"
        assert json.loads(award_export(award=award, format="ob2"))["revoked"] is True
        assert award_export(award=award, format="pdf").startswith(b"%PDF")
