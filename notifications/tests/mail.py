"""A mail server that is down, for real: Django's SMTP backend pointed at a port of this machine
where nothing listens, so that the connection is refused as it would be in production."""

import socket


def mail_server_down(settings) -> int:
    """Point `settings` (pytest-django's fixture) at a closed port; returns the port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # Free a moment ago, and nothing of ours listens on it: connecting is refused.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    return port


class SmtpServer:
    """A small real SMTP server on 127.0.0.1, in a thread, that refuses one address (550 at
    RCPT TO, as a server does for an unknown mailbox) and keeps what it accepts."""

    def __init__(self, *, refuse: str):
        import socketserver
        import threading

        self.refuse = refuse.lower()
        self.delivered: list[str] = []  # the addresses of the messages accepted
        server = self

        class Session(socketserver.StreamRequestHandler):
            def handle(self):
                rcpt: list[str] = []
                self.wfile.write(b"220 test ESMTP\r\n")
                while line := self.rfile.readline():
                    verb = line.decode("ascii", "replace").strip()
                    upper = verb.upper()
                    if upper.startswith(("EHLO", "HELO")):
                        self.wfile.write(b"250 test\r\n")
                    elif upper.startswith("MAIL FROM"):
                        rcpt = []
                        self.wfile.write(b"250 OK\r\n")
                    elif upper.startswith("RCPT TO"):
                        address = verb.split(":", 1)[1].strip(" <>").lower()
                        if address == server.refuse:
                            self.wfile.write(b"550 No such mailbox\r\n")
                        else:
                            rcpt.append(address)
                            self.wfile.write(b"250 OK\r\n")
                    elif upper == "DATA":
                        self.wfile.write(b"354 End with .\r\n")
                        while self.rfile.readline() not in (b".\r\n", b""):
                            pass
                        server.delivered.extend(rcpt)
                        self.wfile.write(b"250 OK\r\n")
                    elif upper == "QUIT":
                        self.wfile.write(b"221 Bye\r\n")
                        return
                    else:  # RSET, NOOP
                        self.wfile.write(b"250 OK\r\n")

        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Session)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()

    def use(self, settings) -> None:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = self.port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_USE_SSL = False
