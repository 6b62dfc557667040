"""Load and database faults over HTTP: the site served by gunicorn as the README runs it.

`sexto bench --only load_mix` (load_mix_rps, load_mix_p95_ms at 50 and 200 users),
`--only two_servers_audit_ok`, `--only db_restart_lost_writes`. The bench starts gunicorn
itself on loopback (a free port) with config/gunicorn.py and the production settings (DEBUG=0,
persistent database connections with health checks), on the bench's throwaway database: the
PostgreSQL test database of DATABASE_URL, or a file copy of the in-memory SQLite one.

The load client is Python's asyncio with aiohttp: one task and one connection per virtual
user, which keeps hundreds of users on a fraction of one core (its HTTP parser is in C) on the
same 2-core machine as the server. Each user waits a think time (1 s) after every response, so
the offered load is about users / (1 s + response time): a server that keeps up serves the mix
at the rate it serves the bare home page to the same users, and one that falls behind shows it
in both the rate and the p95.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import itertools
import os
import random
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override as language
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import mfa
from accounts.models import User
from config.env import child_environment

THINK_SECONDS = 1.0
USERS = (50, 200)
# Targets on the 2-core machine (issue 10): p95 at 50 users; rate and p95 at 200 users.
P95_TARGET_MS = {50: 150, 200: 500}
RATE_TARGET = {200: 0.9}

# --- The load client --------------------------------------------------------------------------


@dataclass
class Sample:
    label: str
    end: float
    seconds: float
    status: int  # 0: no answer (refused, reset, timed out)


@dataclass
class LoadResult:
    users: int
    seconds: float
    samples: list[Sample]
    errors: list[str] = field(default_factory=list)

    @property
    def requests(self) -> int:
        return len(self.samples)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def error_count(self) -> int:
        return sum(1 for s in self.samples if not 200 <= s.status < 400)

    def p95_ms(self, samples: list[Sample] | None = None) -> float:
        durations = [s.seconds for s in (self.samples if samples is None else samples)]
        if len(durations) < 2:
            return round(durations[0] * 1000, 1) if durations else 0.0
        return round(statistics.quantiles(durations, n=20)[18] * 1000, 1)

    def by_label(self) -> dict:
        groups: dict[str, list[Sample]] = defaultdict(list)
        for sample in self.samples:
            groups[sample.label].append(sample)
        return {label: {"requests": len(samples), "p95_ms": self.p95_ms(samples),
                        "p50_ms": round(statistics.median(s.seconds for s in samples) * 1000, 1)}
                for label, samples in sorted(groups.items())}


class VirtualUser:
    """One person at a browser: one connection, its own cookies, a think time after each answer.

    `cookies` are set on the user's jar (a session made by the bench); a CSRF secret of the
    user's own is set too and sent back in the X-CSRFToken header, as Django's documented AJAX
    path does, so forms are posted without reading the token from each page.
    """

    def __init__(self, base: str, cookies: dict[str, str], record: Callable[[Sample], None],
                 think: float):
        import aiohttp

        self._aiohttp = aiohttp
        self.base = base
        self.think = think
        self.record = record
        self.csrf = secrets.token_hex(16)  # 32 characters: Django's CSRF secret length
        jar = aiohttp.CookieJar(unsafe=True)  # unsafe: cookies for 127.0.0.1, an IP address
        jar.update_cookies({**cookies, settings.CSRF_COOKIE_NAME: self.csrf},
                           response_url=aiohttp.client.URL(base))
        self.session = aiohttp.ClientSession(
            cookie_jar=jar, connector=aiohttp.TCPConnector(limit=1),
            timeout=aiohttp.ClientTimeout(total=30))

    async def request(self, label: str, method: str, path: str,
                      data: dict | None = None) -> tuple[int, str]:
        start = time.perf_counter()
        headers = ({"X-CSRFToken": self.csrf, "Referer": self.base + path}
                   if method == "POST" else {})
        try:
            async with self.session.request(method, self.base + path, data=data,
                                            headers=headers, allow_redirects=False) as response:
                text = await response.text()
                status = response.status
        except (TimeoutError, self._aiohttp.ClientError, OSError) as error:
            status, text = 0, f"{type(error).__name__}: {error}"
        end = time.perf_counter()
        self.record(Sample(label, end, end - start, status))
        await asyncio.sleep(self.think)
        return status, text

    async def get(self, label: str, path: str) -> tuple[int, str]:
        return await self.request(label, "GET", path)

    async def post(self, label: str, path: str, data: dict) -> tuple[int, str]:
        return await self.request(label, "POST", path, data)

    async def close(self) -> None:
        await self.session.close()


Script = Callable[[VirtualUser], Awaitable[None]]  # loops until cancelled


def _run_async(coroutine: Awaitable):
    """asyncio.run() in a thread of its own: the calling thread may already run an event loop
    (Playwright's synchronous API does, in a test run), where asyncio.run() refuses to start."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()

def load_run(base: str, users: list[tuple[Script, dict[str, str]]], *, seconds: float,
             warmup: float, think: float = THINK_SECONDS) -> LoadResult:
    """Run every (script, cookies) user against `base` for warmup + seconds; the requests that
    ended within the last `seconds` count. Users start spread over one think time."""
    return _run_async(_load_run(base, users, seconds=seconds, warmup=warmup, think=think))


async def _load_run(base, users, *, seconds, warmup, think) -> LoadResult:
    samples: list[Sample] = []
    failures: list[str] = []
    virtual = [VirtualUser(base, cookies, samples.append, think) for _, cookies in users]

    async def play(user: VirtualUser, script: Script, delay: float) -> None:
        await asyncio.sleep(delay)
        try:
            await script(user)
        except asyncio.CancelledError:
            raise
        except Exception as error:  # a script's own bug: counted, never silent
            failures.append(f"{type(error).__name__}: {error}")

    count = len(users)
    tasks = [asyncio.create_task(play(user, script, think * i / count))
             for i, (user, (script, _)) in enumerate(zip(virtual, users, strict=True))]
    started = time.perf_counter()
    await asyncio.sleep(warmup + seconds)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await asyncio.gather(*(user.close() for user in virtual))
    window_start, window_end = started + warmup, started + warmup + seconds
    counted = [s for s in samples if window_start <= s.end <= window_end]
    errors = failures + [f"{s.label}: {s.status or 'no answer'}" for s in counted
                         if not 200 <= s.status < 400]
    return LoadResult(users=count, seconds=seconds, samples=counted, errors=errors)


# --- What the users do ------------------------------------------------------------------------


def _input_values(html: str, name: str) -> list[str]:
    """The value= of each <input name=NAME> in a page, in order."""
    values = []
    for tag in re.findall(r"<input\b[^>]*>", html):
        if re.search(rf'\bname="{re.escape(name)}"', tag):
            match = re.search(r'\bvalue="([^"]*)"', tag)
            if match:
                values.append(match.group(1))
    return values


def home_script(home: str) -> Script:
    async def script(user: VirtualUser) -> None:
        while True:
            await user.get("home", home)
    return script


def public_script(attestations: list[str], profiles: list[str]) -> Script:
    """An anonymous visitor checking attestations and members' profiles."""
    async def script(user: VirtualUser) -> None:
        while True:
            await user.get("attestation", random.choice(attestations))
            await user.get("member_profile", random.choice(profiles))
    return script


def learner_script(program: str, modules: list[tuple[str, str]]) -> Script:
    """A learner moving through the program's modules: reading ones marked read, each
    scenario played step by step (the choice posted, the page read again), then again."""
    async def script(user: VirtualUser) -> None:
        while True:
            await user.get("training_program", program)
            for kind, path in modules:
                status, page = await user.get(f"module_{kind}", path)
                if kind == "reading" and status == 200:
                    await user.post("module_read", path, {"lu": "1"})
                elif kind == "scenario":
                    for _ in range(8):  # a scenario's steps, as far as it goes
                        steps, choices = _input_values(page, "step"), _input_values(page, "choice")
                        if not (steps and choices):
                            break
                        await user.post("scenario_choice", path,
                                        {"step": steps[0], "choice": random.choice(choices)})
                        status, page = await user.get("module_scenario", path)
    return script


def reviewer_script(queue: str, requests: list[str]) -> Script:
    async def script(user: VirtualUser) -> None:
        while True:
            await user.get("review_queue", queue)
            if requests:
                await user.get("review_detail", random.choice(requests))
    return script


def case_note_data(token: str) -> dict:
    """A meeting note as the case's form posts it; `token` makes it findable afterwards."""
    return {"kind": "note", "student": "",
            "happened_at": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
            "notes": f"Rencontre de suivi avec l'élève, {token}. L'élève va bien et sait à qui "
                     "parler au besoin."}


def case_script(case_list: str, case_page: str, note_page: str) -> Script:
    """A case-tool user (signed in with a second factor) on their case: the list, the case,
    the note's form, the note posted (every one of these audited), the case again."""
    async def script(user: VirtualUser) -> None:
        # Each user starts somewhere in the round, as people do, so that a short run sees
        # every step.
        for n in itertools.count(random.randrange(4)):
            step = n % 4
            if step == 0:
                await user.get("case_list", case_list)
            elif step == 1:
                await user.get("case_detail", case_page)
            elif step == 2:
                await user.get("case_note_form", note_page)
            else:
                await user.post("case_note_post", note_page, case_note_data(f"load-{n}"))
    return script


# --- The world the users work in --------------------------------------------------------------


def _session_cookies(user: User, *, device: TOTPDevice | None = None) -> dict[str, str]:
    """A session of `user` (with a second factor when `device` is given), as after a login."""
    client = Client()
    client.force_login(user)
    session = client.session
    if device is not None:
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session[mfa.SIGNED_IN_AT_KEY] = session[mfa.SEEN_AT_KEY] = time.time()
    session.save()
    return {settings.SESSION_COOKIE_NAME: session.session_key}


@dataclass
class Mix:
    """The realistic mix's users, by share of the total, and what the fault groups need."""

    public: Script
    learners: list[dict]  # a session each
    learner: Script
    reviewer: Script
    reviewer_cookies: dict
    case_users: list[tuple[Script, dict, str, str]]  # script, cookies, case page, note page

    def users(self, count: int) -> list[tuple[Script, dict]]:
        """`count` users: 40 % public, 35 % learners, 10 % reviewers, 15 % case tool."""
        cases = max(1, round(count * 0.15))
        reviewers = max(1, round(count * 0.10))
        learners = max(1, round(count * 0.35))
        public = count - cases - reviewers - learners
        chosen = ([(self.public, {})] * public
                  + [(self.learner, self.learners[i % len(self.learners)])
                     for i in range(learners)]
                  + [(self.reviewer, self.reviewer_cookies)] * reviewers
                  + [self.case_users[i % len(self.case_users)][:2] for i in range(cases)])
        random.Random(count).shuffle(chosen)
        return chosen


def mix_prepare(world: dict, *, case_users: int, learners: int) -> Mix:
    """Sessions and paths in the bench's database: fictional learners enrolled in the program,
    the demo's reviewer, and case-tool users each on an open case of their own school."""
    from badges.models import Award, BadgeRequest
    from cases.bulk import cases_bulk_create
    from cases.models import Case
    from training.models import Module
    from training.selectors import program_newest_published
    from training.services import enrollment_start

    with language("fr"):
        award_ids = list(Award.objects.filter(published=True).values_list("pk", flat=True))
        attestations = [reverse("credential_pages:attestation", args=[pk]) for pk in award_ids]
        profiles = [reverse("badges:member_profile", args=[world["award"].recipient.handle])]
        program = program_newest_published(slug="sexto")
        first_level = program.levels.order_by("position").first()
        modules = [(m.kind, reverse("training:module", args=[program.slug, first_level.kind,
                                                             m.slug]))
                   for m in Module.objects.filter(level=first_level).order_by("position")]
        stamp = time.time_ns() % 10**8
        learner_cookies = []
        for i in range(learners):
            user = User.objects.create(email=f"apprenant.{stamp}.{i}@bench.sexto.test",
                                       full_name=f"Apprenant fictif {i}",
                                       handle=f"l{stamp}{i}"[:30], password="!")  # noqa: S106
            enrollment_start(user=user, program=program)
            learner_cookies.append(_session_cookies(user))
        reviewer = world["users"]["reviewer"]
        pending = BadgeRequest.objects.filter(status=BadgeRequest.Status.REQUESTED)
        review_paths = [reverse("badges:review_detail", args=[pk])
                        for pk in pending.values_list("pk", flat=True)]
        # The largest school holds about a fifth of the fictional cases, a third of them open;
        # each case-tool user gets one of its open cases.
        made = cases_bulk_create(total=max(1000, case_users * 30), schools=5, seed=7)
        principal = made["principal"]
        device = TOTPDevice.objects.create(user=principal, name="bench-load", confirmed=True)
        open_cases = list(Case.objects.filter(school=made["school"])
                          .exclude(status=Case.Status.CLOSED).values_list("pk", flat=True))
        case_list = reverse("cases:case_list")
        if len(open_cases) < case_users:
            raise RuntimeError(f"{len(open_cases)} open cases for {case_users} case-tool users")
        users = []
        for case_id in open_cases[:case_users]:
            page = reverse("cases:case_detail", args=[case_id])
            note = reverse("cases:case_step", args=[case_id, "meeting"])
            users.append((case_script(case_list, page, note),
                          _session_cookies(principal, device=device), page, note))
        return Mix(
            public=public_script(attestations, profiles),
            learners=learner_cookies,
            learner=learner_script(reverse("training:program", args=[program.slug]), modules),
            reviewer=reviewer_script(reverse("badges:review_queue"), review_paths),
            reviewer_cookies=_session_cookies(reviewer),
            case_users=users,
        )


# --- Gunicorn, started by the bench -----------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url(settings_dict: dict) -> str:
    """The URL of the bench's own (test) PostgreSQL database, for the servers it starts."""
    user = settings_dict.get("USER") or "postgres"
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings_dict['NAME']}"


