"""Every model of the privacy app says whether it holds personal information (Law 25)."""

import re

from django.apps import apps

MARKER = re.compile(r"Personal information: (yes|no)\b")


def test_every_privacy_model_states_whether_it_holds_personal_information():
    models = list(apps.get_app_config("privacy").get_models())
    assert {m.__name__ for m in models} == {"ConfidentialityIncident", "AccessRequest"}
    for model in models:
        assert MARKER.search(model.__doc__ or ""), model
