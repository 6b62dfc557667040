"""The `sexto` command: every Django management command, plus `sexto demo`."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    argv[0] = "sexto"
    if len(argv) > 1 and argv[1] == "demo":
        # The demo is a development server on loopback: it needs DEBUG before settings load.
        os.environ.setdefault("DEBUG", "1")
        os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
