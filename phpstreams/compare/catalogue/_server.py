"""Servers, accept, socket pairs, misc functions, resources."""

from __future__ import annotations

from .._scenario import (
    Scenario,
    call,
    const,
    ref,
    scenario,
    var,
)
from ._helpers import E, S, ssc

__all__ = ["SERVER"]

SERVER: list[Scenario] = [
    # -- servers ----------------------------------------------------------------------------
    scenario(
        "server/ephemeral-port-names",
        peer="none",
        tags=("server",),
        mask=("ephemeral_ports",),
        doc="a server on port 0: local name has the port, remote name is false",
        steps=[
            call("stream_socket_server", "tcp://127.0.0.1:0", E, S, assign="srv"),
            call("stream_socket_get_name", var("srv"), False),
            call("stream_socket_get_name", var("srv"), True),
            call("get_resource_type", var("srv")),
        ],
    ),
    scenario(
        "server/address-in-use",
        peer="listen",
        tags=("server",),
        doc="binding a port in use: errno 0, errstr Address already in use",
        steps=[call("stream_socket_server", "tcp://127.0.0.1:{port}", E, S, assign="srv")],
    ),
    scenario(
        "server/udp-default-flags",
        peer="none",
        tags=("server", "udp"),
        doc="udp server with default flags: listen() fails, (Unknown error)",
        steps=[call("stream_socket_server", "udp://127.0.0.1:0", E, S, assign="srv")],
    ),
    scenario(
        "server/udp-bind-only",
        peer="none",
        tags=("server", "udp"),
        doc="udp server with STREAM_SERVER_BIND works",
        steps=[
            call(
                "stream_socket_server",
                "udp://127.0.0.1:0",
                E,
                S,
                const("STREAM_SERVER_BIND"),
                assign="srv",
            ),
            call("is_resource", var("srv")),
        ],
    ),
    scenario(
        "server/flags-zero-unbound",
        peer="none",
        tags=("server",),
        doc="flags 0: an unbound server resource whose name is false",
        steps=[
            call("stream_socket_server", "tcp://127.0.0.1:0", E, S, 0, assign="srv"),
            call("stream_socket_get_name", var("srv"), False),
        ],
    ),
    scenario(
        "server/accept-timeout",
        peer="none",
        tags=("server",),
        doc="accept timeout: Accept failed: Connection timed out, false",
        steps=[
            call("stream_socket_server", "tcp://127.0.0.1:0", E, S, assign="srv"),
            call("stream_socket_accept", var("srv"), 0.2, ref("peer"), timed=True),
        ],
    ),
    scenario(
        "server/accept-not-listening",
        peer="none",
        tags=("server",),
        doc="accept on a bound, not listening socket: Accept failed: Invalid argument",
        steps=[
            call(
                "stream_socket_server",
                "tcp://127.0.0.1:0",
                E,
                S,
                const("STREAM_SERVER_BIND"),
                assign="srv",
            ),
            call("stream_socket_accept", var("srv"), 0.2),
        ],
    ),
    scenario(
        "server/accept-peer-name",
        peer="none",
        tags=("server",),
        mask=("ephemeral_ports",),
        doc="accept fills $peer_name with the client's address",
        steps=[
            call("stream_socket_server", "tcp://127.0.0.1:0", E, S, assign="srv"),
            call("stream_socket_get_name", var("srv"), False, assign="addr"),
            call("stream_socket_client", var("addr"), E, S, 1.0, assign="fp"),
            call("stream_socket_accept", var("srv"), 1.0, ref("peer"), assign="conn"),
            call("fwrite", var("conn"), "hi\n"),
            call("fgets", var("fp")),
        ],
    ),
    scenario(
        "server/unix-path-exists",
        peer="unix_echo",
        tags=("server", "unix"),
        doc="unix server on an existing path: errno 0, (Unknown error)",
        steps=[call("stream_socket_server", "unix://{path}", E, S, assign="srv")],
    ),
    # -- misc functions -------------------------------------------------------------------
    scenario(
        "pair/unix-stream",
        peer="none",
        tags=("misc",),
        doc="stream_socket_pair gives two connected generic_socket streams",
        steps=[
            call(
                "stream_socket_pair",
                const("STREAM_PF_UNIX"),
                const("STREAM_SOCK_STREAM"),
                0,
                assign="pair",
            ),
            call("stream_socket_get_name", var("pair")[0], False),
            call("fwrite", var("pair")[0], "ping\n"),
            call("fgets", var("pair")[1]),
            call("stream_get_meta_data", var("pair")[1]),
        ],
    ),
    scenario(
        "pair/inet-unsupported",
        peer="none",
        tags=("misc",),
        doc="stream_socket_pair with PF_INET: Failed to create sockets: [95]",
        steps=[call("stream_socket_pair", const("STREAM_PF_INET"), const("STREAM_SOCK_STREAM"), 0)],
    ),
    scenario(
        "misc/stream-get-transports",
        peer=None,
        tags=("misc",),
        doc="the registered transports, in order",
        steps=[call("stream_get_transports")],
    ),
    scenario(
        "misc/stream-is-local",
        peer="listen",
        tags=("misc",),
        doc="stream_is_local on a socket stream and on URLs",
        steps=[
            ssc("tcp://127.0.0.1:{port}"),
            call("stream_is_local", var("fp")),
            call("stream_is_local", "tcp://127.0.0.1:80"),
            call("stream_is_local", "/tmp"),
            call("stream_is_local", "http://example.com/"),
        ],
    ),
    scenario(
        "misc/ini-default-socket-timeout",
        peer=None,
        tags=("misc",),
        doc="ini_get/ini_set of default_socket_timeout return strings",
        steps=[
            call("ini_get", "default_socket_timeout"),
            call("ini_set", "default_socket_timeout", "5"),
            call("ini_get", "default_socket_timeout"),
        ],
    ),
    scenario(
        "resource/fclose-twice",
        peer="listen",
        tags=("resource",),
        doc="a second fclose throws TypeError",
        steps=[ssc("tcp://127.0.0.1:{port}"), call("fclose", var("fp")), call("fclose", var("fp"))],
    ),
    scenario(
        "resource/type-after-fclose",
        peer="listen",
        tags=("resource",),
        doc="after fclose: get_resource_type 'Unknown', is_resource false",
        steps=[
            ssc("tcp://127.0.0.1:{port}"),
            call("fclose", var("fp")),
            call("get_resource_type", var("fp")),
            call("is_resource", var("fp")),
        ],
    ),
    scenario(
        "resource/use-after-fclose",
        peer="listen",
        tags=("resource",),
        doc="fread/fwrite/feof on a closed stream throw TypeError",
        steps=[
            ssc("tcp://127.0.0.1:{port}"),
            call("fclose", var("fp")),
            call("fread", var("fp"), 10),
            call("fwrite", var("fp"), "x"),
            call("feof", var("fp")),
        ],
    ),
]
