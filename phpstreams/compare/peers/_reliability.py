"""Peers for the timeouts at every phase (the ``reliability`` catalogue).

Kinds:

* ``unix_silent``: a unix socket server on ``{path}`` that accepts and then
  neither reads nor writes until the client closes (or the peer stops): reads
  time out, and writes fill the socket's buffer and then time out.  A unix
  socket's buffer has no autotuning, so how many bytes a blocked ``fwrite``
  got in before its timeout is the same in every run (TCP's is not);
* ``mute_client``: ``{port}`` is a free port the scenario listens on
  (``stream_socket_server("ssl://127.0.0.1:{port}")``); the peer connects once
  as soon as it listens and never sends a byte (no ClientHello): the server's
  handshake in ``stream_socket_accept`` times out.  A TLS peer (it offers the
  certificates' placeholders, ``{server_pem}``...).

The other phases use existing kinds: ``blackhole`` (a full accept queue,
connects time out), ``tls_silent`` (accepts, never answers the ClientHello),
``tls_echo`` (a TLS peer that answers only what it is sent), ``silent``.
"""

from __future__ import annotations

import os
import socket
import time

from ._base import register, started
from ._tls import TLSPeer, reserve_port

__all__ = ["RELIABILITY_KINDS", "RELIABILITY_TLS_KINDS", "ReliabilityPeer"]

_CLIENT_DEADLINE = 15.0


class ReliabilityPeer(TLSPeer):
    """``unix_silent`` and ``mute_client`` (see the module docstring)."""

    def start_unix_silent(self) -> None:
        self.path = os.path.join(self.tmp, "silent.sock")
        self.listen_stream(self.handle_silent_until_eof, socket.AF_UNIX, self.path)

    def handle_silent_until_eof(self, conn: socket.socket) -> None:
        """Neither read nor write; close once the client closed (or at stop())."""
        self._stop.wait(20.0)
        conn.close()

    def start_mute_client(self) -> None:
        self.port = reserve_port()
        port = self.port

        def run() -> None:
            deadline = time.monotonic() + _CLIENT_DEADLINE
            while not self._stop.is_set() and time.monotonic() < deadline:
                sock = self._own(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
                sock.settimeout(1.0)
                try:
                    sock.connect(("127.0.0.1", port))
                except OSError:
                    sock.close()
                    self._stop.wait(0.02)
                    continue
                self._linger(sock)  # never a byte sent: no ClientHello
                return

        self._spawn(run)


def _setup(peer: ReliabilityPeer) -> None:
    if peer.kind == "unix_silent":
        peer.start_unix_silent()
    elif peer.kind == "mute_client":
        peer.start_mute_client()
    else:
        raise ValueError(f"unknown peer kind {peer.kind!r}")


def _start(kind: str) -> ReliabilityPeer:
    return started(ReliabilityPeer(kind), _setup)


RELIABILITY_KINDS = register(_start, "unix_silent")
RELIABILITY_TLS_KINDS = register(_start, "mute_client", tls=True)
