"""The load and fault bench's own parts (bench/load.py), each on something small and quick.

The figures themselves take minutes and a quiet machine: `sexto bench --only load_mix` etc.
Nothing here asserts a time or a rate.
"""

import json
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings

from bench import load

pytest.importorskip("aiohttp")


class _Tiny(BaseHTTPRequestHandler):
    """200 on /ok (recording the cookies and CSRF header it got), 500 on anything else."""

    seen: list[dict] = []

    def do_GET(self):  # noqa: N802 - http.server's name
        self._answer()

    def do_POST(self):  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode()
        self._answer(body)

    def _answer(self, body: str = ""):
        self.seen.append({"path": self.path, "cookie": self.headers.get("Cookie", ""),
                          "csrf": self.headers.get("X-CSRFToken", ""), "body": body,
                          "type": self.headers.get("Content-Type", "")})
        status = 200 if self.path.startswith("/ok") else 500
        page = b'<input type="hidden" name="step" value="s1">' if status == 200 else b"no"
        self.send_response(status)
        self.send_header("Content-Length", str(len(page)))
        self.end_headers()
        self.wfile.write(page)

    def log_message(self, *args):
        pass


@pytest.fixture
def tiny_server():
    _Tiny.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Tiny)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_load_client_counts_each_request_and_each_error_by_endpoint(tiny_server):
    async def script(user):
        while True:
            await user.get("fine", "/ok")
            await user.post("broken", "/fail", {"a": "1"})

    result = load.load_run(tiny_server, [(script, {"sessionid": "abc"})] * 3,
                           seconds=0.6, warmup=0.2, think=0.02)

    by_label = result.by_label()
    assert set(by_label) == {"fine", "broken"}
    assert result.requests == by_label["fine"]["requests"] + by_label["broken"]["requests"]
    assert result.error_count == by_label["broken"]["requests"] > 0
    assert all(error == "broken: 500" for error in result.errors)
    assert result.p95_ms() >= 0


def test_load_client_sends_the_session_and_its_own_csrf_secret_with_a_form(tiny_server):
    async def script(user):
        await user.post("form", "/ok/form", {"note": "x"})
        await user.get("page", "/ok/page")
        while True:
            await user.get("page", "/ok/page")

    load.load_run(tiny_server, [(script, {settings.SESSION_COOKIE_NAME: "s3ss"})],
                  seconds=0.2, warmup=0.1, think=0.02)

    form = next(seen for seen in _Tiny.seen if seen["path"] == "/ok/form")
    secret = form["csrf"]
    # Django's CSRF check compares the header with the cookie: a 32-character secret.
    assert len(secret) == 32
    assert f"{settings.CSRF_COOKIE_NAME}={secret}" in form["cookie"]
    assert f"{settings.SESSION_COOKIE_NAME}=s3ss" in form["cookie"]
    assert form["type"] == "application/x-www-form-urlencoded" and form["body"] == "note=x"
    page = next(seen for seen in _Tiny.seen if seen["path"] == "/ok/page")
    assert page["csrf"] == ""  # only forms carry it


def test_a_server_that_does_not_answer_is_an_error_not_a_crash():
    async def script(user):
        while True:
            await user.get("gone", "/ok")

    result = load.load_run(f"http://127.0.0.1:{load.free_port()}", [(script, {})],
                           seconds=0.3, warmup=0.0, think=0.02)

    assert result.requests > 0 and result.error_count == result.requests
    assert result.errors[0] == "gone: no answer"


def test_input_values_reads_a_scenario_step_and_its_choices():
    page = ('<form><input type="hidden" name="step" value="s2">'
            '<input type="radio" id="c1" name="choice" value="c-a"> '
            '<input value="c-b" name="choice" type="radio"><input name="other" value="x"></form>')
    assert load._input_values(page, "step") == ["s2"]
    assert load._input_values(page, "choice") == ["c-a", "c-b"]


