"""Timeouts at the read, write and accept phases (the ``reliability`` catalogue).

Read: ``tls_echo`` answers only what it is sent, so a read on a TLS stream
waits for its ``stream_set_timeout``; ``unix_silent`` (peers/_reliability) does
the same on a unix socket.  Write: ``unix_silent`` never reads, so a big
``fwrite`` fills the socket's buffer and then waits for its timeout; a unix
socket has no buffer autotuning, so how many bytes got in is the same in every
run (a TCP write timeout is not: TCP's buffers grow while it waits).  Accept:
no client at all, or a listener the scenario opens itself.
"""

from __future__ import annotations

from .._scenario import Scenario, Step, arr, bor, call, const, ref, var
from ._helpers import E, S, ssc
from ._reliability import ca_context, rel_scenario, tls_client

__all__ = ["ACCEPT", "READ", "WRITE"]

FP, SRV = var("fp"), var("srv")
BIG = 1 << 20  # more than a unix socket's buffer takes


def set_timeout(seconds: int = 0, microseconds: int = 300000) -> Step:
    return call("stream_set_timeout", FP, seconds, microseconds)


def meta() -> Step:
    return call("stream_get_meta_data", FP)


def tls_open() -> list[Step]:
    """$fp = ssl:// to tls_echo, the greeting read, then a 0.3 s read timeout."""
    return [
        ca_context(),
        tls_client("ssl://127.0.0.1:{port}", 5.0, timed=False),
        call("fgets", FP),
        set_timeout(),
    ]


def unix() -> Step:
    return ssc("unix://{path}", 2.0)


def server(url: str = "tcp://127.0.0.1:0") -> Step:
    return call("stream_socket_server", url, E, S, assign="srv")


def accept(timeout: float | None, *, timed: bool = True) -> Step:
    if timeout is None:
        return call("stream_socket_accept", SRV, timed=timed)
    return call("stream_socket_accept", SRV, timeout, ref("peer"), timed=timed)


READ: list[Scenario] = [
    rel_scenario(
        "read-tls-fgets-timeout",
        peer="tls_echo",
        tags=("tls", "read"),
        doc="fgets on a TLS stream with nothing to read: false after 0.3 s, no warning, "
        "timed_out true, eof false",
        steps=[*tls_open(), call("fgets", FP, timed=True), meta(), call("feof", FP)],
    ),
    rel_scenario(
        "read-tls-stream-get-line-timeout",
        peer="tls_echo",
        tags=("tls", "read"),
        doc="stream_get_line on a silent TLS stream: false after 0.3 s, timed_out true",
        steps=[*tls_open(), call("stream_get_line", FP, 100, "\n", timed=True), meta()],
    ),
    rel_scenario(
        "read-tls-partial-line-timeout",
        peer="tls_echo",
        tags=("tls", "read"),
        doc="the TLS peer echoes a line without its newline: fgets returns the part after "
        "the 0.3 s timeout, timed_out true; then the rest of the line, timed_out false",
        steps=[
            *tls_open(),
            call("fwrite", FP, "no newline"),
            call("fgets", FP, timed=True),
            meta(),
            call("fwrite", FP, " end\n"),
            call("fgets", FP),
            meta(),
        ],
    ),
    rel_scenario(
        "read-tls-stream-get-contents-timeout",
        peer="tls_echo",
        tags=("tls", "read"),
        doc="stream_get_contents on a TLS stream that goes quiet: what arrived, after the "
        "timeout; timed_out true",
        steps=[
            *tls_open(),
            call("fwrite", FP, "some data\n"),
            call("stream_get_contents", FP, timed=True),
            meta(),
        ],
    ),
    rel_scenario(
        "read-unix-fgets-timeout",
        peer="unix_silent",
        tags=("unix", "read"),
        doc="fgets on a silent unix socket: false after 0.3 s, timed_out true",
        steps=[unix(), set_timeout(), call("fgets", FP, timed=True), meta(), call("feof", FP)],
    ),
    rel_scenario(
        "read-unix-fread-timeout-then-select",
        peer="unix_silent",
        tags=("unix", "read", "select"),
        doc="fread times out on a unix socket; stream_select then waits its own timeout "
        "(0.2 s) and returns 0; timed_out stays set",
        steps=[
            unix(),
            set_timeout(),
            call("fread", FP, 10, timed=True),
            call(
                "stream_select",
                arr("r", [FP]),
                arr("w", None),
                arr("e", None),
                0,
                200000,
                timed=True,
            ),
            meta(),
        ],
    ),
]

