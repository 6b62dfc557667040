"""Validating and loading content files: every rule names the file and the place; a bad file
loads nothing."""

import copy
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from audit.models import AuditEvent
from training.content import (
    ContentError,
    content_load,
    program_publish,
    validate_file,
    validate_files,
)
from training.content_schema import ProgramDocument
from training.models import Level, Module, Program
from training.tests.conftest import MINI, mini_data, write_yaml

# --- a valid file ---------------------------------------------------------------------------


def test_validate_file_returns_the_document_without_touching_the_database():
    # No django_db mark: pytest-django makes any database access fail this test.
    doc = validate_file(MINI)
    assert isinstance(doc, ProgramDocument)
    assert doc.slug == "mini-sexto"
    assert [level.kind for level in doc.levels] == ["explorateur", "architecte"]


@pytest.mark.django_db
def test_content_load_creates_program_levels_and_modules():
    result = content_load(MINI)
    program = result.program
    assert result.created is True
    assert result.published is False
    assert program.published_at is None
    assert (program.slug, program.version) == ("mini-sexto", 1)
    assert program.title == {"fr": "Mini Sexto", "en": "Mini Sexto"}
    assert len(program.source_sha256) == 64
    assert program.source_file.endswith("mini.yaml")

    explorateur, architecte = program.levels.order_by("position")
    assert (explorateur.kind, explorateur.position) == ("explorateur", 1)
    assert explorateur.badge["slug"] == "mini-explorateur"
    assert explorateur.badge["auto_grant"] is True
    assert explorateur.evidence_questions == []
    assert architecte.badge["validity_days"] == 365
    assert architecte.evidence_questions == [{
        "id": "q1",
        "title": {"fr": "Question 1 - Le cas", "en": "Question 1 - The case"},
        "prompt": {"fr": "Décrivez votre démarche.", "en": "Describe your approach."},
    }]

    reading, quiz = explorateur.modules.order_by("position")
    assert (reading.kind, reading.slug, reading.position) == ("reading", "le-phenomene", 1)
    assert set(reading.data) == {"body"}
    assert "**jamais**" in reading.data["body"]["fr"]
    assert quiz.kind == "quiz"
    assert set(quiz.data) == {"intro", "questions"}
    assert [q["id"] for q in quiz.data["questions"]] == ["q1", "q2"]
    (scenario,) = architecte.modules.all()
    assert set(scenario.data) == {"intro", "start", "steps", "debrief"}
    assert scenario.data["start"] == "s1"
    assert [s["id"] for s in scenario.data["steps"]] == ["s1", "s2", "fin"]
    assert scenario.data["steps"][2]["choices"] == []

    event = AuditEvent.objects.get(action="content.loaded")
    assert event.target_id == str(program.id)
    assert event.data["version"] == 1


@pytest.mark.django_db
def test_loading_the_same_file_twice_does_nothing():
    first = content_load(MINI)
    second = content_load(MINI)
    assert second.created is False
    assert second.program.id == first.program.id
    assert Program.objects.count() == 1
    assert Module.objects.count() == 3
    assert AuditEvent.objects.filter(action="content.loaded").count() == 1


@pytest.mark.django_db
def test_same_version_with_different_text_is_refused(tmp_path):
    content_load(MINI)
    data = mini_data()
    data["summary"]["fr"] = "Un autre résumé."
    path = write_yaml(tmp_path, data)
    with pytest.raises(ContentError) as exc:
        content_load(path)
    (error,) = exc.value.errors
    assert error.startswith("mini.yaml: version: ")
    assert "augmentez « version »" in error
    assert Program.objects.get().summary["fr"] == "Un petit programme d'essai."


@pytest.mark.django_db
def test_a_new_version_is_a_new_draft_and_the_old_one_stays(tmp_path):
    v1 = content_load(MINI, publish=True).program
    data = mini_data()
    data["version"] = 2
    data["summary"]["fr"] = "Deuxième version."
    v2 = content_load(write_yaml(tmp_path, data)).program
    assert v2.id != v1.id
    assert v2.version == 2 and not v2.is_published
    assert Program.objects.count() == 2
    assert Level.objects.filter(program=v2).count() == 2
    v1.refresh_from_db()
    assert v1.is_published


