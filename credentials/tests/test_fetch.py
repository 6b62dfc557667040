"""The verifier's guarded fetch, against real local servers (HTTP and HTTPS on 127.0.0.1).

Nothing here leaves 127.0.0.1: the `network` fixture, used by every test, fails any
connection to another address and answers name lookups from a table instead of the DNS.
"""

import contextlib
import datetime
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace
from urllib.parse import unquote

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from core.exceptions import ApplicationError
from credentials import fetch
from credentials.fetch import Fetched, FetchError, ensure_public_address, fetch_url

BIG = b"x" * 200_000


class Handler(BaseHTTPRequestHandler):
    """Routes by path; every request is recorded on the server (path, headers)."""

    protocol_version = "HTTP/1.0"  # the body ends when the connection closes

    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass  # keep the test output clean

    def handle(self):
        # The client hanging up first is what several tests are about.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            super().handle()

    def reply(self, status: int, body: bytes = b"", headers: dict | None = None):
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):  # noqa: N802 - the base class's naming
        self.server.requests.append((self.path, dict(self.headers)))
        path, _, query = self.path.partition("?")
        if path == "/ok":
            self.reply(200, b'{"ok": true}', {"Content-Type": "application/json"})
        elif path == "/big":
            self.reply(200, BIG, {"Content-Length": str(len(BIG))})
        elif path == "/stream":  # no Content-Length: only counting the bytes can stop it
            self.reply(200, BIG)
        elif path.startswith("/redirect/"):
            left = int(path.rsplit("/", 1)[1])
            if left:
                self.reply(302, headers={"Location": f"/redirect/{left - 1}"})
            else:
                self.reply(200, b"arrived", {"Content-Type": "text/plain"})
        elif path == "/to":
            self.reply(302, headers={"Location": unquote(query)})
        elif path == "/no-location":
            self.reply(302)
        elif path == "/slow":
            self.server.release.wait(5)
            self.reply(200, b"late")
        elif path == "/trickle":
            # Headers one byte at a time, each well within any socket timeout.
            self.wfile.write(b"HTTP/1.0 200 OK\r\nX-Slow: ")
            for _ in range(50):
                if self.server.release.wait(0.1):
                    break
                self.wfile.write(b"a")
                self.wfile.flush()
        elif path == "/trickle-body":  # no Content-Length: the end of the body is the close
            self.wfile.write(b"HTTP/1.0 200 OK\r\n\r\n")
            for _ in range(50):
                if self.server.release.wait(0.1):
                    break
                self.wfile.write(b"a")
                self.wfile.flush()
        elif path == "/error":
            self.reply(500, b"boom")
        else:
            self.reply(404, b"not here")


class TLSServer(ThreadingHTTPServer):
    tls: ssl.SSLContext

    def get_request(self):
        sock, address = self.socket.accept()
        try:
            return self.tls.wrap_socket(sock, server_side=True), address
        except OSError:  # the client refused our certificate: expected in some tests
            sock.close()
            raise


def start(server_class=ThreadingHTTPServer, tls: ssl.SSLContext | None = None):
    httpd = server_class(("127.0.0.1", 0), Handler)
    httpd.requests = []
    httpd.release = threading.Event()
    if tls is not None:
        httpd.tls = tls
    thread = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    httpd.port = httpd.server_address[1]
    httpd.url = f"{'https' if tls else 'http'}://127.0.0.1:{httpd.port}"

    def stop():
        httpd.release.set()  # frees the slow handlers
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)

    return httpd, stop


@pytest.fixture
def server() -> Iterator[ThreadingHTTPServer]:
    httpd, stop = start()
    yield httpd
    stop()


