"""The Python sides of every workload: ``SIDES[kind][side](port, **params)``.

Each function does the whole work of one run once and returns ``(seconds, observed)``:
the time of the measured span (``time.perf_counter()``) and what it saw, which the
driver checks against what the server sent before it keeps the time. The phpstreams
functions use only the public API (``from phpstreams import ...``, imported inside
the function so that the bare side never imports phpstreams); the bare functions do
the same work with the ``socket`` / ``ssl`` / ``select`` modules. The PHP sides are
``php/<kind>.php``, the same loops line for line.
"""

from __future__ import annotations

import gc
import os
import resource
import select
import socket
import ssl
import time
import zlib
from collections.abc import Callable
from typing import Any

from _common import make_line

Result = tuple[float, dict[str, Any]]

HOST = "127.0.0.1"


def text(data: bytes) -> str:
    return data.decode("latin-1")


# -- line reads: fgets ------------------------------------------------------------------


def phpstreams_fgets(port: int) -> Result:
    from phpstreams import fclose, fgets, stream_socket_client

    t0 = time.perf_counter()
    fp = stream_socket_client(f"tcp://{HOST}:{port}")
    if fp is False:
        raise RuntimeError("connect failed")
    n = total = 0
    last = b""
    while (line := fgets(fp)) is not False:
        n += 1
        total += len(line)
        last = line
    fclose(fp)
    t1 = time.perf_counter()
    return t1 - t0, {"lines": n, "bytes": total, "last": text(last)}


def bare_fgets(port: int) -> Result:
    t0 = time.perf_counter()
    sock = socket.create_connection((HOST, port))
    f = sock.makefile("rb")  # a C BufferedReader of 8192 bytes, PHP's chunk size
    n = total = 0
    last = b""
    while line := f.readline():
        n += 1
        total += len(line)
        last = line
    f.close()
    sock.close()
    t1 = time.perf_counter()
    return t1 - t0, {"lines": n, "bytes": total, "last": text(last)}


# -- records: stream_get_line($fp, 8192, "\r\n") ---------------------------------------


def phpstreams_get_line(port: int, length: int, ending: str) -> Result:
    from phpstreams import fclose, stream_get_line, stream_socket_client

    delim = ending.encode("latin-1")
    t0 = time.perf_counter()
    fp = stream_socket_client(f"tcp://{HOST}:{port}")
    if fp is False:
        raise RuntimeError("connect failed")
    n = total = 0
    last = b""
    while (record := stream_get_line(fp, length, delim)) is not False:
        n += 1
        total += len(record)
        last = record
    fclose(fp)
    t1 = time.perf_counter()
    return t1 - t0, {"records": n, "bytes": total, "last": text(last)}


def bare_get_line(port: int, length: int, ending: str) -> Result:
    # The plain-Python way to split a byte stream on a multi-byte delimiter: recv a
    # chunk, split what is buffered, keep the incomplete tail. (Records here are far
    # shorter than ``length``, so PHP's cut at ``length`` bytes never applies.)
    delim = ending.encode("latin-1")
    t0 = time.perf_counter()
    sock = socket.create_connection((HOST, port))
    n = total = 0
    last = tail = b""
    while data := sock.recv(8192):
        records = (tail + data).split(delim)
        tail = records.pop()
        for record in records:
            n += 1
            total += len(record)
            last = record
    if tail:  # PHP returns an unterminated last record at EOF
        n += 1
        total += len(tail)
        last = tail
    sock.close()
    t1 = time.perf_counter()
    return t1 - t0, {"records": n, "bytes": total, "last": text(last)}


# -- bulk: fread(8192), stream_get_contents --------------------------------------------


def phpstreams_fread(port: int, length: int) -> Result:
    from phpstreams import fclose, fread, stream_socket_client

    t0 = time.perf_counter()
    fp = stream_socket_client(f"tcp://{HOST}:{port}")
    if fp is False:
        raise RuntimeError("connect failed")
    total = 0
    while data := fread(fp, length):  # b"" at EOF, False on a timeout/error
        total += len(data)
    fclose(fp)
    t1 = time.perf_counter()
    return t1 - t0, {"bytes": total}


