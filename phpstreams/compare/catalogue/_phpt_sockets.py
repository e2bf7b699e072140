"""php-src .phpt scenarios, sockets: fsockopen/pfsockopen, stream_socket_client
parsing, persistence and bindto, servers, accept and names over TCP (groups G1-G3
of the phpt inventory: ``docs/phpt-coverage.md``)."""

from __future__ import annotations

from .._scenario import Arg, Scenario, Step, arr, bor, call, cat, const, pint, ref, same, var
from ._phpt_helpers import (
    BIND,
    CONNECT,
    FILE,
    LOOP_DATA,
    NET,
    STREAMS,
    E,
    S,
    accept,
    client,
    close,
    meta,
    phpt,
    remote,
    server,
)

__all__ = ["CLIENT", "FSOCKOPEN", "SERVERS"]

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
