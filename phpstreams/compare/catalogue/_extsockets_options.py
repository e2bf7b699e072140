"""socket_get_option / socket_set_option on imported streams: every option the
bridge handles, the structured ones (SO_LINGER, SO_RCVTIMEO/SO_SNDTIMEO,
TCP_CONGESTION) and their errors, value coercion, wrong levels and options,
the last errors, socket_strerror and the constants."""

from __future__ import annotations

from .._scenario import Arg, Scenario, call, const, same, sleep, var
from ._extsockets import FP, SOCK, ext_scenario, get, imported, set_, tcp
from ._helpers import E, S

__all__ = ["ERRORS", "OPTIONS"]

OPEN = [tcp(), imported()]


def call_last() -> Arg:
    """SOCKET_ENOPROTOOPT: the errno the scenario's failure left."""
    return const("SOCKET_ENOPROTOOPT")


OPTIONS: list[Scenario] = [
    ext_scenario(
        "option/keepalive",
        peer="echo",
        doc="SO_KEEPALIVE off by default, set on, read back, set off",
        steps=[
            *OPEN,
            get("SOL_SOCKET", "SO_KEEPALIVE"),
            set_("SOL_SOCKET", "SO_KEEPALIVE", 1),
            get("SOL_SOCKET", "SO_KEEPALIVE"),
            set_("SOL_SOCKET", "SO_KEEPALIVE", 0),
            get("SOL_SOCKET", "SO_KEEPALIVE"),
        ],
    ),
    ext_scenario(
        "option/buffers",
        peer="echo",
        doc="SO_RCVBUF and SO_SNDBUF set: the kernel doubles the value asked for; a "
        "value beyond a C int is truncated to its low 32 bits",
        steps=[
            *OPEN,
            set_("SOL_SOCKET", "SO_RCVBUF", 65536),
            get("SOL_SOCKET", "SO_RCVBUF"),
            set_("SOL_SOCKET", "SO_SNDBUF", 32768),
            get("SOL_SOCKET", "SO_SNDBUF"),
            set_("SOL_SOCKET", "SO_RCVBUF", 4294967296 + 5000),
            get("SOL_SOCKET", "SO_RCVBUF"),
        ],
    ),
    ext_scenario(
        "option/reuseaddr-and-error",
        peer="echo",
        doc="SO_REUSEADDR on a client: off, then set; SO_ERROR reads 0 and cannot be "
        "set (ENOPROTOOPT warning)",
        steps=[
            *OPEN,
            get("SOL_SOCKET", "SO_REUSEADDR"),
            set_("SOL_SOCKET", "SO_REUSEADDR", 1),
            get("SOL_SOCKET", "SO_REUSEADDR"),
            get("SOL_SOCKET", "SO_ERROR"),
            set_("SOL_SOCKET", "SO_ERROR", 1),
        ],
    ),
    ext_scenario(
        "option/tcp-nodelay-on-off",
        peer="echo",
        doc="TCP_NODELAY on, then off again (as Predis does), read back each time; "
        "the stream still works",
        steps=[
            *OPEN,
            get("SOL_TCP", "TCP_NODELAY"),
            set_("SOL_TCP", "TCP_NODELAY", 1),
            get("SOL_TCP", "TCP_NODELAY"),
            set_("SOL_TCP", "TCP_NODELAY", 0),
            get("SOL_TCP", "TCP_NODELAY"),
            call("fwrite", FP, "ping\n"),
            call("fgets", FP),
        ],
    ),
    ext_scenario(
        "option/int-value-coercion",
        peer="echo",
        doc="an int option takes PHP's integer of any value: true, '1', 'abc' (0), "
        "2.7, null, [] and [1]",
        steps=[
            *OPEN,
            set_("SOL_TCP", "TCP_NODELAY", True),
            get("SOL_TCP", "TCP_NODELAY"),
            set_("SOL_TCP", "TCP_NODELAY", "abc"),
            get("SOL_TCP", "TCP_NODELAY"),
            set_("SOL_TCP", "TCP_NODELAY", "1"),
            get("SOL_TCP", "TCP_NODELAY"),
            set_("SOL_TCP", "TCP_NODELAY", None),
            get("SOL_TCP", "TCP_NODELAY"),
            set_("SOL_TCP", "TCP_NODELAY", 2.7),
            get("SOL_TCP", "TCP_NODELAY"),
            set_("SOL_TCP", "TCP_NODELAY", []),
            get("SOL_TCP", "TCP_NODELAY"),
            set_("SOL_TCP", "TCP_NODELAY", [1]),
            get("SOL_TCP", "TCP_NODELAY"),
        ],
    ),
    ext_scenario(
        "option/linger",
        peer="echo",
        doc="SO_LINGER: the l_onoff/l_linger array, set on and read back, set off; "
        "values converted to ints and cut to an unsigned short",
        steps=[
            *OPEN,
            get("SOL_SOCKET", "SO_LINGER"),
            set_("SOL_SOCKET", "SO_LINGER", {"l_onoff": 1, "l_linger": 5}),
            get("SOL_SOCKET", "SO_LINGER"),
            set_("SOL_SOCKET", "SO_LINGER", {"l_linger": "7", "l_onoff": "1", "x": 0}),
            get("SOL_SOCKET", "SO_LINGER"),
            set_("SOL_SOCKET", "SO_LINGER", {"l_onoff": 1, "l_linger": 70000}),
            get("SOL_SOCKET", "SO_LINGER"),
            set_("SOL_SOCKET", "SO_LINGER", {"l_onoff": 0, "l_linger": 0}),
            get("SOL_SOCKET", "SO_LINGER"),
        ],
    ),
    ext_scenario(
        "option/linger-errors",
        peer="echo",
        doc="SO_LINGER without l_onoff or l_linger, or not an array (an int becomes "
        "[int]): PHP's ValueErrors for argument #4",
        steps=[
            *OPEN,
            set_("SOL_SOCKET", "SO_LINGER", {"l_onoff": 1}),
            set_("SOL_SOCKET", "SO_LINGER", {"l_linger": 1}),
            set_("SOL_SOCKET", "SO_LINGER", 5),
            set_("SOL_SOCKET", "SO_LINGER", None),
            set_("SOL_SOCKET", "SO_LINGER", [1, 5]),
            get("SOL_SOCKET", "SO_LINGER"),
        ],
    ),
    ext_scenario(
        "option/timeouts",
        peer="echo",
        doc="SO_RCVTIMEO and SO_SNDTIMEO: sec/usec arrays set and read back; a usec "
        "of a second or more is refused by the kernel (EDOM)",
        steps=[
            *OPEN,
            get("SOL_SOCKET", "SO_RCVTIMEO"),
            set_("SOL_SOCKET", "SO_RCVTIMEO", {"sec": 1, "usec": 500000}),
            get("SOL_SOCKET", "SO_RCVTIMEO"),
            set_("SOL_SOCKET", "SO_SNDTIMEO", {"sec": "2", "usec": 0}),
            get("SOL_SOCKET", "SO_SNDTIMEO"),
            set_("SOL_SOCKET", "SO_SNDTIMEO", {"sec": 0, "usec": 2000000}),
            call("socket_last_error", SOCK),
        ],
    ),
    ext_scenario(
        "option/timeout-errors",
        peer="echo",
        doc="SO_RCVTIMEO/SO_SNDTIMEO without sec or usec, or an int: PHP's ValueErrors",
        steps=[
            *OPEN,
            set_("SOL_SOCKET", "SO_RCVTIMEO", {"sec": 1}),
            set_("SOL_SOCKET", "SO_RCVTIMEO", {"usec": 1}),
            set_("SOL_SOCKET", "SO_SNDTIMEO", 3),
            get("SOL_SOCKET", "SO_SNDTIMEO"),
        ],
    ),
    ext_scenario(
        "option/tcp-keepalive-tuning",
        peer="echo",
        doc="TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT set and read back; 0 is refused",
        steps=[
            *OPEN,
            set_("SOL_TCP", "TCP_KEEPIDLE", 30),
            get("SOL_TCP", "TCP_KEEPIDLE"),
            set_("SOL_TCP", "TCP_KEEPINTVL", 5),
            get("SOL_TCP", "TCP_KEEPINTVL"),
            set_("SOL_TCP", "TCP_KEEPCNT", 3),
            get("SOL_TCP", "TCP_KEEPCNT"),
            set_("SOL_TCP", "TCP_KEEPIDLE", 0),
        ],
    ),
    ext_scenario(
        "option/tcp-congestion",
        peer="echo",
        doc="TCP_CONGESTION: read as ['name' => ...], set by name; a non-string, an "
        "unknown name: the kernel's errors",
        steps=[
            *OPEN,
            set_("SOL_TCP", "TCP_CONGESTION", "reno"),
            get("SOL_TCP", "TCP_CONGESTION"),
            set_("SOL_TCP", "TCP_CONGESTION", 5),
            set_("SOL_TCP", "TCP_CONGESTION", "nosuch"),
            get("SOL_TCP", "TCP_CONGESTION"),
        ],
    ),
    ext_scenario(
        "option/lowat",
        peer="echo",
        doc="SO_RCVLOWAT set and read back; SO_SNDLOWAT cannot be set on Linux",
        steps=[
            *OPEN,
            set_("SOL_SOCKET", "SO_RCVLOWAT", 10),
            get("SOL_SOCKET", "SO_RCVLOWAT"),
            set_("SOL_SOCKET", "SO_SNDLOWAT", 10),
            get("SOL_SOCKET", "SO_SNDLOWAT"),
        ],
    ),
]