def bare_fread(port: int, length: int) -> Result:
    t0 = time.perf_counter()
    sock = socket.create_connection((HOST, port))
    total = 0
    while data := sock.recv(length):
        total += len(data)
    sock.close()
    t1 = time.perf_counter()
    return t1 - t0, {"bytes": total}


def phpstreams_get_contents(port: int) -> Result:
    from phpstreams import fclose, stream_get_contents, stream_socket_client

    t0 = time.perf_counter()
    fp = stream_socket_client(f"tcp://{HOST}:{port}")
    if fp is False:
        raise RuntimeError("connect failed")
    data = stream_get_contents(fp)
    fclose(fp)
    t1 = time.perf_counter()
    if data is False:
        raise RuntimeError("stream_get_contents returned False")
    return t1 - t0, {"bytes": len(data), "crc32": zlib.crc32(data)}


def bare_get_contents(port: int) -> Result:
    # recv(8192), PHP's chunk size (PHP reads in 8 KiB steps too), joined once at EOF
    t0 = time.perf_counter()
    sock = socket.create_connection((HOST, port))
    chunks = []
    while chunk := sock.recv(8192):
        chunks.append(chunk)
    data = b"".join(chunks)
    sock.close()
    t1 = time.perf_counter()
    return t1 - t0, {"bytes": len(data), "crc32": zlib.crc32(data)}


# -- writes: request/response, fwrite ---------------------------------------------------


def phpstreams_pingpong(port: int, count: int, length: int) -> Result:
    from phpstreams import fclose, fgets, fwrite, stream_socket_client

    messages = [make_line(i, length) for i in range(count)]
    t0 = time.perf_counter()
    fp = stream_socket_client(f"tcp://{HOST}:{port}")
    if fp is False:
        raise RuntimeError("connect failed")
    ok = total = 0
    for msg in messages:
        fwrite(fp, msg)
        reply = fgets(fp)
        if reply != msg:
            break
        ok += 1
        total += len(reply)
    fclose(fp)
    t1 = time.perf_counter()
    return t1 - t0, {"round_trips": ok, "bytes": total}


def bare_pingpong(port: int, count: int, length: int) -> Result:
    messages = [make_line(i, length) for i in range(count)]
    t0 = time.perf_counter()
    sock = socket.create_connection((HOST, port))
    f = sock.makefile("rb")
    ok = total = 0
    for msg in messages:
        sock.sendall(msg)
        reply = f.readline()
        if reply != msg:
            break
        ok += 1
        total += len(reply)
    f.close()
    sock.close()
    t1 = time.perf_counter()
    return t1 - t0, {"round_trips": ok, "bytes": total}


def phpstreams_fwrite(port: int, count: int, size: int) -> Result:
    from phpstreams import fclose, fwrite, stream_socket_client

    msg = b"m" * (size - 1) + b"\n"
    t0 = time.perf_counter()
    fp = stream_socket_client(f"tcp://{HOST}:{port}")
    if fp is False:
        raise RuntimeError("connect failed")
    n = total = 0
    for _ in range(count):
        written = fwrite(fp, msg)
        if written is False:
            break
        n += 1
        total += written
    fclose(fp)
    t1 = time.perf_counter()
    return t1 - t0, {"messages": n, "bytes": total}


def bare_fwrite(port: int, count: int, size: int) -> Result:
    msg = b"m" * (size - 1) + b"\n"
    t0 = time.perf_counter()
    sock = socket.create_connection((HOST, port))
    n = total = 0
    for _ in range(count):
        sock.sendall(msg)  # one send() per message, as PHP's unbuffered socket write
        n += 1
        total += len(msg)
    sock.close()
    t1 = time.perf_counter()
    return t1 - t0, {"messages": n, "bytes": total}