def test_the_mix_keeps_its_shares_of_users():
    def script(name):
        async def run(user):
            return name
        return run

    mix = load.Mix(public=script("public"), learners=[{"l": "1"}, {"l": "2"}],
                   learner=script("learner"), reviewer=script("reviewer"),
                   reviewer_cookies={"r": "1"},
                   case_users=[(script("case"), {"c": str(i)}, "", "") for i in range(30)])
    users = mix.users(200)
    kinds = [script.__closure__[0].cell_contents for script, _ in users]
    assert len(users) == 200
    assert {kind: kinds.count(kind) for kind in set(kinds)} == {
        "public": 80, "learner": 70, "reviewer": 20, "case": 30}
    # Each case-tool user on a session (and so a case) of their own.
    case_sessions = [cookies["c"] for script, cookies in users if cookies.get("c")]
    assert len(set(case_sessions)) == 30


def test_servers_run_the_production_settings_on_the_given_database(monkeypatch):
    monkeypatch.setenv("SEXTO_SIGNING_KEYS", "{}")
    monkeypatch.setenv("SEXTO_CASE_KEYS", "key")
    monkeypatch.setenv("SEXTO_SIGNING_KEYS_FILE", "/elsewhere")
    env = load.server_environment("postgres://postgres@127.0.0.1:5432/test_x")
    assert env["DEBUG"] == "0"
    assert env["DATABASE_URL"] == "postgres://postgres@127.0.0.1:5432/test_x"
    assert int(env["DATABASE_CONN_MAX_AGE"]) > 0
    assert env["SECRET_KEY"] == settings.SECRET_KEY and env["AUDIT_KEY"] == settings.AUDIT_KEY
    assert "SEXTO_SIGNING_KEYS_FILE" not in env  # only the bench's throwaway keys
    # gunicorn reads the same configuration file as the README's command.
    assert (Path(settings.BASE_DIR) / "config" / "gunicorn.py").exists()


@pytest.mark.skipif(load.postgresql_bin() is None, reason="PostgreSQL's server programs absent")
def test_throwaway_cluster_survives_an_immediate_stop_and_is_removed(tmp_path):
    """The bench's own cluster (never the machine's server): stopped as in a crash, started
    again with its data, then removed with its folder."""
    bin = load.postgresql_bin()

    def psql(cluster, sql):
        return subprocess.run(  # noqa: S603
            [str(bin / "psql"), "-h", "127.0.0.1", "-p", str(cluster.port), "-U", "postgres",
             "-tAq", "-c", sql], capture_output=True, text=True, check=True,
            timeout=60).stdout.strip()

    with load.throwaway_cluster(bin) as cluster:
        folder = cluster.folder
        psql(cluster, "CREATE TABLE kept (n int); INSERT INTO kept VALUES (42)")
        cluster.stop("immediate")
        cluster.start()
        assert psql(cluster, "SELECT n FROM kept") == "42"
        assert cluster.port != 5432
    assert not folder.exists()


def test_load_mix_serves_the_mix_through_gunicorn_without_an_error(tmp_path):
    """The real command on SQLite: gunicorn started on a copy of the bench's database with the
    production settings, every user's requests answered (forms accepted: no 403, no 415)."""
    from bench.tests.test_bench import _bench

    result = _bench(tmp_path, "--only", "load_mix")
    assert result.returncode == 0, result.stderr
    figures = json.loads((tmp_path / "bench.json").read_text())["figures"]
    assert set(figures) == {f"load_mix_{what}_{users}_users" for users in (50, 200)
                            for what in ("rps", "p95_ms")}
    served = set()
    for users in (50, 200):
        rate = figures[f"load_mix_rps_{users}_users"]
        assert rate["baseline"] == f"home_page_rps_{users}_users" and rate["baseline_value"] > 0
        assert rate["details"]["errors"] == 0, rate["details"]["error_samples"]
        assert rate["details"]["baseline_errors"] == 0
        served |= set(rate["details"]["by_endpoint"])
    # Every kind of user was served: the public, learners, reviewers, the case tool.
    assert {"attestation", "member_profile", "module_reading", "review_queue", "case_list",
            "case_note_post"} <= served
