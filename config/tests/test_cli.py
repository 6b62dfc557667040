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


def test_installed_console_script_runs():
    script = Path(sys.executable).parent / "sexto"
    assert script.exists(), "the `sexto` console script is not installed (uv sync)"
    env = {**os.environ, "DEBUG": "1"}
    result = subprocess.run(  # noqa: S603 - our own console script, fixed arguments
        [str(script), "check"], capture_output=True, text=True, env=env, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