@contextlib.contextmanager
def served_database() -> Iterator[str]:
    """A DATABASE_URL the servers can share with this process's throwaway database: the
    PostgreSQL test database itself, or a file copy of an in-memory SQLite one (written by
    the servers from then on, not read back)."""
    if connection.vendor == "postgresql":
        yield database_url(connection.settings_dict)
        return
    folder = Path(tempfile.mkdtemp(prefix="sexto-bench-"))
    try:
        path = folder / "bench.sqlite3"
        connection.copy_to_file(path)  # config/sqlite_backend
        yield f"sqlite:///{path}"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def server_environment(database: str) -> dict[str, str]:
    """The README's production configuration, on loopback without TLS: what the reverse proxy
    would add (HTTPS, secure cookies) is relaxed explicitly, as README says it can be."""
    return child_environment(without_prefixes=("DJANGO_", "SEXTO_", "DATABASE_", "EMAIL_"), **{
        "DEBUG": "0",
        "SECRET_KEY": settings.SECRET_KEY,
        "AUDIT_KEY": settings.AUDIT_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0", "SESSION_COOKIE_SECURE": "0", "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "SEXTO_MANIFEST_STATIC": "0",  # no collectstatic for a throwaway run
        "DATABASE_URL": database,
        "DATABASE_CONN_MAX_AGE": "60",  # README, "Running in production"
        # The same throwaway keys as the bench process (the bench command's settings).
        "SEXTO_SIGNING_KEYS": settings.SEXTO_SIGNING_KEYS,
        "SEXTO_CASE_KEYS": ",".join(settings.SEXTO_CASE_KEYS),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "LOG_LEVEL": "WARNING",
        # Every virtual user comes from 127.0.0.1: per-address rate limits (where the settings
        # have them) would refuse them all as one client. Failed-password locks stay on.
        "SEXTO_RATE_LIMITS_ENABLED": "0",
    })


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    log: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def wait_until_answering(base: str, path: str, *, seconds: float) -> float | None:
    """Seconds until GET base+path answers 200, polling every 50 ms; None if it never did."""
    started = time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds:
        try:
            with urllib.request.urlopen(base + path, timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return elapsed
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.05)
    return None


