import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.runner import Figure, page_figure

# Each test runs a process of its own with its own configuration: once, on SQLite.
pytestmark = pytest.mark.subprocess

PAGE_FIGURES = {"home_page_baseline", "attestation_page", "member_profile_page",
                "review_queue_page", "training_program_page"}


def test_page_figure_reports_rate_latency_and_ratio_to_the_baseline():
    baseline = Figure(name="home_page_baseline", value=200.0, unit="requests/s")
    result = page_figure("page", [0.01, 0.02, 0.01, 0.02], baseline=baseline)
    assert result.value == pytest.approx(66.7, abs=0.1)
    assert result.details["p50_ms"] == 15.0
    assert result.ratio == pytest.approx(0.333, abs=0.001)
    assert result.baseline == "home_page_baseline" and result.baseline_value == 200.0


def _bench(tmp_path, *args) -> subprocess.CompletedProcess:
    # SQLite always: on PostgreSQL its test database would be the one this test run is using.
    env = {k: v for k, v in os.environ.items()
           if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL", "SEXTO_SIGNING_KEYS_FILE")}
    env.update({"DEBUG": "1", "SEXTO_VAR_DIR": str(tmp_path)})
    return subprocess.run(  # noqa: S603 - our own console script, fixed arguments
        [Path(sys.executable).parent / "sexto", "bench", "--quick", *args],
        capture_output=True, text=True, env=env, timeout=600, check=False,
    )


def test_bench_writes_every_figure_with_its_baseline_on_a_throwaway_database(tmp_path):
    """The real command, in a fresh process: it creates, fills and drops a test database."""
    result = _bench(tmp_path, "--only", "pages,pdf_ms,verify_per_s_per_core,attestation_page_rps")
    assert result.returncode == 0, result.stderr
    report = json.loads((tmp_path / "bench.json").read_text())
    figures = report["figures"]
    assert set(figures) == PAGE_FIGURES | {"pdf_ms", "verify_per_s_per_core",
                                           "attestation_page_rps"}
    for name, figure in figures.items():
        assert figure["value"] > 0, name
        assert set(figure) >= {"value", "unit", "baseline", "baseline_value", "ratio",
                               "target"}
    assert figures["pdf_ms"]["baseline"] == "typst_empty_page_ms"
    assert figures["attestation_page_rps"]["baseline"] == "bare_django_view_rps"
    assert report["meta"]["quick"] is True and report["meta"]["machine"]["cpus"] >= 1
    assert "attestation_page_rps" in result.stdout  # the table
    assert not (tmp_path / "sexto.sqlite3").exists()  # the real database was never created
    assert not (tmp_path / "signing-keys.json").exists()  # nor a real keyring


def test_bulk_issue_figure_verifies_every_credential(tmp_path):
    result = _bench(tmp_path, "--only", "issue_per_s", "--json")
    assert result.returncode == 0, result.stderr
    figure = json.loads(result.stdout)["figures"]["issue_per_s"]
    assert figure["details"]["credentials"] == figure["details"]["verified"] == 500
    assert figure["baseline"] == "ed25519_sign_per_s" and figure["baseline_value"] > 0


def test_case_pages_figures_are_p95_over_http_beside_the_small_baseline(tmp_path):
    result = _bench(tmp_path, "--only", "case_pages", "--json")
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)["figures"]
    assert set(figures) == {"case_list_p95_ms", "case_view_p95_ms"}
    for name, figure in figures.items():
        assert figure["value"] > 0 and figure["baseline_value"] > 0, name
        assert figure["baseline"] == name.replace("_p95_ms", "_p95_ms_at_1000_cases")
        assert figure["details"]["cases"] == 3_000
        # The largest school of the large set holds far more cases than the small set's.
        assert (figure["details"]["cases_in_school"]
                > figure["details"]["baseline_details"]["cases_in_school"])


def test_unknown_group_is_refused(tmp_path):
    result = _bench(tmp_path, "--only", "nope")
    assert result.returncode != 0 and "Unknown group" in result.stderr


def test_purge_figure_destroys_every_expired_case_beside_a_plain_delete(tmp_path):
    result = _bench(tmp_path, "--only", "purge_ms_per_case", "--json")
    assert result.returncode == 0, result.stderr
    figure = json.loads(result.stdout)["figures"]["purge_ms_per_case"]
    assert figure["value"] > 0 and figure["baseline_value"] > 0
    assert figure["baseline"] == "plain_orm_delete_ms_per_case"
    # Closed cases are a part of the 500 made for each measure, about the same part each time.
    assert 0 < figure["details"]["cases_destroyed"] < 500
    assert 0 < figure["details"]["baseline_cases"] < 500


def test_dashboard_figures_are_p95_over_http_beside_the_small_baseline(tmp_path):
    result = _bench(tmp_path, "--only", "dashboard_pages", "--json")
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)["figures"]
    assert set(figures) == {"dashboard_principal_p95_ms", "dashboard_police_p95_ms"}
    for name, figure in figures.items():
        assert figure["value"] > 0 and figure["baseline_value"] > 0, name
        assert figure["baseline"] == name.replace("_p95_ms", "_p95_ms_at_1000_cases")
        assert figure["details"]["cases"] == 5_000
        # The boards of the large set hold far more cases than the small set's.
        for board in ("cases_in_school", "handoffs_to_force"):
            assert (figure["details"][board]
                    > 4 * figure["details"]["baseline_details"][board]), board
