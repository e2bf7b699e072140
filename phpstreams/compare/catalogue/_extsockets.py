"""Shorthands of the extsockets catalogue, and its import/export scenarios:
client, accepted, server, UDP, unix and TLS streams imported as Sockets, the
stream handed back, the read buffer turned off, closed streams and Sockets."""

from __future__ import annotations

from collections.abc import Sequence

from .._scenario import Arg, Call, Scenario, Step, call, const, same, scenario, var
from ._helpers import E, S, ssc

__all__ = [
    "FP",
    "IMPORT",
    "SOCK",
    "ext_scenario",
    "get",
    "imported",
    "put",
    "set_",
    "tcp",
]

FP, SOCK = var("fp"), var("sock")


def ext_scenario(
    name: str,
    *,
    peer: str | None,
    doc: str,
    steps: Sequence[Step],
    tags: Sequence[str] = (),
) -> Scenario:
    """``scenario(...)`` named ``extsockets/<name>``, run by php with the sockets
    extension loaded (``php -n -d extension=sockets``)."""
    return scenario(
        f"extsockets/{name}",
        peer=peer,
        doc=doc,
        steps=steps,
        tags=("extsockets", *tags),
        timeout=20.0,
        php_extensions=("sockets",),
    )


def tcp() -> Step:
    return ssc("tcp://127.0.0.1:{port}")


def imported(stream: str = "fp", name: str = "sock") -> Call:
    """$name = socket_import_stream($stream)."""
    return call("socket_import_stream", var(stream), assign=name)


def get(level: str | int, option: str | int, sock: str = "sock") -> Call:
    """socket_get_option($sock, LEVEL, OPTION) (names are constants)."""
    return call("socket_get_option", var(sock), _c(level), _c(option))


def set_(level: str | int, option: str | int, value: Arg, sock: str = "sock") -> Call:
    """socket_set_option($sock, LEVEL, OPTION, value)."""
    return call("socket_set_option", var(sock), _c(level), _c(option), value)


def _c(value: str | int) -> Arg:
    return const(value) if isinstance(value, str) else value


def put(data: Arg) -> Step:
    return call("fwrite", FP, data)


def _own_server() -> list[Step]:
    """The scenario's own server on {port}, a client of it, and the accepted stream."""
    return [
        call("stream_socket_server", "tcp://127.0.0.1:{port}", E, S, assign="srv"),
        tcp(),
        call("stream_socket_accept", var("srv"), 1.0, assign="conn"),
    ]


