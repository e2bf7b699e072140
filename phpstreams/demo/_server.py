"""The demo's mail server: aiosmtpd on 127.0.0.1, one implicit-TLS port (the 465 role)
and one STARTTLS port (the 587 role), with a throwaway CA made by trustme."""

from __future__ import annotations

import asyncio
import logging
import ssl
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import trustme
from aiosmtpd.smtp import SMTP, Envelope, Session

__all__ = ["MailServer", "Received"]

HOSTNAME = "mail.example.test"


@dataclass
class Received:
    """One message as the server stored it."""

    port: int
    mail_from: str
    rcpt_tos: list[str]
    content: str
    over_tls: bool


class _Handler:
    def __init__(self, inbox: list[Received]) -> None:
        self.inbox = inbox

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        transport = server.transport
        sockname = transport.get_extra_info("sockname") if transport else None
        raw = envelope.content or b""
        content = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
        self.inbox.append(
            Received(
                port=int(sockname[1]) if sockname else 0,
                mail_from=str(envelope.mail_from),
                rcpt_tos=list(envelope.rcpt_tos),
                content=content,
                over_tls=bool(transport and transport.get_extra_info("ssl_object") is not None),
            )
        )
        return "250 Message accepted for delivery"


class MailServer:
    """Start with ``with MailServer() as server:``; ``server.implicit_port`` (465 role),
    ``server.starttls_port`` (587 role), ``server.cafile`` (the demo CA, PEM) and
    ``server.inbox`` (messages received)."""

    def __init__(self) -> None:
        self.inbox: list[Received] = []
        self.implicit_port = 0
        self.starttls_port = 0
        self._tmp = tempfile.TemporaryDirectory(prefix="phpstreams-demo-")
        self.cafile = str(Path(self._tmp.name) / "demo-ca.pem")
        ca = trustme.CA(organization_name="phpstreams demo CA")
        ca.cert_pem.write_to_path(self.cafile)
        self._tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("localhost", "127.0.0.1").configure_cert(self._tls)
        self._loop = asyncio.new_event_loop()
        self._loop.set_exception_handler(_ignore)  # aborted handshakes are the point here
        self._servers: list[asyncio.AbstractServer] = []
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    def _smtp(self, starttls: bool) -> SMTP:
        handler = _Handler(self.inbox)
        if starttls:
            return SMTP(handler, hostname=HOSTNAME, tls_context=self._tls, loop=self._loop)
        return SMTP(handler, hostname=HOSTNAME, loop=self._loop)

    async def _start(self) -> None:
        implicit = await self._loop.create_server(
            lambda: self._smtp(False), "127.0.0.1", 0, ssl=self._tls
        )
        starttls = await self._loop.create_server(lambda: self._smtp(True), "127.0.0.1", 0)
        self._servers = [implicit, starttls]
        self.implicit_port = implicit.sockets[0].getsockname()[1]
        self.starttls_port = starttls.sockets[0].getsockname()[1]

    async def _stop(self) -> None:
        for server in self._servers:
            server.close()
        for server in self._servers:
            await server.wait_closed()

    def start(self) -> MailServer:
        for name in ("mail.log", "mail.debug"):  # aiosmtpd logs aborted sessions
            logging.getLogger(name).addHandler(logging.NullHandler())
            logging.getLogger(name).propagate = False
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(10)
        return self

    def stop(self) -> None:
        if self._thread.is_alive():
            try:
                asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(5)
            except (TimeoutError, asyncio.TimeoutError):
                pass
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(5)
        if not self._loop.is_running():
            self._loop.close()
        self._tmp.cleanup()

    def __enter__(self) -> MailServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _ignore(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    return None
