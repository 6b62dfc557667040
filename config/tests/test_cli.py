"""The `sexto` console script (config.cli.main) is manage.py under the product's name."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.cli import main


def test_main_runs_a_management_command(capsys, signing_keyring):
    # Tests run with DEBUG off, where `check` wants the run's signing keyring to exist: the
    # fixture makes it, whether or not another test did first.
    main(["sexto", "check"])
    assert "System check identified no issues" in capsys.readouterr().out


def test_main_reports_an_unknown_command(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["sexto", "no-such-command"])
    assert exc.value.code == 1
    assert "Unknown command: 'no-such-command'" in capsys.readouterr().err


def test_main_names_itself_sexto_in_help(capsys):
    main(["/some/path/to/the/script", "help"])
    assert "sexto help <subcommand>" in capsys.readouterr().out


@pytest.mark.subprocess
def test_installed_console_script_runs():
    script = Path(sys.executable).parent / "sexto"
    assert script.exists(), "the `sexto` console script is not installed (uv sync)"
    env = {**os.environ, "DEBUG": "1"}
    result = subprocess.run(  # noqa: S603 - our own console script, fixed arguments
        [str(script), "check"], capture_output=True, text=True, env=env, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def _bare_environment(var_dir: Path) -> dict:
    """A newcomer's shell: none of the configuration variables, this run's var/ folder."""
    configured = {"DEBUG", "SECRET_KEY", "SECRET_KEY_FILE", "DATABASE_URL", "EMAIL_BACKEND",
                  "SEXTO_SIGNING_KEYS_FILE", "SEXTO_CASE_KEYS", "DJANGO_SETTINGS_MODULE"}
    env = {name: value for name, value in os.environ.items() if name not in configured}
    env["SEXTO_VAR_DIR"] = str(var_dir)
    return env


def _sexto(*args, env) -> subprocess.CompletedProcess:
    script = Path(sys.executable).parent / "sexto"
    return subprocess.run(  # noqa: S603 - our own console script, fixed arguments
        [str(script), *args], capture_output=True, text=True, env=env, timeout=120,
        check=False)


@pytest.mark.subprocess
def test_with_no_configuration_and_no_demo_one_line_says_what_to_set(tmp_path):
    result = _sexto("check", env=_bare_environment(tmp_path))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        "sexto: SECRET_KEY (or SECRET_KEY_FILE) must be set when DEBUG is off; for the demo, "
        "run `uv run sexto demo` first."]


@pytest.mark.subprocess
def test_after_the_demo_commands_run_on_its_configuration_and_say_so(tmp_path):
    import sqlite3

    sqlite3.connect(tmp_path / "sexto.sqlite3").close()  # the demo's database is there
    env = _bare_environment(tmp_path)
    result = _sexto("check", env=env)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines()[0].startswith(
        "sexto: no configuration given: using the demo's (DEBUG=1, ")
    assert "System check identified no issues" in result.stdout
    # Any configuration given wins: never the demo's behind an operator's back.
    result = _sexto("check", env={**env, "DEBUG": "0"})
    assert result.returncode == 2 and "using the demo" not in result.stderr


@pytest.mark.subprocess
@pytest.mark.parametrize("given, said", [
    ({"DATABASE_URL": "nonsense://sexto:s3cret@db/sexto"},
     "sexto: DATABASE_URL must be a database address such as postgres://USER@HOST:5432/NAME or "
     "sqlite:///PATH (UnknownSchemeError)"),
    ({"SEXTO_CASE_KEYS_FILE": "/nonexistent/case-keys"},
     "sexto: SEXTO_CASE_KEYS_FILE names /nonexistent/case-keys, which cannot be read "
     "(No such file or directory)."),
    ({"DEBUG": "maybe"}, "sexto: DEBUG must be a boolean (1/0, true/false), not 'maybe'"),
])
def test_an_invalid_configuration_is_one_line_naming_what_to_set(tmp_path, given, said):
    result = _sexto("check", env={**_bare_environment(tmp_path), "DEBUG": "1", **given})
    assert result.returncode == 2
    assert result.stderr.splitlines() == [said]
    assert "s3cret" not in result.stderr  # a password in the address is never repeated