IMPORT: list[Scenario] = [
    ext_scenario(
        "import/client",
        peer="echo",
        doc="a client stream imported: a Socket object; a second import is another "
        "Socket (not ===), over the same socket",
        steps=[
            tcp(),
            imported(),
            imported(name="sock2"),
            same(SOCK, var("sock2")),
            get("SOL_SOCKET", "SO_TYPE"),
            get("SOL_SOCKET", "SO_TYPE", sock="sock2"),
        ],
    ),
    ext_scenario(
        "import/accepted-and-server",
        peer="free_port",
        doc="the scenario's own server: the listening stream (SO_REUSEADDR set by "
        "PHP) and the accepted one imported",
        steps=[
            *_own_server(),
            imported("srv", "lsock"),
            get("SOL_SOCKET", "SO_REUSEADDR", sock="lsock"),
            get("SOL_SOCKET", "SO_TYPE", sock="lsock"),
            imported("conn", "csock"),
            get("SOL_SOCKET", "SO_ERROR", sock="csock"),
            set_("SOL_TCP", "TCP_NODELAY", 1, sock="csock"),
            get("SOL_TCP", "TCP_NODELAY", sock="csock"),
        ],
    ),
    ext_scenario(
        "import/udp",
        peer="udp_echo",
        doc="a UDP stream imported: SO_TYPE is SOCK_DGRAM; TCP_NODELAY is refused "
        "(EOPNOTSUPP for a getsockopt, warning)",
        steps=[
            ssc("udp://127.0.0.1:{port}"),
            imported(),
            get("SOL_SOCKET", "SO_TYPE"),
            get("SOL_TCP", "TCP_NODELAY"),
            set_("SOL_SOCKET", "SO_RCVBUF", 32768),
            get("SOL_SOCKET", "SO_RCVBUF"),
            put("ping"),
            call("fread", FP, 10),
        ],
    ),
    ext_scenario(
        "import/unix",
        peer="unix_echo",
        doc="a unix stream imported: SO_TYPE; a TCP option on it is refused",
        steps=[
            ssc("unix://{path}"),
            imported(),
            get("SOL_SOCKET", "SO_TYPE"),
            set_("SOL_TCP", "TCP_NODELAY", 1),
            call("socket_last_error", SOCK),
        ],
    ),
    ext_scenario(
        "import/tls",
        peer="tls_echo",
        tags=("tls",),
        doc="a stream with TLS on cannot be imported (PHP's cast refuses: warning, "
        "false); once crypto is turned off it can, and plain I/O goes on",
        steps=[
            call("stream_context_create", {"ssl": {"cafile": "{cafile}"}}, assign="ctx"),
            call(
                "stream_socket_client",
                "ssl://127.0.0.1:{port}",
                E,
                S,
                5.0,
                const("STREAM_CLIENT_CONNECT"),
                var("ctx"),
                assign="fp",
            ),
            call("fgets", FP),
            imported(),
            call("stream_socket_enable_crypto", FP, False),
            imported(),
            set_("SOL_TCP", "TCP_NODELAY", 1),
            get("SOL_TCP", "TCP_NODELAY"),
            put("plain again\n"),
            call("fgets", FP),
            call("socket_export_stream", SOCK, assign="back"),
            same(var("back"), FP),
        ],
    ),
    ext_scenario(
        "import/read-buffer-off",
        peer="echo",
        doc="bytes buffered when importing: PHP warns they are lost (they are not); "
        "the read buffer is then off: fread takes just what it asks for",
        steps=[
            tcp(),
            put("line1\nline2\nline3\n"),
            call("fread", FP, 3),
            call("stream_get_meta_data", FP),
            imported(),
            call("fread", FP, 2),
            call("stream_get_meta_data", FP),
            call("fgets", FP),
            call("fgets", FP),
            call("stream_get_meta_data", FP),
        ],
    ),
    ext_scenario(
        "import/bad-arguments",
        peer="echo",
        doc="an int, a context or a closed stream: PHP's TypeErrors",
        steps=[
            tcp(),
            call("socket_import_stream", 42),
            call("stream_context_create", assign="ctx"),
            call("socket_import_stream", var("ctx")),
            call("fclose", FP),
            call("socket_import_stream", FP),
            call("socket_import_stream"),
        ],
    ),
    ext_scenario(
        "export/same-stream",
        peer="echo",
        doc="socket_export_stream gives the very stream imported (===); writes and "
        "reads through it go on",
        steps=[
            tcp(),
            imported(),
            call("socket_export_stream", SOCK, assign="back"),
            same(var("back"), FP),
            call("fwrite", var("back"), "through export\n"),
            call("fgets", FP),
            call("get_resource_type", var("back")),
        ],
    ),
    ext_scenario(
        "export/after-fclose",
        peer="echo",
        doc="the stream closed under the Socket: getsockopt finds no descriptor "
        "(EBADF warning, last error 9); export gives the closed resource",
        steps=[
            tcp(),
            imported(),
            call("fclose", FP),
            get("SOL_SOCKET", "SO_TYPE"),
            call("socket_last_error", SOCK),
            call("socket_export_stream", SOCK, assign="back"),
            call("get_resource_type", var("back")),
            call("is_resource", var("back")),
        ],
    ),
    ext_scenario(
        "close/socket-close",
        peer="echo",
        doc="socket_close closes the stream too; then every call on that Socket is "
        "PHP's Error 'has already been closed'; another Socket gets EBADF",
        steps=[
            tcp(),
            imported(),
            imported(name="other"),
            call("socket_close", SOCK),
            call("get_resource_type", FP),
            get("SOL_SOCKET", "SO_TYPE"),
            set_("SOL_SOCKET", "SO_KEEPALIVE", 1),
            call("socket_export_stream", SOCK),
            call("socket_last_error", SOCK),
            call("socket_clear_error", SOCK),
            call("socket_close", SOCK),
            get("SOL_SOCKET", "SO_TYPE", sock="other"),
            call("fwrite", FP, "x"),
        ],
    ),
]
