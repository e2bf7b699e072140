"""fsockopen/pfsockopen address building and persistent streams."""

from __future__ import annotations

from .._scenario import (
    Scenario,
    call,
    const,
    pint,
    same,
    scenario,
    setvar,
    var,
)
from ._helpers import UNKNOWN, E, S, fso, is_res, remote, ssc

__all__ = ["FSOCKOPEN"]

FSOCKOPEN: list[Scenario] = [
    # -- fsockopen ------------------------------------------------------------------------
    scenario(
        "fsockopen/separate-port",
        peer="listen",
        tags=("fsockopen",),
        doc="fsockopen(host, port) connects; errno 0, errstr ''",
        steps=[fso("127.0.0.1", pint()), is_res(), remote(), call("get_resource_type", var("fp"))],
    ),
    scenario(
        "fsockopen/port-in-hostname-default",
        peer="listen",
        tags=("fsockopen",),
        doc="port -1 (default): the hostname 'host:port' is used as is",
        steps=[call("fsockopen", "127.0.0.1:{port}", assign="fp"), is_res(), remote()],
    ),
    scenario(
        "fsockopen/port-minus-one-host-port",
        peer="listen",
        tags=("fsockopen",),
        doc="explicit port -1 with host:port connects",
        steps=[fso("127.0.0.1:{port}", -1), is_res(), remote()],
    ),
    scenario(
        "fsockopen/port-zero-host-port",
        peer="listen",
        tags=("fsockopen",),
        doc="port 0 with host:port connects (no port appended)",
        steps=[fso("127.0.0.1:{port}", 0), is_res(), remote()],
    ),
    scenario(
        "fsockopen/no-port",
        peer="none",
        tags=("fsockopen",),
        doc="fsockopen('127.0.0.1'): Failed to parse address, warning shows ':-1'",
        steps=[fso("127.0.0.1")],
    ),
    scenario(
        "fsockopen/port-wraps",
        peer="listen",
        tags=("fsockopen",),
        doc="a port above 65535 wraps mod 65536",
        steps=[fso("127.0.0.1", pint() + 65536), is_res(), remote()],
    ),
    scenario(
        "fsockopen/refused-warning-raw-port",
        peer="refused",
        tags=("fsockopen",),
        doc="the warning prints the port exactly as passed (port + 65536)",
        steps=[fso("127.0.0.1", pint() + 65536)],
    ),
    scenario(
        "fsockopen/refused",
        peer="refused",
        tags=("fsockopen",),
        doc="fsockopen refused: errno 111 and its warning format",
        steps=[fso("127.0.0.1", pint()), is_res()],
    ),
    scenario(
        "fsockopen/bare-ipv6",
        peer="refused",
        tags=("fsockopen", "ipv6"),
        doc="fsockopen('::1', port) builds '::1:port': empty host, DNS error",
        steps=[fso("::1", pint())],
    ),
    scenario(
        "fsockopen/bracketed-ipv6",
        peer="ipv6_echo",
        tags=("fsockopen", "ipv6"),
        doc="fsockopen('[::1]', port) connects over IPv6",
        steps=[fso("[::1]", pint()), is_res(), remote()],
    ),
    scenario(
        "fsockopen/dns-failure",
        peer="none",
        tags=("fsockopen", "connect"),
        doc="fsockopen DNS failure: two warnings",
        steps=[fso("nonexistent.invalid", 80)],
    ),
    scenario(
        "fsockopen/unknown-transport",
        peer="none",
        tags=("fsockopen",),
        mask=UNKNOWN,
        doc="fsockopen with an unknown transport: errstr and warning text",
        steps=[fso("foo://x", 1)],
    ),
    scenario(
        "fsockopen/nul-in-host",
        peer="listen",
        tags=("fsockopen",),
        doc="NUL in the hostname: errstr says so; the warning cuts the host at the NUL",
        steps=[fso("127.0.0.1\0x", pint())],
    ),
    scenario(
        "fsockopen/timeout-blackhole",
        peer="blackhole",
        tags=("fsockopen", "slow"),
        doc="fsockopen connect timeout 1 s: errno 110",
        steps=[fso("127.0.0.1", pint(), 1.0, timed=True)],
    ),
    scenario(
        "fsockopen/errstr-kept-on-tls-failure",
        peer="echo",
        tags=("fsockopen", "tls"),
        doc="fsockopen does not pre-reset $errstr: a TLS failure leaves 'unset'",
        steps=[setvar("errno", 5), setvar("errstr", "unset"), fso("ssl://127.0.0.1", pint(), 2.0)],
    ),
    scenario(
        "connect/tls-failure-resets-errstr",
        peer="echo",
        tags=("tls",),
        doc="stream_socket_client resets $errstr to '' before a TLS failure",
        steps=[setvar("errno", 5), setvar("errstr", "unset"), ssc("ssl://127.0.0.1:{port}", 2.0)],
    ),
    scenario(
        "fsockopen/success-resets-refs",
        peer="listen",
        tags=("fsockopen",),
        doc="a successful fsockopen sets $errno 0 and $errstr ''",
        steps=[setvar("errno", 5), setvar("errstr", "unset"), fso("127.0.0.1", pint())],
    ),
    # -- persistent -------------------------------------------------------------------------
    scenario(
        "persistent/pfsockopen-same-resource",
        peer="listen",
        tags=("persistent",),
        doc="pfsockopen twice with the same key returns the identical resource",
        steps=[
            call("pfsockopen", "127.0.0.1", pint(), assign="a"),
            call("pfsockopen", "127.0.0.1", pint(), assign="b"),
            same(var("a"), var("b")),
            call("get_resource_type", var("a")),
        ],
    ),
    scenario(
        "persistent/ssc-flag-same-resource",
        peer="listen",
        tags=("persistent",),
        doc="STREAM_CLIENT_PERSISTENT twice returns the identical resource",
        steps=[
            call(
                "stream_socket_client",
                "tcp://127.0.0.1:{port}",
                E,
                S,
                1.0,
                const("STREAM_CLIENT_PERSISTENT") | const("STREAM_CLIENT_CONNECT"),
                assign="a",
            ),
            call(
                "stream_socket_client",
                "tcp://127.0.0.1:{port}",
                E,
                S,
                1.0,
                const("STREAM_CLIENT_PERSISTENT") | const("STREAM_CLIENT_CONNECT"),
                assign="b",
            ),
            same(var("a"), var("b")),
            call("get_resource_type", var("b")),
        ],
    ),
    scenario(
        "persistent/key-includes-port-as-passed",
        peer="listen",
        tags=("persistent",),
        doc="pfsockopen('h:p') and pfsockopen('h', p) have different keys: two resources",
        steps=[
            call("pfsockopen", "127.0.0.1:{port}", assign="a"),
            call("pfsockopen", "127.0.0.1", pint(), assign="b"),
            same(var("a"), var("b")),
        ],
    ),
    scenario(
        "persistent/fclose-kills-every-holder",
        peer="listen",
        tags=("persistent",),
        doc="fclose on a persistent stream invalidates every variable holding it",
        steps=[
            call("pfsockopen", "127.0.0.1", pint(), assign="a"),
            call("pfsockopen", "127.0.0.1", pint(), assign="b"),
            call("fclose", var("a")),
            call("is_resource", var("b")),
            call("get_resource_type", var("b")),
        ],
    ),
]
