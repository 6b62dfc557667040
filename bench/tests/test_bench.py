import pytest

from bench.runner import bench_figures, figure

FIGURES = {"home_page_baseline", "attestation_page", "member_profile_page",
           "review_queue_page", "training_program_page"}


def test_figure_reports_rate_latency_and_ratio_to_the_baseline():
    result = figure("page", [0.01, 0.02, 0.01, 0.02], baseline_per_second=200.0)
    assert result.per_second == pytest.approx(66.7, abs=0.1)
    assert result.p50_ms == 15.0
    assert result.ratio_to_baseline == pytest.approx(0.333, abs=0.001)


@pytest.mark.django_db
def test_bench_measures_every_named_figure_on_the_demo_data():
    figures = {item.name: item.as_dict() for item in bench_figures(requests=5)}
    assert set(figures) == FIGURES
    assert figures["home_page_baseline"]["ratio_to_baseline"] == 1.0
    assert all(item["per_second"] > 0 and item["requests"] == 5 for item in figures.values())


def test_bench_command_runs_on_its_own_throwaway_database(tmp_path):
    """The real command, in a fresh process: it creates, fills and drops a test database."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    # SQLite always: on PostgreSQL its test database would be the one this test run is using.
    env = {k: v for k, v in os.environ.items()
           if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL")}
    env.update({"DEBUG": "1", "SEXTO_VAR_DIR": str(tmp_path)})
    result = subprocess.run(  # noqa: S603 - our own console script, fixed arguments
        [Path(sys.executable).parent / "sexto", "bench", "--requests", "3", "--json"],
        capture_output=True, text=True, env=env, timeout=300, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert {item["name"] for item in json.loads(result.stdout)} == FIGURES
    assert not (tmp_path / "sexto.sqlite3").exists()  # the real database was never created
