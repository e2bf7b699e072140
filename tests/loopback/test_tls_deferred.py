"""TLS enabled on a non-blocking stream whose asynchronous connect is still under way.

PHP's stream_socket_enable_crypto returns 0 while the connect goes on (its SSL
handle is made, SSL_connect would block), and a loop of calls then finishes the
handshake once the connect is done. The server here starts with a full accept
queue (the client's SYN is dropped; the kernel sends it again about a second
later) and makes room after 0.3 s; the same PHP client and its Python port run
against it one after the other, and must end alike: 0 first, then true, the
greeting read, no warning.
"""

from __future__ import annotations

import json
import socket
import ssl
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import trustme

import phpstreams
from phpstreams import (
    STREAM_CLIENT_ASYNC_CONNECT,
    STREAM_CLIENT_CONNECT,
    STREAM_CRYPTO_METHOD_TLS_CLIENT,
    Ref,
    fclose,
    fgets,
    stream_context_create,
    stream_set_blocking,
    stream_socket_client,
    stream_socket_enable_crypto,
)

pytestmark = pytest.mark.php

PHP_CLIENT = r"""<?php
[$port, $cafile] = [(int)$argv[1], $argv[2]];
$warnings = [];
set_error_handler(function ($no, $str) use (&$warnings) { $warnings[] = $str; return true; });
$ctx = stream_context_create(["ssl" => ["cafile" => $cafile]]);
$fp = stream_socket_client("tcp://127.0.0.1:$port", $errno, $errstr, 5,
    STREAM_CLIENT_CONNECT | STREAM_CLIENT_ASYNC_CONNECT, $ctx);
stream_set_blocking($fp, false);
$first = stream_socket_enable_crypto($fp, true, STREAM_CRYPTO_METHOD_TLS_CLIENT);
$r = $first;
for ($i = 0; $i < 400 && $r === 0; $i++) {
    usleep(20000);
    $r = stream_socket_enable_crypto($fp, true, STREAM_CRYPTO_METHOD_TLS_CLIENT);
}
stream_set_blocking($fp, true);
$line = $r === true ? fgets($fp) : false;
fclose($fp);
echo json_encode([$first, $r, $line, $warnings]);
"""


def py_client(port: int, cafile: str) -> list[Any]:
    warnings: list[str] = []

    def handler(no: int, text: str, *rest: object) -> bool:
        warnings.append(text)
        return True

    phpstreams.set_error_handler(handler)
    try:
        ctx = stream_context_create({"ssl": {"cafile": cafile}})
        fp = stream_socket_client(
            f"tcp://127.0.0.1:{port}",
            Ref(),
            Ref(),
            5,
            STREAM_CLIENT_CONNECT | STREAM_CLIENT_ASYNC_CONNECT,
            ctx,
        )
        assert fp is not False
        stream_set_blocking(fp, False)
        first = stream_socket_enable_crypto(fp, True, STREAM_CRYPTO_METHOD_TLS_CLIENT)
        r = first
        for _ in range(400):
            if r is True or r is False:  # PHP's $r === 0 ended: not the int 0
                break
            time.sleep(0.02)
            r = stream_socket_enable_crypto(fp, True, STREAM_CRYPTO_METHOD_TLS_CLIENT)
        stream_set_blocking(fp, True)
        line = fgets(fp) if r is True else False
        fclose(fp)
    finally:
        phpstreams.restore_error_handler()
    return [first, r, line.decode() if isinstance(line, bytes) else line, warnings]


class LateServer:
    """A TLS server whose accept queue is full until ``release()`` (0.3 s after start)."""

    def __init__(self, context: ssl.SSLContext) -> None:
        self.context = context
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(0)
        self.port = int(self.listener.getsockname()[1])
        self.fillers = []
        for _ in range(8):
            filler = socket.socket()
            filler.setblocking(False)
            filler.connect_ex(("127.0.0.1", self.port))
            self.fillers.append(filler)
        self.greeted = 0
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def _serve(self) -> None:
        time.sleep(0.3)
        for filler in self.fillers:  # their SYNs are abandoned; the queued one resets
            filler.close()
        self.listener.settimeout(10)
        deadline = time.monotonic() + 10
        while not self.greeted and time.monotonic() < deadline:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            conn.settimeout(5)
            try:
                tls = self.context.wrap_socket(conn, server_side=True)
            except (OSError, ssl.SSLError):
                conn.close()
                continue  # a filler's connection
            tls.sendall(b"hello\n")
            self.greeted += 1
            try:
                tls.recv(1)
            except (OSError, ssl.SSLError):
                pass
            tls.close()

    def close(self) -> None:
        self.thread.join(15)
        self.listener.close()


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> tuple[ssl.SSLContext, str]:
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    cert.configure_cert(context)
    context.num_tickets = 0
    cafile = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(cafile))
    return context, str(cafile)


def test_enable_crypto_waits_for_the_connect_as_php(
    certs: tuple[ssl.SSLContext, str], tmp_path: Path
) -> None:
    context, cafile = certs
    script = tmp_path / "client.php"
    script.write_text(PHP_CLIENT)

    server = LateServer(context)
    server.start()
    done = subprocess.run(
        ["php", "-n", str(script), str(server.port), cafile],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    server.close()
    php = json.loads(done.stdout)

    server = LateServer(context)
    server.start()
    ours = py_client(server.port, cafile)
    server.close()

    assert php == [0, True, "hello\n", []]
    assert ours == php
