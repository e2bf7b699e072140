"""stream_socket_enable_crypto(): STARTTLS upgrades, argument errors, disabling."""

from __future__ import annotations

from collections.abc import Sequence

from .._scenario import Arg, Scenario, Step, call, const, loop, sleep, var
from ._tls_helpers import (
    FP,
    E,
    S,
    close,
    connect,
    context,
    enable,
    fgets,
    fwrite,
    meta,
    tls_scenario,
)

__all__ = ["STARTTLS"]

CA: dict[str, Arg] = {"cafile": "{cafile}"}


def smtp_start(options: dict[str, Arg] | None = None) -> list[Step]:
    """Plain connect with a context, banner, EHLO (4 lines), STARTTLS -> 220."""
    return [
        context({**CA, **(options or {})}),
        connect("tcp://127.0.0.1:{port}"),
        fgets(),
        fwrite("EHLO client.test\r\n"),
        fgets(),
        fgets(),
        fgets(),
        fgets(),
        fwrite("STARTTLS\r\n"),
        fgets(),
    ]


def starttls(
    name: str,
    doc: str,
    steps: Sequence[Step],
    *,
    options: dict[str, Arg] | None = None,
    peer: str = "starttls",
) -> Scenario:
    return tls_scenario(
        name, peer=peer, doc=doc, tags=("starttls",), steps=[*smtp_start(options), *steps]
    )


ECHO = [fwrite("over tls\n"), fgets()]

STARTTLS: list[Scenario] = [
    starttls(
        "starttls/tls-client",
        "STARTTLS then enable_crypto(TLS_CLIENT): true, TLS 1.3 meta, echo over TLS",
        [enable("STREAM_CRYPTO_METHOD_TLS_CLIENT"), meta(), *ECHO, close()],
    ),
    starttls(
        "starttls/sslv23-client",
        "enable_crypto(SSLv23_CLIENT) negotiates TLS 1.2 with a 1.3-capable server",
        [enable("STREAM_CRYPTO_METHOD_SSLv23_CLIENT"), meta(), *ECHO],
    ),
    starttls(
        "starttls/tlsv1_2-client",
        "enable_crypto(TLSv1_2_CLIENT): TLS 1.2",
        [enable("STREAM_CRYPTO_METHOD_TLSv1_2_CLIENT"), meta(), *ECHO],
    ),
    starttls(
        "starttls/any-client",
        "enable_crypto(ANY_CLIENT): TLS 1.3",
        [enable("STREAM_CRYPTO_METHOD_ANY_CLIENT"), meta(), *ECHO],
    ),
    starttls(
        "starttls/no-method",
        "enable_crypto without a method and without ssl.crypto_method: ValueError",
        [enable(), meta()],
    ),
    starttls(
        "starttls/context-crypto-method",
        "enable_crypto without a method uses the context's ssl.crypto_method",
        [enable(), meta(), *ECHO],
        options={"crypto_method": const("STREAM_CRYPTO_METHOD_TLS_CLIENT")},
    ),
    starttls(
        "starttls/enable-twice",
        "enabling twice on a blocking stream: 'SSL/TLS already set-up for this stream', false",
        [enable("STREAM_CRYPTO_METHOD_TLS_CLIENT"), enable("STREAM_CRYPTO_METHOD_TLS_CLIENT")],
    ),
    starttls(
        "starttls/disable",
        "disabling sends close_notify and returns false; then the stream is plain text again",
        [
            enable("STREAM_CRYPTO_METHOD_TLS_CLIENT"),
            *ECHO,
            enable(flag=False),
            meta(),
            fwrite("plain again\n"),
            fgets(),
            enable("STREAM_CRYPTO_METHOD_TLS_CLIENT"),
        ],
    ),
    starttls(
        "starttls/wrong-name",
        "enable_crypto with peer_name other.local: subjectAltName warning, false",
        [enable("STREAM_CRYPTO_METHOD_TLS_CLIENT"), meta()],
        options={"peer_name": "other.local"},
    ),
    starttls(
        "starttls/unknown-ca",
        "enable_crypto without the CA: certificate verify failed, Failed to enable crypto, false",
        [enable("STREAM_CRYPTO_METHOD_TLS_CLIENT")],
        options={"cafile": "{selfsigned_pem}"},
    ),
    starttls(
        "starttls/nonblocking",
        "non-blocking enable_crypto returns 0 while the handshake is under way (the server "
        "answers after 0.3 s), then true",
        [
            call("stream_set_blocking", FP, False),
            enable("STREAM_CRYPTO_METHOD_TLS_CLIENT"),
            enable("STREAM_CRYPTO_METHOD_TLS_CLIENT"),
            sleep(0.6),
            loop(
                call(
                    "stream_socket_enable_crypto",
                    FP,
                    True,
                    const("STREAM_CRYPTO_METHOD_TLS_CLIENT"),
                ),
                until=True,
                max=5,
            ),
            meta(),
            call("stream_set_blocking", FP, True),
            *ECHO,
        ],
        peer="starttls_slow",
    ),
    starttls(
        "starttls/session-stream-not-tls",
        "session_stream that never enabled TLS: warns, and the enable still succeeds",
        [
            call("stream_socket_client", "tcp://127.0.0.1:{port}", E, S, 5.0, assign="other"),
            call(
                "stream_socket_enable_crypto",
                FP,
                True,
                const("STREAM_CRYPTO_METHOD_TLS_CLIENT"),
                var("other"),
            ),
        ],
    ),
    tls_scenario(
        "starttls/handshake-timeout",
        peer="tls_silent",
        tags=("starttls",),
        doc="enable_crypto against a silent peer: 'SSL: Handshake timed out' after the "
        "stream's connect timeout (1 s)",
        steps=[
            context(CA),
            connect("tcp://127.0.0.1:{port}", timeout=1.0),
            enable("STREAM_CRYPTO_METHOD_TLS_CLIENT", timed=True),
        ],
    ),
    tls_scenario(
        "starttls/udp-stream",
        peer="udp_echo",
        tags=("starttls",),
        doc="enable_crypto on a UDP stream: 'This stream does not support SSL/crypto'",
        steps=[
            connect("udp://127.0.0.1:{port}", ctx=False),
            enable("STREAM_CRYPTO_METHOD_TLS_CLIENT"),
            enable(flag=False),
        ],
    ),
    tls_scenario(
        "starttls/disable-never-enabled",
        peer="starttls",
        tags=("starttls",),
        doc="disabling crypto on a plain tcp stream: false, no warning",
        steps=[connect("tcp://127.0.0.1:{port}", ctx=False), enable(flag=False), fgets()],
    ),
    tls_scenario(
        "starttls/aiosmtpd",
        peer="aiosmtpd_starttls",
        tags=("starttls",),
        doc="the real aiosmtpd server: EHLO, STARTTLS, TLS, EHLO again (now with AUTH), QUIT, EOF",
        steps=[
            context(CA),
            connect("tcp://127.0.0.1:{port}"),
            fgets(),
            fwrite("EHLO client.test\r\n"),
            *[fgets() for _ in range(6)],
            fwrite("STARTTLS\r\n"),
            fgets(),
            enable("STREAM_CRYPTO_METHOD_TLS_CLIENT"),
            fwrite("EHLO client.test\r\n"),
            *[fgets() for _ in range(6)],
            fwrite("QUIT\r\n"),
            fgets(),
            fgets(),
        ],
    ),
]