@contextlib.contextmanager
def gunicorn(database: str) -> Iterator[Server]:
    """gunicorn with config/gunicorn.py on a free loopback port, stopped on leaving."""
    port = free_port()
    log = Path(tempfile.mkstemp(prefix="sexto-gunicorn-", suffix=".log")[1])
    command = [sys.executable, "-m", "gunicorn", "-c",
               str(Path(settings.BASE_DIR) / "config" / "gunicorn.py"),
               "--bind", f"127.0.0.1:{port}", "config.wsgi"]
    with open(log, "wb") as output:
        process = subprocess.Popen(command, cwd=settings.BASE_DIR,  # noqa: S603
                                   env=server_environment(database),
                                   stdout=output, stderr=subprocess.STDOUT)
    server = Server(process, port, log)
    try:
        if wait_until_answering(server.base, "/fr/", seconds=60) is None:
            raise RuntimeError(f"gunicorn did not start: {log.read_text()[-3000:]}")
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.unlink(missing_ok=True)


def audit_verify(database: str) -> tuple[bool, str]:
    """`sexto audit verify` run as an operator would, on the servers' database."""
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "config.cli", "audit", "verify"], cwd=settings.BASE_DIR,
        env=server_environment(database), capture_output=True, text=True, timeout=600)
    return result.returncode == 0, (result.stdout + result.stderr).strip()[-500:]


