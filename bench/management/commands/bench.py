import json
from pathlib import Path

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import override_settings, setup_test_environment, teardown_test_environment

from bench.runner import GROUPS, bench_meta, bench_run
from credentials.keys import keyring_generate


class Command(BaseCommand):
    help = (
        "Benchmarks, each figure beside a baseline measured in the same run: pages, bulk "
        "credential issuing, verification, PDF, the attestation over HTTP. Runs on a throwaway "
        "test database filled with the demo data (never the demo's), prints a table and "
        "writes var/bench.json."
    )

    def add_arguments(self, parser):
        parser.add_argument("--only", help=f"comma-separated groups among: {', '.join(GROUPS)}")
        parser.add_argument("--quick", action="store_true",
                            help="fewer requests and 500 credentials instead of 10,000")
        parser.add_argument("--json", action="store_true", help="print the JSON, not a table")
        parser.add_argument("--output", help="where to write the JSON (default var/bench.json)")

    def handle(self, *args, only=None, quick: bool, json: bool, output=None, **options):
        groups = [g.strip() for g in only.split(",") if g.strip()] if only else None
        unknown = set(groups or []) - set(GROUPS)
        if unknown:
            raise CommandError(f"Unknown group(s): {', '.join(sorted(unknown))}; "
                               f"choose among {', '.join(GROUPS)}.")
        setup_test_environment()
        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
        # Throwaway keys too: the bench never signs or encrypts with a real key. Only this
        # process's settings change (settings alone read the environment); a process the bench
        # starts is handed these keys in the environment it is given.
        keys = {"SEXTO_SIGNING_KEYS": keyring_generate().to_json(),
                "SEXTO_CASE_KEYS": Fernet.generate_key().decode()}
        try:
            # As in production: DEBUG would also record every SQL query in memory.
            with override_settings(DEBUG=False, SEXTO_SIGNING_KEYS=keys["SEXTO_SIGNING_KEYS"],
                                   SEXTO_SIGNING_KEYS_FILE="",
                                   SEXTO_CASE_KEYS=[keys["SEXTO_CASE_KEYS"]]):
                figures = bench_run(only=groups, quick=quick)
                meta = bench_meta(quick=quick)
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)
            teardown_test_environment()
        report = {"meta": meta, "figures": {f.name: f.as_dict() for f in figures}}
        path = Path(output) if output else Path(settings.VAR_DIR) / "bench.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_dumps(report) + "\n", encoding="utf-8")
        if json:
            self.stdout.write(_dumps(report))
            return
        self._table(figures)
        self.stdout.write(f"\nWritten to {path}")

    def _table(self, figures) -> None:
        self.stdout.write(f"{'figure':<24}{'value':>10}  {'unit':<20}{'baseline':<30}"
                          f"{'baseline value':>15}{'ratio':>8}  target")
        for f in figures:
            met = "" if f.met is None else (" (met)" if f.met else " (MISSED)")
            self.stdout.write(
                f"{f.name:<24}{f.value:>10}  {f.unit:<20}{f.baseline or '-':<30}"
                f"{f.baseline_value if f.baseline_value is not None else '-':>15}"
                f"{f.ratio if f.ratio is not None else '-':>8}  {f.target}{met}")


def _dumps(data) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False)
