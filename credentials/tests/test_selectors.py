"""Reads of the credentials app (credentials.selectors)."""

from credentials.compose import identity_hash
from credentials.selectors import personal_data
from credentials.services import credential_for_award


def test_personal_data_lists_the_credentials_issued_to_the_person(award, world):
    assert personal_data(world.learner) == {"issued_credentials": []}
    credential = credential_for_award(award=award)
    data = personal_data(world.learner)
    assert [c["id"] for c in data["issued_credentials"]] == [str(credential.pk)]
    issued = data["issued_credentials"][0]
    assert issued["award"] == str(award.pk)
    assert issued["document"] == credential.document
    assert issued["status_index"] == credential.status_index
    # The credential names the person by a salted hash of their email, never the email itself.
    assert world.learner.email not in str(issued)
    assert identity_hash(world.learner.email, credential.identity_salt) in str(issued)
    # Nobody else's credentials.
    assert personal_data(world.reviewer) == {"issued_credentials": []}