WRITE: list[Scenario] = [
    rel_scenario(
        "write-unix-timeout",
        peer="unix_silent",
        tags=("unix", "write"),
        doc="the peer never reads: fwrite of 1 MiB fills the buffer, waits 0.3 s, returns "
        "the bytes that got in with the 'Send of N bytes failed with errno=11' notice; "
        "timed_out true; the next fwrite false after another 0.3 s",
        steps=[
            unix(),
            set_timeout(),
            call("fwrite", FP, "x" * BIG, timed=True),
            meta(),
            call("fwrite", FP, "more", timed=True),
            meta(),
        ],
    ),
    rel_scenario(
        "write-unix-nonblocking-full",
        peer="unix_silent",
        tags=("unix", "write", "blocking"),
        doc="non-blocking fwrite of 1 MiB to a peer that never reads: the bytes that fit, at "
        "once, no notice; then 0 without a notice; timed_out false",
        steps=[
            unix(),
            call("stream_set_blocking", FP, False),
            call("fwrite", FP, "x" * BIG, timed=True),
            call("fwrite", FP, "more", timed=True),
            meta(),
        ],
    ),
    rel_scenario(
        "write-unix-timeout-then-read-timeout",
        peer="unix_silent",
        tags=("unix", "write", "read"),
        doc="after a write timeout, a read times out too; timed_out stays true",
        steps=[
            unix(),
            set_timeout(0, 200000),
            call("fwrite", FP, "x" * BIG),
            call("fread", FP, 10, timed=True),
            meta(),
        ],
    ),
    rel_scenario(
        "write-unix-sendto-full",
        peer="unix_silent",
        tags=("unix", "write"),
        doc="stream_socket_sendto on a non-blocking stream whose buffer is full: -1 at once "
        "with the EAGAIN warning (a blocking one would wait with no timeout at all: "
        "sendto ignores stream_set_timeout)",
        steps=[
            unix(),
            call("stream_set_blocking", FP, False),
            call("fwrite", FP, "x" * BIG),
            call("stream_socket_sendto", FP, "more", timed=True),
            call("stream_get_meta_data", FP),
        ],
    ),
    rel_scenario(
        "write-unix-fputs-timeout",
        peer="unix_silent",
        tags=("unix", "write"),
        doc="fputs (fwrite's alias) and a zero timeout: fills, then fails at once",
        steps=[
            unix(),
            set_timeout(0, 0),
            call("fputs", FP, "x" * BIG, timed=True),
            meta(),
        ],
    ),
]

ACCEPT: list[Scenario] = [
    rel_scenario(
        "accept-timeout-zero",
        peer="none",
        tags=("server", "accept"),
        doc="stream_socket_accept with timeout 0 and nobody waiting: the 'Accept failed: "
        "Connection timed out' warning at once, false",
        steps=[server(), accept(0.0)],
    ),
    rel_scenario(
        "accept-timeout-unix",
        peer="none",
        tags=("server", "accept", "unix"),
        doc="a unix socket server: the accept times out after 0.3 s",
        steps=[server("unix://{tmp}/srv.sock"), accept(0.3)],
    ),
    rel_scenario(
        "accept-timeout-ssl-server",
        peer="tls_none",
        tags=("server", "accept", "tls"),
        doc="an ssl:// server nobody connects to: the accept timeout (0.3 s), not a TLS error",
        steps=[
            call("stream_context_create", {"ssl": {"local_cert": "{server_pem}"}}, assign="ctx"),
            call(
                "stream_socket_server",
                "ssl://127.0.0.1:0",
                E,
                S,
                bor(const("STREAM_SERVER_BIND"), const("STREAM_SERVER_LISTEN")),
                var("ctx"),
                assign="srv",
            ),
            accept(0.3),
        ],
    ),
    rel_scenario(
        "accept-nonblocking-server",
        peer="none",
        tags=("server", "accept", "blocking"),
        doc="a non-blocking server: accept still waits its 0.3 s timeout (it polls first)",
        steps=[server(), call("stream_set_blocking", SRV, False), accept(0.3)],
    ),
    rel_scenario(
        "accept-default-timeout-ini",
        peer="none",
        tags=("server", "accept", "slow"),
        ini={"default_socket_timeout": "1"},
        doc="stream_socket_accept without a timeout waits default_socket_timeout (1 s)",
        steps=[server(), accept(None)],
    ),
    rel_scenario(
        "accept-timeout-then-client",
        peer="none",
        tags=("server", "accept"),
        mask=("ephemeral_ports",),
        doc="an accept that timed out leaves the server usable: a client connects, the next "
        "accept succeeds at once",
        steps=[
            server(),
            accept(0.2),
            call("stream_socket_get_name", SRV, False, assign="addr"),
            call("stream_socket_client", var("addr"), E, S, 1.0, assign="fp"),
            call("stream_socket_accept", SRV, 1.0, ref("peer"), assign="conn"),
            call("is_resource", var("conn")),
        ],
    ),
]