@pytest.fixture(autouse=True)
def network(monkeypatch):
    """Connections only to 127.0.0.1; name lookups from `names`, never the DNS."""
    state = SimpleNamespace(connections=[], lookups=[], names={}, resolver_stuck=threading.Event())
    real_connect = socket.create_connection
    real_getaddrinfo = socket.getaddrinfo

    def create_connection(address, *args, **kwargs):
        state.connections.append(address[0])
        assert address[0] == "127.0.0.1", f"a test tried to connect to {address}"
        return real_connect(address, *args, **kwargs)

    def getaddrinfo(host, port, *args, **kwargs):
        state.lookups.append(host)
        answer = state.names.get(host)
        if callable(answer):
            answer = answer()
        if answer is not None:
            return [
                (
                    socket.AF_INET6 if ":" in ip else socket.AF_INET,
                    socket.SOCK_STREAM,
                    6,
                    "",
                    (ip, port),
                )
                for ip in answer
            ]
        try:
            ipaddress.ip_address(host)
        except ValueError:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known") from None
        kwargs["flags"] = socket.AI_NUMERICHOST  # an address literal: no DNS either
        return real_getaddrinfo(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", create_connection)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield state
    state.resolver_stuck.set()


def error_code(call) -> FetchError:
    with pytest.raises(FetchError) as caught:
        call()
    return caught.value


# --- Address checks (no traffic at all) ------------------------------------------------------

NEVER_ALLOWED = [
    "10.0.0.1",
    "172.16.0.1",
    "192.168.1.1",
    "169.254.169.254",  # cloud metadata
    "100.64.0.1",  # shared address space (carrier-grade NAT)
    "0.0.0.0",  # noqa: S104 - an address under test, not a bind
    "0.1.2.3",
    "224.0.0.1",
    "239.255.255.250",
    "240.0.0.1",
    "255.255.255.255",
    "192.0.2.1",  # documentation
    "198.18.0.1",  # benchmarking
    "::",
    "fc00::1",
    "fd12:3456::1",
    "fe80::1",
    "fe80::1%eth0",
    "fec0::1",  # site-local
    "ff02::1",
    "2001:db8::1",
    "::ffff:10.0.0.1",
    "::ffff:169.254.169.254",
    "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
    "2002:a9fe:a9fe::1",  # 6to4 of 169.254.169.254
    "2002:0a00:0001::1",  # 6to4 of 10.0.0.1
    "::a00:1",  # IPv4-compatible, deprecated
    "not an address",
]
LOOPBACK = ["127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1"]
PUBLIC = ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.4.4", "2002:808:808::1"]


@pytest.mark.parametrize("address", NEVER_ALLOWED)
@pytest.mark.parametrize("allow_loopback", [False, True])
def test_address_not_public_is_refused(address, allow_loopback):
    error = error_code(lambda: ensure_public_address(address, allow_loopback=allow_loopback))
    assert error.code == "address"


@pytest.mark.parametrize("address", LOOPBACK)
def test_loopback_address_passes_only_when_allowed(address):
    assert ensure_public_address(address, allow_loopback=True)
    error = error_code(lambda: ensure_public_address(address, allow_loopback=False))
    assert error.code == "address"


@pytest.mark.parametrize("address", PUBLIC)
def test_public_address_passes(address):
    assert ensure_public_address(address, allow_loopback=False) == ipaddress.ip_address(address)


# --- Fetching from a local server ------------------------------------------------------------


def test_fetch_from_loopback_when_allowed(server):
    fetched = fetch_url(f"{server.url}/ok", allow_loopback=True)
    assert fetched == Fetched(f"{server.url}/ok", 200, "application/json", b'{"ok": true}')
    [(path, headers)] = server.requests
    assert headers["User-Agent"] == "Sexto-verifier/1"
    assert headers["Accept"] == "application/json"
    assert headers["Host"] == f"127.0.0.1:{server.port}"
    assert "Cookie" not in headers


def test_accept_header_is_the_callers(server):
    fetch_url(f"{server.url}/ok", allow_loopback=True, accept="application/ld+json")
    assert server.requests[0][1]["Accept"] == "application/ld+json"


def test_loopback_refused_when_not_allowed(server, network):
    error = error_code(lambda: fetch_url(f"{server.url}/ok", allow_loopback=False))
    assert error.code == "address"
    assert network.connections == []
    assert server.requests == []


def test_name_resolving_to_loopback_refused_when_not_allowed(server, network):
    network.names["localhost"] = ["127.0.0.1"]
    url = f"http://localhost:{server.port}/ok"
    error = error_code(lambda: fetch_url(url, allow_loopback=False))
    assert error.code == "address"
    assert network.connections == []


def test_one_private_answer_among_public_ones_refuses_the_name(network):
    network.names["mixed.test"] = ["93.184.215.14", "10.0.0.1"]
    error = error_code(lambda: fetch_url("http://mixed.test/", allow_loopback=False))
    assert error.code == "address"
    assert network.connections == []


def test_connection_is_pinned_to_the_vetted_address(server, network):
    # DNS rebinding: the first answer is harmless, every later one points inside the network.
    answers = iter([["127.0.0.1"]])
    network.names["badge.test"] = lambda: next(answers, ["10.0.0.1"])
    fetched = fetch_url(f"http://badge.test:{server.port}/ok", allow_loopback=True)
    assert fetched.status == 200
    # Resolved once, by us; the connection then asks only for the address literal.
    assert network.lookups == ["badge.test", "127.0.0.1"]
    assert network.connections == ["127.0.0.1"]
    assert server.requests[0][1]["Host"] == f"badge.test:{server.port}"


@pytest.mark.parametrize(
    "location",
    [
        "http://10.0.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fc00::1]/",
        "http://0.0.0.0:8000/",
        "http://[::ffff:10.0.0.1]/",
        "http://inside.test/",
    ],
)
def test_redirect_to_a_private_address_refused_without_connecting(server, network, location):
    network.names["inside.test"] = ["192.168.1.1"]
    error = error_code(lambda: fetch_url(f"{server.url}/to?{location}", allow_loopback=True))
    assert error.code == "address"
    assert network.connections == ["127.0.0.1"]  # the first hop only


def test_redirect_to_another_scheme_refused(server):
    error = error_code(
        lambda: fetch_url(f"{server.url}/to?file:///etc/passwd", allow_loopback=True)
    )
    assert error.code == "scheme"


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://127.0.0.1/x",
        "gopher://127.0.0.1/",
        "javascript:alert(1)",
        "127.0.0.1/ok",
        "data:,hello",
    ],
)
def test_other_schemes_refused(url, network):
    assert error_code(lambda: fetch_url(url, allow_loopback=True)).code == "scheme"
    assert network.connections == []


