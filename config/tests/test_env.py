"""The helpers that read configuration from the environment (config/env.py)."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_secret, env_str


@pytest.mark.parametrize("raw", ["1", "true", "TRUE", "yes", "on", " On "])
def test_env_bool_true(monkeypatch, raw):
    monkeypatch.setenv("SEXTO_TEST_FLAG", raw)
    assert env_bool("SEXTO_TEST_FLAG", False) is True


@pytest.mark.parametrize("raw", ["0", "false", "False", "no", "off", ""])
def test_env_bool_false(monkeypatch, raw):
    monkeypatch.setenv("SEXTO_TEST_FLAG", raw)
    assert env_bool("SEXTO_TEST_FLAG", True) is False


def test_env_bool_default_when_unset(monkeypatch):
    monkeypatch.delenv("SEXTO_TEST_FLAG", raising=False)
    assert env_bool("SEXTO_TEST_FLAG", True) is True
    assert env_bool("SEXTO_TEST_FLAG", False) is False


def test_env_bool_refuses_anything_else(monkeypatch):
    # A typo such as DEBUG=flase must stop the start-up, not silently mean one or the other.
    monkeypatch.setenv("SEXTO_TEST_FLAG", "flase")
    with pytest.raises(ImproperlyConfigured, match="SEXTO_TEST_FLAG"):
        env_bool("SEXTO_TEST_FLAG")


def test_env_int(monkeypatch):
    monkeypatch.setenv("SEXTO_TEST_INT", "42")
    assert env_int("SEXTO_TEST_INT", 7) == 42


@pytest.mark.parametrize("raw", [None, ""])
def test_env_int_default_when_unset_or_empty(monkeypatch, raw):
    if raw is None:
        monkeypatch.delenv("SEXTO_TEST_INT", raising=False)
    else:
        monkeypatch.setenv("SEXTO_TEST_INT", raw)
    assert env_int("SEXTO_TEST_INT", 7) == 7


def test_env_int_refuses_a_non_integer(monkeypatch):
    monkeypatch.setenv("SEXTO_TEST_INT", "8h")
    with pytest.raises(ImproperlyConfigured, match="SEXTO_TEST_INT must be an integer"):
        env_int("SEXTO_TEST_INT", 7)


def test_env_list_splits_on_commas_and_trims(monkeypatch):
    monkeypatch.setenv("SEXTO_TEST_LIST", " sexto.example.org, ,www.sexto.example.org ,")
    assert env_list("SEXTO_TEST_LIST") == ["sexto.example.org", "www.sexto.example.org"]


def test_env_list_default_is_a_copy(monkeypatch):
    monkeypatch.delenv("SEXTO_TEST_LIST", raising=False)
    default = ["localhost"]
    value = env_list("SEXTO_TEST_LIST", default)
    assert value == ["localhost"]
    value.append("changed")
    assert default == ["localhost"]
    assert env_list("SEXTO_TEST_LIST") == []


def test_env_list_set_but_empty_means_empty(monkeypatch):
    monkeypatch.setenv("SEXTO_TEST_LIST", "")
    assert env_list("SEXTO_TEST_LIST", ["localhost"]) == []


def test_env_str(monkeypatch):
    monkeypatch.delenv("SEXTO_TEST_STR", raising=False)
    assert env_str("SEXTO_TEST_STR", "fallback") == "fallback"
    monkeypatch.setenv("SEXTO_TEST_STR", "value")
    assert env_str("SEXTO_TEST_STR", "fallback") == "value"


def test_env_secret_from_variable(monkeypatch):
    monkeypatch.delenv("SEXTO_TEST_SECRET_FILE", raising=False)
    monkeypatch.setenv("SEXTO_TEST_SECRET", "s3cret-value")
    assert env_secret("SEXTO_TEST_SECRET") == "s3cret-value"


def test_env_secret_from_file_wins_and_is_stripped(monkeypatch, tmp_path):
    secret_file = tmp_path / "secret"
    secret_file.write_text("from-the-file\n", encoding="utf-8")
    monkeypatch.setenv("SEXTO_TEST_SECRET", "from-the-variable")
    monkeypatch.setenv("SEXTO_TEST_SECRET_FILE", str(secret_file))
    assert env_secret("SEXTO_TEST_SECRET") == "from-the-file"


def test_env_secret_default_when_unset(monkeypatch):
    monkeypatch.delenv("SEXTO_TEST_SECRET", raising=False)
    monkeypatch.delenv("SEXTO_TEST_SECRET_FILE", raising=False)
    assert env_secret("SEXTO_TEST_SECRET") == ""
    assert env_secret("SEXTO_TEST_SECRET", "fallback") == "fallback"


def test_env_secret_missing_file_is_an_error(monkeypatch, tmp_path):
    # A *_FILE that points nowhere is a deployment mistake: it must not fall back silently.
    monkeypatch.setenv("SEXTO_TEST_SECRET", "from-the-variable")
    monkeypatch.setenv("SEXTO_TEST_SECRET_FILE", str(tmp_path / "absent"))
    with pytest.raises(ImproperlyConfigured,
                       match=r"SEXTO_TEST_SECRET_FILE names .*absent, which cannot be read "
                             r"\(No such file or directory\)"):
        env_secret("SEXTO_TEST_SECRET")