@pytest.mark.django_db
def test_publish_on_load_and_program_publish_is_idempotent(world):
    result = content_load(MINI, publish=True, actor=world.author)
    assert result.published is True
    assert result.program.published_at is not None
    published_at = result.program.published_at
    again = program_publish(program=result.program, actor=world.author)
    assert again.published_at == published_at
    events = AuditEvent.objects.filter(action="content.published")
    assert events.count() == 1
    assert events.get().actor_id == world.author.id


@pytest.mark.django_db
def test_loading_an_already_loaded_draft_with_publish_publishes_it():
    content_load(MINI)
    result = content_load(MINI, publish=True)
    assert result.created is False
    assert result.published is True


@pytest.mark.django_db
def test_loading_is_atomic(monkeypatch):
    """A failure half-way (here: the database refusing the second level's modules) loads
    nothing at all."""
    calls = {"n": 0}
    original = Module.objects.bulk_create

    def failing_bulk_create(objs, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("database went away")
        return original(objs, *args, **kwargs)

    monkeypatch.setattr(Module.objects, "bulk_create", failing_bulk_create)
    with pytest.raises(RuntimeError):
        content_load(MINI)
    assert Program.objects.count() == 0
    assert Level.objects.count() == 0
    assert Module.objects.count() == 0
    assert not AuditEvent.objects.filter(action="content.loaded").exists()


@pytest.mark.django_db
def test_badge_slug_may_not_move_to_another_program(tmp_path):
    content_load(MINI)
    data = mini_data()
    data["slug"] = "autre-programme"
    path = write_yaml(tmp_path, data, name="autre.yaml")
    with pytest.raises(ContentError) as exc:
        content_load(path)
    assert exc.value.errors[0] == (
        "autre.yaml: levels[0].badge.slug: le badge « mini-explorateur » appartient déjà au "
        "niveau « explorateur » du programme « mini-sexto »"
    )
    assert Program.objects.count() == 1


@pytest.mark.django_db
def test_badge_slug_is_kept_by_a_new_version_of_the_same_program(tmp_path):
    content_load(MINI)
    data = mini_data()
    data["version"] = 2
    result = content_load(write_yaml(tmp_path, data))
    assert result.created is True


# --- malformed files: one broken rule at a time -------------------------------------------


def _scenario(data):
    return data["levels"][1]["modules"][0]


def _quiz(data):
    return data["levels"][0]["modules"][1]


SCENARIO = "levels[1].modules[0]"
QUIZ = "levels[0].modules[1]"


def _missing_en(d):
    del d["title"]["en"]


def _blank_fr(d):
    d["summary"]["fr"] = "   "


def _unknown_key(d):
    d["levels"][0]["colour"] = "bleu"


def _unknown_module_kind(d):
    d["levels"][0]["modules"][0]["kind"] = "video"


def _module_without_kind(d):
    del d["levels"][0]["modules"][0]["kind"]


def _next_unknown(d):
    _scenario(d)["steps"][0]["choices"][0]["next"] = "nulle-part"


def _start_unknown(d):
    _scenario(d)["start"] = "debut"


def _unreachable_step(d):
    _scenario(d)["steps"].append(
        {"id": "s9", "situation": {"fr": "Orpheline.", "en": "Orphan."}})


def _trap_loop(d):
    steps = _scenario(d)["steps"]
    steps[0]["choices"][1]["next"] = "t1"

    def choice(choice_id, next_id, follows=True):
        return {"id": choice_id, "label": {"fr": "Choix", "en": "Choice"},
                "feedback": {"fr": "Rétroaction", "en": "Feedback"},
                "follows_method": follows, "next": next_id}

    steps.append({"id": "t1", "situation": {"fr": "Piège 1", "en": "Trap 1"},
                  "choices": [choice("a", "t2"), choice("b", "t1", False)]})
    steps.append({"id": "t2", "situation": {"fr": "Piège 2", "en": "Trap 2"},
                  "choices": [choice("a", "t1"), choice("b", "t2", False)]})


def _no_follows(d):
    for choice in _scenario(d)["steps"][0]["choices"]:
        choice["follows_method"] = False


def _single_choice(d):
    del _scenario(d)["steps"][0]["choices"][1]


def _no_ending(d):
    steps = _scenario(d)["steps"]
    steps[1]["choices"][0]["next"] = "s1"
    del steps[2]


def _two_correct(d):
    _quiz(d)["questions"][0]["options"][1]["correct"] = True


def _none_correct(d):
    _quiz(d)["questions"][0]["options"][0]["correct"] = False


def _duplicate_step(d):
    _scenario(d)["steps"][1]["id"] = "s1"


def _duplicate_choice(d):
    _scenario(d)["steps"][0]["choices"][1]["id"] = "a"


def _duplicate_module(d):
    d["levels"][0]["modules"][1]["slug"] = "le-phenomene"


def _duplicate_level(d):
    d["levels"][1]["kind"] = "explorateur"


def _duplicate_question(d):
    _quiz(d)["questions"][1]["id"] = "q1"


def _duplicate_option(d):
    _quiz(d)["questions"][1]["options"][2]["id"] = "a"


def _duplicate_badge(d):
    d["levels"][1]["badge"]["slug"] = "mini-explorateur"


def _bad_slug(d):
    d["slug"] = "Mini Sexto"


def _bad_id(d):
    _scenario(d)["steps"][0]["id"] = "étape 1"


def _version_zero(d):
    d["version"] = 0


def _version_text(d):
    d["version"] = "1"


def _format_two(d):
    d["format"] = 2


def _boolean_text(d):
    d["levels"][0]["title"]["fr"] = False


def _evidence_without_badge(d):
    del d["levels"][1]["badge"]


def _no_levels(d):
    d["levels"] = []


def _one_option(d):
    del _quiz(d)["questions"][0]["options"][1]


def _unknown_level_kind(d):
    d["levels"][0]["kind"] = "expert"


def _choices_not_a_list(d):
    _scenario(d)["steps"][0]["choices"] = "a"


CASES = [
    (_missing_en, "title.en: champ obligatoire manquant"),
    (_blank_fr, "summary.fr: ne doit pas être vide"),
    (_unknown_key, "levels[0].colour: clé inconnue"),
    (_unknown_module_kind, "levels[0].modules[0]: type de module « video » inconnu"),
    (_module_without_kind, "levels[0].modules[0]: le type du module (kind) est obligatoire"),
    (_next_unknown,
     f"{SCENARIO}.steps[0].choices[0].next: l'étape « nulle-part » n'existe pas"),
    (_start_unknown, f"{SCENARIO}.start: l'étape « debut » n'existe pas"),
    (_unreachable_step,
     f"{SCENARIO}.steps[3]: l'étape « s9 » ne peut pas être atteinte depuis le départ « s1 »"),
    (_trap_loop,
     f"{SCENARIO}.steps[3]: aucune fin ne peut être atteinte depuis l'étape « t1 »"),
    (_no_follows, f"{SCENARIO}.steps[0].choices: au moins un choix doit suivre la méthode"),
    (_single_choice, f"{SCENARIO}.steps[0].choices: une étape offre au moins deux choix"),
    (_no_ending, f"{SCENARIO}.steps: aucune étape ne termine la mise en situation"),
    (_two_correct, f"{QUIZ}.questions[0].options: une question a exactement une bonne réponse"),
    (_none_correct, f"{QUIZ}.questions[0].options: une question a exactement une bonne "
                    "réponse (correct: true) ; celle-ci en a 0"),
    (_duplicate_step, f"{SCENARIO}.steps[1].id: « s1 » est déjà utilisé"),
    (_duplicate_choice, f"{SCENARIO}.steps[0].choices[1].id: « a » est déjà utilisé"),
    (_duplicate_module, "levels[0].modules[1].slug: « le-phenomene » est déjà utilisé dans ce "
                        "niveau (levels[0].modules[0])"),
    (_duplicate_level, "levels[1].kind: le niveau « explorateur » apparaît déjà (levels[0])"),
    (_duplicate_question, f"{QUIZ}.questions[1].id: « q1 » est déjà utilisé"),
    (_duplicate_option, f"{QUIZ}.questions[1].options[2].id: « a » est déjà utilisé"),
    (_duplicate_badge, "levels[1].badge.slug: le badge « mini-explorateur » est déjà déclaré "
                       "par levels[0]"),
    (_bad_slug, "slug: « Mini Sexto » n'est pas un slug valide"),
    (_bad_id, f"{SCENARIO}.steps[0].id: « étape 1 » n'est pas un identifiant valide"),
    (_version_zero, "version: doit être plus grand que 0"),
    (_version_text, "version: doit être un nombre entier"),
    (_format_two, "format: valeur non permise ; valeurs possibles : 1"),
    (_boolean_text, "levels[0].title.fr: doit être un texte"),
    (_evidence_without_badge, "levels[1].evidence_questions: des questions de preuve mènent à "
                              "une demande de badge"),
    (_no_levels, "levels: il en faut au moins 1"),
    (_one_option, f"{QUIZ}.questions[0].options: il en faut au moins 2"),
    (_unknown_level_kind, "levels[0].kind: valeur non permise ; valeurs possibles : "),
    (_choices_not_a_list, f"{SCENARIO}.steps[0].choices: doit être une liste"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("breaks", "expected"), CASES, ids=[c[0].__name__ for c in CASES])
def test_each_rule_names_the_file_and_place_and_nothing_is_loaded(tmp_path, breaks, expected):
    data = copy.deepcopy(mini_data())
    breaks(data)
    path = write_yaml(tmp_path, data)
    with pytest.raises(ContentError) as exc:
        validate_file(path)
    assert any(error.startswith(f"mini.yaml: {expected}") for error in exc.value.errors), (
        exc.value.errors
    )
    with pytest.raises(ContentError):
        content_load(path)
    assert Program.objects.count() == 0
    assert Level.objects.count() == 0
    assert Module.objects.count() == 0


@pytest.mark.django_db
def test_every_problem_is_reported_at_once_with_its_line(tmp_path):
    data = mini_data()
    _missing_en(data)
    _next_unknown(data)
    path = write_yaml(tmp_path, data)
    with pytest.raises(ContentError) as exc:
        content_load(path)
    errors = exc.value.errors
    assert len(errors) == 1  # shape errors first: the scenario rules need a valid shape
    assert "title.en" in errors[0]
    assert "(ligne " in errors[0]

    data = mini_data()
    _next_unknown(data)
    _two_correct(data)
    with pytest.raises(ContentError) as exc:
        validate_file(write_yaml(tmp_path, data))
    assert len(exc.value.errors) == 2
    assert str(exc.value) == "\n".join(exc.value.errors)
    assert exc.value.message == str(exc.value)


def test_the_line_points_at_the_faulty_value(tmp_path):
    text = MINI.read_text(encoding="utf-8").replace("next: fin", "next: nulle-part")
    line = next(i for i, row in enumerate(text.splitlines(), start=1) if "nulle-part" in row)
    path = tmp_path / "mini.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ContentError) as exc:
        validate_file(path)
    assert exc.value.errors == [
        f"mini.yaml: {SCENARIO}.steps[1].choices[0].next: l'étape « nulle-part » n'existe pas "
        f"(ligne {line})"
    ]


def test_yaml_syntax_error_gives_line_and_column(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("format: 1\nslug: mini\ntitle: {fr: Un, en: Deux\nversion: 1\n",
                    encoding="utf-8")
    with pytest.raises(ContentError) as exc:
        validate_file(path)
    (error,) = exc.value.errors
    assert error.startswith("broken.yaml: ligne ")
    assert ", colonne " in error
    assert "erreur de syntaxe YAML" in error


def test_a_comma_in_unquoted_text_is_explained(tmp_path):
    text = MINI.read_text(encoding="utf-8").replace(
        "summary:\n  fr: Un petit programme d'essai.",
        "summary:\n  fr: {Oui, un petit programme}",
    )
    path = tmp_path / "mini.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ContentError) as exc:
        validate_file(path)
    assert any("summary.fr" in e and "doit être un texte" in e for e in exc.value.errors)


def test_unquoted_text_with_a_comma_in_a_flow_mapping_is_explained(tmp_path):
    text = MINI.read_text(encoding="utf-8").replace(
        "title: {fr: Découvrir, en: Discover}", "title: {fr: Oui, on découvre, en: Discover}"
    )
    path = tmp_path / "mini.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ContentError) as exc:
        validate_file(path)
    assert any(
        'levels[0].title["on découvre"]: clé inconnue : un texte qui contient une virgule' in e
        for e in exc.value.errors
    ), exc.value.errors


def test_duplicate_keys_are_refused_with_their_line(tmp_path):
    path = tmp_path / "dup.yaml"
    path.write_text("format: 1\nslug: mini\nslug: autre\n", encoding="utf-8")
    with pytest.raises(ContentError) as exc:
        validate_file(path)
    (error,) = exc.value.errors
    assert error.startswith("dup.yaml: ligne 3, colonne 1: ")
    assert "la clé « slug » apparaît deux fois" in error


@pytest.mark.parametrize("text", ["", "- format: 1\n", "juste du texte\n"])
def test_a_file_that_is_not_a_mapping_is_refused(tmp_path, text):
    path = tmp_path / "vide.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ContentError) as exc:
        validate_file(path)
    assert exc.value.errors[0].startswith("vide.yaml: (document): le fichier doit décrire")


def test_unreadable_and_non_utf8_files_are_refused(tmp_path):
    with pytest.raises(ContentError) as exc:
        validate_file(tmp_path / "absent.yaml")
    assert exc.value.errors[0].startswith("absent.yaml: fichier illisible")
    path = tmp_path / "latin1.yaml"
    path.write_bytes("title: été".encode("latin-1"))
    with pytest.raises(ContentError) as exc:
        validate_file(path)
    assert exc.value.errors == ["latin1.yaml: le fichier doit être encodé en UTF-8"]


def test_messages_follow_the_active_language(tmp_path):
    data = mini_data()
    _next_unknown(data)
    path = write_yaml(tmp_path, data)
    with translation.override("en"), pytest.raises(ContentError) as exc:
        validate_file(path)
    assert exc.value.errors[0].startswith(
        f"mini.yaml: {SCENARIO}.steps[0].choices[0].next: step “nulle-part” does not exist"
    )


def test_validate_files_checks_badge_slugs_across_files(tmp_path):
    other = mini_data()
    other["slug"] = "autre-programme"
    other_path = write_yaml(tmp_path, other, name="autre.yaml")
    with pytest.raises(ContentError) as exc:
        validate_files([MINI, other_path])
    assert exc.value.errors == [
        "autre.yaml: levels[0].badge.slug: le badge « mini-explorateur » est déjà déclaré "
        "dans mini.yaml",
        "autre.yaml: levels[1].badge.slug: le badge « mini-architecte » est déjà déclaré "
        "dans mini.yaml",
    ]
    broken = mini_data()
    _start_unknown(broken)
    with pytest.raises(ContentError) as exc:
        validate_files([MINI, write_yaml(tmp_path, broken, name="casse.yaml")])
    assert exc.value.errors[0].startswith("casse.yaml: levels[1].modules[0].start: ")
    assert [d.slug for d in validate_files([MINI])] == ["mini-sexto"]


def test_the_program_files_in_content_are_valid():
    """The real program(s) under content/ must always load."""
    paths = sorted(Path(settings.SEXTO_CONTENT_DIR).glob("*.yaml"))
    assert paths, "no content file under content/"
    documents = validate_files(paths)
    assert all(doc.levels for doc in documents)
