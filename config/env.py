"""Tiny helpers that read configuration from the environment.

Secrets may be given directly (NAME) or as a path to a file holding them (NAME_FILE),
which is how container orchestrators and systemd credentials hand them over.
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from exc


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_secret(name: str, default: str = "") -> str:
    """NAME, or the content of the file named by NAME_FILE."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            # A *_FILE that points nowhere is a deployment mistake: said in one line (the
            # `sexto` command prints it), never a silent fall back to NAME.
            raise ImproperlyConfigured(
                f"{name}_FILE names {path}, which cannot be read ({exc.strerror or exc})."
            ) from exc
    return os.environ.get(name, default)


def child_environment(*, without_prefixes: tuple[str, ...] = (), **values: str) -> dict[str, str]:
    """The environment to give a process this one starts (the bench's servers, pg_dump):
    this process's own (PATH, locale...) less the variables named by `without_prefixes`, plus
    `values`. Here, since only config/ reads the environment."""
    env = {name: value for name, value in os.environ.items()
           if not (without_prefixes and name.startswith(without_prefixes))}
    env.update(values)
    return env
