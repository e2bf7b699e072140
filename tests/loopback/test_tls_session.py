"""stream_socket_enable_crypto's $session_stream: the new connection resumes its session.

PHP copies the session of the given stream (SSL_copy_session_id) into the new
connection, whatever the two contexts' options; the server then resumes it. The
same PHP script and its Python port run against one TLS 1.2 server (the loopback
``server`` fixture) that records, for every handshake, whether the session was
reused.
"""

from __future__ import annotations

import json
import socket
import ssl
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import trustme

from phpstreams import (
    STREAM_CLIENT_CONNECT,
    STREAM_CRYPTO_METHOD_TLS_CLIENT,
    fclose,
    fgets,
    stream_context_create,
    stream_socket_client,
    stream_socket_enable_crypto,
)
from phpstreams.transport import openssl as _openssl

pytestmark = pytest.mark.php

PHP_CLIENT = r"""<?php
[$port, $cafile] = [(int)$argv[1], $argv[2]];
$ctx = stream_context_create(["ssl" => ["cafile" => $cafile]]);
$a = stream_socket_client("ssl://127.0.0.1:$port", $e, $s, 5, STREAM_CLIENT_CONNECT, $ctx);
$out = [fgets($a)];
foreach ([$ctx, stream_context_create(["ssl" => ["cafile" => $cafile, "ciphers" => "HIGH"]])]
         as $c) {
    $b = stream_socket_client("tcp://127.0.0.1:$port", $e, $s, 5, STREAM_CLIENT_CONNECT, $c);
    $out[] = stream_socket_enable_crypto($b, true, STREAM_CRYPTO_METHOD_TLS_CLIENT, $a);
    $out[] = fgets($b);
    fclose($b);
}
fclose($a);
echo json_encode($out);
"""


def py_client(port: int, cafile: str) -> list[Any]:
    ctx = stream_context_create({"ssl": {"cafile": cafile}})
    a = stream_socket_client(f"ssl://127.0.0.1:{port}", None, None, 5, STREAM_CLIENT_CONNECT, ctx)
    assert a is not False
    out: list[Any] = [fgets(a)]
    other = stream_context_create({"ssl": {"cafile": cafile, "ciphers": "HIGH"}})
    for c in (ctx, other):
        b = stream_socket_client(f"tcp://127.0.0.1:{port}", None, None, 5, STREAM_CLIENT_CONNECT, c)
        assert b is not False
        out.append(stream_socket_enable_crypto(b, True, STREAM_CRYPTO_METHOD_TLS_CLIENT, a))
        out.append(fgets(b))
        fclose(b)
    fclose(a)
    return [x.decode() if isinstance(x, bytes) else x for x in out]


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> tuple[ssl.SSLContext, str]:
    ca = trustme.CA()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    context.maximum_version = ssl.TLSVersion.TLSv1_2
    cafile = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(cafile))
    return context, str(cafile)


@pytest.mark.skipif(not _openssl.LAYOUT, reason="the session is copied through ctypes")
def test_session_stream_resumes_as_php(
    certs: tuple[ssl.SSLContext, str],
    tmp_path: Path,
    server: Callable[..., Any],  # the conftest fixture: makes LoopbackServers
) -> None:
    context, cafile = certs
    reused: list[bool] = []

    def tls_greeter(conn: socket.socket) -> None:
        """TLS 1.2 (a session id resumes): record session_reused, greet, wait for the close."""
        conn.settimeout(10)
        with context.wrap_socket(conn, server_side=True) as tls:
            reused.append(tls.session_reused)
            tls.sendall(b"hi\n")
            tls.recv(1)

    script = tmp_path / "client.php"
    script.write_text(PHP_CLIENT)
    port = server(tls_greeter).port
    done = subprocess.run(
        ["php", "-n", str(script), str(port), cafile],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    php = json.loads(done.stdout)
    php_reused, reused[:] = list(reused), []

    ours = py_client(port, cafile)

    assert php == ["hi\n", True, "hi\n", True, "hi\n"]
    assert ours == php
    assert php_reused == [False, True, True]
    assert reused == php_reused
