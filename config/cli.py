"""The `sexto` command: every Django management command, plus `sexto demo`."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    argv[0] = "sexto"
    if len(argv) > 1 and argv[1] == "demo":
        _prepare_demo_environment(argv[2:])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


def _prepare_demo_environment(args: list[str]) -> None:
    """The demo is a development server on loopback with the embedded SQLite database.

    Settings are read once, at start-up, so everything the demo needs is set before that:
    DEBUG, email to the console, SITE_URL for the address served. DATABASE_URL is dropped so
    that a demo can never write its fictional data into a real database.
    """
    port = "8000"
    for index, arg in enumerate(args):
        if arg == "--port" and index + 1 < len(args):
            port = args[index + 1]
        elif arg.startswith("--port="):
            port = arg.split("=", 1)[1]
    os.environ.pop("DATABASE_URL", None)
    os.environ["DEBUG"] = "1"
    os.environ["SITE_URL"] = f"http://127.0.0.1:{port}"
    os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")


if __name__ == "__main__":
    main()