# --- The figures ------------------------------------------------------------------------------


def _unavailable(names: list[str], unit: str, reason: str) -> list:
    from bench.runner import Figure

    return [Figure(name=name, value=0.0, unit=unit, target="", met=False,
                   details={"not_measured": reason}) for name in names]


def _aiohttp_missing() -> str | None:
    try:
        import aiohttp  # noqa: F401
    except ImportError:
        return "aiohttp is not installed (a production install without the dev tools)"
    return None


def load_mix(world: dict, *, quick: bool) -> list:
    """load_mix_rps and load_mix_p95_ms at 50 and 200 users, beside the bare home page served
    by the same gunicorn to the same number of users in the same run."""
    from bench.runner import Figure, _ratio

    if reason := _aiohttp_missing():
        return _unavailable([f"load_mix_{what}_{n}_users" for n in USERS
                             for what in ("rps", "p95_ms")], "", reason)
    seconds, warmup = (2.0, 1.0) if quick else (30.0, 5.0)
    mix = mix_prepare(world, case_users=round(max(USERS) * 0.15), learners=20)
    figures = []
    with served_database() as database, gunicorn(database) as server:
        for count in USERS:
            home = load_run(server.base, [(home_script("/fr/"), {})] * count,
                            seconds=seconds, warmup=warmup)
            measured = load_run(server.base, mix.users(count), seconds=seconds, warmup=warmup)
            details = {"users": count, "seconds": seconds, "think_s": THINK_SECONDS,
                       "requests": measured.requests, "errors": measured.error_count,
                       "error_samples": measured.errors[:10],
                       "baseline_p95_ms": home.p95_ms(), "baseline_errors": home.error_count,
                       "by_endpoint": measured.by_label()}
            rate_target = RATE_TARGET.get(count)
            ratio = _ratio(measured.rps, home.rps)
            rate_met = measured.error_count == 0 and (
                rate_target is None or (ratio is not None and ratio >= rate_target))
            p95 = measured.p95_ms()
            figures += [
                Figure(name=f"load_mix_rps_{count}_users", value=round(measured.rps, 1),
                       unit="requests/s", baseline=f"home_page_rps_{count}_users",
                       baseline_value=round(home.rps, 1), ratio=ratio,
                       target=(f">= {rate_target} x baseline, 0 errors" if rate_target
                               else "0 errors"), met=rate_met, details=details),
                Figure(name=f"load_mix_p95_ms_{count}_users", value=p95, unit="ms (p95)",
                       baseline=f"home_page_p95_ms_{count}_users",
                       baseline_value=home.p95_ms(), ratio=_ratio(p95, home.p95_ms()),
                       target=f"<= {P95_TARGET_MS[count]} ms, 0 errors",
                       met=measured.error_count == 0 and p95 <= P95_TARGET_MS[count],
                       details={"users": count, "errors": measured.error_count}),
            ]
    return figures


