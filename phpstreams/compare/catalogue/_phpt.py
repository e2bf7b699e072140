"""php-src's own tests as scenarios: the P0 rows of the phpt peer-suite inventory.

Each scenario transliterates one php-src ``.phpt`` (its ``doc`` names the file)
into calls; what PHP does is whatever PHP 8.2 records when it runs, never the
test's ``--EXPECT--`` text (some are outdated).  Where the phpt runs its own
server in the same script (tcp4loop, shutdown, the meta-data tests...), so does
the scenario, on the ``free_port`` peer's ``{port}``/``{path}``: both roles are
then phpstreams in the Python run.  Where the phpt splits server and client
(``ServerClientTestCase``), the server is a Python peer (``_peers.py``,
``_tlspeers.py``) with the phpt's shape, and only the client is compared.  A
``-peer-client``/``-peer-server`` variant swaps in a foreign peer for one role.

Which P0 rows existing scenarios already pin, and why, is in
``docs/phpt-coverage.md``.
"""

from __future__ import annotations

import base64
import dataclasses
from collections.abc import Sequence

from .._peers import SENDER_PAYLOAD
from .._scenario import (
    PEER_KINDS,
    Arg,
    Scenario,
    Step,
    arr,
    bor,
    call,
    cat,
    const,
    loop,
    pint,
    ref,
    same,
    scenario,
    sleep,
    var,
)
from .._tlspeers import SINK_BYTES, SNI_NAMES, TLS_PEER_KINDS

__all__ = ["PHPT", "PHPT_PEERS"]

# Peer kinds added to _peers.py for these scenarios (scenario() knows only the engine's own).
PHPT_PEERS = frozenset(
    {"free_port", "tcp_sender", "udp_sender", "unix_sender", "gh11418", "gh13860"}
)

NET = "ext/standard/tests/network"
STREAMS = "ext/standard/tests/streams"
FILE = "ext/standard/tests/file"
OPENSSL = "ext/openssl/tests"

E, S = ref("errno"), ref("errstr")
CA: dict[str, Arg] = {"cafile": "{cafile}"}
CONNECT = const("STREAM_CLIENT_CONNECT")
BIND = const("STREAM_SERVER_BIND")
LOOP_DATA = SENDER_PAYLOAD.decode()  # "ABCdef123\n", the loopback tests' payload


def phpt(
    name: str,
    path: str,
    doc: str,
    steps: Sequence[Step],
    *,
    peer: str | None = "free_port",
    tags: Sequence[str] = (),
    ini: dict[str, str] | None = None,
    mask: Sequence[str] = (),
    timeout: float = 20.0,
) -> Scenario:
    """``phpt/<name>``, its doc naming the php-src file.

    ``peer`` may be an engine kind, a ``PHPT_PEERS`` kind or a TLS kind (``_tlspeers``).

    ``default_socket_timeout`` is 3 unless ``ini`` says otherwise: a read or accept
    that PHP completes at once then cannot stall a broken run for PHP's 60 s.
    """
    extra = peer is not None and peer not in PEER_KINDS
    if extra and peer not in PHPT_PEERS | TLS_PEER_KINDS:
        raise ValueError(f"phpt/{name}: unknown peer kind {peer!r}")
    built = scenario(
        f"phpt/{name}",
        peer=None if extra else peer,
        doc=f"{path}: {doc}",
        steps=steps,
        tags=("phpt", *tags),
        ini={"default_socket_timeout": "3"} if ini is None else ini,
        mask=mask,
        timeout=timeout,
    )
    return dataclasses.replace(built, peer=peer) if extra else built


def server(address: str, *rest: Arg, name: str = "server") -> Step:
    """$name = stream_socket_server(address, $errno, $errstr, <rest>)."""
    return call("stream_socket_server", address, E, S, *rest, assign=name)


def client(address: Arg, *rest: Arg, name: str = "client") -> Step:
    """$name = stream_socket_client(address, $errno, $errstr, <rest>)."""
    return call("stream_socket_client", address, E, S, *rest, assign=name)


def accept(srv: str = "server", name: str = "socket", timeout: Arg = 5.0) -> Step:
    return call("stream_socket_accept", var(srv), timeout, assign=name)


