"""Timeouts at the connect and TLS handshake phases (the ``reliability`` catalogue).

Connect: ``blackhole`` is a listener whose accept queue is full, so the kernel
drops further SYNs and a connect waits for its whole timeout (loopback only:
no address that might answer is ever tried).  Handshake: ``tls_silent``
accepts and never answers the ClientHello; ``mute_client`` (peers/_reliability)
connects to the scenario's own ssl:// server and never sends one.  The read,
write and accept phases are in ``_reliability_io.py``.
"""

from __future__ import annotations

from collections.abc import Sequence

from .._scenario import Arg, Scenario, Step, arr, bor, call, const, pint, ref, scenario, var
from ._helpers import E, S, fso, is_res, ssc

__all__ = ["CONNECT", "HANDSHAKE", "rel_scenario"]

FP, CTX, SRV = var("fp"), var("ctx"), var("srv")
ASYNC = bor(const("STREAM_CLIENT_CONNECT"), const("STREAM_CLIENT_ASYNC_CONNECT"))


def rel_scenario(
    name: str,
    *,
    peer: str | None,
    doc: str,
    steps: Sequence[Step],
    tags: Sequence[str] = (),
    ini: dict[str, str] | None = None,
    mask: Sequence[str] = (),
) -> Scenario:
    """``scenario(...)`` tagged ``reliability`` and ``timeout``."""
    return scenario(
        f"reliability/{name}",
        peer=peer,
        doc=doc,
        steps=steps,
        tags=("reliability", "timeout", *tags),
        ini=ini,
        mask=mask,
        timeout=30.0,
    )


def select_write(*timeout: Arg, timed: bool = True) -> Step:
    return call(
        "stream_select", arr("r", None), arr("w", [FP]), arr("e", None), *timeout, timed=timed
    )


def ca_context() -> Step:
    return call("stream_context_create", {"ssl": {"cafile": "{cafile}"}}, assign="ctx")


def tls_client(url: str, timeout: Arg, *, timed: bool = True) -> Step:
    return call(
        "stream_socket_client",
        url,
        E,
        S,
        timeout,
        const("STREAM_CLIENT_CONNECT"),
        CTX,
        assign="fp",
        timed=timed,
    )


def enable(*, timed: bool = True) -> Step:
    return call(
        "stream_socket_enable_crypto",
        FP,
        True,
        const("STREAM_CRYPTO_METHOD_TLS_CLIENT"),
        timed=timed,
    )


CONNECT: list[Scenario] = [
    rel_scenario(
        "connect-ssl-blackhole",
        peer="blackhole",
        tags=("connect", "tls"),
        doc="ssl:// to a full accept queue: the TCP connect times out (errno 110) before "
        "any TLS; one 'Unable to connect to ssl://...' warning",
        steps=[ssc("ssl://127.0.0.1:{port}", 0.3, timed=True), is_res()],
    ),
    rel_scenario(
        "connect-fsockopen-tls-blackhole",
        peer="blackhole",
        tags=("connect", "tls"),
        doc="fsockopen('tls://127.0.0.1', port, ..., 0.3) to a full accept queue: errno 110 "
        "after 0.3 s",
        steps=[fso("tls://127.0.0.1", pint("port"), 0.3, timed=True), is_res()],
    ),
    rel_scenario(
        "connect-fsockopen-blackhole-fraction",
        peer="blackhole",
        tags=("connect",),
        doc="fsockopen with a 0.25 s timeout: the fraction is honoured (errno 110 after 0.25 s)",
        steps=[fso("127.0.0.1", pint("port"), 0.25, timed=True), is_res()],
    ),
    rel_scenario(
        "connect-async-select-times-out",
        peer="blackhole",
        tags=("connect", "select"),
        doc="an async connect to a full accept queue: a resource at once; stream_select for "
        "write waits its 0.3 s and returns 0; the stream has no peer name yet",
        steps=[
            ssc("tcp://127.0.0.1:{port}", 0.3, ASYNC, timed=True),
            is_res(),
            select_write(0, 300000),
            call("stream_socket_get_name", FP, True),
            call("stream_get_meta_data", FP),
        ],
    ),
    rel_scenario(
        "connect-async-ssl-blackhole",
        peer="blackhole",
        tags=("connect", "tls"),
        doc="ssl:// with an asynchronous connect to a full accept queue: the handshake "
        "starts on a connect still in progress and waits for the connect timeout (0.3 s)",
        steps=[ssc("ssl://127.0.0.1:{port}", 0.3, ASYNC, timed=True), is_res()],
    ),
    rel_scenario(
        "connect-async-ssl-live",
        peer="tls_echo",
        tags=("connect", "tls"),
        doc="the control: ssl:// with an asynchronous connect to a live TLS server: the "
        "handshake waits for the connect, then succeeds; the greeting reads",
        steps=[
            ca_context(),
            call(
                "stream_socket_client",
                "ssl://127.0.0.1:{port}",
                E,
                S,
                2.0,
                ASYNC,
                CTX,
                assign="fp",
            ),
            call("fgets", FP),
        ],
    ),
    rel_scenario(
        "connect-timeout-then-refused",
        peer="blackhole",
        tags=("connect",),
        doc="the same $errno/$errstr: a timeout (110) then a refused connect (111) overwrite "
        "each other, each with its warning",
        steps=[
            ssc("tcp://127.0.0.1:{port}", 0.2, timed=True),
            ssc("tcp://127.0.0.1:{port2}", 0.2),
            ssc("tcp://127.0.0.1:{port}", 0.2),
        ],
    ),
    rel_scenario(
        "connect-udp-no-connect-phase",
        peer="blackhole",
        tags=("connect", "udp"),
        doc="udp:// to the same port: no handshake, no timeout: a resource at once and "
        "fwrite succeeds",
        steps=[
            ssc("udp://127.0.0.1:{port}", 0.3, timed=True),
            is_res(),
            call("fwrite", FP, "datagram"),
        ],
    ),
    rel_scenario(
        "enable-crypto-nonblocking-connect-in-progress",
        peer="blackhole",
        tags=("connect", "tls"),
        doc="stream_socket_enable_crypto on a non-blocking stream whose async connect is "
        "still under way: 0 (would block), again 0; once blocking: 'already set-up', false",
        steps=[
            ssc("tcp://127.0.0.1:{port}", 0.3, ASYNC),
            call("stream_set_blocking", FP, False),
            call("stream_socket_enable_crypto", FP, True, const("STREAM_CRYPTO_METHOD_TLS_CLIENT")),
            call("stream_socket_enable_crypto", FP, True, const("STREAM_CRYPTO_METHOD_TLS_CLIENT")),
            call("stream_get_meta_data", FP),
            call("stream_set_blocking", FP, True),
            call("stream_socket_enable_crypto", FP, True, const("STREAM_CRYPTO_METHOD_TLS_CLIENT")),
            call("fclose", FP),
        ],
    ),
]

