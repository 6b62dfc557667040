"""Fetching a URL for the public verifier, without letting anyone aim it at our own network.

The verifier fetches URLs that visitors supply (an OB 2.0 assertion, an issuer profile...).
Left alone, such a fetch is a server-side request forgery: "verify" http://169.254.169.254/ or
http://10.0.0.5:5432/ and the server reads its cloud metadata or probes the private network.
So, at every hop, redirects included:

1. only http and https, no user:password@ in the URL;
2. the host name is resolved once, and every address it resolves to must be public
   (`ensure_public_address`): one private answer among public ones refuses the whole URL;
3. the connection goes to an address vetted in step 2, never to the name again, so a DNS answer
   that changes between the check and the connection (DNS rebinding) cannot redirect it; the
   Host header, TLS SNI and certificate check still use the name;
4. at most 3 redirects, a body cut off past `max_bytes`, and one deadline for the whole fetch
   (name lookups, connections, TLS handshakes, headers and body of every hop).

http.client is used directly: unlike urllib it reads no proxy from the environment, keeps no
cookies and follows no redirect by itself.
"""

import contextlib
import http.client
import ipaddress
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit

from django.utils.translation import gettext_lazy

from core.exceptions import ApplicationError

USER_AGENT = "Sexto-verifier/1"
MAX_REDIRECTS = 3
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
DEFAULT_PORTS = {"http": 80, "https": 443}
CHUNK_BYTES = 64 * 1024
# Characters left as they are when a path or query is percent-encoded: RFC 3986's reserved and
# unreserved ones, and "%" so that an already encoded URL is not encoded twice.
URL_SAFE = "/%:@!$&'()*+,;=-._~?"

# NAT64's well-known prefix carries an IPv4 address that a NAT64 gateway would then reach.
NAT64_PREFIX = ipaddress.ip_network("64:ff9b::/96")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_MESSAGES = {
    "url": gettext_lazy("Cette adresse web n'est pas valide."),
    "scheme": gettext_lazy("Seules les adresses web en http:// ou https:// sont acceptées."),
    "address": gettext_lazy(
        "Cette adresse mène à un réseau privé ou réservé ; elle ne peut pas être consultée."
    ),
    "unresolvable": gettext_lazy("Le nom de domaine de cette adresse est introuvable."),
    "unreachable": gettext_lazy("Le serveur de cette adresse n'a pas pu être joint."),
    "tls": gettext_lazy(
        "La connexion sécurisée à ce serveur a échoué ou son certificat n'est pas valide."
    ),
    "timeout": gettext_lazy("Le serveur de cette adresse a mis trop de temps à répondre."),
    "too_large": gettext_lazy("La réponse du serveur dépasse la taille maximale acceptée."),
    "http_status": gettext_lazy("Le serveur a répondu par une erreur (code HTTP %(status)s)."),
    "redirects": gettext_lazy("Cette adresse redirige vers d'autres adresses trop de fois."),
}


class FetchError(ApplicationError):
    """A URL the verifier would not or could not fetch; `code` is one of `_MESSAGES`' keys."""


def _error(code: str, **params: object) -> FetchError:
    # str() of the lazy message: translated in the language active when the error is raised.
    message = str(_MESSAGES[code])
    return FetchError(message % params if params else message, code=code, extra=params)


@dataclass(frozen=True)
class Fetched:
    url: str  # the final URL, after redirects
    status: int
    content_type: str
    body: bytes


# --- Addresses -----------------------------------------------------------------------------


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for (mapped, 6to4, NAT64), if any."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in NAT64_PREFIX:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def _is_allowed(ip: IPAddress, *, allow_loopback: bool) -> bool:
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            # The packets end up at the IPv4 address: that is the one to judge.
            return _is_allowed(embedded, allow_loopback=allow_loopback)
        if ip.is_site_local:
            return False
    if ip.is_loopback:
        return allow_loopback
    # is_global alone is not enough: Python counts multicast (224.0.0.0/4, ff00::/8) as global.
    return ip.is_global and not (
        ip.is_private or ip.is_reserved or ip.is_link_local or ip.is_multicast or ip.is_unspecified
    )