def meta(name: str) -> Step:
    return call("stream_get_meta_data", var(name))


def close(*names: str) -> list[Step]:
    return [call("fclose", var(name)) for name in names]


def remote(name: str) -> Step:
    return call("stream_socket_get_name", var(name), True)


# -- G1: fsockopen / pfsockopen --------------------------------------------------------------------

FSOCKOPEN: list[Scenario] = [
    phpt(
        "fsockopen_basic",
        f"{NET}/fsockopen_basic.phpt",
        "the phpt's three call shapes against its own server: fsockopen('tcp://127.0.0.1', P, "
        "$errno, $errstr, 1.5), fsockopen('tcp://127.0.0.1', P), fsockopen('tcp://127.0.0.1:P'); "
        "also 'localhost' as host; resource, no warning, stream_type",
        [
            server("tcp://127.0.0.1:{port}"),
            call("fsockopen", "tcp://127.0.0.1", pint(), E, S, 1.5, assign="client"),
            meta("client"),
            *close("client"),
            call("fsockopen", "tcp://127.0.0.1", pint(), assign="second_client"),
            remote("second_client"),
            *close("second_client"),
            call("fsockopen", "tcp://127.0.0.1:{port}", assign="third_client"),
            remote("third_client"),
            *close("third_client"),
            call("fsockopen", "localhost", pint(), E, S, assign="fourth_client"),
            remote("fourth_client"),
            *close("fourth_client", "server"),
        ],
    ),
    phpt(
        "fsockopen_basic-ipv6",
        f"{NET}/fsockopen_basic.phpt",
        "the phpt's host spellings over IPv6 (a peer on ::1): '[::1]' + port, "
        "'tcp://[::1]' + port, 'tcp://[::1]:P'",
        [
            call("fsockopen", "[::1]", pint(), E, S, 1.5, assign="client"),
            remote("client"),
            call("fsockopen", "tcp://[::1]", pint(), assign="second_client"),
            remote("second_client"),
            call("fsockopen", "tcp://[::1]:{port}", assign="third_client"),
            remote("third_client"),
            meta("third_client"),
        ],
        peer="ipv6_echo",
        tags=("ipv6",),
    ),
    phpt(
        "fsockopen_error",
        f"{NET}/fsockopen_error.phpt",
        "a closed port (errno 111, 'Unable to connect to tcp://127.0.0.1:P (Connection "
        "refused)') and 'invalid://' (the transport message; $errno is garbage, masked); the same "
        "two through stream_socket_client",
        [
            call("fsockopen", "tcp://127.0.0.1", pint(), E, S, 1.5),
            call("fsockopen", "invalid://127.0.0.1", pint(), ref("errno2"), ref("errstr2"), 1.5),
            call(
                "stream_socket_client", "tcp://127.0.0.1:{port}", ref("errno3"), ref("errstr3"), 1.5
            ),
            call(
                "stream_socket_client",
                "invalid://127.0.0.1:{port}",
                ref("errno4"),
                ref("errstr4"),
                1.5,
            ),
        ],
        peer="refused",
        mask=("errno2", "errno4"),
    ),
    phpt(
        "fsockopen_variation1",
        f"{NET}/fsockopen_variation1.phpt",
        "no protocol in the host: fsockopen('127.0.0.1', P) and fsockopen('127.0.0.1:P') are tcp",
        [
            server("tcp://127.0.0.1:{port}"),
            call("fsockopen", "127.0.0.1", pint(), assign="client"),
            call("stream_get_meta_data", var("client")),
            *close("client"),
            call("fsockopen", "127.0.0.1:{port}", assign="second_client"),
            remote("second_client"),
            *close("second_client", "server"),
        ],
    ),
    phpt(
        "fsockopen_variation2",
        f"{NET}/fsockopen_variation2.phpt",
        "udp: a STREAM_SERVER_BIND server, fsockopen('udp://127.0.0.1', '<port>') with the port "
        "as a numeric string, then the one-string form; fwrite 10 bytes, the server's fread "
        "gets them",
        [
            server("udp://127.0.0.1:{port}", BIND),
            call("fsockopen", "udp://127.0.0.1", "{port}", assign="client"),
            call("fwrite", var("client"), "0123456789"),
            call("fread", var("server"), 10),
            *close("client"),
            call("fsockopen", "udp://127.0.0.1:{port}", assign="second_client"),
            call("fwrite", var("second_client"), "0123456789"),
            call("fread", var("server"), 10),
            *close("second_client", "server"),
        ],
        tags=("udp",),
    ),
    phpt(
        "bug20134",
        f"{NET}/bug20134.phpt",
        "udp://localhost to a closed port with default_socket_timeout 1: fsockopen succeeds, "
        "fwrite gives int(1), fread fails on the ICMP refusal (not after the timeout)",
        [
            call("fsockopen", "udp://localhost", pint(), E, S, assign="fp"),
            call("fwrite", var("fp"), "\n"),
            call("fread", var("fp"), 40, timed=True),
            *close("fp"),
        ],
        ini={"default_socket_timeout": "1"},
        tags=("udp",),
    ),
    phpt(
        "ghsa-3cr5-j632-f35r",
        f"{NET}/ghsa-3cr5-j632-f35r.phpt",
        "fsockopen('localhost\\0.example.com', P) with a live server on localhost:P: false, "
        "'Unable to connect to localhost:P (The hostname must not contain null bytes)'",
        [
            server("tcp://localhost:{port}"),
            call("fsockopen", "localhost\0.example.com", pint(), assign="client"),
            *close("server"),
        ],
    ),
]

