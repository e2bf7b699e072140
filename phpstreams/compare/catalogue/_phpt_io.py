"""php-src .phpt scenarios, I/O: UDP and unix-domain loopback, recvfrom/sendto,
shutdown, socket pairs and read semantics, meta data, timeouts, blocking and
liveness (groups G4-G8 of the phpt inventory: ``docs/phpt-coverage.md``)."""

from __future__ import annotations

import base64

from .._scenario import Scenario, Step, arr, bor, call, const, loop, ref, sleep, var
from ._phpt_helpers import (
    BIND,
    CONNECT,
    LOOP_DATA,
    NET,
    OPENSSL,
    STREAMS,
    E,
    S,
    accept,
    client,
    close,
    meta,
    phpt,
    server,
)

__all__ = ["DATAGRAMS", "LOOPS", "META", "PAIRS"]

# -- G4: UDP and unix-domain loopback --------------------------------------------------------------

LOOPS: list[Scenario] = [
    phpt(
        "udp4loop",
        f"{NET}/udp4loop.phpt",
        "a STREAM_SERVER_BIND udp server and a udp client in one script: fwrite "
        "'ABCdef123\\n', the server's fread(10) gets the datagram",
        [
            server("udp://127.0.0.1:{port}", BIND),
            client("udp://127.0.0.1:{port}"),
            call("fwrite", var("client"), LOOP_DATA),
            call("fread", var("server"), 10),
            *close("client", "server"),
        ],
        tags=("udp",),
    ),
    phpt(
        "udp4loop-peer-client",
        f"{NET}/udp4loop.phpt",
        "the server half with a foreign (Python) udp client: fread(10) gets its datagram; "
        "recvfrom names the sender",
        [
            server("udp://127.0.0.1:{port}", BIND),
            call("fread", var("server"), 10),
            call("stream_socket_recvfrom", var("server"), 100, 0, ref("addr")),
            *close("server"),
        ],
        peer="udp_sender",
        mask=("ephemeral_ports",),
        tags=("udp",),
    ),
    phpt(
        "unixloop",
        f"{NET}/unixloop.phpt",
        "unix-domain server, client and accepted stream in one script (socket in a temporary "
        "folder): fwrite 'ABCdef123\\n', fread(10) gets it",
        [
            server("unix://{path}"),
            client("unix://{path}"),
            accept(),
            call("fwrite", var("client"), LOOP_DATA),
            call("fread", var("socket"), 10),
            *close("client", "socket", "server"),
        ],
        tags=("unix",),
    ),
    phpt(
        "unixloop-peer-client",
        f"{NET}/unixloop.phpt",
        "the unix server half with a foreign (Python) client sending 'ABCdef123\\n'",
        [
            server("unix://{path}"),
            accept(),
            call("fread", var("socket"), 10),
            *close("socket", "server"),
        ],
        peer="unix_sender",
        tags=("unix",),
    ),
]

# -- G5: recvfrom / sendto -------------------------------------------------------------------------

DNS_QUERY = base64.b64decode("1oIBAAABAAAAAAAAB2V4YW1wbGUDb3JnAAABAAE=")

DATAGRAMS: list[Scenario] = [
    phpt(
        "bug74090",
        f"{STREAMS}/bug74090.phpt",
        "udp://localhost with CONNECT|ASYNC_CONNECT, non-blocking: sendto; the server selects, "
        "recvfrom(1) learns the peer, sendto back; stream_get_contents($fd, 65565) returns the "
        "whole datagram",
        [
            server("udp://localhost:{port}", BIND),
            call(
                "stream_socket_client",
                "udp://localhost:{port}",
                E,
                S,
                0,
                bor(CONNECT, const("STREAM_CLIENT_ASYNC_CONNECT")),
                assign="fd",
            ),
            call("stream_set_blocking", var("fd"), 0),
            call("stream_socket_sendto", var("fd"), DNS_QUERY),
            call(
                "stream_select",
                arr("read", [var("server")]),
                arr("write", None),
                arr("exc", None),
                0,
                250000,
            ),
            call("stream_socket_recvfrom", var("server"), 1, 0, ref("peer")),
            call("stream_socket_sendto", var("server"), DNS_QUERY, 0, var("peer")),
            call(
                "stream_select",
                arr("read", [var("fd")]),
                arr("write", None),
                arr("exc", None),
                0,
                250000,
            ),
            call("stream_get_contents", var("fd"), 65565),
            call("stream_socket_shutdown", var("fd"), const("STREAM_SHUT_RDWR")),
            call("stream_socket_shutdown", var("server"), const("STREAM_SHUT_RDWR")),
        ],
        mask=("ephemeral_ports",),
        tags=("udp",),
    ),
]

# -- G6: shutdown, socket pairs, read semantics ----------------------------------------------------


def shutdown_client(n: int) -> list[Step]:
    name = f"client{n}"
    return [
        client("tcp://127.0.0.1:{port}", name=name),
        call("fwrite", var(name), f"Client {n}\n", silenced=True),
        call("stream_socket_shutdown", var(name), const("STREAM_SHUT_WR")),
        call("fwrite", var(name), f"Error {n}\n", silenced=True),
    ]


def shutdown_serve(n: int) -> list[Step]:
    return [
        accept(),
        call("fgets", var("socket"), assign="line"),
        call("fwrite", var("socket"), var("line"), silenced=True),
        call("fgets", var("socket"), assign="line"),
        call("fwrite", var("socket"), var("line"), silenced=True),
        *close("socket"),
        call("fgets", var(f"client{n}")),
        call("fgets", var(f"client{n}")),
    ]


