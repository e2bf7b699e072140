"""Faults on TLS and plain streams: what PHP 8.2 says when the peer resets, closes
without close_notify or sends garbage, and what phpstreams says -- the same.

The peers are the comparison engine's fault peers (``phpstreams/compare/peers/
_faults.py``); most wait for the client's ``go`` line, then misbehave. The texts
asserted here are real PHP's (``php -n``, OpenSSL 3, against the same peers; the
``faults`` catalogue runs them side by side: ``python -m phpstreams compare
'faults/*'``). The last tests run real PHP themselves, for the blocked-write resets
whose byte count varies from run to run (TCP's buffer autotuning), so only the
shape of PHP's answer can be compared.
"""

from __future__ import annotations

import re
import subprocess
import textwrap
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any

import pytest

from phpstreams import (
    STREAM_CLIENT_CONNECT,
    fclose,
    feof,
    fgets,
    fread,
    fwrite,
    stream_context_create,
    stream_get_meta_data,
    stream_set_blocking,
    stream_socket_client,
)
from phpstreams.compare._peers import Peer, start_peer

Diagnostics = list[tuple[str, str]]
Capture = Callable[[], AbstractContextManager[Diagnostics]]
RECORD = 16384  # a TLS record's most plaintext: PHP's SSL_write writes one at a time
RESET = "fwrite(): SSL: Connection reset by peer"
BROKEN = "fwrite(): SSL: Broken pipe"


@pytest.fixture
def fault_peer() -> Iterator[Callable[[str], Peer]]:
    started: list[Peer] = []

    def start(kind: str) -> Peer:
        peer = start_peer(kind)
        started.append(peer)
        return peer

    yield start
    for peer in started:
        peer.stop()


def tls_client(peer: Peer) -> Any:
    """ssl:// to the peer (its test CA), greeting read."""
    ctx = stream_context_create({"ssl": {"cafile": peer.files["cafile"]}})  # type: ignore[attr-defined]
    fp = stream_socket_client(
        f"ssl://127.0.0.1:{peer.port}", None, None, 5, STREAM_CLIENT_CONNECT, ctx
    )
    assert fp is not False
    assert fgets(fp) == b"hello over tls\n"
    return fp


def go(fp: Any) -> None:
    """The peer's trigger; then the time for its fault to arrive."""
    assert fwrite(fp, "go\n") == 3
    time.sleep(0.2)


def texts(diags: Diagnostics) -> list[str]:
    return [text for _, text in diags]


# -- a reset under TLS: the write path finds it (PHPMailer's log) -------------------


def test_tls_reset_then_two_fwrites(
    fault_peer: Callable[[str], Peer], php_diagnostics: Capture
) -> None:
    fp = tls_client(fault_peer("fault_tls_reset"))
    go(fp)
    with php_diagnostics() as first:
        assert fwrite(fp, "one\n") == 0
    with php_diagnostics() as second:
        assert fwrite(fp, "two\n") == 0
    assert texts(first) == [RESET]
    assert texts(second) == [BROKEN]
    meta = stream_get_meta_data(fp)
    assert (meta["eof"], meta["timed_out"]) == (False, False)  # writes never set eof
    with php_diagnostics() as probe:
        assert feof(fp) is True
    assert probe == []
    fclose(fp)


def test_tls_reset_read_first_then_fwrites(
    fault_peer: Callable[[str], Peer], php_diagnostics: Capture
) -> None:
    fp = tls_client(fault_peer("fault_tls_reset"))
    go(fp)
    with php_diagnostics() as read:
        assert fread(fp, 100) == b""
    with php_diagnostics() as writes:
        assert fwrite(fp, "one\n") == 0
        assert fwrite(fp, "two\n") == 0
    assert texts(read) == ["fread(): SSL: Connection reset by peer"]
    assert texts(writes) == [BROKEN, BROKEN]  # the read took the reset: EPIPE from then on
    assert stream_get_meta_data(fp)["eof"] is True


def test_tls_reset_feof_first_then_fwrites(
    fault_peer: Callable[[str], Peer], php_diagnostics: Capture
) -> None:
    fp = tls_client(fault_peer("fault_tls_reset"))
    go(fp)
    with php_diagnostics() as diags:
        assert feof(fp) is True  # the liveness probe takes the reset, silently
        assert fwrite(fp, "one\n") == 0
        assert fwrite(fp, "two\n") == 0
    assert texts(diags) == [BROKEN, BROKEN]