# -- G2: stream_socket_client parsing, persistence, bindto -----------------------------------------

BINDTO_HOST = "tcp://www." + "x" * 100 + ".com:80"
BINDTO_CTX = call("stream_context_create", {"socket": {"bindto": "invalid"}}, assign="ctx")

STREAM_002_ADDRESSES: tuple[Arg, ...] = ("", "[", "[ ", ".", 1, [])

CLIENT: list[Scenario] = [
    phpt(
        "stream_002",
        f"{FILE}/stream_002.phpt",
        "stream_socket_client('' / '[' / '[ ' / '.' / int 1 / array()): false, errno 0, errstr "
        "'Failed to parse (IPv6) address ...', one warning each, a TypeError for the array; "
        "plus 'tcp://[::1:80', '127.0.0.1' (no port) and a port above 65535 (wraps)",
        [
            *(
                call("stream_socket_client", address, ref("a"), ref("b"))
                for address in STREAM_002_ADDRESSES
            ),
            call("stream_socket_client", "tcp://[::1:80", ref("a"), ref("b")),
            call("stream_socket_client", "127.0.0.1", ref("a"), ref("b")),
            call(
                "stream_socket_client", cat("tcp://127.0.0.1:", pint() + 65536), ref("a"), ref("b")
            ),
        ],
        peer="refused",
        tags=("parse",),
    ),
    phpt(
        "socket_bug74429",
        f"{NET}/socket_bug74429.phpt",
        "'tcp://127.0.0.1:P/client0' and '/client1' connect to P (the suffix is no part of the "
        "address); with STREAM_CLIENT_PERSISTENT the suffix is part of the persistence key",
        [
            server("tcp://127.0.0.1:{port}"),
            client("tcp://127.0.0.1:{port}/client0", name="client0"),
            client("tcp://127.0.0.1:{port}/client1", name="client1"),
            remote("client0"),
            remote("client1"),
            call("fwrite", var("client0"), "zero\n"),
            accept(name="socket0"),
            call("fgets", var("socket0")),
            call("fwrite", var("client1"), "one\n"),
            accept(name="socket1"),
            call("fgets", var("socket1")),
            *(
                client(
                    f"tcp://127.0.0.1:{{port}}/{key}",
                    1.0,
                    bor(const("STREAM_CLIENT_PERSISTENT"), CONNECT),
                    name=name,
                )
                for key, name in (("client0", "p0"), ("client0", "p0_again"), ("client1", "p1"))
            ),
            same(var("p0"), var("p0_again")),
            same(var("p0"), var("p1")),
            call("get_resource_type", var("p1")),
            *close("client0", "client1", "server"),
        ],
        tags=("persistent",),
    ),
    phpt(
        "bindto",
        f"{NET}/bindto.phpt",
        "bindto 'invalid' and a host whose lookup fails: the lookup error is reported (two "
        "warnings), not the bindto parse error (the 100-byte DNS label fails inside getaddrinfo: "
        "no query leaves the machine)",
        [BINDTO_CTX, client(BINDTO_HOST, 30, CONNECT, var("ctx"), name="fp")],
        peer=None,
        tags=("bindto",),
    ),
    phpt(
        "bindto-loopback",
        f"{NET}/bindto.phpt",
        "bindto 'invalid' with a reachable IPv4 target is ignored silently: the connect to a "
        "listener succeeds, a closed port gives only 'Connection refused'",
        [
            BINDTO_CTX,
            client("tcp://127.0.0.1:{port}", 1.0, CONNECT, var("ctx"), name="fp"),
            call("stream_socket_get_name", var("fp"), False),
            client("tcp://127.0.0.1:{port2}", 1.0, CONNECT, var("ctx"), name="fp2"),
        ],
        peer="listen",
        mask=("ephemeral_ports",),
        tags=("bindto",),
    ),
]