# -- connections: connect+close, TLS handshakes -----------------------------------------


def phpstreams_connect(port: int, count: int) -> Result:
    from phpstreams import fclose, stream_socket_client

    address = f"tcp://{HOST}:{port}"
    ok = 0
    t0 = time.perf_counter()
    for _ in range(count):
        fp = stream_socket_client(address)
        if fp is False:
            break
        fclose(fp)
        ok += 1
    t1 = time.perf_counter()
    return t1 - t0, {"connects": ok}


def bare_connect(port: int, count: int) -> Result:
    address = (HOST, port)
    ok = 0
    t0 = time.perf_counter()
    for _ in range(count):
        try:
            sock = socket.create_connection(address)
        except OSError:
            break
        sock.close()
        ok += 1
    t1 = time.perf_counter()
    return t1 - t0, {"connects": ok}


def phpstreams_tls_handshake(port: int, count: int, cafile: str) -> Result:
    from phpstreams import (
        STREAM_CLIENT_CONNECT,
        fclose,
        stream_context_create,
        stream_socket_client,
    )

    address = f"ssl://{HOST}:{port}"
    ctx = stream_context_create({"ssl": {"cafile": cafile}})  # verify_peer: PHP's default
    ok = 0
    t0 = time.perf_counter()
    for _ in range(count):
        fp = stream_socket_client(address, None, None, 30, STREAM_CLIENT_CONNECT, ctx)
        if fp is False:
            break
        fclose(fp)
        ok += 1
    t1 = time.perf_counter()
    return t1 - t0, {"handshakes": ok}


def bare_tls_handshake(port: int, count: int, cafile: str) -> Result:
    context = ssl.create_default_context(cafile=cafile)  # verifies the chain and the IP
    ok = 0
    t0 = time.perf_counter()
    for _ in range(count):
        try:
            raw = socket.create_connection((HOST, port), timeout=30)
            sock = context.wrap_socket(raw, server_hostname=HOST)
        except OSError:
            break
        sock.close()
        ok += 1
    t1 = time.perf_counter()
    return t1 - t0, {"handshakes": ok}


def phpstreams_tls_fread(port: int, length: int, cafile: str) -> Result:
    from phpstreams import (
        STREAM_CLIENT_CONNECT,
        fclose,
        fread,
        stream_context_create,
        stream_socket_client,
    )

    ctx = stream_context_create({"ssl": {"cafile": cafile}})
    t0 = time.perf_counter()
    fp = stream_socket_client(f"ssl://{HOST}:{port}", None, None, 30, STREAM_CLIENT_CONNECT, ctx)
    if fp is False:
        raise RuntimeError("TLS connect failed")
    total = 0
    while data := fread(fp, length):
        total += len(data)
    fclose(fp)
    t1 = time.perf_counter()
    return t1 - t0, {"bytes": total}


def bare_tls_fread(port: int, length: int, cafile: str) -> Result:
    context = ssl.create_default_context(cafile=cafile)
    t0 = time.perf_counter()
    raw = socket.create_connection((HOST, port))
    sock = context.wrap_socket(raw, server_hostname=HOST)
    total = 0
    while data := sock.recv(length):
        total += len(data)
    sock.close()
    t1 = time.perf_counter()
    return t1 - t0, {"bytes": total}


# -- stream_select over N idle sockets + 1 active ---------------------------------------


def phpstreams_select(port: int, idle: int, calls: int) -> Result:
    from phpstreams import fclose, fwrite, stream_select, stream_socket_client

    address = f"tcp://{HOST}:{port}"
    streams = []
    for _ in range(idle + 1):
        fp = stream_socket_client(address)
        if fp is False:
            raise RuntimeError("connect failed")
        streams.append(fp)
    active = streams[-1]
    fwrite(active, b"!")  # the server answers one byte, never read: always readable
    r = [active]
    if stream_select(r, None, None, 10) != 1:
        raise RuntimeError("the active stream did not become readable")
    ok = 0
    t0 = time.perf_counter()
    for _ in range(calls):
        r = list(streams)
        if stream_select(r, None, None, 0) == 1 and r[0] is active:
            ok += 1
    t1 = time.perf_counter()
    for fp in streams:
        fclose(fp)
    return t1 - t0, {"calls": calls, "ready": ok, "sockets": len(streams)}


