"""`sexto content load FILE [FILE...] [--publish]` and `sexto content load --all [--publish]`.

Loads program content (training.content) and then syncs the badge classes its levels
declare. It lives in the badges app because training must not import badges.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from badges.services import badge_classes_sync
from core.exceptions import ApplicationError


class Command(BaseCommand):
    help = "Program content: `load` validates and loads content files, then syncs badge classes."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        load = actions.add_parser("load", help="Validate and load content files.")
        load.add_argument("files", nargs="*", help="YAML content files.")
        load.add_argument("--all", action="store_true", dest="all_files",
                          help="Every *.yaml file in the content folder.")
        load.add_argument("--publish", action="store_true",
                          help="Make the loaded version the one new learners get.")

    def handle(self, *args, action: str, **options):
        if action == "load":
            self._load(files=options["files"], all_files=options["all_files"],
                       publish=options["publish"])

    def _paths(self, *, files: list[str], all_files: bool) -> list[Path]:
        if all_files and files:
            raise CommandError("Give either files or --all, not both.")
        if all_files:
            paths = sorted(Path(settings.SEXTO_CONTENT_DIR).glob("*.yaml"))
            if not paths:
                raise CommandError(f"No *.yaml file in {settings.SEXTO_CONTENT_DIR}.")
            return paths
        if not files:
            raise CommandError("Give one or more files, or --all.")
        return [Path(f) for f in files]

    def _load(self, *, files: list[str], all_files: bool, publish: bool) -> None:
        from training.content import ContentError, content_load

        failed = 0
        for path in self._paths(files=files, all_files=all_files):
            try:
                # A file and its badge classes load together or not at all.
                with transaction.atomic():
                    result = content_load(path, publish=publish)
                    badge_classes = badge_classes_sync(program=result.program)
            except ContentError as error:
                failed += 1
                # Each error already names the file and the place in it.
                for message in error.errors:
                    self.stderr.write(message)
                continue
            except ApplicationError as error:
                failed += 1
                self.stderr.write(f"{path}: {error.message}")
                continue
            program = result.program
            what = "loaded" if result.created else "unchanged"
            published = " (published)" if result.published else ""
            slugs = ", ".join(b.slug for b in badge_classes) or "none"
            self.stdout.write(
                f"{path}: {program.slug} v{program.version} {what}{published}; "
                f"badge classes: {slugs}"
            )
        if failed:
            raise CommandError(f"{failed} file(s) refused.")