OPTIONS += [
    ext_scenario(
        "option/flags",
        peer="echo",
        doc="SO_OOBINLINE, SO_DONTROUTE, SO_BROADCAST (a TCP socket takes it), SO_DEBUG "
        "(refused without privileges)",
        steps=[
            *OPEN,
            set_("SOL_SOCKET", "SO_OOBINLINE", 1),
            get("SOL_SOCKET", "SO_OOBINLINE"),
            set_("SOL_SOCKET", "SO_DONTROUTE", 1),
            get("SOL_SOCKET", "SO_DONTROUTE"),
            set_("SOL_SOCKET", "SO_BROADCAST", 1),
            get("SOL_SOCKET", "SO_BROADCAST"),
            get("SOL_SOCKET", "SO_DEBUG"),
        ],
    ),
    ext_scenario(
        "option/structured-by-number",
        peer="echo",
        doc="PHP picks the structure by the option's number whatever the level: "
        "SOL_TCP with 13 is TCP_CONGESTION, with SO_RCVTIMEO's number a timeval the "
        "kernel refuses; SOL_TCP's SO_RCVTIMEO set still wants sec/usec",
        steps=[
            *OPEN,
            get("SOL_TCP", "SO_LINGER"),
            get("SOL_TCP", "SO_RCVTIMEO"),
            set_("SOL_TCP", "SO_RCVTIMEO", 4),
            set_("SOL_TCP", "SO_RCVTIMEO", {"sec": 1, "usec": 0}),
        ],
    ),
    ext_scenario(
        "option/linger-zero-resets",
        peer="free_port",
        doc="SO_LINGER on with 0 on the accepted stream, then fclose: the client's "
        "read meets the reset: false, and EOF",
        steps=[
            call("stream_socket_server", "tcp://127.0.0.1:{port}", E, S, assign="srv"),
            tcp(),
            call("stream_socket_accept", var("srv"), 1.0, assign="conn"),
            imported("conn", "csock"),
            set_("SOL_SOCKET", "SO_LINGER", {"l_onoff": 1, "l_linger": 0}, sock="csock"),
            call("fwrite", FP, "unread by the server\n"),
            sleep(0.1),
            call("fclose", var("conn")),
            sleep(0.1),
            call("fread", FP, 100),
            call("feof", FP),
        ],
    ),
]

