"""The benchmark suite: every figure beside a baseline measured in the same run.

These machines are noisy: an absolute figure means little from one run to the next, so each
figure is reported with a baseline measured in the same run on the same machine, and as a ratio
to it. Figures, their units, baselines and targets (see README, "Benchmarks"):

- pages (in-process, Django's test client): home_page_baseline, attestation_page,
  member_profile_page, review_queue_page, training_program_page (requests/s);
- issue_per_s: bulk issuing (compose, sign, store, bake PNG) against raw Ed25519 signing;
- verify_per_s_per_core: full eddsa-rdfc-2022 verification against the digitalbazaar verifier;
- pdf_ms: one warm PDF attestation against an empty typst page;
- attestation_page_rps: the attestation page over HTTP on loopback against a bare view;
- case_pages: case_list_p95_ms and case_view_p95_ms over HTTP as the principal of the largest
  school, at 100,000 cases over 50 schools against the same at 1,000 cases;
- dashboard_pages: dashboard_principal_p95_ms and dashboard_police_p95_ms over HTTP, at
  100,000 cases against 1,000 (bench/dashboard.py);
- load_mix, two_servers_audit_ok, db_restart_lost_writes: the site served by gunicorn as the
  README runs it, under a realistic load and through database faults (bench/load.py).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import http.client
import json
import os
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from importlib.metadata import version
from io import StringIO

import typst
from cryptography.hazmat.primitives.asymmetric import ed25519
from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections
from django.test import Client
from django.test.testcases import LiveServerThread
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import mfa
from accounts.models import User
from badges.models import Award
from bench import drill
from cases.bulk import cases_bulk_create
from cases.models import Case
from cases.retention import purge
from credentials.bulk import credentials_issue_bulk
from credentials.did import did_document
from credentials.integrity import proof_verify
from credentials.keys import keyring_load
from credentials.models import IssuedCredential
from credentials.pdf import attestation_pdf_render
from credentials.selectors import attestation_pdf_data
from credentials.services import credential_for_award
from credentials.verify import default_fetcher, issuer_key_resolver
from demo.data import demo_data_load

GROUPS = ["pages", "issue_per_s", "verify_per_s_per_core", "pdf_ms", "attestation_page_rps",
          "case_pages", "dashboard_pages", "purge_ms_per_case", "incident_drill",
          "load_mix", "two_servers_audit_ok", "db_restart_lost_writes"]


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    baseline: str | None = None
    baseline_value: float | None = None
    ratio: float | None = None  # value / baseline_value
    target: str = ""
    met: bool | None = None
    details: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        data = asdict(self)
        data.pop("name")
        return data


def _ratio(value: float, baseline: float | None) -> float | None:
    return round(value / baseline, 3) if baseline else None


# --- Pages, in-process ----------------------------------------------------------------------------


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


def page_figure(name: str, durations: list[float], *, baseline: Figure | None) -> Figure:
    per_second = len(durations) / sum(durations)
    quantiles = statistics.quantiles(durations, n=20)
    return Figure(
        name=name, value=round(per_second, 1), unit="requests/s",
        baseline=baseline.name if baseline else None,
        baseline_value=baseline.value if baseline else None,
        ratio=_ratio(per_second, baseline.value) if baseline else 1.0,
        details={"requests": len(durations),
                 "p50_ms": round(statistics.median(durations) * 1000, 2),
                 "p95_ms": round(quantiles[18] * 1000, 2)},
    )


def demo_world() -> dict:
    """The program and the demo data, in the current (throwaway) database."""
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        call_command("content", "load", "--all", "--publish", stdout=StringIO())
        users = demo_data_load()
    award = Award.objects.get(recipient__email="architecte@demo.sexto.test",
                              badge_class__slug="sexto-architecte")
    credential_for_award(award=award)
    return {"users": users, "award": award}


def pages(world: dict, *, quick: bool) -> list[Figure]:
    requests = 50 if quick else 300
    award = world["award"]
    anonymous, reviewer, learner = Client(), Client(), Client()
    reviewer.force_login(world["users"]["reviewer"])
    learner.force_login(world["users"]["explorer_done"])
    baseline = page_figure("home_page_baseline",
                           measure(anonymous, reverse("core:home"), requests=requests),
                           baseline=None)
    baseline.details["what"] = "the home page: same middleware and templates, no query"
    measured = [
        ("attestation_page", anonymous, reverse("credential_pages:attestation", args=[award.id])),
        ("member_profile_page", anonymous,
         reverse("badges:member_profile", args=[award.recipient.handle])),
        ("review_queue_page", reviewer, reverse("badges:review_queue")),
        ("training_program_page", learner, reverse("training:program", args=["sexto"])),
    ]
    return [baseline] + [
        page_figure(name, measure(client, path, requests=requests), baseline=baseline)
        for name, client, path in measured
    ]


# --- Issuing and verifying credentials ------------------------------------------------------------


def _rate(function: Callable[[], object], *, seconds: float) -> float:
    """Calls per second of `function`, over at least `seconds` (after one warm-up call)."""
    function()
    calls, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        function()
        calls += 1
    return calls / elapsed


def _ed25519_sign_rate(*, seconds: float) -> float:
    key = ed25519.Ed25519PrivateKey.generate()
    message = os.urandom(64)
    return _rate(lambda: key.sign(message), seconds=seconds)


def _bulk_awards(world: dict, count: int) -> list:
    """`count` fresh awards of the Architecte badge, each to its own fictional member."""
    model = world["award"]
    stamp = time.time_ns()
    users = User.objects.bulk_create([
        User(email=f"membre.{stamp}.{i}@bench.sexto.test", full_name=f"Membre fictif {i}",
             handle=f"b{stamp % 10**8}{i}"[:30],
             password="!")  # noqa: S106 - Django's mark of an unusable password
        for i in range(count)
    ], batch_size=1000)
    now = timezone.now()
    return Award.objects.bulk_create([
        Award(badge_class=model.badge_class, recipient=user, granted_at=now,
              evidence=model.evidence, published=True, answers_published=True,
              visibility_chosen=True)
        for user in users
    ], batch_size=1000)


def issue_per_s(world: dict, *, quick: bool) -> Figure:
    count = 500 if quick else 10_000
    baseline = _ed25519_sign_rate(seconds=1.0 if quick else 3.0)
    awards = list(Award.objects.filter(pk__in=[a.pk for a in _bulk_awards(world, count)])
                  .select_related("badge_class", "recipient"))
    start = time.perf_counter()
    result = credentials_issue_bulk(awards)
    elapsed = time.perf_counter() - start
    # Every credential issued must verify: a fast pipeline that signs garbage is worth nothing.
    documents = IssuedCredential.objects.filter(award__in=awards).values_list("document",
                                                                              flat=True)
    verified = 0
    for document in documents.iterator():
        proof_verify(document, resolve_key=issuer_key_resolver(document["issuer"]["id"],
                                                                default_fetcher))
        verified += 1
    if verified != count or result.issued != count:
        raise RuntimeError(f"issued {result.issued}, verified {verified} of {count}")
    value = count / elapsed
    return Figure(
        name="issue_per_s", value=round(value, 1), unit="credentials/s",
        baseline="ed25519_sign_per_s", baseline_value=round(baseline, 1),
        ratio=_ratio(value, baseline), target=">= 600 credentials/s", met=value >= 600,
        details={"credentials": count, "seconds": round(elapsed, 2), "verified": verified,
                 "processes": os.cpu_count(), "baked_png_bytes": result.baked_bytes},
    )


def _node_verify_rate(document: dict, *, iterations: int) -> float | None:
    try:
        from credentials.tests.interop import node_bench, node_ready
    except ImportError:  # the test tools are not installed (a production install)
        return None
    if not node_ready():
        return None
    did = document["issuer"]["id"]
    outcome = node_bench(document, iterations=iterations,
                         dids={did: did_document(keyring_load(), did)})
    return outcome["per_second"] if outcome.get("verified") else None


def verify_per_s_per_core(world: dict, *, quick: bool) -> Figure:
    document = credential_for_award(award=world["award"]).document
    resolve = issuer_key_resolver(document["issuer"]["id"], default_fetcher)
    value = _rate(lambda: proof_verify(document, resolve_key=resolve),
                  seconds=1.0 if quick else 3.0)
    baseline = _node_verify_rate(document, iterations=200 if quick else 1000)
    return Figure(
        name="verify_per_s_per_core", value=round(value, 1), unit="verifications/s",
        baseline="digitalbazaar_verify_per_s" if baseline else None,
        baseline_value=round(baseline, 1) if baseline else None,
        ratio=_ratio(value, baseline), target=">= 2 x the digitalbazaar verifier",
        met=(value >= 2 * baseline) if baseline else None,
        details={"evidence_items": len(document.get("evidence", [])),
                 "credential_bytes": len(json.dumps(document))},
    )


# --- PDF ------------------------------------------------------------------------------------------


def pdf_ms(world: dict, *, quick: bool) -> Figure:
    data = attestation_pdf_data(world["award"], "fr")
    runs = 30 if quick else 200
    counter = iter(range(10**9))

    def render():
        # A new member name each time, as in real use: typst would memoise an identical input.
        return attestation_pdf_render(dataclasses.replace(
            data, member_name=f"{data.member_name} {next(counter)}"))

    def empty_page():
        return typst.compile(f"#[{next(counter)}]".encode(), format="pdf",
                             ignore_system_fonts=True)

    value = _median_ms(render, runs)
    baseline = _median_ms(empty_page, runs)
    return Figure(
        name="pdf_ms", value=value, unit="ms (median, warm)",
        baseline="typst_empty_page_ms", baseline_value=baseline,
        ratio=_ratio(value, baseline), target="<= 10 ms", met=value <= 10,
        details={"runs": runs},
    )


def _median_ms(function: Callable[[], object], runs: int) -> float:
    function()  # warm: fonts, template, compiler
    durations = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        durations.append(time.perf_counter() - start)
    return round(statistics.median(durations) * 1000, 2)


# --- The attestation page over HTTP ---------------------------------------------------------------


@contextlib.contextmanager
def http_server():
    """The site (plus the bare view) served by a real HTTP server on 127.0.0.1; yields get().

    get(path, cookie=None) makes one GET on a fresh connection and returns its duration (s).
    """
    with override_settings(ROOT_URLCONF="bench.urls", ALLOWED_HOSTS=["127.0.0.1"]):
        # An in-memory SQLite test database lives in this process's connection: share it.
        shared = {conn.alias: conn for conn in connections.all()
                  if conn.vendor == "sqlite" and conn.is_in_memory_db()}
        for conn in shared.values():
            conn.inc_thread_sharing()  # as LiveServerTestCase does
        server = LiveServerThread("127.0.0.1", static_handler=_no_static,
                                  connections_override=shared, port=0)
        server.daemon = True
        server.start()
        server.is_ready.wait()
        if server.error:
            raise server.error

        def get(path: str, cookie: str | None = None) -> float:
            start = time.perf_counter()
            connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
            connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
            response = connection.getresponse()
            body = response.read()
            connection.close()
            duration = time.perf_counter() - start
            if response.status != 200:
                raise RuntimeError(f"{path} answered {response.status}: {body[:3000]}")
            return duration

        try:
            yield get
        finally:
            server.terminate()
            for conn in shared.values():
                conn.dec_thread_sharing()


def attestation_page_rps(world: dict, *, quick: bool) -> Figure:
    """Both pages served by a real HTTP server on 127.0.0.1, one client, a connection each."""
    requests = 100 if quick else 500
    with http_server() as get:
        def rate(path: str) -> float:
            for _ in range(10):
                get(path)
            durations = [get(path) for _ in range(requests)]
            return len(durations) / sum(durations)

        baseline = rate(reverse("bench_bare"))
        value = rate(reverse("credential_pages:attestation", args=[world["award"].id]))
    ratio = _ratio(value, baseline)
    return Figure(
        name="attestation_page_rps", value=round(value, 1), unit="requests/s",
        baseline="bare_django_view_rps", baseline_value=round(baseline, 1), ratio=ratio,
        target=">= 0.7 x the bare view", met=ratio is not None and ratio >= 0.7,
        details={"requests": requests},
    )


# --- The case tool over HTTP --------------------------------------------------------------------


def _second_factor_cookie(user: User) -> str:
    """A session cookie of `user` signed in with a second factor, as after a real login."""
    device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[mfa.SIGNED_IN_AT_KEY] = session[mfa.SEEN_AT_KEY] = time.time()
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def _case_pages_p95(get, *, principal: User, school, requests: int) -> tuple[float, float, dict]:
    """p95 (ms) of the case list and of case pages, as the principal of `school`."""
    cookie = _second_factor_cookie(principal)
    list_path = reverse("cases:case_list")
    case_ids = list(Case.objects.filter(school=school).order_by("?")
                    .values_list("pk", flat=True)[:50])
    view_paths = [reverse("cases:case_detail", args=[pk]) for pk in case_ids]
    for path in [list_path] * 10 + view_paths[:10]:
        get(path, cookie)  # warm-up
    list_durations = [get(list_path, cookie) for _ in range(requests)]
    view_durations = [get(view_paths[i % len(view_paths)], cookie) for i in range(requests)]

    def p95(durations: list[float]) -> float:
        return round(statistics.quantiles(durations, n=20)[18] * 1000, 2)

    details = {"cases_in_school": Case.objects.filter(school=school).count(),
               "list_p50_ms": round(statistics.median(list_durations) * 1000, 2),
               "view_p50_ms": round(statistics.median(view_durations) * 1000, 2)}
    return p95(list_durations), p95(view_durations), details


def case_pages(world: dict, *, quick: bool) -> list[Figure]:
    """case_list_p95_ms and case_view_p95_ms at 100,000 cases over 50 schools, beside the same
    at 1,000 cases, measured over HTTP on loopback as the principal of the largest school."""
    requests = 40 if quick else 300
    large_total = 3_000 if quick else 100_000  # --quick: a smoke test, not the figure
    small = cases_bulk_create(total=1_000, schools=50, seed=1)
    with http_server() as get:
        base_list, base_view, base_details = _case_pages_p95(
            get, principal=small["principal"], school=small["school"], requests=requests)
    started = time.perf_counter()
    large = cases_bulk_create(total=large_total, schools=50, seed=2)
    fill_seconds = round(time.perf_counter() - started, 1)
    with http_server() as get:
        big_list, big_view, big_details = _case_pages_p95(
            get, principal=large["principal"], school=large["school"], requests=requests)
    figures = []
    for name, value, baseline, details in (
        ("case_list_p95_ms", big_list, base_list, big_details),
        ("case_view_p95_ms", big_view, base_view, big_details),
    ):
        ratio = _ratio(value, baseline)
        figures.append(Figure(
            name=name, value=value, unit="ms (p95)",
            baseline=name.replace("_p95_ms", "_p95_ms_at_1000_cases"), baseline_value=baseline,
            ratio=ratio, target=f"<= 50 ms and <= 1.3 x at {large_total:,} cases",
            met=value <= 50 and ratio is not None and ratio <= 1.3,
            details={"requests": requests, "cases_total": Case.objects.count(),
                     "cases": large_total, "fill_seconds": fill_seconds,
                     "baseline_details": base_details, **details},
        ))
    return figures


def _no_static(handler):
    return handler


# --- The retention purge --------------------------------------------------------------------------


def _expired_cases(*, total: int, seed: int) -> list:
    """Fictional cases (cases/bulk.py) of which every closed one is long past its retention."""
    made = cases_bulk_create(total=total, schools=5, seed=seed)
    closed = Case.objects.filter(school__in=made["schools"], status=Case.Status.CLOSED)
    closed.update(closed_at=timezone.now() - datetime.timedelta(days=5000), legal_hold=False)
    return list(closed.values_list("pk", flat=True))


def purge_ms_per_case(world: dict, *, quick: bool) -> Figure:
    """`sexto cases purge` (plan, row locks, destruction records, cascade, audit entries) per
    closed case destroyed, beside one plain ORM delete of as many such cases (the cascade
    alone: no record, no audit, no lock)."""
    total = 500 if quick else 5_000
    baseline_ids = _expired_cases(total=total, seed=3)
    started = time.perf_counter()
    Case.objects.filter(pk__in=baseline_ids).delete()
    baseline = (time.perf_counter() - started) * 1000 / max(len(baseline_ids), 1)
    purged_ids = _expired_cases(total=total, seed=4)
    started = time.perf_counter()
    report = purge()
    value = (time.perf_counter() - started) * 1000 / max(report.cases_destroyed, 1)
    assert report.cases_destroyed == len(purged_ids), "the purge missed expired cases"
    return Figure(
        name="purge_ms_per_case", value=round(value, 2), unit="ms per case",
        baseline="plain_orm_delete_ms_per_case", baseline_value=round(baseline, 2),
        ratio=_ratio(value, baseline),
        details={"cases_destroyed": report.cases_destroyed,
                 "baseline_cases": len(baseline_ids)},
    )


# --- The incident drill ----------------------------------------------------------------------


def _second_factor_client(user: User) -> Client:
    client = Client()
    client.cookies.load(_second_factor_cookie(user))
    return client


def incident_drill(world: dict, *, quick: bool) -> list[Figure]:
    """The school's minimal path (bench/drill.py) played through the pages, as the demo's
    staff member who reports and its Sexto intervener: the screens shown and the fields
    filled, and the staff's time estimated by the Keystroke-Level Model."""
    users = world["users"]
    screens = drill.drill_screens()
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        played = drill.drill_play(
            clients={"staff": _second_factor_client(users["explorer_mid"]),
                     "intervener": _second_factor_client(users["architect"])},
            start=reverse("cases:case_report"), screens=screens,
            case_url=lambda case_id: reverse("cases:case_detail", args=[case_id]))
    minutes = drill.klm_seconds(screens) / 60
    typing_minutes = played.typed_characters * drill.K / 60
    forms = sum(1 for screen in screens if screen.button)
    details = {"fields": played.fields, "typed_characters": played.typed_characters,
               "server_seconds": round(played.response_seconds, 3),
               "screens": played.titles}
    return [
        Figure(name="incident_drill_minutes", value=round(minutes, 2), unit="min (KLM)",
               baseline="typing_alone_minutes", baseline_value=round(typing_minutes, 2),
               ratio=_ratio(minutes, typing_minutes),
               target=f"<= {drill.TARGET_MINUTES} min", met=minutes <= drill.TARGET_MINUTES,
               details=details),
        Figure(name="incident_drill_screens", value=played.screens, unit="screens",
               baseline="screens_with_a_form", baseline_value=forms,
               ratio=_ratio(played.screens, forms),
               target=f"<= {drill.TARGET_SCREENS} screens",
               met=played.screens <= drill.TARGET_SCREENS, details=details),
    ]


