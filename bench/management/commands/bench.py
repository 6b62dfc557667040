import json

from django.core.management.base import BaseCommand
from django.db import connection
from django.test.utils import override_settings, setup_test_environment, teardown_test_environment

from bench.runner import bench_figures


class Command(BaseCommand):
    help = (
        "Benchmarks: public attestation, member profile, review queue and a training program "
        "page, each beside the home page (baseline) measured in the same run. Runs on a "
        "throwaway test database filled with the demo data; your own database is not touched."
    )

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=300, help="requests per figure")
        parser.add_argument("--json", action="store_true", help="print the figures as JSON")

    def handle(self, *args, requests: int, json: bool, **options):
        setup_test_environment()
        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
        try:
            # As in production: DEBUG would also record every SQL query in memory.
            with override_settings(DEBUG=False):
                figures = bench_figures(requests=requests)
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)
            teardown_test_environment()
        self._print(figures, as_json=json)

    def _print(self, figures, *, as_json: bool) -> None:
        if as_json:
            self.stdout.write(json.dumps([f.as_dict() for f in figures], indent=2))
            return
        self.stdout.write(f"{'figure':<24}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'× home':>9}")
        for f in figures:
            self.stdout.write(
                f"{f.name:<24}{f.per_second:>9}{f.p50_ms:>9}{f.p95_ms:>9}{f.ratio_to_baseline:>9}"
            )
