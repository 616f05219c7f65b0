"""A real SMTP server on loopback (aiosmtpd) that accepts, refuses (550/451 for the recipient,
554/451 for the message) or drops the connection; and a TCP server that accepts connections
and never says a word (a hung mail server)."""

from __future__ import annotations

import socket
import threading

from aiosmtpd.controller import Controller

from tests.resilience.servers import free_port

ACCEPT = "accept"
REFUSALS = {
    "550 recipient": ("rcpt", "550 5.1.1 <{address}>: no such user here"),
    "451 recipient": ("rcpt", "451 4.3.0 Mailbox temporarily unavailable, try again later"),
    "554 message": ("data", "554 5.7.1 Message rejected as spam"),
    "451 message": ("data", "451 4.7.1 Greylisted, try again later"),
}
DROP = "drop connection"


class MailServer:
    def __init__(self) -> None:
        self.behaviour = ACCEPT
        self.received: list[dict] = []
        self.port = free_port()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    def start(self) -> MailServer:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    # aiosmtpd calls these by name.
    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.behaviour == DROP:
            session.transport.close()  # the connection goes away in the middle of a message
            return "421 4.3.2 Closing connection"
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        stage, reply = REFUSALS.get(self.behaviour, (None, None))
        if stage == "rcpt":
            return reply.format(address=address)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        stage, reply = REFUSALS.get(self.behaviour, (None, None))
        if stage == "data":
            return reply
        self.received.append(
            {"to": envelope.rcpt_tos, "content": envelope.content.decode("utf-8", "replace")}
        )
        return "250 Message accepted for delivery"


class SilentServer:
    """Accepts TCP connections and never answers (no SMTP greeting)."""

    def __init__(self) -> None:
        self.port = free_port()
        self._socket = socket.create_server(("127.0.0.1", self.port))
        self._connections: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def _accept(self) -> None:
        while True:
            try:
                connection, _address = self._socket.accept()
            except OSError:
                return
            self._connections.append(connection)

    def start(self) -> SilentServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._socket.close()
        for connection in self._connections:
            connection.close()