# -- G3: servers, accept, names (TCP) --------------------------------------------------------------


def tcp4loop() -> list[Step]:
    return [
        server("tcp://127.0.0.1:{port}"),
        client("tcp://127.0.0.1:{port}"),
        accept(),
        call("fwrite", var("client"), LOOP_DATA),
        call("fread", var("socket"), 10),
        *close("client", "socket", "server"),
    ]


SERVERS: list[Scenario] = [
    phpt(
        "tcp4loop",
        f"{NET}/tcp4loop.phpt",
        "server, client and accepted stream in one script: fwrite 'ABCdef123\\n', fread(10) on "
        "the accepted stream gets it; fclose of all three",
        tcp4loop(),
    ),
    phpt(
        "tcp4loop-peer-server",
        f"{NET}/tcp4loop.phpt",
        "the client half against a foreign (Python) echo server: the 10 bytes reach it and "
        "come back",
        [
            client("tcp://127.0.0.1:{port}"),
            call("fwrite", var("client"), LOOP_DATA),
            call("fread", var("client"), 10),
            *close("client"),
        ],
        peer="echo",
    ),
    phpt(
        "tcp4loop-peer-client",
        f"{NET}/tcp4loop.phpt",
        "the server half with a foreign (Python) client sending 'ABCdef123\\n': accept, "
        "fread(10), fclose",
        [
            server("tcp://127.0.0.1:{port}"),
            accept(),
            call("fread", var("socket"), 10),
            *close("socket", "server"),
        ],
        peer="tcp_sender",
    ),
    phpt(
        "bug76136",
        f"{STREAMS}/bug76136.phpt",
        "stream_socket_server('tcp://[::1]:P/'): stream_socket_get_name($server, false) "
        "encloses the IPv6 address in brackets ('[::1]:P'); the IPv4 form for comparison",
        [
            server("tcp://[::1]:{port}/"),
            call("stream_socket_get_name", var("server"), False),
            server("tcp://127.0.0.1:{port}/", name="server4"),
            call("stream_socket_get_name", var("server4"), False),
        ],
        tags=("ipv6",),
    ),
    phpt(
        "gh8472",
        f"{STREAMS}/gh8472.phpt",
        "the accepted stream's meta data ('blocked' in particular) before and after "
        "stream_set_timeout/stream_set_blocking(false), a non-blocking listener; stream_select "
        "then fread(4) twice: '0000', '0'",
        [
            server("tcp://127.0.0.1:{port}"),
            meta("server"),
            call("stream_set_blocking", var("server"), False),
            meta("server"),
            client("tcp://127.0.0.1:{port}"),
            call("stream_socket_accept", var("server"), assign="res"),
            meta("res"),
            call("stream_set_timeout", var("res"), 1),
            call("stream_set_blocking", var("res"), False),
            meta("res"),
            call("fwrite", var("client"), "00000"),
            call(
                "stream_select", arr("read", [var("res")]), arr("write", []), arr("except", []), 1
            ),
            call("fread", var("res"), 4),
            call("fread", var("res"), 4),
        ],
    ),
]

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

# -- G10: TLS peer verification --------------------------------------------------------------------


def ctx(options: dict[str, Arg], name: str = "ctx") -> Step:
    return call("stream_context_create", {"ssl": options}, assign=name)


