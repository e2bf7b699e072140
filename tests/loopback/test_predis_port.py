"""A real library's socket layer, ported line for line: Predis's StreamConnection.

``examples/port/predis_client.php`` drives real Predis (Debian's php-predis) against a
real redis-server; ``predis_client.py`` is its socket layer ported to phpstreams. Both run
against the same server (started here, on loopback, in a temporary folder) through
porting mode, which compares their output and every diagnostic.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from phpstreams.compare._porting import compare_scripts

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "examples" / "port"
PREDIS = Path("/usr/share/php/Predis/Autoloader.php")


def _missing(what: str) -> None:
    if os.environ.get("PHPSTREAMS_REQUIRE_PHP") == "1":
        pytest.fail(f"PHPSTREAMS_REQUIRE_PHP=1 but {what} is missing (.ci/run installs it)")
    pytest.skip(f"{what} is missing")


@pytest.fixture
def redis_port(tmp_path: Path) -> Iterator[int]:
    server = shutil.which("redis-server")
    if server is None:
        _missing("redis-server")
    with socket.socket() as probe:  # a free loopback port for the server
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc = subprocess.Popen(
        [server or "redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.05)
        yield port
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.mark.php
@pytest.mark.usefixtures("php")
def test_predis_stream_connection_ports_line_for_line(redis_port: int) -> None:
    if not PREDIS.is_file():
        _missing("php-predis")
    comparison = compare_scripts(
        str(FOLDER / "predis_client.php"),
        str(FOLDER / "predis_client.py"),
        args=[str(redis_port)],
        php_extensions=["sockets"],
    )
    printed = "".join(comparison.php.stdout)
    assert comparison.php.returncode == 0, comparison.php.stderr
    for line in (
        'GET => "hello\\r\\nworld"',
        "GET big => [320000,true]",
        "TCP_NODELAY => 1",
        'timed out => "Error while reading line from the server. [tcp:\\/\\/127.0.0.1:{port}]"',
        "connected => false",
        'refused => ["Connection refused [tcp:\\/\\/127.0.0.1:1]",111]',
    ):
        assert line + "\n" in printed, printed
    assert comparison.differences == [], comparison.differences
    assert comparison.identical
