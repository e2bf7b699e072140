"""Reading and writing on TLS streams: lines, timeouts, EOF, resets, raw records."""

from __future__ import annotations

from .._scenario import Arg, Scenario, arr, call, const, sleep
from ._tls_helpers import FP, close, connect, context, fgets, fwrite, meta, tls_scenario

__all__ = ["TLS_IO"]

CA: dict[str, Arg] = {"cafile": "{cafile}"}
OPEN = [context(CA), connect(), fgets()]

TLS_IO: list[Scenario] = [
    tls_scenario(
        "tlsio/fgets-fread-feof",
        peer="tls_echo",
        tags=("io",),
        doc="fgets, feof, fwrite, fread(5) then fgets from the buffered rest of the record",
        steps=[
            *OPEN,
            call("feof", FP),
            fwrite("line one\nline two\n"),
            call("fread", FP, 5),
            meta(),
            fgets(),
            fgets(),
            call("feof", FP),
        ],
    ),
    tls_scenario(
        "tlsio/fread-timeout",
        peer="tls_echo",
        tags=("io",),
        doc="stream_set_timeout 0.3 s, nothing to read: fread gives false after the timeout, "
        "timed_out true",
        steps=[
            *OPEN,
            call("stream_set_timeout", FP, 0, 300000),
            call("fread", FP, 100, timed=True),
            meta(),
            fwrite("after\n"),
            fgets(),
            meta(),
        ],
    ),
    tls_scenario(
        "tlsio/set-blocking-then-timeout",
        peer="tls_echo",
        tags=("io",),
        doc="stream_set_blocking(true) on a TLS stream, then a 0.3 s timeout with nothing to "
        "read: fread still gives false after the timeout (the TLS I/O never blocks in SSL_read)",
        steps=[
            *OPEN,
            call("stream_set_blocking", FP, True),
            call("stream_set_timeout", FP, 0, 300000),
            call("fread", FP, 100, timed=True),
            meta(),
            fwrite("after\n"),
            fgets(),
            call("stream_socket_enable_crypto", FP, False),
            call("stream_set_blocking", FP, False),
            call("fread", FP, 100),
            meta(),
        ],
    ),
    tls_scenario(
        "tlsio/peer-close-notify",
        peer="tls_echo",
        tags=("io",),
        doc="the peer sends close_notify: fread gives '' and eof is true, no warning",
        steps=[
            *OPEN,
            fwrite("close\n"),
            call("fread", FP, 100),
            call("feof", FP),
            meta(),
            call("fgets", FP),
        ],
    ),
    tls_scenario(
        "tlsio/peer-fin-without-close-notify",
        peer="tls_echo",
        tags=("io",),
        doc="the peer closes TCP without close_notify: '' and eof, no warning",
        steps=[*OPEN, fwrite("drop\n"), call("fread", FP, 100), call("feof", FP), meta()],
    ),
    tls_scenario(
        "tlsio/peer-reset",
        peer="tls_echo",
        tags=("io",),
        doc="a TCP reset under TLS: fread warns 'SSL: Connection reset by peer', returns ''",
        steps=[
            *OPEN,
            fwrite("reset\n"),
            sleep(0.2),
            call("fread", FP, 100),
            call("feof", FP),
            fwrite("after reset\n"),
        ],
    ),
    tls_scenario(
        "tlsio/recvfrom-raw-record",
        peer="tls_echo",
        tags=("io",),
        doc="stream_socket_recvfrom on a TLS stream reads the raw TCP bytes: a record header",
        steps=[
            *OPEN,
            fwrite("ping\n"),
            sleep(0.2),
            call("stream_socket_recvfrom", FP, 5),
        ],
    ),
    tls_scenario(
        "tlsio/select-buffered",
        peer="tls_echo",
        tags=("io",),
        doc="stream_select on a TLS stream with two lines delivered at once",
        steps=[
            *OPEN,
            fwrite("a\nb\n"),
            sleep(0.2),
            fgets(),
            call("stream_select", arr("r", [FP]), arr("w", None), arr("e", None), 0),
            fgets(),
            call("stream_select", arr("r", [FP]), arr("w", None), arr("e", None), 0),
        ],
    ),
    tls_scenario(
        "tlsio/nonblocking-fread-empty",
        peer="tls_echo",
        tags=("io",),
        doc="non-blocking TLS stream with nothing to read: fread gives '' at once",
        steps=[
            *OPEN,
            call("stream_set_blocking", FP, False),
            call("fread", FP, 100),
            meta(),
            fwrite("later\n"),
            sleep(0.2),
            call("fread", FP, 100),
        ],
    ),
    tls_scenario(
        "tlsio/shutdown-write",
        peer="tls_echo",
        tags=("io",),
        doc="stream_socket_shutdown(WR) acts on the TCP socket; the peer's OpenSSL answers the "
        "EOF with a decode_error alert, which fgets reports",
        steps=[
            *OPEN,
            call("stream_socket_shutdown", FP, const("STREAM_SHUT_WR")),
            fgets(),
            call("feof", FP),
            fwrite("after shutdown\n"),
        ],
    ),
    tls_scenario(
        "tlsio/fclose-then-use",
        peer="tls_echo",
        tags=("io",),
        doc="fclose on a TLS stream (close_notify), then fwrite: TypeError",
        steps=[*OPEN, close(), fwrite("x")],
    ),
]