def set_ssl(option: str, value: Arg, name: str = "ctx") -> Step:
    return call("stream_context_set_option", var(name), "ssl", option, value)


def tls(
    url: str = "ssl://127.0.0.1:{port}",
    *,
    ctx_name: str | None = "ctx",
    silenced: bool = False,
    flags: Arg = None,
    errno: str = "errno",
    errstr: str = "errstr",
    timeout: float = 5.0,
) -> Step:
    """$fp = stream_socket_client(url, $errno, $errstr, timeout, CONNECT[, $ctx])."""
    args: list[Arg] = [url, ref(errno), ref(errstr), timeout, CONNECT if flags is None else flags]
    if ctx_name is not None:
        args.append(var(ctx_name))
    return call("stream_socket_client", *args, assign="fp", silenced=silenced)


def peer_cn(expected: str) -> list[Step]:
    """The phpt's openssl_x509_parse(peer_certificate)['subject']['CN'], checked with ===."""
    return [
        call("stream_context_get_options", var("ctx"), assign="opts"),
        call("openssl_x509_parse", var("opts")["ssl"]["peer_certificate"], assign="parsed"),
        same(var("parsed")["subject"]["CN"], expected),
    ]


BUG68920_FINGERPRINTS: tuple[Arg, ...] = (True, None, [], ["foo"])

