"""The dashboard over HTTP at 100,000 cases beside 1,000 cases, in the same run.

`dashboard_pages(world, quick=...)` measures the p95 of the dashboard (cases:dashboard, its
default period: the last 12 months) for the principal of the largest school and for a police
liaison officer of the force that serves every school, over HTTP on loopback, each request
signed in with a second factor and audited as in production (bench.runner.http_server).
The cases come from cases/bulk.py: 1,000 over 50 schools (the largest school holds 246, the
force received 816 hand-offs), then 100,000 (22,250 and 83,109).

Every duration is computed for every case of the board that falls in the period, so the work
grows with the board, not with a page size: the 1,000-case figures are the baseline, and no
target is set (the cost is linear in the board's cases by nature). On PostgreSQL the tables
are analysed after each load, as autovacuum would.
"""

from __future__ import annotations

import statistics
import time

from django.db import connection
from django.urls import reverse

from accounts.models import Membership, Role, User
from bench.runner import Figure, _ratio, _second_factor_cookie, http_server
from cases.bulk import cases_bulk_create
from cases.models import Case


def _liaison(force) -> User:
    user = User.objects.create_user(email=f"liaison-{force.code}@example.test", password=None,
                                    full_name="Liaison Fictive")
    Membership.objects.create(user=user, organisation=force, role=Role.POLICE_LIAISON)
    return user


def _p95(get, *, user: User, requests: int) -> tuple[float, float]:
    cookie = _second_factor_cookie(user)
    path = reverse("cases:dashboard")
    for _ in range(5):
        get(path, cookie)  # warm-up
    durations = [get(path, cookie) for _ in range(requests)]
    return (round(statistics.quantiles(durations, n=20)[18] * 1000, 2),
            round(statistics.median(durations) * 1000, 2))


def dashboard_pages(world: dict, *, quick: bool) -> list[Figure]:
    requests = 20 if quick else 100
    large_total = 5_000 if quick else 100_000  # --quick: a smoke test, not the figure
    measured = {}
    for label, total, seed in (("small", 1_000, 11), ("large", large_total, 12)):
        started = time.perf_counter()
        made = cases_bulk_create(total=total, schools=50, seed=seed)
        if connection.vendor == "postgresql":
            # As autovacuum would within a minute of such a load: without statistics the
            # planner takes the 100,000 cases for a few hundred and picks nested loops that
            # scan an index once per row (seconds instead of a fraction of one).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        fill_seconds = round(time.perf_counter() - started, 1)
        liaison = _liaison(made["force"])
        with http_server() as get:
            measured[label] = {
                "principal": _p95(get, user=made["principal"], requests=requests),
                "police": _p95(get, user=liaison, requests=requests),
                "cases_in_school": Case.objects.filter(school=made["school"]).count(),
                "handoffs_to_force": Case.objects.filter(
                    handoff__force=made["force"], handoff__sent_at__isnull=False).count(),
                "fill_seconds": fill_seconds,
            }
    figures = []
    for who in ("principal", "police"):
        (value, median), (baseline, base_median) = measured["large"][who], measured["small"][who]
        figures.append(Figure(
            name=f"dashboard_{who}_p95_ms", value=value, unit="ms (p95)",
            baseline=f"dashboard_{who}_p95_ms_at_1000_cases", baseline_value=baseline,
            ratio=_ratio(value, baseline),
            details={"requests": requests, "p50_ms": median, "baseline_p50_ms": base_median,
                     "cases": large_total, "cases_total": Case.objects.count(),
                     **{key: measured["large"][key] for key in
                        ("cases_in_school", "handoffs_to_force", "fill_seconds")},
                     "baseline_details": {key: measured["small"][key] for key in
                                          ("cases_in_school", "handoffs_to_force")}},
        ))
    return figures