def test_tls_reset_mid_record(fault_peer: Callable[[str], Peer], php_diagnostics: Capture) -> None:
    fp = tls_client(fault_peer("fault_tls_reset_midrecord"))
    assert fwrite(fp, "go\n") == 3
    with php_diagnostics() as diags:
        assert fgets(fp) is False
        assert fwrite(fp, "after\n") == 0
    assert texts(diags) == ["fgets(): SSL: Connection reset by peer", BROKEN]
    assert stream_get_meta_data(fp)["eof"] is True


# -- TLS ended without close_notify ---------------------------------------------------


def test_tls_fin_without_close_notify_peer_gone(
    fault_peer: Callable[[str], Peer], php_diagnostics: Capture
) -> None:
    """The first write reaches the closed peer (which answers with a reset, in
    CLOSE_WAIT: EPIPE); the second fails: 'SSL: Broken pipe'."""
    fp = tls_client(fault_peer("fault_tls_dropclose"))
    go(fp)
    with php_diagnostics() as diags:
        assert fwrite(fp, "one\n") == 4
        time.sleep(0.2)
        assert fwrite(fp, "two\n") == 0
    assert texts(diags) == [BROKEN]
    assert feof(fp) is True


def test_tls_fin_read_first_then_writes_are_silent(
    fault_peer: Callable[[str], Peer], php_diagnostics: Capture
) -> None:
    """Once the EOF was read (SSL_OP_IGNORE_UNEXPECTED_EOF: a close), a failed
    write is SSL_ERROR_ZERO_RETURN: 0 without a warning."""
    fp = tls_client(fault_peer("fault_tls_dropclose"))
    go(fp)
    with php_diagnostics() as diags:
        assert fread(fp, 100) == b""
        assert fwrite(fp, "one\n") == 4
        time.sleep(0.2)
        assert fwrite(fp, "two\n") == 0
    assert diags == []
    meta = stream_get_meta_data(fp)
    assert (meta["eof"], meta["crypto"]["protocol"]) == (True, "TLSv1.3")


def test_tls_fin_peer_still_reading(
    fault_peer: Callable[[str], Peer], php_diagnostics: Capture
) -> None:
    fp = tls_client(fault_peer("fault_tls_drop"))
    go(fp)
    with php_diagnostics() as diags:
        assert fread(fp, 100) == b""
        assert feof(fp) is True
        assert fwrite(fp, "after eof\n") == 10
        assert fwrite(fp, "again\n") == 6
    assert diags == []


# -- garbage instead of TLS records -----------------------------------------------------


def test_tls_garbage_then_io_says_success(
    fault_peer: Callable[[str], Peer], php_diagnostics: Capture
) -> None:
    """After the protocol error OpenSSL fails every call without a system call:
    PHP's errno is the 0 it set, so each fread/fwrite warns 'SSL: Success'; the
    crypto meta data keeps the protocol (Python's version() says None then)."""
    fp = tls_client(fault_peer("fault_tls_garbage"))
    go(fp)
    with php_diagnostics() as diags:
        assert fgets(fp) is False
        assert fgets(fp) is False  # eof: fgets does not read
        assert fread(fp, 10) == b""
        assert feof(fp) is True
        assert fwrite(fp, "after\n") == 0
    assert texts(diags) == [
        "fgets(): SSL operation failed with code 1. OpenSSL Error messages:\n"
        "error:0A00010B:SSL routines::wrong version number",
        "fread(): SSL: Success",
        "fwrite(): SSL: Success",
    ]
    assert stream_get_meta_data(fp)["crypto"]["protocol"] == "TLSv1.3"


# -- big writes: one record at a time, as PHP's SSL_MODE_ENABLE_PARTIAL_WRITE ---------


def test_tls_nonblocking_big_write_counts_what_went_out(fault_peer: Callable[[str], Peer]) -> None:
    """The peer stops reading: a non-blocking 8 MiB fwrite writes what the socket
    takes and says how much (whole records); before, Python's SSL_write kept its
    progress to itself and fwrite said 0."""
    fp = tls_client(fault_peer("fault_tls_reset_midwrite"))
    assert fwrite(fp, "go\n") == 3
    stream_set_blocking(fp, False)
    written = fwrite(fp, "x" * (8 << 20))
    assert isinstance(written, int)
    assert 0 < written < 8 << 20
    assert written % RECORD == 0