HANDSHAKE: list[Scenario] = [
    rel_scenario(
        "handshake-tls-silent",
        peer="tls_silent",
        tags=("tls", "handshake"),
        doc="tls:// to a peer that never answers the ClientHello: 'SSL: Handshake timed out' "
        "after the 0.5 s connect timeout, then the crypto and connect warnings",
        steps=[ca_context(), tls_client("tls://127.0.0.1:{port}", 0.5), is_res()],
    ),
    rel_scenario(
        "handshake-tlsv12-silent",
        peer="tls_silent",
        tags=("tls", "handshake"),
        doc="tlsv1.2:// to a silent peer: the same timeout",
        steps=[ca_context(), tls_client("tlsv1.2://127.0.0.1:{port}", 0.5)],
    ),
    rel_scenario(
        "handshake-fsockopen-ssl-silent",
        peer="tls_silent",
        tags=("tls", "handshake"),
        doc="fsockopen('ssl://...') to a silent peer: the handshake times out after the "
        "fsockopen timeout (0.4 s); errno/errstr",
        steps=[fso("ssl://127.0.0.1", pint("port"), 0.4, timed=True), is_res()],
    ),
    rel_scenario(
        "handshake-enable-crypto-after-set-timeout",
        peer="tls_silent",
        tags=("tls", "handshake", "starttls"),
        doc="stream_set_timeout(0.2 s) before enable_crypto: a client's handshake waits for the "
        "connect timeout (0.6 s), not the read timeout; the timeout leaves the stream "
        "non-blocking (PHP skips restoring it)",
        steps=[
            ca_context(),
            tls_client("tcp://127.0.0.1:{port}", 0.6, timed=False),
            call("stream_set_timeout", FP, 0, 200000),
            enable(),
            call("stream_get_meta_data", FP),
        ],
    ),
    rel_scenario(
        "handshake-enable-crypto-nonblocking",
        peer="tls_silent",
        tags=("tls", "handshake", "starttls"),
        doc="non-blocking enable_crypto against a silent peer: 0 (would block) at once, "
        "each time, no warning",
        steps=[
            ca_context(),
            tls_client("tcp://127.0.0.1:{port}", 0.5, timed=False),
            call("stream_set_blocking", FP, False),
            enable(),
            enable(),
            enable(),
            call("stream_get_meta_data", FP),
        ],
    ),
    rel_scenario(
        "handshake-enable-crypto-retry-after-timeout",
        peer="tls_silent",
        tags=("tls", "handshake", "starttls"),
        doc="enable_crypto timed out once (0.3 s connect timeout), which left the stream "
        "non-blocking: a second call returns 0 (would block), without 'already set-up'",
        steps=[
            ca_context(),
            tls_client("tcp://127.0.0.1:{port}", 0.3, timed=False),
            enable(),
            enable(),
            is_res(),
        ],
    ),
    rel_scenario(
        "handshake-server-mute-client",
        peer="mute_client",
        tags=("tls", "handshake", "server", "slow"),
        mask=("peer",),
        ini={"default_socket_timeout": "1"},
        doc="an ssl:// server whose client never sends its ClientHello: the accept (0.5 s) "
        "succeeds at the TCP level, then the handshake inside stream_socket_accept waits for "
        "the server's read timeout (default_socket_timeout, 1 s); the warnings, false",
        steps=[
            call("stream_context_create", {"ssl": {"local_cert": "{server_pem}"}}, assign="ctx"),
            call(
                "stream_socket_server",
                "ssl://127.0.0.1:{port}",
                E,
                S,
                bor(const("STREAM_SERVER_BIND"), const("STREAM_SERVER_LISTEN")),
                CTX,
                assign="srv",
            ),
            call("stream_socket_accept", SRV, 0.5, ref("peer"), assign="conn", timed=True),
        ],
    ),
]