@pytest.mark.parametrize(
    "url",
    [
        "http://",
        "http://user:secret@127.0.0.1/",
        "http://127.0.0.1@10.0.0.1/",
        "http://[::1/",
        "http://127.0.0.1:99999/",
    ],
)
def test_malformed_urls_refused(url, network):
    assert error_code(lambda: fetch_url(url, allow_loopback=True)).code == "url"
    assert network.connections == []


def test_body_larger_than_declared_limit_refused(server):
    error = error_code(lambda: fetch_url(f"{server.url}/big", allow_loopback=True, max_bytes=1000))
    assert error.code == "too_large"


def test_body_without_length_cut_off_at_the_limit(server):
    error = error_code(
        lambda: fetch_url(f"{server.url}/stream", allow_loopback=True, max_bytes=100_000)
    )
    assert error.code == "too_large"


def test_body_at_the_limit_accepted(server):
    fetched = fetch_url(f"{server.url}/stream", allow_loopback=True, max_bytes=len(BIG))
    assert fetched.body == BIG


def test_slow_server_hits_the_deadline(server):
    started = time.monotonic()
    error = error_code(lambda: fetch_url(f"{server.url}/slow", allow_loopback=True, timeout=1.0))
    assert error.code == "timeout"
    assert time.monotonic() - started < 2.0


def test_trickling_server_hits_the_deadline(server):
    # Each byte comes well within a socket timeout: only the overall deadline ends this.
    started = time.monotonic()
    error = error_code(lambda: fetch_url(f"{server.url}/trickle", allow_loopback=True, timeout=1.0))
    assert error.code == "timeout"
    assert time.monotonic() - started < 2.0


def test_trickling_body_hits_the_deadline_and_is_not_returned_truncated(server):
    started = time.monotonic()
    error = error_code(
        lambda: fetch_url(f"{server.url}/trickle-body", allow_loopback=True, timeout=1.0)
    )
    assert error.code == "timeout"
    assert time.monotonic() - started < 2.0


def test_stuck_name_lookup_hits_the_deadline(network):
    network.names["stuck.test"] = lambda: network.resolver_stuck.wait(5) and None
    started = time.monotonic()
    error = error_code(lambda: fetch_url("http://stuck.test/", allow_loopback=True, timeout=0.5))
    assert error.code == "timeout"
    assert time.monotonic() - started < 1.5


def test_three_redirects_followed(server):
    fetched = fetch_url(f"{server.url}/redirect/3", allow_loopback=True)
    assert (fetched.url, fetched.body) == (f"{server.url}/redirect/0", b"arrived")
    assert len(server.requests) == 4


def test_four_redirects_refused(server):
    error = error_code(lambda: fetch_url(f"{server.url}/redirect/4", allow_loopback=True))
    assert error.code == "redirects"
    assert len(server.requests) == 4  # the fourth Location is never requested


