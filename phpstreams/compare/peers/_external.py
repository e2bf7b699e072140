"""Real TLS servers run as they are: ``openssl s_server`` and ``aiosmtpd``.

Kinds: ``openssl_server`` (Debian's ``openssl s_server``: good cert, ``-rev``:
each line comes back reversed, one connection, on 127.0.0.1) and
``aiosmtpd_starttls`` (the ``starttls`` conversation of ``_tls_servers`` with the
real ``aiosmtpd`` server).  Either is unavailable (``PeerUnavailable``) where
its program or package is missing.
"""

from __future__ import annotations

import contextlib
import os
import select
import shutil
import subprocess
import time
from collections.abc import Callable

from ._base import PeerUnavailable, register, started
from ._tls import TLSPeer, reserve_port
from ._tls_servers import SMTP_HOST

__all__ = ["EXTERNAL_KINDS", "ExternalPeer"]


class ExternalPeer(TLSPeer):
    """A TLS peer that runs a real server: a subprocess, or a server with its own stop()."""

    def __init__(self, kind: str) -> None:
        self._process: subprocess.Popen[bytes] | None = None
        self._closers: list[Callable[[], None]] = []
        super().__init__(kind)

    def stop(self) -> None:
        self._stop.set()
        for closer in self._closers:
            with contextlib.suppress(Exception):
                closer()
        process = self._process
        if process is not None:
            with contextlib.suppress(OSError):
                process.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=5)
        super().stop()
        if process is not None and process.stdout is not None:
            process.stdout.close()

    def start_openssl_server(self) -> None:
        if shutil.which("openssl") is None:
            raise PeerUnavailable("no openssl binary (apt-get install openssl)")
        self.port = reserve_port()
        command = [
            "openssl", "s_server",
            "-accept", f"127.0.0.1:{self.port}",
            "-cert", self.files["server_cert"],
            "-key", self.files["server_key"],
            "-naccept", "1",
            "-rev",
        ]  # fmt: skip
        self._process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            cwd=self.tmp,
        )
        stdout = self._process.stdout
        assert stdout is not None
        fd = stdout.fileno()
        seen = b""
        deadline = time.monotonic() + 10
        while b"ACCEPT" not in seen:
            left = deadline - time.monotonic()
            if left <= 0:
                raise PeerUnavailable("openssl s_server did not start in time")
            if not select.select([fd], [], [], left)[0]:
                continue
            chunk = os.read(fd, 4096)
            if not chunk:
                raise PeerUnavailable(f"openssl s_server stopped: {seen[-300:]!r}")
            seen += chunk

        def drain() -> None:
            with contextlib.suppress(OSError):
                while os.read(fd, 4096):
                    pass

        self._spawn(drain)

    def start_aiosmtpd(self) -> None:
        try:
            from aiosmtpd.controller import Controller
        except ImportError as exc:  # pragma: no cover - a test dependency
            raise PeerUnavailable(f"aiosmtpd is not installed: {exc}") from exc

        class Sink:
            async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
                return "250 OK"

        self.port = reserve_port()
        controller = Controller(
            Sink(),
            hostname="127.0.0.1",
            port=self.port,
            server_hostname=SMTP_HOST,
            ready_timeout=10.0,
            tls_context=self.server_context(),
            require_starttls=False,
            ident="phpstreams-test SMTP",
        )
        try:
            controller.start()
        except Exception as exc:
            raise PeerUnavailable(f"aiosmtpd did not start: {exc}") from exc
        self._closers.append(controller.stop)


def _setup(peer: ExternalPeer) -> None:
    if peer.kind == "openssl_server":
        peer.start_openssl_server()
    elif peer.kind == "aiosmtpd_starttls":
        peer.start_aiosmtpd()


def _start(kind: str) -> ExternalPeer:
    return started(ExternalPeer(kind), _setup)


EXTERNAL_KINDS = register(_start, "openssl_server", "aiosmtpd_starttls", tls=True)