def two_servers_audit_ok(world: dict, *, quick: bool) -> list:
    """Two gunicorn servers on one database, case-tool users writing through both at once;
    then `sexto audit verify`. The baseline is the same load through one server."""
    from bench.runner import Figure, _ratio

    if reason := _aiohttp_missing():
        return _unavailable(["two_servers_audit_ok"], "", reason)
    # Fresh workers build their template caches on their first requests: a longer warm-up.
    seconds, warmup = (4.0, 3.0) if quick else (20.0, 6.0)
    writers = 20 if quick else 40
    mix = mix_prepare(world, case_users=writers, learners=1)
    with served_database() as database:
        with gunicorn(database) as one:
            single = load_run(one.base, [(script, cookies) for script, cookies, _, _
                                         in mix.case_users], seconds=seconds, warmup=warmup,
                              think=0.1)
        with gunicorn(database) as first, gunicorn(database) as second, \
                lock_sampler(database) as waits:
            # Half the writers on each server, all at once, on the same chain.
            both = _run_async(_two_servers(first.base, second.base, mix, seconds=seconds,
                                            warmup=warmup))
        ok, output = audit_verify(database)
    writes = sum(1 for s in both.samples if s.label == "case_note_post" and s.status == 302)
    return [Figure(
        name="two_servers_audit_ok", value=1.0 if ok else 0.0, unit="chain verified (1 = yes)",
        baseline="one_server_rps", baseline_value=round(single.rps, 1),
        ratio=_ratio(both.rps, single.rps),
        target="audit verify passes, 0 errors", met=ok and both.error_count == 0,
        details={"two_servers_rps": round(both.rps, 1), "two_servers_p95_ms": both.p95_ms(),
                 "one_server_p95_ms": single.p95_ms(), "writers": writers,
                 "backends": waits,
                 "notes_written": writes, "errors": both.error_count,
                 "by_endpoint": both.by_label(), "one_server_by_endpoint": single.by_label(),
                 "error_samples": both.errors[:10], "audit_verify": output},
    )]


