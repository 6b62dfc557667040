"""The site while its PostgreSQL database is out of reach, served as in production (gunicorn,
DEBUG=0, persistent connections), the database reached through a relay this test controls:

- refused: the page answers the 503 page in its language, at once, with no traceback;
- silent (a database that accepts and never answers): the same within 5 seconds
  (DATABASE_CONNECT_TIMEOUT), never a hang;
- back: the same server answers again, without a restart, and again after its persistent
  connection was cut under it (CONN_HEALTH_CHECKS).
"""

import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.subprocess

POSTGRES = ("127.0.0.1", 5432)


class DatabaseRelay:
    """A TCP relay in front of the machine's PostgreSQL: "refuse" closes each connection at
    once, "silent" holds it without a byte, "forward" relays it. Changing the mode cuts the
    connections already open, as a database restart does."""

    def __init__(self):
        self.mode = "refuse"
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.open: list[socket.socket] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def set_mode(self, mode: str) -> None:
        with self.lock:
            self.mode = mode
            for sock in self.open:
                sock.close()
            self.open.clear()

    def close(self) -> None:
        self.set_mode("refuse")
        self.listener.close()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            with self.lock:
                if self.mode == "refuse":
                    client.close()
                elif self.mode == "silent":
                    self.open.append(client)
                else:
                    upstream = socket.create_connection(POSTGRES)
                    self.open += [client, upstream]
                    for source, target in ((client, upstream), (upstream, client)):
                        threading.Thread(target=self._pipe, args=(source, target),
                                         daemon=True).start()

    @staticmethod
    def _pipe(source, target):
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, target):
                sock.close()


def _postgres_reachable() -> bool:
    try:
        socket.create_connection(POSTGRES, timeout=2).close()
    except OSError:
        return False
    return True


def _require_postgres() -> None:
    """Only the way back needs a real PostgreSQL behind the relay."""
    if not _postgres_reachable():
        if os.environ.get("CI") == "true":
            pytest.fail("PostgreSQL is not reachable on 127.0.0.1:5432; CI must run this test")
        pytest.skip("PostgreSQL is not reachable on 127.0.0.1:5432")


@pytest.fixture(scope="module")
def relay():
    relay = DatabaseRelay()
    yield relay
    relay.close()


@pytest.fixture(scope="module")
def server(relay, signing_keyring, tmp_path_factory):
    """gunicorn as the README's production configuration runs it, on the relay's database
    (one server for the module: each test sets the relay's mode first)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "DJANGO_"))}
    env.update(
        DEBUG="0", SECRET_KEY="outage-test-" + "k" * 50, ALLOWED_HOSTS="127.0.0.1",
        SITE_URL=f"http://127.0.0.1:{port}", SECURE_SSL_REDIRECT="0", SEXTO_MANIFEST_STATIC="0",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{relay.port}/postgres",
        DATABASE_CONN_MAX_AGE="600", SEXTO_VAR_DIR=str(tmp_path_factory.mktemp("outage")),
    )
    gunicorn = Path(sys.executable).parent / "gunicorn"
    process = subprocess.Popen(  # noqa: S603 - the project's own server, fixed arguments
        [str(gunicorn), "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1",
         "--error-logfile", "-"],
        env=env, stderr=subprocess.PIPE, text=True)
    log: list[str] = []
    # gunicorn says when its worker is ready to serve; each line read, none waited for.
    for line in process.stderr:
        log.append(line)
        if "Booting worker" in line:
            break
    threading.Thread(target=lambda: log.extend(process.stderr), daemon=True).start()
    served = SimpleServer(f"http://127.0.0.1:{port}", log)
    # The worker loads Django at its first request: time that apart from what is measured.
    served.get("/healthz")
    served.get(_training_home("fr"))
    yield served
    process.terminate()
    process.wait(timeout=30)


class SimpleServer:
    def __init__(self, url, log):
        self.url, self.log = url, log

    def get(self, path, cookie=""):
        request = urllib.request.Request(  # noqa: S310 - http://127.0.0.1 only
            self.url + path, headers={"Cookie": cookie})
        started = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                status, headers, body = response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            status, headers, body = error.code, error.headers, error.read()
        return status, headers, body.decode(), time.monotonic() - started


def _training_home(language):
    with translation.override(language):
        return reverse("training:home")


@pytest.mark.parametrize("language, title, retry", [
    ("fr", "Sexto est momentanément indisponible", "Réessayer"),
    ("en", "Sexto is temporarily unavailable", "Try again"),
])
def test_a_page_needing_the_database_answers_503_in_its_language(server, relay, language,
                                                                  title, retry):
    relay.set_mode("refuse")
    # Anonymous (the page's own queries), and with a session cookie (the session, the user and
    # the navigation's notices are read by middleware and context processors first).
    for cookie in ("", "sessionid=abcdefghijklmnopqrstuvwxyz012345"):
        status, headers, body, seconds = server.get(_training_home(language), cookie)
        assert status == 503, body
        assert seconds < 5
        assert headers["Retry-After"] == "30"
        assert f'<html lang="{language}">' in body
        assert title in body and retry in body
        assert "Traceback" not in body and "OperationalError" not in body
        assert 'class="site-header"' in body  # the site's layout
    # The log says it in one line a request, without a traceback.
    assert not any("Traceback" in line for line in server.log)
    assert any(re.search(r"Service Unavailable: .*OperationalError", line)
               for line in server.log)


def test_a_database_that_never_answers_is_a_503_within_5_seconds(server, relay):
    relay.set_mode("silent")
    status, _, body, seconds = server.get(_training_home("fr"))
    assert status == 503
    assert seconds < 5
    assert "Sexto est momentanément indisponible" in body


def test_the_same_server_recovers_when_the_database_comes_back(server, relay):
    _require_postgres()
    relay.set_mode("refuse")
    assert server.get("/healthz")[0] == 503
    relay.set_mode("forward")
    status, _, body, _ = server.get("/healthz")
    assert status == 200, body
    # A database restart cuts the persistent connection under the server: the next request
    # finds it unusable, tries again, and says 503 while the database is away...
    relay.set_mode("refuse")
    assert server.get("/healthz")[0] == 503
    # ...and 200 as soon as it is back, with no restart of the server.
    relay.set_mode("forward")
    assert server.get("/healthz")[0] == 200
