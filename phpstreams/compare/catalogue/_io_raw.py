"""stream_socket_recvfrom / stream_socket_sendto, and UDP reads and writes."""

from __future__ import annotations

from .._scenario import Arg, Call, Scenario, call, const, ref, sleep, var
from ._helpers import E, S
from ._io_helpers import FP, io_scenario, meta, tcp, timeout, udp

__all__ = ["RAW", "UDP"]

ADDR = ref("addr")


def _recvfrom(length: int, flags: Arg = 0, name: str = "fp", timed: bool = False) -> Call:
    """stream_socket_recvfrom($name, length, flags, $addr)."""
    return call("stream_socket_recvfrom", var(name), length, flags, ADDR, timed=timed)


def _udp_server() -> Call:
    """A udp server socket bound to an ephemeral port (STREAM_SERVER_BIND only), in $srv."""
    return call(
        "stream_socket_server",
        "udp://127.0.0.1:0",
        E,
        S,
        const("STREAM_SERVER_BIND"),
        assign="srv",
    )


RAW: list[Scenario] = [
    io_scenario(
        "recvfrom/bypasses-read-buffer",
        peer="echo",
        tags=("recvfrom",),
        doc="recvfrom does not see bytes fgets left in PHP's buffer (false); fread does",
        steps=[
            tcp(),
            call("fwrite", FP, "one\ntwo\n"),
            sleep(0.1),
            call("fgets", FP),
            meta(),
            # a blocking recvfrom would wait forever: PHP applies no read timeout to it
            call("stream_set_blocking", FP, False),
            _recvfrom(100, timed=True),
            call("fread", FP, 100),
            call("fwrite", FP, "three\n"),
            sleep(0.1),
            _recvfrom(100),
        ],
    ),
    io_scenario(
        "recvfrom/peek",
        peer="echo",
        tags=("recvfrom",),
        doc="STREAM_PEEK leaves the data queued; address ref is '' on a TCP socket",
        steps=[
            tcp(),
            call("fwrite", FP, "hello"),
            sleep(0.1),
            _recvfrom(3, const("STREAM_PEEK")),
            _recvfrom(100, const("STREAM_PEEK")),
            _recvfrom(2),
            call("fread", FP, 100),
            meta(),
        ],
    ),
    io_scenario(
        "recvfrom/length-errors-and-eof",
        peer="close",
        tags=("recvfrom", "errors"),
        doc="recvfrom length 0 or negative: ValueError; at EOF it returns ''",
        steps=[
            tcp(),
            _recvfrom(0),
            _recvfrom(-1),
            sleep(0.1),
            _recvfrom(10),
            call("feof", FP),
        ],
    ),
    io_scenario(
        "recvfrom/nonblocking-nothing",
        peer="silent",
        tags=("recvfrom",),
        doc="non-blocking recvfrom with no data: false; the ref is reset",
        steps=[
            tcp(),
            call("stream_set_blocking", FP, False),
            _recvfrom(10, timed=True),
        ],
    ),
    io_scenario(
        "sendto/connected-tcp",
        peer="echo",
        tags=("sendto",),
        doc="sendto on a connected TCP socket sends like fwrite and returns the count",
        steps=[
            tcp(),
            call("stream_socket_sendto", FP, "abc"),
            call("stream_socket_sendto", FP, "def\n", 0, ""),
            call("stream_socket_sendto", FP, ""),
            call("fgets", FP),
        ],
    ),
    io_scenario(
        "sendto/unparsable-target",
        peer="udp_echo",
        tags=("sendto", "errors"),
        doc="a target without a port: Failed to parse address warning, false",
        steps=[udp(), call("stream_socket_sendto", FP, "x", 0, "nonsense")],
    ),
    io_scenario(
        "sendto/dns-failing-target",
        peer="udp_echo",
        tags=("sendto", "errors"),
        doc="a target whose name does not resolve: three warnings",
        steps=[udp(), call("stream_socket_sendto", FP, "x", 0, "nonexistent.invalid:80")],
    ),
    io_scenario(
        "sendto/ipv6-target-on-ipv4",
        peer="udp_echo",
        tags=("sendto", "errors", "ipv6"),
        doc="an IPv6 target on an IPv4 socket: -1 and a warning ending with a newline",
        steps=[udp(), call("stream_socket_sendto", FP, "x", 0, "[::1]:{port}")],
    ),
]

