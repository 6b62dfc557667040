"""Every model of the project says in its docstring whether it holds personal information.

Law 25 asks us to know where personal information lives; the docstring is where a reader (and
the privacy app's inventory) finds it. The test covers every concrete model of every app that
lives in this repository, including apps added later.
"""

import re
from pathlib import Path
from types import SimpleNamespace

from django.apps import apps
from django.conf import settings

MARKER = re.compile(r"Personal information: (yes|no)\b")


def project_app_configs():
    base_dir = Path(settings.BASE_DIR).resolve()
    return [
        config for config in apps.get_app_configs()
        if Path(config.path).resolve().parent == base_dir
    ]


def test_project_apps_are_found():
    labels = {config.label for config in project_app_configs()}
    assert {"core", "audit", "accounts", "training", "badges"} <= labels
    assert "auth" not in labels and "axes" not in labels


def models_without_marker(models) -> list[str]:
    # Django invents a docstring ("Name(field, ...)") for a model that has none.
    return sorted(m._meta.label for m in models if not MARKER.search(m.__doc__ or ""))


def test_the_check_catches_a_missing_or_vague_statement():
    def model(label, doc):
        return SimpleNamespace(__doc__=doc, _meta=SimpleNamespace(label=label))

    models = [
        model("x.Stated", "A thing.\n\n    Personal information: no."),
        model("x.StatedYes", "Personal information: yes (the name)."),
        model("x.Invented", "Invented(id, name)"),
        model("x.Vague", "Personal information: maybe."),
        model("x.Empty", None),
    ]
    assert models_without_marker(models) == ["x.Empty", "x.Invented", "x.Vague"]


def test_every_model_states_whether_it_holds_personal_information():
    offenders = models_without_marker(
        model for config in project_app_configs() for model in config.get_models()
    )
    assert not offenders, (
        'These models need "Personal information: yes" or "Personal information: no" in their '
        "docstring: " + ", ".join(offenders)
    )