ERRORS: list[Scenario] = [
    ext_scenario(
        "error/wrong-level",
        peer="echo",
        doc="an unknown level: getsockopt says EOPNOTSUPP, setsockopt ENOPROTOOPT "
        "(PHP's warnings, false)",
        steps=[*OPEN, get(999, 1), set_(999, 1, 1), set_("SOL_TCP", 9999, 1)],
    ),
    ext_scenario(
        "error/invalid-option",
        peer="echo",
        doc="an unknown option at SOL_SOCKET: 'Unable to retrieve/set socket option "
        "[92]: Protocol not available'",
        steps=[*OPEN, get("SOL_SOCKET", 9999), set_("SOL_SOCKET", 9999, 1)],
    ),
    ext_scenario(
        "error/last-error",
        peer="echo",
        doc="a failure sets the Socket's last error and the module's; clearing the "
        "Socket's keeps the module's; another Socket has its own (0)",
        steps=[
            *OPEN,
            imported(name="other"),
            call("socket_last_error"),
            set_("SOL_SOCKET", 9999, 1),
            call("socket_last_error", SOCK),
            call("socket_last_error"),
            call("socket_last_error", var("other")),
            call("socket_strerror", call_last()),
            call("socket_clear_error", SOCK),
            call("socket_last_error", SOCK),
            call("socket_last_error"),
            call("socket_clear_error"),
            call("socket_last_error"),
            get(999, 1, sock="other"),
            call("socket_last_error", var("other")),
            call("socket_last_error"),
        ],
    ),
    ext_scenario(
        "error/strerror",
        peer=None,
        doc="socket_strerror: strerror() texts, 'Unknown error N', and below -10000 "
        "the resolver's (hstrerror) texts",
        steps=[
            call("socket_strerror", code)
            for code in (0, 1, 11, 32, 104, 110, 111, -1, 99999, -10000, -10001, -10002)
        ]
        + [
            call("socket_strerror", -10003),
            call("socket_strerror", -10004),
            call("socket_strerror", -10009),
            call("socket_strerror", const("SOCKET_ECONNREFUSED")),
            call("socket_strerror", "104"),
        ],
    ),
    ext_scenario(
        "error/constants",
        peer=None,
        doc="a few SOCKET_E*, SOL_* and SO_* constants have PHP's Linux values",
        steps=[call("socket_strerror", const("SOCKET_EPIPE"))]
        + [
            same(const(name), value)
            for name, value in (
                ("SOCKET_EPERM", 1),
                ("SOCKET_EAGAIN", 11),
                ("SOCKET_EWOULDBLOCK", 11),
                ("SOCKET_EINPROGRESS", 115),
                ("SOCKET_ECONNRESET", 104),
                ("SOCKET_ETIMEDOUT", 110),
                ("SOCKET_EMEDIUMTYPE", 124),
                ("SOL_SOCKET", 1),
                ("SOL_TCP", 6),
                ("SOL_UDP", 17),
                ("SO_LINGER", 13),
                ("SO_RCVTIMEO", 20),
                ("SO_SNDTIMEO", 21),
                ("TCP_NODELAY", 1),
                ("TCP_CONGESTION", 13),
            )
        ],
    ),
    ext_scenario(
        "error/argument-types",
        peer="echo",
        doc="not a Socket (an int, a stream resource), a level that is no int, too "
        "few arguments: PHP's TypeErrors",
        steps=[
            *OPEN,
            call("socket_get_option", 42, 1, 1),
            call("socket_set_option", FP, 1, 1, 1),
            call("socket_last_error", 42),
            call("socket_clear_error", "x"),
            call("socket_export_stream", FP),
            call("socket_set_option", SOCK, "x", 9, 1),
            call("socket_set_option", SOCK, "1", "9", "1"),
            call("socket_get_option", SOCK, 1),
            call("socket_set_option", SOCK, 1, 9),
            call("socket_strerror", "abc"),
        ],
    ),
]