def bare_select(port: int, idle: int, calls: int) -> Result:
    socks = [socket.create_connection((HOST, port)) for _ in range(idle + 1)]
    active = socks[-1]
    active.sendall(b"!")
    poller = select.poll()  # registered once, as a plain Python loop would
    for sock in socks:
        poller.register(sock.fileno(), select.POLLIN)
    fd = active.fileno()
    if not any(f == fd for f, _ in poller.poll(10_000)):
        raise RuntimeError("the active socket did not become readable")
    ok = 0
    t0 = time.perf_counter()
    for _ in range(calls):
        events = poller.poll(0)
        if len(events) == 1 and events[0][0] == fd:
            ok += 1
    t1 = time.perf_counter()
    for sock in socks:
        sock.close()
    return t1 - t0, {"calls": calls, "ready": ok, "sockets": len(socks)}


# -- memory per open stream -------------------------------------------------------------


def vm_rss() -> int:
    """This process's resident set size in bytes (/proc/self/status VmRSS)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def raise_nofile() -> tuple[int, int]:
    """Raise the soft RLIMIT_NOFILE to the hard limit; return the (soft, hard) in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            soft = hard
        except (ValueError, OSError):
            pass
    return soft, hard


def _memory(open_one: Callable[[], Any], close_one: Callable[[Any], object], count: int) -> Result:
    for _ in range(10):  # warm-up: lazy imports, first-call caches
        close_one(open_one())
    held: list[Any] = [None] * count
    gc.collect()
    before = vm_rss()
    t0 = time.perf_counter()
    opened = 0
    for i in range(count):
        held[i] = open_one()
        opened += 1
    t1 = time.perf_counter()
    gc.collect()
    after = vm_rss()
    fds = len(os.listdir("/proc/self/fd"))
    for item in held:
        close_one(item)
    return t1 - t0, {
        "streams": opened,
        "rss_before": before,
        "rss_after": after,
        "bytes_per_stream": (after - before) / count,
        "open_fds": fds,
    }


def phpstreams_memory(port: int, count: int) -> Result:
    from phpstreams import fclose, stream_socket_client

    address = f"tcp://{HOST}:{port}"

    def open_one() -> Any:
        fp = stream_socket_client(address)
        if fp is False:
            raise RuntimeError("connect failed")
        return fp

    return _memory(open_one, fclose, count)


def bare_memory(port: int, count: int) -> Result:
    return _memory(lambda: socket.create_connection((HOST, port)), socket.socket.close, count)


def phpstreams_memory_buffered(port: int, count: int) -> Result:
    return phpstreams_memory(port, count)  # the same streams: their buffer comes with a read


def bare_memory_buffered(port: int, count: int) -> Result:
    def open_one() -> tuple[socket.socket, Any]:
        sock = socket.create_connection((HOST, port))
        return sock, sock.makefile("rb")  # a BufferedReader: its 8 KiB are allocated now

    def close_one(pair: tuple[socket.socket, Any]) -> None:
        pair[1].close()
        pair[0].close()

    return _memory(open_one, close_one, count)


SIDES: dict[str, dict[str, Callable[..., Result]]] = {
    kind: {
        "phpstreams": globals()[f"phpstreams_{kind}"],
        "bare": globals()[f"bare_{kind}"],
    }
    for kind in (
        "fgets",
        "get_line",
        "fread",
        "get_contents",
        "pingpong",
        "fwrite",
        "connect",
        "tls_handshake",
        "tls_fread",
        "select",
        "memory",
        "memory_buffered",
    )
}
