"""The `sexto` command: every Django management command, plus `sexto demo`."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    argv[0] = "sexto"
    if len(argv) > 1 and argv[1] == "demo":
        _prepare_demo_environment(argv[2:])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # Tells the settings that a person typed a command (config/settings.py DEMO_CONFIGURATION).
    os.environ["SEXTO_COMMAND_LINE"] = "1"
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        if settings.DEMO_CONFIGURATION:
            print("sexto: no configuration given: using the demo's (DEBUG=1, "
                  f"{settings.DATABASES['default']['NAME']}, email to the console).",
                  file=sys.stderr)
        execute_from_command_line(argv)
    except ImproperlyConfigured as error:
        # A configuration missing or wrong: what to set, in one line, never a traceback.
        print(f"sexto: {error}", file=sys.stderr)
        sys.exit(2)


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
