"""Write timeouts over TCP and TLS, compared with real PHP 8.2 against the same kind
of peer (one that completes the handshake and then never reads).

How many bytes a blocked fwrite gets in before its timeout varies from run to run
over TCP (buffer autotuning), so the catalogue pins the unix-socket version
(reliability/write-unix-*); here the counts are not compared, only the shape:
fwrite returns a positive count after one timeout (not several), the notice
names exactly the bytes that did not get in (TCP; TLS gives none), timed_out is
set; then the next fwrite's result and diagnostics (TLS: OpenSSL's "bad length",
since PHP retries SSL_write with another buffer).
"""

from __future__ import annotations

import json
import re
import socket
import ssl
import subprocess
import threading
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import trustme

import phpstreams as p

TOTAL = 16 << 20
TIMEOUT = 0.3

PHP_WRITER = r"""<?php
[$url, $cafile, $total] = json_decode($argv[1], true);
$diags = [];
set_error_handler(function ($no, $str) use (&$diags) { $diags[] = [$no, $str]; return true; });
$ctx = stream_context_create(["ssl" => ["cafile" => $cafile]]);
$fp = stream_socket_client($url, $errno, $errstr, 5, STREAM_CLIENT_CONNECT, $ctx);
stream_set_timeout($fp, 0, 300000);
$out = [];
foreach ([$total, 4] as $size) {
    $diags = [];
    $t = hrtime(true);
    $r = fwrite($fp, str_repeat("x", $size));
    $out[] = [$r, (hrtime(true) - $t) / 1e9, $diags, stream_get_meta_data($fp)["timed_out"]];
}
echo json_encode($out);
"""


class NeverReads:
    """Accepts (with TLS, handshakes), then never reads until the client goes."""

    def __init__(self, context: ssl.SSLContext | None) -> None:
        self.context = context
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = int(self.sock.getsockname()[1])
        self._stop = threading.Event()
        self._conns: list[socket.socket] = []
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self._conns.append(conn)
            if self.context is not None:
                threading.Thread(target=self._handshake, args=(conn,), daemon=True).start()

    def _handshake(self, conn: socket.socket) -> None:
        conn.settimeout(5)
        assert self.context is not None
        try:
            self._conns.append(self.context.wrap_socket(conn, server_side=True))  # never read
        except (OSError, ssl.SSLError):
            pass

    def close(self) -> None:
        self._stop.set()
        for conn in self._conns:
            conn.close()
        self.sock.close()


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, ssl.SSLContext]:
    folder = tmp_path_factory.mktemp("wt")
    ca = trustme.CA()
    ca.cert_pem.write_to_path(str(folder / "ca.pem"))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    return str(folder / "ca.pem"), context


def _shape(rows: list[list[Any]]) -> list[Any]:
    """What must be equal: counts and times replaced by their meaning."""
    (ret, elapsed, diags, timed_out), (ret2, _, diags2, timed_out2) = rows
    texts = [[no, re.sub(r"Send of \d+ bytes", "Send of N bytes", t)] for no, t in diags]
    named = [int(m.group(1)) for _, t in diags if (m := re.search(r"Send of (\d+) bytes", t))]
    return [
        isinstance(ret, int) and ret > 0,
        round(elapsed / TIMEOUT),  # how many timeouts the call waited
        texts,
        all(n + ret == TOTAL for n in named),
        timed_out,
        type(ret2).__name__,
        diags2,
        timed_out2,
    ]


def _ours(url: str, cafile: str) -> list[list[Any]]:
    out: list[list[Any]] = []
    fp = p.stream_socket_client(
        url,
        p.Ref(),
        p.Ref(),
        5,
        p.STREAM_CLIENT_CONNECT,
        p.stream_context_create({"ssl": {"cafile": cafile}}),
    )
    assert fp is not False
    p.stream_set_timeout(fp, 0, 300000)
    for size in (TOTAL, 4):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            started = time.monotonic()
            ret = p.fwrite(fp, b"x" * size)
            elapsed = time.monotonic() - started
        diags = [[8 if issubclass(w.category, p.PHPNotice) else 2, str(w.message)] for w in caught]
        out.append([ret, elapsed, diags, p.stream_get_meta_data(fp)["timed_out"]])
    p.fclose(fp)
    return out


@pytest.fixture
def never_reads(tls_files: tuple[str, ssl.SSLContext]) -> Iterator[dict[str, NeverReads]]:
    servers = {"tcp": NeverReads(None), "ssl": NeverReads(tls_files[1])}
    yield servers
    for server in servers.values():
        server.close()


@pytest.mark.php
@pytest.mark.usefixtures("php")
@pytest.mark.parametrize("scheme", ["tcp", "ssl"])
def test_write_timeout_like_php(
    scheme: str,
    tmp_path: Path,
    tls_files: tuple[str, ssl.SSLContext],
    never_reads: dict[str, NeverReads],
) -> None:
    cafile = tls_files[0]
    url = f"{scheme}://127.0.0.1:{never_reads[scheme].port}"
    script = tmp_path / "writer.php"
    script.write_text(PHP_WRITER)
    done = subprocess.run(
        ["php", "-n", str(script), json.dumps([url, cafile, TOTAL])],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    php = _shape(json.loads(done.stdout))
    ours = _shape(_ours(url, cafile))
    assert ours == php
    assert php[0] and php[1] == 1 and php[4]  # a partial write, one timeout, timed_out
