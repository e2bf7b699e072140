"""TLS on the server side: ssl:// servers and crypto enabled on accepted streams.

The peer is the client here: ``{port}`` is a free port the scenario listens on,
and the peer connects to it as soon as it can (see ``peers/_tls_clients.py``).
"""

from __future__ import annotations

from typing import Any

from .._scenario import Scenario, Step, bor, call, const, ref, var
from ._tls_helpers import SRV, E, S, context, tls_scenario

__all__ = ["SERVER"]

CONN = var("conn")
FLAGS = bor(const("STREAM_SERVER_BIND"), const("STREAM_SERVER_LISTEN"))
PEM = {"local_cert": "{server_pem}"}


def listen(
    url: str = "ssl://127.0.0.1:{port}", options: dict[str, Any] | None = None
) -> list[Step]:
    return [
        context(PEM if options is None else options),
        call("stream_socket_server", url, E, S, FLAGS, var("ctx"), assign="srv"),
    ]


def accept() -> Step:
    return call("stream_socket_accept", SRV, 5.0, ref("peer"), assign="conn")


def server(name: str, peer: str, doc: str, steps: list[Step]) -> Scenario:
    return tls_scenario(name, peer=peer, doc=doc, steps=steps, tags=("server",), mask=("peer",))


SERVER: list[Scenario] = [
    server(
        "tlsserver/accept-tls-client",
        "tls_client",
        "ssl:// server with local_cert: the handshake runs inside stream_socket_accept",
        [
            *listen(),
            call("stream_get_meta_data", SRV),
            accept(),
            call("stream_get_meta_data", CONN),
            call("fgets", CONN),
            call("fwrite", CONN, "reply\n"),
            call("fclose", CONN),
            call("fclose", SRV),
        ],
    ),
    server(
        "tlsserver/accept-http-client",
        "http_client",
        "a plain HTTP client on an ssl:// server: 'http request', Failed to enable crypto, "
        "'Accept failed: Success', false",
        [*listen(), accept()],
    ),
    server(
        "tlsserver/accept-client-closes",
        "close_client",
        "a client that connects and closes at once: Failed to enable crypto and Accept failed",
        [*listen(), accept()],
    ),
    server(
        "tlsserver/no-local-cert",
        "tls_client",
        "an ssl:// server without local_cert: no shared cipher, the handshake fails in accept",
        [*listen(options={}), accept()],
    ),
    server(
        "tlsserver/local-cert-missing-file",
        "tls_client",
        "local_cert naming a missing file: the warning comes from stream_socket_accept",
        [*listen(options={"local_cert": "{missing_file}"}), accept()],
    ),
    server(
        "tlsserver/separate-key",
        "tls_client",
        "local_cert + local_pk in two files",
        [
            *listen(options={"local_cert": "{server_cert}", "local_pk": "{server_key}"}),
            accept(),
            call("fgets", CONN),
        ],
    ),
    server(
        "tlsserver/client-cert-required",
        "tls_client_cert",
        "server with verify_peer + cafile + capture_peer_cert: accepts the client certificate",
        [
            *listen(
                options={
                    **PEM,
                    "verify_peer": True,
                    "verify_peer_name": False,
                    "cafile": "{cafile}",
                    "capture_peer_cert": True,
                }
            ),
            accept(),
            call("fgets", CONN),
            call("stream_context_get_options", var("ctx")),
        ],
    ),
    server(
        "tlsserver/sni-server-certs",
        "tls_client",
        "SNI_server_certs maps the client's SNI (test.local) to a certificate",
        [
            *listen(options={**PEM, "SNI_server_certs": {"test.local": "{server_pem}"}}),
            accept(),
            call("fgets", CONN),
        ],
    ),
    server(
        "tlsserver/sni-server-certs-not-array",
        "tls_client",
        "SNI_server_certs given as a string: 'SNI_server_certs requires an array mapping host "
        "names to cert paths'",
        [*listen(options={**PEM, "SNI_server_certs": "{server_pem}"}), accept()],
    ),
    server(
        "tlsserver/tcp-then-enable-server",
        "tls_client",
        "a tcp:// server: the accepted stream inherits the context; "
        "enable_crypto(TLS_SERVER) handshakes as a server",
        [
            *listen("tcp://127.0.0.1:{port}"),
            accept(),
            call(
                "stream_socket_enable_crypto", CONN, True, const("STREAM_CRYPTO_METHOD_TLS_SERVER")
            ),
            call("stream_get_meta_data", CONN),
            call("fgets", CONN),
        ],
    ),
]
