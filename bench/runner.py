"""Measuring pages in-process, each figure beside a baseline measured in the same run.

These machines are noisy: an absolute figure means little from one run to the next, so every
page is reported with the trivial home page (same middleware, same template engine, no query)
measured in the same run, and as a ratio to it.
"""

import statistics
import time
from dataclasses import asdict, dataclass
from io import StringIO

from django.test import Client


@dataclass(frozen=True)
class Figure:
    name: str
    requests: int
    per_second: float
    p50_ms: float
    p95_ms: float
    ratio_to_baseline: float  # per_second / baseline per_second

    def as_dict(self) -> dict:
        return asdict(self)


def measure(client: Client, path: str, *, requests: int, warmup: int = 10) -> list[float]:
    """Seconds taken by each of `requests` GETs of `path` (after a warm-up), all 200."""
    for _ in range(warmup):
        client.get(path)
    durations = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(path)
        durations.append(time.perf_counter() - start)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")
    return durations


def figure(name: str, durations: list[float], *, baseline_per_second: float | None) -> Figure:
    per_second = len(durations) / sum(durations)
    quantiles = statistics.quantiles(durations, n=20)
    return Figure(
        name=name,
        requests=len(durations),
        per_second=round(per_second, 1),
        p50_ms=round(statistics.median(durations) * 1000, 2),
        p95_ms=round(quantiles[18] * 1000, 2),
        ratio_to_baseline=round(per_second / baseline_per_second, 3)
        if baseline_per_second else 1.0,
    )


def bench_figures(*, requests: int) -> list[Figure]:
    """Load the content and the demo data into the current (throwaway) database, then measure."""
    from django.core.management import call_command
    from django.test.utils import override_settings
    from django.urls import reverse

    from accounts.models import User
    from badges.models import Award
    from demo.data import demo_data_load

    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        call_command("content", "load", "--all", "--publish", stdout=StringIO())
        demo_data_load()
    award = Award.objects.get(recipient__email="architecte@demo.sexto.test",
                              badge_class__slug="sexto-architecte")
    anonymous = Client()
    reviewer = Client()
    reviewer.force_login(User.objects.get(email="evaluation@demo.sexto.test"))
    learner = Client()
    learner.force_login(User.objects.get(email="explorateur@demo.sexto.test"))

    baseline = figure("home_page_baseline",
                      measure(anonymous, reverse("core:home"), requests=requests),
                      baseline_per_second=None)
    pages = [
        ("attestation_page", anonymous, reverse("badges:attestation", args=[award.id])),
        ("member_profile_page", anonymous,
         reverse("badges:member_profile", args=[award.recipient.handle])),
        ("review_queue_page", reviewer, reverse("badges:review_queue")),
        ("training_program_page", learner, reverse("training:program", args=["sexto"])),
    ]
    return [baseline] + [
        figure(name, measure(client, path, requests=requests),
               baseline_per_second=baseline.per_second)
        for name, client, path in pages
    ]
