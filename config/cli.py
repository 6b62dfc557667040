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
        if argv[1:] in ([], ["help"], ["--help"], ["-h"]):
            print(sexto_help())
            return
        execute_from_command_line(argv)
    except ImproperlyConfigured as error:
        # A configuration missing or wrong: what to set, in one line, never a traceback.
        print(f"sexto: {error}", file=sys.stderr)
        sys.exit(2)


def sexto_help() -> str:
    """`sexto help`: Sexto's own commands, each with the first sentence of its help, rather
    than Django's hundred; `sexto help --commands` still lists every command."""
    import textwrap
    from pathlib import Path

    import django
    from django.apps import apps
    from django.conf import settings
    from django.core.management import get_commands, load_command_class

    django.setup()
    # The project's own apps sit at the top of the checkout (installed packages are elsewhere).
    ours = {config.name for config in apps.get_app_configs()
            if Path(config.path).resolve().parent == Path(settings.BASE_DIR).resolve()}
    lines = ["Usage: sexto <command> [options]. Type 'sexto help <subcommand>' for help on a "
             "specific subcommand.", "", "Sexto's commands:"]
    for name, app in sorted(get_commands().items()):
        if app in ours:
            text = " ".join(str(load_command_class(app, name).help).split())
            first = text.split(". ")[0].rstrip(".")
            lines.append(textwrap.fill(f"{first}.", width=100, initial_indent=f"  {name:<15} ",
                                       subsequent_indent=" " * 18))
    lines += ["", "Django's commands (migrate, collectstatic, createsuperuser, shell, check...) "
                  "work too: 'sexto help --commands' lists them all."]
    return "\n".join(lines)


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