PAIRS: list[Scenario] = [
    phpt(
        "shutdown",
        f"{NET}/shutdown.phpt",
        "two clients each fwrite a line, shutdown(SHUT_WR), then a silenced fwrite that fails "
        "(error_get_last); the server echoes each line (fgets, then fwrite of fgets' false); "
        "each client reads its line back, then false",
        [
            server("tcp://127.0.0.1:{port}"),
            *shutdown_client(1),
            *shutdown_client(2),
            *shutdown_serve(1),
            *shutdown_serve(2),
            *close("client1", "client2", "server"),
        ],
        tags=("shutdown",),
    ),
    phpt(
        "eagain_is_not_an_error",
        f"{STREAMS}/eagain_is_not_an_error.phpt",
        "stream_socket_pair(UNIX, STREAM, IPPROTO_IP), non-blocking fread(100) with nothing "
        "queued: '' (EAGAIN is not an error), no warning",
        [
            call(
                "stream_socket_pair",
                const("STREAM_PF_UNIX"),
                const("STREAM_SOCK_STREAM"),
                const("STREAM_IPPROTO_IP"),
                assign="sockets",
            ),
            call("stream_set_blocking", var("sockets")[0], False),
            call("fread", var("sockets")[0], 100),
        ],
        peer=None,
        tags=("blocking",),
    ),
    phpt(
        "gh11418",
        f"{STREAMS}/gh11418.phpt",
        "the server writes 'Hi Hello', 50 ms later ' World\\n': fread(3) gives 'Hi ', then fgets "
        "keeps reading past the buffered partial line: 'Hello World\\n'",
        [
            call("fsockopen", "tcp://127.0.0.1:{port}", assign="fp"),
            call("fread", var("fp"), 3),
            call("fgets", var("fp")),
            call("fgets", var("fp")),
        ],
        peer="gh11418",
        tags=("lines",),
    ),
]

# -- G8: meta data, timeouts, blocking, liveness ---------------------------------------------------

ABC = "abcdefg\n1234567\nxyzxyz\n"


def meta_setup() -> list[Step]:
    """The meta-data tests' common start: server, fsockopen client, accepted socket."""
    return [
        server("tcp://127.0.0.1:{port}"),
        call("fsockopen", "tcp://127.0.0.1:{port}", assign="client"),
        accept(),
    ]


DRAIN = [
    *close("socket", "server"),
    loop(call("fread", var("client"), 1), until="", max=40),
    call("feof", var("client")),
    meta("client"),
]

META: list[Scenario] = [
    phpt(
        "stream_get_meta_data_socket_variation1",
        f"{STREAMS}/stream_get_meta_data_socket_variation1.phpt",
        "the whole meta array after the server wrote 23 bytes (unread_bytes 0), after fgets "
        "(15: PHP's read buffer holds the rest), after fread(3) (12), and drained after the "
        "server closed (eof true)",
        [
            *meta_setup(),
            call("fwrite", var("socket"), ABC),
            meta("client"),
            call("fgets", var("client")),
            meta("client"),
            call("fread", var("client"), 3),
            meta("client"),
            *DRAIN,
        ],
        tags=("meta",),
    ),
    phpt(
        "stream_get_meta_data_socket_variation2",
        f"{STREAMS}/stream_get_meta_data_socket_variation2.phpt",
        "socket_set_timeout($client, 0, 1000), fread(1) times out: timed_out true; still true "
        "after the server writes; false after a successful fread(5)",
        [
            *meta_setup(),
            meta("client"),
            call("socket_set_timeout", var("client"), 0, 1000),
            call("fread", var("client"), 1),
            meta("client"),
            call("fwrite", var("socket"), "12345"),
            meta("client"),
            call("fread", var("client"), 5),
            meta("client"),
            *close("client", "socket", "server"),
        ],
        tags=("meta", "timeout"),
    ),
    phpt(
        "stream_get_meta_data_socket_variation3",
        f"{STREAMS}/stream_get_meta_data_socket_variation3.phpt",
        "socket_set_blocking($client, 0) then (…, 1) with ints: true each time, 'blocked' follows",
        [
            *meta_setup(),
            meta("client"),
            call("socket_set_blocking", var("client"), 0),
            meta("client"),
            call("socket_set_blocking", var("client"), 1),
            meta("client"),
            *close("client", "socket", "server"),
        ],
        tags=("meta", "blocking"),
    ),
    phpt(
        "stream_get_meta_data_socket_variation4",
        f"{STREAMS}/stream_get_meta_data_socket_variation4.phpt",
        "'eof' false after the server wrote and after fgets; true once the server closed and "
        "the client drained the stream",
        [
            *meta_setup(),
            call("fwrite", var("socket"), ABC),
            meta("client"),
            call("fgets", var("client")),
            meta("client"),
            *DRAIN,
            *close("client"),
        ],
        tags=("meta", "eof"),
    ),
    phpt(
        "gh13860",
        f"{OPENSSL}/gh13860.phpt",
        "non-blocking tcp client: fread(2) gets 'xx'; after the server closed, feof() is true "
        "(the liveness check sees the EOF), fread gives ''",
        [
            call("stream_socket_client", "tcp://127.0.0.1:{port}", assign="fp"),
            call("stream_set_blocking", var("fp"), False),
            sleep(0.1),
            call("fread", var("fp"), 2),
            sleep(0.5),
            call("feof", var("fp")),
            call("fread", var("fp"), 2),
            *close("fp"),
        ],
        peer="gh13860",
        tags=("eof",),
    ),
]
