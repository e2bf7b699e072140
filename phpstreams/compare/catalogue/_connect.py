"""Connecting: outcomes, timeouts, async, unix, udp."""

from __future__ import annotations

from .._scenario import (
    Scenario,
    call,
    const,
    pint,
    scenario,
    setvar,
    sleep,
    var,
)
from ._helpers import client, fso, is_res, remote, ssc

__all__ = ["CONNECT"]

CONNECT: list[Scenario] = [
    # -- connecting -------------------------------------------------------------------
    client(
        "connect/dns-failure",
        "nonexistent.invalid:80",
        tags=("connect",),
        doc="DNS failure: errno 0, getaddrinfo errstr, two warnings",
    ),
    client(
        "connect/refused",
        "tcp://127.0.0.1:{port}",
        tags=("connect",),
        doc="refused: errno 111 Connection refused, one warning",
    ),
    scenario(
        "connect/timeout-blackhole",
        peer="blackhole",
        tags=("connect", "slow"),
        doc="connect timeout 1 s to a dropped SYN: errno 110 after about 1 s",
        steps=[ssc("tcp://127.0.0.1:{port}", 1.0, timed=True), is_res()],
    ),
    scenario(
        "connect/timeout-null-uses-ini",
        peer="blackhole",
        tags=("connect", "slow"),
        ini={"default_socket_timeout": "1"},
        doc="a null timeout means default_socket_timeout",
        steps=[ssc("tcp://127.0.0.1:{port}", None, timed=True)],
    ),
    scenario(
        "connect/timeout-negative-uses-ini",
        peer="blackhole",
        tags=("connect", "slow"),
        ini={"default_socket_timeout": "1"},
        doc="stream_socket_client timeout -1 falls back to default_socket_timeout",
        steps=[ssc("tcp://127.0.0.1:{port}", -1.0, timed=True)],
    ),
    scenario(
        "connect/timeout-zero-blackhole",
        peer="blackhole",
        tags=("connect",),
        doc="timeout 0 to a dropped SYN fails at once with 110",
        steps=[ssc("tcp://127.0.0.1:{port}", 0.0, timed=True)],
    ),
    scenario(
        "connect/timeout-zero-live-listener",
        peer="listen",
        tags=("connect",),
        doc="timeout 0 to a live loopback listener succeeds",
        steps=[ssc("tcp://127.0.0.1:{port}", 0.0), is_res(), remote()],
    ),
    scenario(
        "connect/success-names-and-refs",
        peer="listen",
        tags=("connect",),
        mask=("ephemeral_ports",),
        doc="a connected stream: errno 0, errstr '', local and remote names",
        steps=[
            setvar("errno", 5),
            setvar("errstr", "unset"),
            ssc("127.0.0.1:{port}"),
            remote(),
            call("stream_socket_get_name", var("fp"), False),
            call("get_resource_type", var("fp")),
        ],
    ),
    scenario(
        "connect/silenced-refused",
        peer="refused",
        tags=("connect",),
        doc="@stream_socket_client: nothing shown, error_get_last() has the warning",
        steps=[ssc("127.0.0.1:{port}", silenced=True)],
    ),
    scenario(
        "connect/named-arguments",
        peer="listen",
        tags=("connect",),
        doc="PHP 8 named arguments: address, timeout, flags",
        steps=[
            call(
                "stream_socket_client",
                address="tcp://127.0.0.1:{port}",
                timeout=1.0,
                flags=const("STREAM_CLIENT_CONNECT"),
                assign="fp",
            ),
            is_res(),
            remote(),
        ],
    ),
    scenario(
        "connect/meta-data-tcp",
        peer="listen",
        tags=("connect",),
        doc="stream_get_meta_data of a fresh tcp client stream",
        steps=[ssc("tcp://127.0.0.1:{port}"), call("stream_get_meta_data", var("fp"))],
    ),
    scenario(
        "connect/flags-zero-unconnected",
        peer="listen",
        tags=("connect",),
        doc="flags 0: an unconnected stream resource whose name is false",
        steps=[ssc("tcp://127.0.0.1:{port}", 1.0, 0), is_res(), remote()],
    ),
    scenario(
        "connect/async-refused",
        peer="refused",
        tags=("connect", "async"),
        doc="ASYNC_CONNECT to a refused port returns a resource, errno 0",
        steps=[
            ssc(
                "tcp://127.0.0.1:{port}",
                1.0,
                const("STREAM_CLIENT_ASYNC_CONNECT") | const("STREAM_CLIENT_CONNECT"),
            ),
            is_res(),
        ],
    ),
    scenario(
        "connect/async-refused-fwrite-notice",
        peer="refused",
        tags=("connect", "async"),
        doc="the refused async connect surfaces on the first fwrite as an E_NOTICE",
        steps=[
            ssc(
                "tcp://127.0.0.1:{port}",
                1.0,
                const("STREAM_CLIENT_ASYNC_CONNECT") | const("STREAM_CLIENT_CONNECT"),
            ),
            sleep(0.1),
            call("fwrite", var("fp"), "x"),
            call("fread", var("fp"), 10),
            call("feof", var("fp")),
        ],
    ),
    # -- unix ---------------------------------------------------------------------------
    client(
        "unix/missing-path",
        "unix://{tmp}/missing.sock",
        peer="none",
        tags=("unix",),
        doc="a missing unix socket path: errno 2",
    ),
    client(
        "unix/path-too-long",
        "unix://{tmp}/" + "a" * 120,
        peer="none",
        tags=("unix",),
        doc="a path of 108+ bytes: E_NOTICE, truncated to 107 bytes, then ENOENT",
    ),
    client(
        "unix/empty-path",
        "unix://",
        peer="none",
        tags=("unix",),
        doc="unix:// with an empty path: errno 22 Invalid argument",
    ),
    scenario(
        "unix/echo-roundtrip",
        peer="unix_echo",
        tags=("unix",),
        doc="unix stream connect, fwrite, fgets round trip",
        steps=[
            ssc("unix://{path}"),
            is_res(),
            call("fwrite", var("fp"), "hello\n"),
            call("fgets", var("fp")),
            call("stream_get_meta_data", var("fp")),
            call("fclose", var("fp")),
        ],
    ),
    scenario(
        "unix/fsockopen",
        peer="unix_echo",
        tags=("unix", "fsockopen"),
        doc="fsockopen('unix://path') and ('unix://path', 0) connect",
        steps=[
            fso("unix://{path}"),
            is_res(),
            fso("unix://{path}", 0),
            is_res(),
        ],
    ),
    scenario(
        "unix/fsockopen-missing-warning-port",
        peer="none",
        tags=("unix", "fsockopen"),
        doc="fsockopen's warning appends the raw port, even 0, to a unix path",
        steps=[fso("unix://{tmp}/missing.sock", 0)],
    ),
    # -- udp ----------------------------------------------------------------------------
    scenario(
        "udp/connect-closed-port-succeeds",
        peer="refused",
        tags=("udp",),
        doc="a udp 'connect' never fails on a closed port",
        steps=[ssc("udp://127.0.0.1:{port}"), is_res(), call("stream_get_meta_data", var("fp"))],
    ),
    scenario(
        "udp/echo-roundtrip",
        peer="udp_echo",
        tags=("udp",),
        doc="udp fwrite then fread gets the echoed datagram",
        steps=[
            ssc("udp://127.0.0.1:{port}"),
            call("fwrite", var("fp"), "ping"),
            call("fread", var("fp"), 100),
        ],
    ),
    scenario(
        "udp/fsockopen-with-port",
        peer="udp_echo",
        tags=("udp", "fsockopen"),
        doc="fsockopen('udp://host', port) appends the port",
        steps=[
            fso("udp://127.0.0.1", pint()),
            call("fwrite", var("fp"), "ping"),
            call("fread", var("fp"), 100),
        ],
    ),
]