UDP: list[Scenario] = [
    io_scenario(
        "udp/one-datagram-per-read",
        peer="udp_echo",
        tags=("udp",),
        doc="each fread gets one datagram, even with room for more",
        steps=[
            udp(),
            call("fwrite", FP, "one"),
            call("fwrite", FP, "two"),
            sleep(0.1),
            call("fread", FP, 100),
            call("fread", FP, 100),
        ],
    ),
    io_scenario(
        "udp/fread-keeps-rest-and-merges",
        peer="udp_echo",
        tags=("udp",),
        doc="fread(4) buffers the datagram's rest, which a later fread joins to the next one",
        steps=[
            udp(),
            call("fwrite", FP, "0123456789"),
            sleep(0.1),
            call("fread", FP, 4),
            meta(),
            call("fwrite", FP, "abcdef"),
            sleep(0.1),
            call("fread", FP, 100),
        ],
    ),
    io_scenario(
        "udp/fgets-across-datagram",
        peer="udp_echo",
        tags=("udp",),
        doc="fgets splits a buffered datagram on newlines",
        steps=[
            udp(),
            call("fwrite", FP, "a\nb\nc"),
            sleep(0.1),
            call("fgets", FP),
            call("fgets", FP),
            meta(),
        ],
    ),
    io_scenario(
        "udp/recvfrom-truncates",
        peer="udp_echo",
        tags=("udp", "recvfrom"),
        doc="recvfrom(4) gets 4 bytes of a datagram; the rest is gone",
        steps=[
            udp(),
            call("fwrite", FP, "0123456789"),
            call("fwrite", FP, "next"),
            sleep(0.1),
            _recvfrom(4),
            _recvfrom(100),
            call("stream_set_blocking", FP, False),
            _recvfrom(100, timed=True),
            call("fread", FP, 100),
            meta(),
        ],
    ),
    io_scenario(
        "udp/server-bind-sendto-recvfrom",
        peer="udp_echo",
        tags=("udp", "server"),
        doc="a STREAM_SERVER_BIND udp server: sendto a target, recvfrom gives the sender",
        steps=[
            _udp_server(),
            call("stream_socket_sendto", var("srv"), "ping", 0, "127.0.0.1:{port}"),
            sleep(0.1),
            _recvfrom(100, name="srv"),
            call("stream_socket_sendto", var("srv"), "pong", 0, "127.0.0.1:{port}"),
            sleep(0.1),
            call("fread", var("srv"), 100),
        ],
    ),
    io_scenario(
        "udp/server-sendto-no-target",
        peer=None,
        tags=("udp", "server", "errors"),
        doc="sendto without a target on an unconnected udp server socket fails",
        steps=[
            _udp_server(),
            call("stream_socket_sendto", var("srv"), "x"),
            call("fwrite", var("srv"), "x"),
        ],
    ),
    io_scenario(
        "udp/zero-length-datagram-eof",
        peer="udp_echo",
        tags=("udp", "eof"),
        doc="an empty datagram reads as EOF; later datagrams still arrive, feof stays true",
        steps=[
            udp(),
            call("stream_socket_sendto", FP, ""),
            sleep(0.1),
            call("fread", FP, 100),
            call("feof", FP),
            meta(),
            call("fwrite", FP, "after"),
            sleep(0.1),
            call("fread", FP, 100),
            call("feof", FP),
        ],
    ),
    io_scenario(
        "udp/fwrite-empty-sends-nothing",
        peer="udp_echo",
        tags=("udp",),
        doc="fwrite of '' on UDP returns 0 and sends no datagram (nothing echoed)",
        steps=[
            udp(),
            timeout(),
            call("fwrite", FP, ""),
            call("fread", FP, 100, timed=True),
            call("feof", FP),
        ],
    ),
    io_scenario(
        "udp/icmp-refused",
        peer="refused",
        tags=("udp",),
        doc="UDP to a closed port: 2nd write: errno=111 E_NOTICE + false; the 3rd works",
        steps=[
            udp(),
            call("fwrite", FP, "x"),
            sleep(0.1),
            call("fwrite", FP, "x"),
            call("fwrite", FP, "x"),
        ],
    ),
    io_scenario(
        "udp/icmp-refused-read",
        peer="refused",
        tags=("udp",),
        doc="UDP to a closed port: a read after the ICMP error returns false, no warning",
        steps=[
            udp(),
            timeout(),
            call("fwrite", FP, "x"),
            sleep(0.1),
            call("fread", FP, 10, timed=True),
            call("feof", FP),
            meta(),
        ],
    ),
    io_scenario(
        "udp/read-timeout",
        peer="udp_echo",
        tags=("udp", "timeout"),
        doc="UDP read timeout: fread false, timed_out true",
        steps=[udp(), timeout(), call("fread", FP, 10, timed=True), meta()],
    ),
    io_scenario(
        "udp/message-too-long",
        peer="udp_echo",
        tags=("udp", "write"),
        doc="a 70000-byte datagram: E_NOTICE errno=90 Message too long, false",
        steps=[udp(), call("fwrite", FP, "x" * 70000)],
    ),
]
