import pytest

PASSWORD = "une-phrase-de-passe-fictive-42"


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def person(django_user_model):
    return django_user_model.objects.create_user(
        email="zoe.fictive@example.test", password=PASSWORD, full_name="Zoé Fictive"
    )
