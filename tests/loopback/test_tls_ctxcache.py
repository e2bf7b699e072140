"""The client SSLContext cache (phpstreams/tls/ctxcache.py) against real peers.

A reused context must be unobservable: each sequence of connects and file
changes runs in phpstreams and, for the ones marked php, in real ``php -n``
against the same loopback server, and both give the same results and warnings.
Whether a context was reused is read from the cache's counters, never timed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import ssl
import subprocess
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import trustme

from phpstreams import STREAM_CLIENT_CONNECT, fclose, stream_context_create, stream_socket_client
from phpstreams.tls import ctxcache
from phpstreams.tls import options as tls_options
from phpstreams.tls.ctxcache import CACHE, KEYED_OPTIONS

Step = list[Any]  # ["connect", {ssl options}] | ["copy", source, target] | ["remove", path]


class Server:
    """A Python TLS server in a thread: greets, then waits for the client to close;
    ``resumed`` records, per connection, whether its session was resumed."""

    def __init__(self, certfile: str) -> None:
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(certfile)
        self.resumed: list[bool] = []
        self._seen = threading.Condition()
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            conn.settimeout(5)
            try:
                with self.context.wrap_socket(conn, server_side=True) as tls:
                    with self._seen:
                        self.resumed.append(tls.session_reused)
                        self._seen.notify_all()
                    tls.sendall(b"hello\n")
                    tls.recv(100)
            except (OSError, ssl.SSLError):
                conn.close()

    def handshakes(self, count: int) -> list[bool]:
        """``resumed`` once the server has seen ``count`` handshakes (at most 5 s)."""
        with self._seen:
            self._seen.wait_for(lambda: len(self.resumed) >= count, 5)
            return list(self.resumed)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close()


class Files:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.ca = trustme.CA()
        self.other_ca = trustme.CA()
        self.ca_pem = str(folder / "ca.pem")
        self.other_pem = str(folder / "other.pem")
        self.ca.cert_pem.write_to_path(self.ca_pem)
        self.other_ca.cert_pem.write_to_path(self.other_pem)
        self.server_pem = str(folder / "server.pem")
        self.ca.issue_cert("127.0.0.1").private_key_and_cert_chain_pem.write_to_path(
            self.server_pem
        )


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Files:
    return Files(tmp_path_factory.mktemp("ctxcache"))


@pytest.fixture
def server(files: Files) -> Iterator[Server]:
    made = Server(files.server_pem)
    yield made
    made.close()


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    CACHE.clear()
    yield
    CACHE.clear()


def run_phpstreams(port: int, steps: list[Step]) -> list[Any]:
    out: list[Any] = []
    for step in steps:
        if step[0] == "copy":
            with open(step[1], "rb") as source, open(step[2], "r+b") as target:
                data = source.read()
                target.seek(0)
                target.write(data)  # in place: the same inode
                target.truncate()
            continue
        if step[0] == "add":
            shutil.copyfile(step[1], step[2])
            continue
        ctx = stream_context_create({"ssl": step[1]})
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fp = stream_socket_client(
                f"ssl://127.0.0.1:{port}", None, None, 5, STREAM_CLIENT_CONNECT, ctx
            )
        if fp is not False:
            fclose(fp)
        out.append([fp is not False, [str(item.message) for item in caught]])
    return out


PHP_SCRIPT = r"""
$steps = json_decode($argv[1], true);
$port = (int) $argv[2];
$out = [];
foreach ($steps as $step) {
    if ($step[0] === 'copy') {
        $h = fopen($step[2], 'r+');
        fwrite($h, file_get_contents($step[1]));
        ftruncate($h, filesize($step[1]));
        fclose($h);
        clearstatcache();
        continue;
    }
    if ($step[0] === 'add') {
        copy($step[1], $step[2]);
        continue;
    }
    $seen = [];
    set_error_handler(function ($no, $str) use (&$seen) { $seen[] = $str; return true; });
    $ctx = stream_context_create(['ssl' => $step[1]]);
    $fp = stream_socket_client("ssl://127.0.0.1:$port", $errno, $errstr, 5,
        STREAM_CLIENT_CONNECT, $ctx);
    restore_error_handler();
    if ($fp !== false) {
        fclose($fp);
    }
    $out[] = [$fp !== false, $seen];
}
echo json_encode($out);
"""


def run_php(port: int, steps: list[Step]) -> list[Any]:
    done = subprocess.run(
        ["php", "-n", "-r", PHP_SCRIPT, json.dumps(steps), str(port)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    result: list[Any] = json.loads(done.stdout)
    return result


def test_same_options_reuse_the_context_and_resume_nothing(files: Files, server: Server) -> None:
    steps: list[Step] = [["connect", {"cafile": files.ca_pem}]] * 3
    assert run_phpstreams(server.port, steps) == [[True, []]] * 3
    assert (CACHE.stored, CACHE.hits, len(CACHE)) == (1, 2, 1)
    # a shared client context resumes nothing (PHP's fresh SSL_CTX cannot)
    assert server.handshakes(3) == [False, False, False]


def test_key_holds_exact_types(files: Files, server: Server) -> None:
    steps: list[Step] = [
        ["connect", {"cafile": files.ca_pem, "verify_peer": value}] for value in (True, 1, "1", 1.0)
    ]
    assert run_phpstreams(server.port, steps + steps) == [[True, []]] * 8
    assert (CACHE.stored, CACHE.hits) == (4, 4)


def test_array_option_is_never_cached(files: Files, server: Server) -> None:
    steps: list[Step] = [["connect", {"cafile": files.ca_pem, "verify_peer": [1]}]] * 2
    assert run_phpstreams(server.port, steps) == [[True, []]] * 2
    assert (CACHE.stored, CACHE.hits, len(CACHE)) == (0, 0, 0)


def test_lru_is_bounded(files: Files, server: Server) -> None:
    steps: list[Step] = [
        ["connect", {"cafile": files.ca_pem, "verify_depth": depth}] for depth in range(5, 45)
    ]
    run_phpstreams(server.port, steps)
    assert len(CACHE) == ctxcache.CACHE_SIZE
    assert CACHE.stored == 40


def _cafile_rewrite_steps(files: Files, cafile: str) -> list[Step]:
    options = {"cafile": cafile}
    return [
        ["connect", options],
        ["copy", files.other_pem, cafile],  # the same file now holds another CA
        ["connect", options],
        ["copy", files.ca_pem, cafile],
        ["connect", options],
    ]


def test_cafile_rewritten_between_connects(files: Files, server: Server, tmp_path: Path) -> None:
    cafile = str(tmp_path / "ca.pem")
    shutil.copyfile(files.ca_pem, cafile)
    result = run_phpstreams(server.port, _cafile_rewrite_steps(files, cafile))
    assert [ok for ok, _ in result] == [True, False, True]
    assert "certificate verify failed" in result[1][1][0]
    assert CACHE.hits == 0


def _capath_steps(files: Files, capath: str) -> list[Step]:
    hashed = subprocess.run(
        ["openssl", "x509", "-hash", "-noout", "-in", files.ca_pem],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    options = {"capath": capath}
    return [
        ["connect", options],
        ["connect", options],
        ["add", files.ca_pem, os.path.join(capath, f"{hashed}.0")],
        ["connect", options],
        ["connect", options],
    ]


needs_openssl = pytest.mark.skipif(shutil.which("openssl") is None, reason="no openssl CLI")


@needs_openssl
def test_capath_gaining_a_cert(files: Files, server: Server, tmp_path: Path) -> None:
    capath = tmp_path / "capath"
    capath.mkdir()
    result = run_phpstreams(server.port, _capath_steps(files, str(capath)))
    assert [ok for ok, _ in result] == [False, False, True, True]
    assert CACHE.hits == 2  # the second connect of each pair


def _security_level_steps(files: Files) -> list[Step]:
    return [["connect", {"cafile": files.ca_pem, "security_level": 9}]] * 2


def test_a_build_that_warns_is_not_cached(files: Files, server: Server) -> None:
    result = run_phpstreams(server.port, _security_level_steps(files))
    assert result[0] == result[1]
    assert "stream_socket_client(): Security level must be between 0 and 5" in result[0][1]
    assert (CACHE.stored, CACHE.hits) == (0, 0)


def test_missing_cafile_warns_every_time(files: Files, server: Server, tmp_path: Path) -> None:
    steps: list[Step] = [["connect", {"cafile": str(tmp_path / "nope.pem")}]] * 2
    result = run_phpstreams(server.port, steps)
    assert result[0] == result[1] and result[0][0] is False
    assert (CACHE.stored, CACHE.hits) == (0, 0)


@pytest.mark.php
@pytest.mark.usefixtures("php")
@pytest.mark.parametrize(
    "name", ["reuse", "cafile-rewrite", "capath-gaining", "array-option", "security-level-9"]
)
def test_same_as_php(files: Files, server: Server, tmp_path: Path, name: str) -> None:
    if name == "capath-gaining" and shutil.which("openssl") is None:
        pytest.skip("no openssl CLI")
    cafile = str(tmp_path / "ca.pem")
    shutil.copyfile(files.ca_pem, cafile)
    capath = tmp_path / "capath"
    capath.mkdir()
    steps: list[Step] = {
        "reuse": lambda: [["connect", {"cafile": cafile}]] * 3,
        "cafile-rewrite": lambda: _cafile_rewrite_steps(files, cafile),
        "capath-gaining": lambda: _capath_steps(files, str(capath)),
        "array-option": lambda: [["connect", {"cafile": cafile, "verify_peer": [1]}]] * 2,
        "security-level-9": lambda: _security_level_steps(files),
    }[name]()
    php_result = run_php(server.port, steps)
    # what real PHP did: the comparison below is not between two empty runs
    assert [ok for ok, _ in php_result] == {
        "reuse": [True] * 3,
        "cafile-rewrite": [True, False, True],
        "capath-gaining": [False, False, True, True],
        "array-option": [True, True],
        "security-level-9": [False, False],
    }[name]
    # the same files again for phpstreams
    shutil.copyfile(files.ca_pem, cafile)
    shutil.rmtree(capath)
    capath.mkdir()
    assert run_phpstreams(server.port, steps) == php_result


def test_every_option_the_client_build_reads_is_keyed() -> None:
    """A new option read in options.py must join KEYED_OPTIONS (servers aside)."""
    source = Path(tls_options.__file__).read_text() + Path(ctxcache.__file__).read_text()
    read = set(re.findall(r'options(?:\.get\(|\[)"(\w+)"', source))
    read |= set(re.findall(r'"(\w+)" (?:not )?in options', source))
    server_only = {"rsa_key_size", "honor_cipher_order", "SNI_enabled", "SNI_server_certs"}
    assert read - server_only <= set(KEYED_OPTIONS), read - server_only - set(KEYED_OPTIONS)
    assert {"cafile", "capath", "verify_peer", "local_cert"} <= read