VERIFY: list[Scenario] = [
    phpt(
        "peer_verification",
        f"{OPENSSL}/peer_verification.phpt",
        "four connects to a cert the system CAs do not know: no context and verify_peer=true "
        "fail (silenced: error_get_last), verify_peer and verify_peer_name false connects, "
        "cafile + peer_name connects",
        [
            tls(ctx_name=None, silenced=True),
            ctx({"verify_peer": True}),
            tls(silenced=True),
            ctx({"verify_peer": False, "verify_peer_name": False}),
            tls(),
            call("fgets", var("fp")),
            ctx({**CA, "peer_name": "test.local"}),
            tls(),
            call("fgets", var("fp")),
        ],
        peer="tls_echo",
        tags=("tls",),
    ),
    phpt(
        "stream_verify_peer_name_001",
        f"{OPENSSL}/stream_verify_peer_name_001.phpt",
        "verify_peer false, peer_name = the CN of a CN-only certificate from an unknown CA: "
        "connects (the name check does not need the chain check)",
        [ctx({"verify_peer": False, "peer_name": "cn.local"}), tls(), call("fgets", var("fp"))],
        peer="tls_cnonly",
        tags=("tls",),
    ),
    phpt(
        "bug54992",
        f"{OPENSSL}/bug54992.phpt",
        "verify_peer + cafile + a wrong explicit peer_name against a CN-only certificate: "
        "'Peer certificate CN=`cn.local' did not match expected CN=`bug54992_expected_peer_name'', "
        "Failed to enable crypto, Unable to connect, false",
        [
            ctx({"verify_peer": True, **CA, "peer_name": "bug54992_expected_peer_name"}),
            tls(timeout=2.0),
        ],
        peer="tls_cnonly",
        tags=("tls",),
    ),
    phpt(
        "bug65729",
        f"{OPENSSL}/bug65729.phpt",
        "a self-signed CN-only '*.test.com' certificate, verify_peer + allow_self_signed: "
        "peer_name foo.test.com.sg fails (CN mismatch), foo.test.com and FOO.TEST.COM connect, "
        "foo.bar.test.com fails (the star never spans a dot); also test.com and .test.com",
        [
            step
            for name in (
                "foo.test.com.sg",
                "foo.test.com",
                "FOO.TEST.COM",
                "foo.bar.test.com",
                "test.com",
                ".test.com",
            )
            for step in (
                ctx({"verify_peer": True, "allow_self_signed": True, "peer_name": name}),
                tls(timeout=2.0),
            )
        ],
        peer="tls_cnwildcard",
        tags=("tls",),
    ),
    phpt(
        "san_peer_matching",
        f"{OPENSSL}/san_peer_matching.phpt",
        "a certificate with SAN DNS example.org, www.example.org, test.example.org and no CN, "
        "verify_peer false: peer_name example.org connects; moar.example.org fails with the "
        "8.2.36 text 'Peer certificate subjectAltName did not match expected name "
        "`moar.example.org'' (the phpt's 'Unable to locate peer certificate CN' is outdated)",
        [
            ctx({"verify_peer": False, **CA}),
            set_ssl("peer_name", "example.org"),
            tls(timeout=1.0),
            set_ssl("peer_name", "moar.example.org"),
            tls(timeout=1.0),
        ],
        peer="tls_sanonly",
        tags=("tls",),
    ),
    phpt(
        "openssl_peer_fingerprint_basic",
        f"{OPENSSL}/openssl_peer_fingerprint_basic.phpt",
        "peer_fingerprint set with stream_context_set_option on an existing context: a wrong md5 "
        "string ('peer_fingerprint match failure' + 2 warnings, false), then ['sha256' => the "
        "right digest] (connects)",
        [
            ctx({"verify_peer": True, **CA, "capture_peer_cert": True, "peer_name": "test.local"}),
            set_ssl("peer_fingerprint", "3610606deda596b3ae3859d33c4ce1da"),
            tls(timeout=2.0),
            set_ssl("peer_fingerprint", {"sha256": "{sha256}"}),
            tls(timeout=2.0),
            call("fgets", var("fp")),
        ],
        peer="tls_echo",
        tags=("tls", "fingerprint"),
    ),
    phpt(
        "bug68920",
        f"{OPENSSL}/bug68920.phpt",
        "strict peer_fingerprint input checks with verify_peer false: true and null give "
        "'Expected peer fingerprint must be a string or an array'; [] and ['foo'] give 'Invalid "
        "peer_fingerprint array; [algo => fingerprint] form required' then 'peer_fingerprint "
        "match failure'; each then Failed to enable crypto, Unable to connect, false",
        [
            step
            for value in BUG68920_FINGERPRINTS
            for step in (
                ctx({"verify_peer": False, "peer_fingerprint": value}),
                tls(timeout=30.0),
            )
        ],
        peer="tls_echo",
        tags=("tls", "fingerprint"),
    ),
    phpt(
        "bug68920-unknown-digest",
        f"{OPENSSL}/bug68920.phpt",
        "beyond the phpt, the same strict check one step further: peer_fingerprint "
        "['nosuchalgo' => 'ab'] gives 'Unknown digest algorithm', then 'peer_fingerprint match "
        "failure', Failed to enable crypto, Unable to connect, false",
        [
            ctx({"verify_peer": False, "peer_fingerprint": {"nosuchalgo": "ab"}}),
            tls(timeout=30.0),
        ],
        peer="tls_echo",
        tags=("tls", "fingerprint"),
    ),
    phpt(
        "capture_peer_cert_001",
        f"{OPENSSL}/capture_peer_cert_001.phpt",
        "capture_peer_cert + cafile, default peer name 127.0.0.1 against a CN-only certificate: "
        "the (silenced) connect fails the name check, yet ssl.peer_certificate is stored: its "
        "parsed subject CN is the server's",
        [
            ctx({"capture_peer_cert": True, **CA}),
            tls(timeout=1.0, silenced=True),
            *peer_cn("cn.local"),
            call("openssl_x509_fingerprint", var("opts")["ssl"]["peer_certificate"], "sha256"),
        ],
        peer="tls_cnonly",
        tags=("tls", "capture"),
    ),
    phpt(
        "san_no_cn_fallback",
        f"{OPENSSL}/san_no_cn_fallback.phpt",
        "CN cn.example.org with SAN DNS san.example.org, verify_peer false: peer_name "
        "san.example.org connects; cn.example.org is rejected ('Peer certificate subjectAltName "
        "did not match expected name `cn.example.org''): no fallback to the CN",
        [
            ctx({"verify_peer": False}),
            set_ssl("peer_name", "san.example.org"),
            tls(timeout=1.0),
            set_ssl("peer_name", "cn.example.org"),
            tls(timeout=1.0),
        ],
        peer="tls_sancn",
        tags=("tls",),
    ),
]

# -- G11: protocol selection -----------------------------------------------------------------------