@contextlib.contextmanager
def lock_sampler(database: str) -> Iterator[dict]:
    """Every 100 ms, PostgreSQL's active backends on `database` and those among them waiting
    for a lock on the audit chain's head; the averages are filled in on leaving."""
    result: dict = {}
    if not database.startswith("postgres"):
        result["not_measured"] = "PostgreSQL only (pg_stat_activity)"
        yield result
        return
    import psycopg

    stop = threading.Event()
    counts: list[tuple[int, int]] = []
    name = database.rsplit("/", 1)[1]

    def sample() -> None:
        with psycopg.connect(database, autocommit=True) as conn:
            while not stop.wait(0.1):
                counts.append(conn.execute(
                    "SELECT count(*), count(*) FILTER (WHERE wait_event_type = 'Lock' AND "
                    "query ILIKE '%%audit_auditchainhead%%') FROM pg_stat_activity "
                    "WHERE datname = %s AND state = 'active' AND pid <> pg_backend_pid()",
                    (name,)).fetchone())

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield result
    finally:
        stop.set()
        thread.join(timeout=10)
        if counts:
            result["samples"] = len(counts)
            result["active_mean"] = round(statistics.mean(c[0] for c in counts), 2)
            result["waiting_on_chain_head_mean"] = round(statistics.mean(c[1] for c in counts),
                                                         2)


async def _two_servers(first: str, second: str, mix: Mix, *, seconds, warmup) -> LoadResult:
    users = [(script, cookies) for script, cookies, _, _ in mix.case_users]
    half = len(users) // 2
    results = await asyncio.gather(
        _load_run(first, users[:half], seconds=seconds, warmup=warmup, think=0.1),
        _load_run(second, users[half:], seconds=seconds, warmup=warmup, think=0.1))
    return LoadResult(users=len(users), seconds=seconds,
                      samples=results[0].samples + results[1].samples,
                      errors=results[0].errors + results[1].errors)


# --- PostgreSQL stopped abruptly under a write load -------------------------------------------