# --- The run --------------------------------------------------------------------------------------


RUNNERS = {
    "issue_per_s": issue_per_s,
    "verify_per_s_per_core": verify_per_s_per_core,
    "pdf_ms": pdf_ms,
    "attestation_page_rps": attestation_page_rps,
    "purge_ms_per_case": purge_ms_per_case,
}


# Every request of a benchmark comes from one address: the rate limits would measure 429s.
@override_settings(SEXTO_RATE_LIMITS_ENABLED=False)
def bench_run(*, only: list[str] | None = None, quick: bool = False) -> list[Figure]:
    """Fill the current (throwaway) database with the demo, then measure the chosen groups."""
    world = demo_world()
    figures: list[Figure] = []
    for group in only or GROUPS:
        if group == "pages":
            figures += pages(world, quick=quick)
        elif group == "case_pages":
            figures += case_pages(world, quick=quick)
        elif group == "incident_drill":
            figures += incident_drill(world, quick=quick)
        elif group in ("load_mix", "two_servers_audit_ok", "db_restart_lost_writes"):
            from bench import load  # gunicorn, aiohttp: only for these groups

            figures += getattr(load, group)(world, quick=quick)
        elif group == "dashboard_pages":
            from bench.dashboard import dashboard_pages  # it builds on this module's helpers

            figures += dashboard_pages(world, quick=quick)
        else:
            figures.append(RUNNERS[group](world, quick=quick))
    return figures


def bench_meta(*, quick: bool) -> dict:
    return {
        "date": timezone.now().isoformat(timespec="seconds"),
        "machine": {"platform": platform.platform(), "processor": platform.machine(),
                    "cpus": os.cpu_count(), "python": platform.python_version()},
        "versions": {name: version(name) for name in
                     ("django", "pyld", "cryptography", "typst", "pyjwt")},
        "database": connection.vendor,
        "quick": quick,
    }