def _php_writer(script: str, *args: str) -> list[str]:
    done = subprocess.run(
        ["php", "-n", "-r", textwrap.dedent(script), "--", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


_PHP_TLS_BLOCKED_WRITE = """
    set_error_handler(function ($no, $text) { echo "W:$text\\n"; return true; });
    $ctx = stream_context_create(['ssl' => ['cafile' => $argv[2]]]);
    $fp = stream_socket_client("ssl://127.0.0.1:$argv[1]", $e, $s, 5, STREAM_CLIENT_CONNECT, $ctx);
    fgets($fp);
    fwrite($fp, "go\\n");
    echo fwrite($fp, str_repeat('x', 8 << 20)), "\\n";
    echo fwrite($fp, 'more'), "\\n";
"""


@pytest.mark.php
@pytest.mark.usefixtures("php")
def test_tls_reset_while_fwrite_blocked_as_php(
    fault_peer: Callable[[str], Peer], php_diagnostics: Capture
) -> None:
    """The peer stops reading and resets while an 8 MiB fwrite is blocked: PHP
    returns the whole records written (a count that varies from run to run) with
    'SSL: Connection reset by peer'; the next fwrite fails on OpenSSL's pending
    record ('bad length'). phpstreams: the same shape, the same texts."""
    peer = fault_peer("fault_tls_reset_midwrite")
    php_lines = _php_writer(_PHP_TLS_BLOCKED_WRITE, str(peer.port), peer.files["cafile"])  # type: ignore[attr-defined]
    bad_length = (
        "fwrite(): SSL operation failed with code 1. OpenSSL Error messages:\n"
        "error:0A00010F:SSL routines::bad length"
    )
    assert php_lines[0] == f"W:{RESET}"
    php_count = int(php_lines[1])
    assert 0 < php_count < 8 << 20 and php_count % RECORD == 0
    assert "\n".join(php_lines[2:]) == f"W:{bad_length}\n0"

    peer = fault_peer("fault_tls_reset_midwrite")
    fp = tls_client(peer)
    assert fwrite(fp, "go\n") == 3
    with php_diagnostics() as diags:
        count = fwrite(fp, "x" * (8 << 20))
    assert texts(diags) == [RESET]
    assert isinstance(count, int) and 0 < count < 8 << 20 and count % RECORD == 0
    with php_diagnostics() as diags:
        assert fwrite(fp, "more") == 0
    assert texts(diags) == [bad_length]


_PHP_PLAIN_BLOCKED_WRITE = """
    set_error_handler(function ($no, $text) { echo "W:$text\\n"; return true; });
    $fp = stream_socket_client("tcp://127.0.0.1:$argv[1]", $e, $s, 5);
    fwrite($fp, "go\\n");
    var_export(fwrite($fp, str_repeat('x', 8 << 20))); echo "\\n";
    var_export(fwrite($fp, 'more')); echo "\\n";
"""


@pytest.mark.php
@pytest.mark.usefixtures("php")
def test_plain_reset_while_fwrite_blocked_as_php(
    fault_peer: Callable[[str], Peer], php_diagnostics: Capture
) -> None:
    """The same over plain TCP: the count written, the errno=104 notice naming the
    rest; then errno=32 and false."""
    big = 8 << 20
    php_lines = _php_writer(_PHP_PLAIN_BLOCKED_WRITE, str(fault_peer("fault_reset_midwrite").port))
    match = re.fullmatch(
        r"W:fwrite\(\): Send of (\d+) bytes failed with errno=104 Connection reset by peer",
        php_lines[0],
    )
    assert match is not None, php_lines
    assert int(match.group(1)) + int(php_lines[1]) == big
    assert php_lines[2:] == [
        "W:fwrite(): Send of 4 bytes failed with errno=32 Broken pipe",
        "false",
    ]

    fp = stream_socket_client(
        f"tcp://127.0.0.1:{fault_peer('fault_reset_midwrite').port}", None, None, 5
    )
    assert fp is not False
    assert fwrite(fp, "go\n") == 3
    with php_diagnostics() as diags:
        count = fwrite(fp, "x" * big)
        assert fwrite(fp, "more") is False
    assert isinstance(count, int) and 0 < count < big
    assert texts(diags) == [
        f"fwrite(): Send of {big - count} bytes failed with errno=104 Connection reset by peer",
        "fwrite(): Send of 4 bytes failed with errno=32 Broken pipe",
    ]