def postgresql_bin() -> Path | None:
    """Debian's PostgreSQL server programs (initdb, pg_ctl), the newest version there."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"),
                   key=lambda path: int(path.parent.parent.name)
                   if path.parent.parent.name.isdigit() else 0)
    return found[-1].parent if found else None


@dataclass
class Cluster:
    """A throwaway PostgreSQL cluster of the bench's own: never the machine's server, which
    others use. Its programs run as the `postgres` account when the bench runs as root
    (PostgreSQL refuses to run as root)."""

    bin: Path
    folder: Path
    port: int

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def run(self, *args: str | Path, timeout: float = 120) -> subprocess.CompletedProcess:
        command = [str(arg) for arg in args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, check=True, capture_output=True, text=True,  # noqa: S603
                              timeout=timeout)

    def start(self) -> None:
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} "
                   "-c max_connections=60 -c shared_buffers=32MB")
        self.run(self.bin / "pg_ctl", "-D", self.data, "-o", options,
                 "-l", self.folder / "server.log", "-w", "-t", "60", "start")

    def stop(self, mode: str) -> None:
        self.run(self.bin / "pg_ctl", "-D", self.data, "-m", mode, "-w", "-t", "60", "stop")

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"


@contextlib.contextmanager
def throwaway_cluster(bin: Path) -> Iterator[Cluster]:
    """initdb in a temporary folder, started on a free port; stopped and removed on leaving,
    whatever happened."""
    folder = Path(tempfile.mkdtemp(prefix="sexto-bench-pg-"))
    cluster = Cluster(bin, folder, free_port())
    try:
        if os.geteuid() == 0:
            shutil.chown(folder, "postgres", "postgres")
        cluster.run(bin / "initdb", "-D", cluster.data, "-U", "postgres", "--auth=trust",
                    "-E", "UTF8", "--no-sync")
        cluster.start()
        yield cluster
    finally:
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            cluster.stop("immediate")
        shutil.rmtree(folder, ignore_errors=True)


def cluster_seed(cluster: Cluster, name: str) -> None:
    """A copy of the bench's database (demo, sessions, cases) in the cluster: pg_dump | psql."""
    source = connection.settings_dict
    env = child_environment(PGPASSWORD=source.get("PASSWORD") or "")
    subprocess.run([str(cluster.bin / "psql"), "-h", "127.0.0.1", "-p", str(cluster.port),  # noqa: S603
                    "-U", "postgres", "-q", "-c", f'CREATE DATABASE "{name}"'],
                   check=True, capture_output=True, env=env, timeout=60)
    dump = subprocess.Popen(  # noqa: S603
        [str(cluster.bin / "pg_dump"), "--no-owner", "--no-privileges",
         "-h", source.get("HOST") or "127.0.0.1", "-p", str(source.get("PORT") or 5432),
         "-U", source.get("USER") or "postgres", source["NAME"]],
        stdout=subprocess.PIPE, env=env)
    restore = subprocess.run(  # noqa: S603
        [str(cluster.bin / "psql"), "-h", "127.0.0.1", "-p", str(cluster.port), "-U",
         "postgres", "-q", "-v", "ON_ERROR_STOP=1", name],
        stdin=dump.stdout, capture_output=True, env=env, timeout=600)
    dump.stdout.close()
    if dump.wait(timeout=600) != 0 or restore.returncode != 0:
        raise RuntimeError(f"seeding the throwaway cluster failed: {restore.stderr[-2000:]}")


