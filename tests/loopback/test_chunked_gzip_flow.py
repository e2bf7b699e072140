"""Issue 10's end-to-end flow, ported and compared with PHP: an HTTP/1.1 response,
chunked and gzipped, from a real HTTP server (http.server, on loopback) read through
``dechunk`` + ``zlib.inflate`` into ``php://temp`` (past its maxmemory: spilled to a
file), then ``stream_copy_to_stream`` to a file. ``examples/port/chunked_gzip.php``
and its line-for-line port ``chunked_gzip.py`` run against the same server; porting
mode compares what each printed and every diagnostic, and the file each wrote holds
exactly the body the server compressed.
"""

from __future__ import annotations

import gzip
import hashlib
import http.server
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from phpstreams.compare._porting import compare_scripts

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "examples" / "port"
BODY = b"".join(
    b"%05d 2026-12-03T14:%02d:%02d GET index.html 200 %d bytes ok\n" % (n, n % 60, n * 7 % 60, n * 37)
    for n in range(4000)
)


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        compressed = gzip.compress(BODY, mtime=0)
        chunks, at, size = [], 0, 1
        while at < len(compressed):  # chunks of growing, uneven sizes
            chunks.append(compressed[at : at + size])
            at += len(chunks[-1])
            size = size * 3 + 7 if size < 3000 else 1000 + at % 4096
        framed = [b"%x\r\n%s\r\n" % (len(chunk), chunk) for chunk in chunks] + [b"0\r\n\r\n"]
        head = (
            b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Encoding: gzip\r\n"
            b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        )
        # the headers and the first chunks in one write: they arrive together, so the
        # client's header reads leave body bytes buffered under the filters it appends
        self.wfile.write(head + b"".join(framed[:4]))
        for n, frame in enumerate(framed[4:]):
            if n % 3 == 0:
                time.sleep(0.01)  # the rest in separate segments
            self.wfile.write(frame)

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass


@pytest.fixture
def http_port() -> Iterator[int]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.php
@pytest.mark.usefixtures("php")
def test_chunked_gzip_response_through_filters_temp_and_file(
    http_port: int, tmp_path: Path
) -> None:
    comparison = compare_scripts(
        str(FOLDER / "chunked_gzip.php"),
        str(FOLDER / "chunked_gzip.py"),
        args=[str(http_port), str(tmp_path)],
    )
    printed = "".join(comparison.php.stdout)
    assert comparison.php.returncode == 0, comparison.php.stderr
    assert comparison.differences == [], comparison.differences
    assert comparison.identical
    md5 = hashlib.md5(BODY).hexdigest()
    for line in (
        "status: HTTP/1.1 200 OK",
        "transfer-encoding: chunked, content-encoding: gzip",
        "buffered after the headers: yes",
        "filters: stream filter, stream filter",
        f"copied to php://temp: {len(BODY)} bytes, ftell: {len(BODY)}, feof(socket): true",
        f"written to the file: {len(BODY)} bytes, read back: {len(BODY)} bytes, md5 {md5}",
        "lines: 4000",
    ):
        assert line + "\n" in printed, printed
    assert (tmp_path / "body.txt").read_bytes() == BODY  # the last script's file
    assert len(BODY) > 65536  # php://temp spilled to a file on both sides
