"""Peers for the stream filter catalogue: servers that send prepared bytes.

Kinds: ``http_gzip`` (an HTTP/1.1 response whose body is ``FILTER_PAYLOAD``
gzip-compressed and sent with chunked transfer coding, then a half-close),
``gzip_raw`` (the payload as a bare gzip stream, then a half-close) and
``deflate_raw`` (the payload as raw deflate data, as zlib.inflate reads it by
default). Each lingers until the client closes, so the client sees a FIN.
"""

from __future__ import annotations

import contextlib
import gzip
import socket
import zlib

from ._base import Peer, register, started

__all__ = ["FILTER_PAYLOAD", "HTTP_GZIP"]

FILTER_PAYLOAD = b"".join(
    b"line %d: the quick brown fox jumps over the lazy dog\n" % i for i in range(300)
)


def _chunked(body: bytes, size: int = 1000) -> bytes:
    parts = [
        b"%x\r\n%s\r\n" % (len(body[i : i + size]), body[i : i + size])
        for i in range(0, len(body), size)
    ]
    return b"".join(parts) + b"0\r\n\r\n"


_GZIP = gzip.compress(FILTER_PAYLOAD, mtime=0)
HTTP_GZIP = (
    b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Encoding: gzip\r\n"
    b"Transfer-Encoding: chunked\r\n\r\n" + _chunked(_GZIP)
)
_RAW = zlib.compressobj(6, zlib.DEFLATED, -15)
_DEFLATE = _RAW.compress(FILTER_PAYLOAD) + _RAW.flush()
_SENT = {"http_gzip": HTTP_GZIP, "gzip_raw": _GZIP, "deflate_raw": _DEFLATE}


class FilterPeer(Peer):
    def handle(self, conn: socket.socket) -> None:
        self._send(conn, _SENT[self.kind])
        with contextlib.suppress(OSError):
            conn.shutdown(socket.SHUT_WR)
        while self._recv(conn):
            pass
        conn.close()


def _setup(peer: FilterPeer) -> None:
    listener = peer.listen_stream(peer.handle, socket.AF_INET, ("127.0.0.1", 0))
    peer.port = listener.getsockname()[1]


def _start(kind: str) -> FilterPeer:
    return started(FilterPeer(kind), _setup)


FILTER_KINDS = register(_start, *_SENT)