TLS_CTX = {"verify_peer": True, **CA, "peer_name": "test.local"}
TRANSPORTS = ("tlsv1.0", "sslv3", "tlsv1.1", "tlsv1.2", "tlsv1.3", "ssl", "tls")


def crypto_flags_004(extra: dict[str, Arg]) -> list[Step]:
    return [
        ctx({**TLS_CTX, **extra}),
        tls(timeout=1.0, silenced=True),
        set_ssl("crypto_method", const("STREAM_CRYPTO_METHOD_TLSv1_1_CLIENT")),
        tls(timeout=1.0, silenced=True),
        set_ssl("crypto_method", const("STREAM_CRYPTO_METHOD_TLSv1_2_CLIENT")),
        tls(timeout=1.0, silenced=True),
        set_ssl("crypto_method", const("STREAM_CRYPTO_METHOD_TLSv1_0_CLIENT")),
        tls(timeout=1.0),
        call("stream_get_meta_data", var("fp")),
    ]


def wrapper_steps() -> list[Step]:
    steps: list[Step] = [
        ctx({"verify_peer": False, "verify_peer_name": False, "security_level": 0}),
    ]
    for index, transport in enumerate(TRANSPORTS):
        steps.append(
            tls(
                f"{transport}://127.0.0.1:{{port}}",
                timeout=3.0,
                silenced=index > 0,
                errno=f"errno_{index}",
                errstr=f"errstr_{index}",
            )
        )
        if transport != "sslv3":
            steps.append(call("stream_get_meta_data", var("fp")))
    return steps


def session_meta(method: str) -> list[Step]:
    return [
        set_ssl("crypto_method", const(f"STREAM_CRYPTO_METHOD_{method}_CLIENT")),
        tls(timeout=2.0, silenced=True),
        call("stream_context_get_options", var("ctx")),
        call("stream_get_meta_data", var("fp")),
    ]


PROTOCOLS: list[Scenario] = [
    phpt(
        "stream_crypto_flags_004",
        f"{OPENSSL}/stream_crypto_flags_004.phpt",
        "a TLS-1.0-only server (RSA key): default ssl://, then crypto_method TLSv1_1_CLIENT, "
        "TLSv1_2_CLIENT, TLSv1_0_CLIENT, set with stream_context_set_option on one context; at "
        "OpenSSL 3's default security level even TLS 1.0 is refused ('legacy sigalg "
        "disallowed or unsupported')",
        crypto_flags_004({}),
        peer="tls10_rsa_echo",
        tags=("tls",),
    ),
    phpt(
        "stream_crypto_flags_004-security-level-0",
        f"{OPENSSL}/stream_crypto_flags_004.phpt",
        "the same four connects with the client at security_level 0, where TLS 1.0 is allowed "
        "on both sides: which crypto_method values reach the TLS-1.0-only server",
        crypto_flags_004({"security_level": 0}),
        peer="tls10_rsa_echo",
        tags=("tls",),
    ),
    phpt(
        "tls_wrapper_with_tls_v1.3",
        f"{OPENSSL}/tls_wrapper_with_tls_v1.3.phpt",
        "a tls:// server accepting TLS 1.0-1.3 at security level 0: tlsv1.0://, sslv3:// (not "
        "registered with OpenSSL 3: 'Unable to find the socket transport', $errno garbage, "
        "masked), tlsv1.1://, tlsv1.2://, tlsv1.3://, ssl://, tls://; the negotiated protocol of "
        "each",
        wrapper_steps(),
        peer="tls_any_echo",
        mask=("errno_1",),
        tags=("tls",),
    ),
    phpt(
        "session_meta_capture",
        f"{OPENSSL}/session_meta_capture.phpt",
        "crypto_method TLSv1_0/1_1/1_2_CLIENT against a TLS 1.0-1.3 server with "
        "capture_session_meta (and security_level 0): 8.2 ignores capture_session_meta (no "
        "session_meta in the context options); stream_get_meta_data's crypto block has "
        "protocol TLSv1, TLSv1.1, TLSv1.2",
        [
            ctx({**TLS_CTX, "capture_session_meta": True, "security_level": 0}),
            *session_meta("TLSv1_0"),
            *session_meta("TLSv1_1"),
            *session_meta("TLSv1_2"),
        ],
        peer="tls_any_echo",
        tags=("tls",),
    ),
    phpt(
        "session_meta_capture_tlsv13",
        f"{OPENSSL}/session_meta_capture_tlsv13.phpt",
        "crypto_method TLSv1_3_CLIENT (set with stream_context_set_option) against a "
        "TLS-1.3-only server: the crypto meta protocol is 'TLSv1.3'",
        [
            ctx(TLS_CTX),
            set_ssl("crypto_method", const("STREAM_CRYPTO_METHOD_TLSv1_3_CLIENT")),
            tls(timeout=1.0),
            call("stream_get_meta_data", var("fp")),
        ],
        peer="tls13_echo",
        tags=("tls",),
    ),
]

