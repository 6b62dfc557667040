import pytest

from audit.actions import register
from audit.services import record

# The actions these tests write, listed as an app lists its own (audit.actions).
register({code: code for code in (
    "test.first", "test.second", "test.third", "test.fourth", "test.other", "test.ip",
    "test.anonymous", "test.appended", "test.inserted", "test.forged", "test.concurrent",
    "test.thread", "test.rolled_back", "test.before_flush", "test.after_flush", "case.viewed",
)}, module=__name__)

PASSWORD = "une-phrase-de-passe-fictive-42"


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def person(django_user_model):
    return django_user_model.objects.create_user(
        email="zoe.fictive@example.test", password=PASSWORD, full_name="Zoé Fictive"
    )


@pytest.fixture
def chain(db, person):
    """Three entries, as the product writes them."""
    return [
        record(action="test.first", actor=person, target=person),
        record(action="test.second", target_type="badges.award", target_id="a-1",
               data={"reason": "raison fictive"}),
        record(action="test.third", actor=person, data={"n": 3}),
    ]