@pytest.mark.parametrize(
    ("path", "status"), [("/missing", 404), ("/error", 500), ("/no-location", 302)]
)
def test_non_2xx_status_raised(server, path, status):
    error = error_code(lambda: fetch_url(f"{server.url}{path}", allow_loopback=True))
    assert error.code == "http_status"
    assert error.extra == {"status": status}
    assert error.message == f"Le serveur a répondu par une erreur (code HTTP {status})."


def test_unknown_name_is_unresolvable(network):
    error = error_code(lambda: fetch_url("http://nowhere.invalid/", allow_loopback=True))
    assert error.code == "unresolvable"
    assert network.connections == []


def test_closed_port_is_unreachable():
    with socket.socket() as probe:  # a port nobody listens on once this socket is closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    error = error_code(lambda: fetch_url(f"http://127.0.0.1:{port}/", allow_loopback=True))
    assert error.code == "unreachable"


def test_error_is_an_application_error_in_french(server):
    with pytest.raises(ApplicationError) as caught:
        fetch_url("ftp://127.0.0.1/", allow_loopback=True)
    assert caught.value.message == "Seules les adresses web en http:// ou https:// sont acceptées."


def test_invalid_limits_are_a_programming_error():
    with pytest.raises(ValueError, match="positive"):
        fetch_url("http://127.0.0.1/", allow_loopback=True, timeout=0)


# --- HTTPS: SNI and certificate checked against the name, not the pinned address ------------


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    """A throwaway certificate authority and a certificate for badge.test, signed by it."""
    now = datetime.datetime.now(datetime.UTC)

    def build(subject, issuer, public_key, signing_key, *, ca: bool, issuer_key=None):
        builder = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(issuer)
            .public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key or public_key),
                critical=False,
            )
        )
        if ca:
            builder = builder.add_extension(
                x509.KeyUsage(
                    digital_signature=False,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
        else:
            builder = builder.add_extension(
                x509.SubjectAlternativeName([x509.DNSName("badge.test")]), critical=False
            ).add_extension(
                x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
            )
        return builder.sign(signing_key, hashes.SHA256())

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Sexto test CA")])
    ca = build(ca_name, ca_name, ca_key.public_key(), ca_key, ca=True)
    key = ec.generate_private_key(ec.SECP256R1())
    leaf_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "badge.test")])
    leaf = build(
        leaf_name, ca_name, key.public_key(), ca_key, ca=False, issuer_key=ca_key.public_key()
    )

    folder = tmp_path_factory.mktemp("pki")
    (folder / "cert.pem").write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return SimpleNamespace(
        ca_pem=ca.public_bytes(serialization.Encoding.PEM).decode(),
        cert=folder / "cert.pem",
        key=folder / "key.pem",
    )


@pytest.fixture
def tls_server(pki):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(pki.cert, pki.key)
    server_names = []
    context.sni_callback = lambda _sock, name, _context: server_names.append(name)
    httpd, stop = start(TLSServer, tls=context)
    httpd.server_names = server_names
    yield httpd
    stop()


@pytest.fixture
def trust_test_ca(pki, monkeypatch):
    monkeypatch.setattr(
        fetch, "_tls_context", lambda: ssl.create_default_context(cadata=pki.ca_pem)
    )


def test_https_uses_the_name_for_sni_and_the_certificate(tls_server, network, trust_test_ca):
    network.names["badge.test"] = ["127.0.0.1"]
    url = f"https://badge.test:{tls_server.port}/ok"
    fetched = fetch_url(url, allow_loopback=True)
    assert (fetched.url, fetched.body) == (url, b'{"ok": true}')
    assert tls_server.server_names == ["badge.test"]
    assert network.connections == ["127.0.0.1"]


def test_https_certificate_for_another_name_refused(tls_server, network, trust_test_ca):
    network.names["other.test"] = ["127.0.0.1"]
    error = error_code(
        lambda: fetch_url(f"https://other.test:{tls_server.port}/ok", allow_loopback=True)
    )
    assert error.code == "tls"
    assert tls_server.requests == []


def test_https_untrusted_certificate_refused(tls_server, network):
    # No trust_test_ca: the system's authorities do not know our throwaway one.
    network.names["badge.test"] = ["127.0.0.1"]
    error = error_code(
        lambda: fetch_url(f"https://badge.test:{tls_server.port}/ok", allow_loopback=True)
    )
    assert error.code == "tls"
    assert tls_server.requests == []