# -- G12: STARTTLS, async connect ------------------------------------------------------------------

ENABLE_12 = call(
    "stream_socket_enable_crypto", var("fp"), True, const("STREAM_CRYPTO_METHOD_TLSv1_2_CLIENT")
)

ASYNC: list[Scenario] = [
    phpt(
        "bug74159",
        f"{OPENSSL}/bug74159.phpt",
        "tcp:// with an ssl context, non-blocking: enable_crypto(TLSv1_2_CLIENT) returns 0 while "
        "the handshake waits for the server (each server flight comes 0.3 s late), then true; "
        "one non-blocking fwrite of 0xfffff bytes over TLS writes them all; the server's "
        "'received 1048575', then EOF",
        [
            ctx({**CA, "peer_name": "test.local"}),
            tls("tcp://127.0.0.1:{port}"),
            call("stream_set_blocking", var("fp"), False),
            ENABLE_12,
            ENABLE_12,
            sleep(0.6),
            ENABLE_12,
            sleep(0.6),
            ENABLE_12,
            call("stream_get_meta_data", var("fp")),
            call("fwrite", var("fp"), "a" * SINK_BYTES),
            call(
                "stream_select", arr("read", [var("fp")]), arr("write", None), arr("exc", None), 5
            ),
            call("stream_set_blocking", var("fp"), True),
            call("fgets", var("fp")),
            call("fgets", var("fp")),
            call("feof", var("fp")),
        ],
        peer="tls12_slow_sink",
        tags=("tls", "starttls"),
    ),
    phpt(
        "bug48182",
        f"{OPENSSL}/bug48182.phpt",
        "ssl:// with STREAM_CLIENT_CONNECT|STREAM_CLIENT_ASYNC_CONNECT, cafile + peer_name: the "
        "handshake completes transparently; fwrite, then the server's greeting and the echo",
        [
            ctx({**CA, "peer_name": "test.local"}),
            tls(timeout=10.0, flags=bor(CONNECT, const("STREAM_CLIENT_ASYNC_CONNECT"))),
            call(
                "fwrite",
                var("fp"),
                "Sending data over to SSL server in async mode with contents like Hello World\n",
            ),
            call("fgets", var("fp")),
            call("fgets", var("fp")),
        ],
        peer="tls_echo",
        tags=("tls", "async"),
    ),
]

# -- G13: SNI --------------------------------------------------------------------------------------


def sni_steps() -> list[Step]:
    steps: list[Step] = []
    for index, name in enumerate(SNI_NAMES):
        steps += [
            ctx({**CA, "capture_peer_cert": True, "peer_name": name}),
            tls("tls://127.0.0.1:{port}", timeout=1.0, silenced=index > 0),
            *peer_cn(name),
            call("fgets", var("fp")),
        ]
    return steps


SNI: list[Scenario] = [
    phpt(
        "sni_server",
        f"{OPENSSL}/sni_server.phpt",
        "a server choosing its certificate by SNI (cs/uk/us.php.net): with peer_name each name "
        "and capture_peer_cert, the captured certificate's CN is that name (the client sends "
        "peer_name as SNI); the greeting echoes the SNI received",
        sni_steps(),
        peer="tls_sni",
        tags=("tls", "sni"),
    ),
]

PHPT: list[Scenario] = [
    *FSOCKOPEN,
    *CLIENT,
    *SERVERS,
    *LOOPS,
    *DATAGRAMS,
    *PAIRS,
    *META,
    *VERIFY,
    *PROTOCOLS,
    *ASYNC,
    *SNI,
]