def ensure_public_address(address: str, *, allow_loopback: bool) -> IPAddress:
    """`address` as an IP address object, or FetchError("address") unless it is public.

    Loopback addresses (127.0.0.0/8, ::1 and their IPv4-mapped forms) pass only with
    `allow_loopback`, which the development server and the tests use; 0.0.0.0 never passes.
    """
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        raise _error("address") from None
    if not _is_allowed(ip, allow_loopback=allow_loopback):
        raise _error("address")
    return ip


# --- One hop -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Target:
    url: str
    scheme: str
    host: str  # ASCII (IDNA), without brackets for IPv6
    port: int
    request_target: str  # path and query, percent-encoded


@dataclass(frozen=True)
class _Reply:
    status: int
    content_type: str
    location: str | None
    body: bytes


def _parse(url: str) -> _Target:
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # an invalid port or IPv6 literal
        raise _error("url") from None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise _error("scheme")
    # Credentials in a URL are never sent, and "https://trusted@evil/" is a classic lure.
    if not parts.hostname or parts.username is not None or parts.password is not None:
        raise _error("url")
    try:
        host = parts.hostname.encode("idna").decode("ascii")
    except UnicodeError:
        raise _error("url") from None
    target = quote(parts.path or "/", safe=URL_SAFE)
    if parts.query:
        target += "?" + quote(parts.query, safe=URL_SAFE)
    return _Target(url, scheme, host, port or DEFAULT_PORTS[scheme], target)


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise _error("timeout")
    return left


