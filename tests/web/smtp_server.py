"""A real SMTP server on a local socket, for the tests that send invitations.

Just enough of RFC 5321 for :mod:`smtplib` (EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT),
with the standard library only: every message received is kept, as the bytes of its DATA.
"""

from __future__ import annotations

import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

__all__ = ["Received", "smtp_server"]


@dataclass
class Received:
    """What the server was sent: envelope recipients and each message."""

    recipients: list[str] = field(default_factory=list)
    messages: list[bytes] = field(default_factory=list)

    def parsed(self, n: int = -1) -> EmailMessage:
        message = message_from_bytes(self.messages[n], policy=policy.default)
        assert isinstance(message, EmailMessage)
        return message


class _Handler(socketserver.StreamRequestHandler):
    received: Received

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode("ascii") + b"\r\n")

    def handle(self) -> None:
        self.reply("220 localhost test SMTP")
        while line := self.rfile.readline():
            verb = line.decode("ascii", "replace").strip().split(" ", 1)
            command = verb[0].upper()
            if command == "EHLO":
                self.reply("250-localhost")
                self.reply("250 8BITMIME")
            elif command == "RCPT":
                self.received.recipients.append(verb[1].split(":", 1)[1].strip("<> "))
                self.reply("250 OK")
            elif command == "DATA":
                self.reply("354 end with <CRLF>.<CRLF>")
                self.received.messages.append(self._data())
                self.reply("250 OK queued")
            elif command == "QUIT":
                self.reply("221 bye")
                return
            elif command in ("HELO", "MAIL", "RSET", "NOOP"):
                self.reply("250 OK")
            else:
                self.reply("502 not implemented")

    def _data(self) -> bytes:
        lines = []
        while (line := self.rfile.readline()) not in (b".\r\n", b""):
            lines.append(line[1:] if line.startswith(b"..") else line)
        return b"".join(lines)


@contextmanager
def smtp_server() -> Iterator[tuple[int, Received]]:
    """A server on 127.0.0.1 and a free port, in a thread; yields (port, what it received)."""
    received = Received()
    handler = type("Handler", (_Handler,), {"received": received})
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], received
    finally:
        server.shutdown()
        server.server_close()