def db_restart_lost_writes(world: dict, *, quick: bool) -> list:
    """Case notes posted through gunicorn while PostgreSQL is stopped with `-m immediate`
    (a crash, as far as the database knows) and started again: every note acknowledged with a
    redirect (the form's success) must be on its case afterwards; the site must answer again
    without restarting gunicorn; `sexto audit verify` must pass."""
    from bench.runner import Figure, _ratio

    names = ["db_restart_lost_writes", "db_restart_recovery_s"]
    bin = postgresql_bin()
    if bin is None or not (bin / "initdb").exists():
        return _unavailable(names, "", "PostgreSQL's server programs (initdb, pg_ctl) are "
                                       "not installed: no throwaway cluster to stop")
    if connection.vendor != "postgresql":
        return _unavailable(names, "", "needs DATABASE_URL on PostgreSQL: the throwaway "
                                       "cluster is seeded from the bench's database")
    if reason := _aiohttp_missing():
        return _unavailable(names, "", reason)
    writers = 10 if quick else 20
    mix = mix_prepare(world, case_users=writers, learners=1)
    with throwaway_cluster(bin) as cluster:
        cluster_seed(cluster, "sexto_bench")
        database = cluster.url("sexto_bench")
        with gunicorn(database) as server:
            outcome = _run_async(_write_through_restart(server.base, cluster, mix,
                                                         before=2.0 if quick else 5.0,
                                                         outage=2.0 if quick else 5.0))
        ok, output = audit_verify(database)
    lost = outcome["lost"]
    recovery = outcome["recovery_s"]
    details = {**outcome, "audit_verify_ok": ok, "audit_verify": output,
               "postgresql": str(bin)}
    details.pop("lost")
    return [
        Figure(name="db_restart_lost_writes", value=len(lost), unit="writes lost",
               baseline="acknowledged_writes", baseline_value=outcome["acknowledged"],
               ratio=_ratio(len(lost), outcome["acknowledged"]),
               target="0 lost, audit chain intact", met=not lost and ok,
               details={**details, "lost_samples": lost[:10]}),
        Figure(name="db_restart_recovery_s", value=recovery if recovery is not None else -1.0,
               unit="s after PostgreSQL is back", baseline="postgresql_start_s",
               baseline_value=outcome["postgresql_start_s"],
               ratio=_ratio(recovery, outcome["postgresql_start_s"]) if recovery else None,
               target="answers again without a restart",
               met=recovery is not None, details={"outage_statuses": outcome["outage_statuses"]}),
    ]


async def _write_through_restart(base: str, cluster: Cluster, mix: Mix, *, before: float,
                                 outage: float) -> dict:
    acknowledged: list[tuple[int, str]] = []  # (writer, token)
    samples: list[Sample] = []
    users = [VirtualUser(base, cookies, samples.append, 0.1)
             for _, cookies, _, _ in mix.case_users]

    async def write(index: int, user: VirtualUser, note_page: str) -> None:
        for n in itertools.count():
            token = f"restart-{index}-{n}-{secrets.token_hex(3)}"
            status, _ = await user.post("case_note_post", note_page, case_note_data(token))
            if status == 302:
                acknowledged.append((index, token))

    tasks = [asyncio.create_task(write(i, user, note))
             for i, (user, (_, _, _, note)) in enumerate(zip(users, mix.case_users, strict=True))]
    probe = VirtualUser(base, mix.case_users[0][1], lambda sample: None, 0.0)
    probe_page = mix.case_users[0][2]
    try:
        await asyncio.sleep(before)
        stopped_at = time.perf_counter()
        await asyncio.to_thread(cluster.stop, "immediate")
        await asyncio.sleep(outage)
        outage_end = len(samples)
        started = time.perf_counter()
        await asyncio.to_thread(cluster.start)
        back_at = time.perf_counter()
        recovery = None
        while time.perf_counter() - back_at < 60:
            status, _ = await probe.get("probe", probe_page)
            if status == 200:
                recovery = round(time.perf_counter() - back_at, 2)
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(before)  # writing goes on after the recovery
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    outage_statuses: dict[str, int] = defaultdict(int)
    for sample in samples[:outage_end]:
        if sample.end >= stopped_at:
            outage_statuses[str(sample.status or "no answer")] += 1
    # Every acknowledged note, looked for on its case's page as the person would.
    pages = {}
    for index, (_, _, page, _) in enumerate(mix.case_users):
        status, text = await probe.get("verify", page)
        pages[index] = text if status == 200 else ""
    await asyncio.gather(probe.close(), *(user.close() for user in users))
    lost = [token for index, token in acknowledged if token not in pages[index]]
    return {"acknowledged": len(acknowledged), "lost": lost, "recovery_s": recovery,
            "postgresql_start_s": round(back_at - started, 2), "outage_s": outage,
            "stopped_for_s": round(back_at - stopped_at, 2), "writers": len(users),
            "outage_statuses": dict(outage_statuses),
            "unverifiable_pages": sum(1 for text in pages.values() if not text)}