def _resolve(host: str, port: int, deadline: float) -> list[str]:
    """The addresses of `host`, in the resolver's order, without duplicates.

    getaddrinfo has no timeout of its own, so it runs in a daemon thread that is abandoned at
    the deadline (it ends when the system resolver gives up).
    """
    outcome: list[list | Exception] = []

    def lookup() -> None:
        try:
            outcome.append(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except (OSError, UnicodeError) as exc:
            outcome.append(exc)

    thread = threading.Thread(target=lookup, name="sexto-fetch-resolve", daemon=True)
    thread.start()
    thread.join(_remaining(deadline))
    if not outcome:
        raise _error("timeout")
    if isinstance(outcome[0], Exception):
        raise _error("unresolvable") from outcome[0]
    addresses = list(dict.fromkeys(str(info[4][0]) for info in outcome[0]))
    if not addresses:
        raise _error("unresolvable")
    return addresses


def _tls_context() -> ssl.SSLContext:
    # The system's trusted certificates, hostname checking on, TLS 1.2 at least.
    return ssl.create_default_context()


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """An HTTP connection to a vetted address, whatever the host name resolves to by now."""

    def __init__(self, host: str, port: int, *, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """An HTTPS connection to a vetted address; SNI and the certificate use the host name."""

    def __init__(self, host: str, port: int, *, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout, context=_tls_context())
        self.address = address

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        try:
            self.sock = self._context.wrap_socket(sock, server_hostname=self.host)
        except BaseException:
            sock.close()
            raise


class _Watchdog:
    """Shuts a connection's socket down at the deadline, whatever http.client is blocked in.

    Socket timeouts bound each read, not their sum: a server sending one byte a second keeps
    every read short and the exchange endless. Shutting the socket down makes the blocked read
    return at once, and `fired` tells the caller why it did.
    """

    def __init__(self, sock: socket.socket, deadline: float):
        self.fired = False
        self._sock = sock
        self._timer = threading.Timer(max(0.0, deadline - time.monotonic()), self._fire)
        self._timer.daemon = True
        self._timer.start()

    def _fire(self) -> None:
        self.fired = True
        # socket.socket's own shutdown, also for an SSLSocket: SSLSocket.shutdown would tear
        # its TLS state down under the reading thread's feet. OSError: already closed.
        with contextlib.suppress(OSError):
            socket.socket.shutdown(self._sock, socket.SHUT_RDWR)

    def cancel(self) -> None:
        self._timer.cancel()


def _connect(target: _Target, addresses: list[str], deadline: float) -> http.client.HTTPConnection:
    """A connection to the first of `addresses` that answers."""
    connection_class = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    for address in addresses:
        connection = connection_class(
            target.host, target.port, address=address, timeout=_remaining(deadline)
        )
        try:
            connection.connect()
        except ssl.SSLError:
            raise _error("tls") from None
        except OSError:
            connection.close()
            continue  # refused or timed out: the next address may answer
        return connection
    _remaining(deadline)  # a timeout if time is up, else the addresses are just unreachable
    raise _error("unreachable")


def _read_body(response: http.client.HTTPResponse, max_bytes: int, deadline: float) -> bytes:
    declared = response.getheader("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise _error("too_large")  # no need to download it to know
    body = bytearray()
    while chunk := response.read1(CHUNK_BYTES):
        body += chunk
        if len(body) > max_bytes:
            raise _error("too_large")
        _remaining(deadline)
    return bytes(body)


def _request(
    connection: http.client.HTTPConnection,
    target: _Target,
    *,
    accept: str,
    max_bytes: int,
    deadline: float,
) -> _Reply:
    connection.request(
        "GET",
        target.request_target,
        headers={"User-Agent": USER_AGENT, "Accept": accept, "Connection": "close"},
    )
    response = connection.getresponse()
    status = response.status
    location = response.getheader("Location") if status in REDIRECT_STATUSES else None
    if location or not 200 <= status < 300:
        return _Reply(status, "", location, b"")  # nobody reads these bodies: not downloaded
    content_type = response.getheader("Content-Type", "")
    return _Reply(status, content_type, None, _read_body(response, max_bytes, deadline))


def _exchange(
    target: _Target, addresses: list[str], *, accept: str, max_bytes: int, deadline: float
) -> _Reply:
    """One request and its response: a 2xx with its body, or a redirect with its Location."""
    connection = _connect(target, addresses, deadline)
    watchdog = _Watchdog(connection.sock, deadline)
    try:
        reply = _request(connection, target, accept=accept, max_bytes=max_bytes, deadline=deadline)
    except (OSError, http.client.HTTPException) as exc:
        if watchdog.fired or time.monotonic() >= deadline or isinstance(exc, TimeoutError):
            raise _error("timeout") from None
        if isinstance(exc, ssl.SSLError):
            raise _error("tls") from None
        raise _error("unreachable") from None
    finally:
        watchdog.cancel()
        connection.close()
    # To http.client, the watchdog's shutdown looks like the server closing the connection,
    # which ends the headers, or a body without Content-Length, as if nothing were wrong:
    # whatever was read by then is truncated.
    if watchdog.fired:
        raise _error("timeout")
    if reply.location is None and not 200 <= reply.status < 300:
        raise _error("http_status", status=reply.status)
    return reply


# --- The fetch -----------------------------------------------------------------------------


def fetch_url(
    url: str,
    *,
    allow_loopback: bool,
    max_bytes: int = 1_000_000,
    timeout: float = 5.0,
    accept: str = "application/json",
) -> Fetched:
    """GET `url` and its redirects (3 at most) under the rules of this module's docstring.

    Returns the final 2xx response. Raises FetchError with code "url", "scheme", "address",
    "unresolvable", "unreachable", "tls", "timeout", "too_large", "http_status" or "redirects".
    `timeout` is the budget of the whole fetch, in seconds.
    """
    if max_bytes <= 0 or timeout <= 0:
        raise ValueError("max_bytes and timeout must be positive")
    deadline = time.monotonic() + timeout
    for _hop in range(MAX_REDIRECTS + 1):
        target = _parse(url)
        addresses = _resolve(target.host, target.port, deadline)
        # Every address, not just the first: the one we end up connecting to must be vetted.
        for address in addresses:
            ensure_public_address(address, allow_loopback=allow_loopback)
        reply = _exchange(target, addresses, accept=accept, max_bytes=max_bytes, deadline=deadline)
        if reply.location is None:
            return Fetched(target.url, reply.status, reply.content_type, reply.body)
        url = urljoin(target.url, reply.location)
    raise _error("redirects")
