"""A server written with phpstreams, under load: the way a PHP event loop is written
(stream_socket_server, stream_select over every connection, non-blocking
stream_socket_accept / fread / fwrite), serving many concurrent loopback clients.

The clients run in another process (an asyncio script, ``CLIENT``): all of them
connect first and wait until every one is accepted (the server greets each
one), so the server really holds them all at once; then each sends its messages (numbered lines, pipelined in
batches) and reads the echoes, checking that every byte comes back, in order.
The server counts what it echoed and the most connections it held at once.

FD_SETSIZE: PHP's stream_select is select(2) and refuses any descriptor >= 1024
("You MUST recompile PHP with a larger value of FD_SETSIZE", false), so a PHP
server holds about 1,000 connections at most; phpstreams' stream_select refuses
them as PHP does (tests/parity/test_fd_setsize.py compares both), so the server
runs in a fresh process whose descriptors start low, as a PHP process's do.
Default: 1,000 clients x 200 messages; ``pytest --long``: 1,000 x 2,000.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time

import pytest

CLIENT = r"""
import asyncio, json, sys

HOST, PORT, CLIENTS, MESSAGES, BATCH = "127.0.0.1", int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), 20


def message(client, seq):
    return f"{client}:{seq}:{'x' * (seq % 61)}\n".encode()


async def run_client(client, connected, go):
    reader, writer = await asyncio.open_connection(HOST, PORT)
    if await reader.readline() != b"hello\n":  # the server accepted this one
        return {"client": client, "error": "no greeting"}
    connected.append(client)
    await go.wait()
    sent = bytearray()
    got = bytearray()
    for start in range(0, MESSAGES, BATCH):
        chunk = b"".join(message(client, seq) for seq in range(start, min(MESSAGES, start + BATCH)))
        writer.write(chunk)
        await writer.drain()
        sent += chunk
        while len(got) < len(sent):
            data = await reader.read(65536)
            if not data:
                return {"client": client, "error": f"EOF after {len(got)} of {len(sent)} bytes"}
            got += data
    writer.close()
    await writer.wait_closed()
    if got != sent:
        at = next(i for i, (a, b) in enumerate(zip(got, sent)) if a != b)
        return {"client": client, "error": f"echo differs at byte {at}"}
    return {"client": client, "bytes": len(sent)}


async def main():
    connected, go = [], asyncio.Event()
    tasks = [asyncio.create_task(run_client(i, connected, go)) for i in range(CLIENTS)]
    while len(connected) < CLIENTS:
        if any(t.done() for t in tasks):
            break
        await asyncio.sleep(0.01)
    go.set()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    errors = [r if isinstance(r, dict) else {"error": repr(r)} for r in results
              if not isinstance(r, dict) or "error" in r]
    total = sum(r["bytes"] for r in results if isinstance(r, dict) and "bytes" in r)
    print(json.dumps({"connected": len(connected), "served": CLIENTS - len(errors),
                      "bytes": total, "errors": errors[:5]}))


asyncio.run(main())
"""




def _raise_nofile(needed: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < needed:
        if hard != resource.RLIM_INFINITY and hard < needed:
            pytest.skip(f"RLIMIT_NOFILE hard limit {hard} < {needed}")
        resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))


SERVER = r"""
import json, sys, time

from phpstreams import (
    STREAM_SERVER_BIND, STREAM_SERVER_LISTEN, Ref, fclose, feof, fread, fwrite,
    stream_context_create, stream_select, stream_set_blocking, stream_socket_accept,
    stream_socket_get_name, stream_socket_server,
)

GREETING = b"hello\n"
CLIENTS, DEADLINE = int(sys.argv[1]), time.monotonic() + float(sys.argv[2])


def serve(srv):
    # The event loop: select, accept, read what is there, write what is pending.
    conns, pending = {}, {}
    echoed = peak = accepted = loops = 0
    while time.monotonic() < DEADLINE and (accepted < CLIENTS or conns):
        read = [srv, *conns.values()]
        write = [conns[key] for key, data in pending.items() if data]
        ready = stream_select(read, write, None, 0, 100000)
        assert ready is not False
        loops += 1
        for stream in read:
            if stream is srv:
                # readable: a connection is waiting, so accept does not time out
                conn = stream_socket_accept(srv, 0)
                assert conn is not False
                stream_set_blocking(conn, False)
                conns[int(conn)] = conn
                pending[int(conn)] = bytearray(GREETING)
                accepted += 1
                peak = max(peak, len(conns))
                continue
            data = fread(stream, 65536)
            assert data is not False
            if data:
                pending[int(stream)] += data
            elif feof(stream):
                key = int(stream)
                assert not pending[key], "the client closed before reading its echoes"
                fclose(stream)
                del conns[key], pending[key]
        for stream in write:
            key = int(stream)
            if key not in conns:
                continue
            written = fwrite(stream, bytes(pending[key]))
            assert written is not False
            del pending[key][:written]
            echoed += written
    return {"echoed": echoed - accepted * len(GREETING), "peak": peak,
            "accepted": accepted, "loops": loops}


ctx = stream_context_create({"socket": {"backlog": 4096}})
srv = stream_socket_server(
    "tcp://127.0.0.1:0", Ref(), Ref(), STREAM_SERVER_BIND | STREAM_SERVER_LISTEN, ctx
)
assert srv is not False
stream_set_blocking(srv, False)
print(str(stream_socket_get_name(srv, False)).rsplit(":", 1)[1], flush=True)
stats = serve(srv)
fclose(srv)
print(json.dumps(stats), flush=True)
"""


def test_server_under_load(long_run: bool) -> None:
    # PHP: stream_select refuses a descriptor >= FD_SETSIZE (1024), so 1,000 is about
    # the most connections one select loop holds, in PHP and in its port; the server
    # runs in a fresh process, whose descriptors start low as a PHP process's do.
    clients, messages = (1000, 2000) if long_run else (1000, 200)
    _raise_nofile(clients + 256)
    started = time.monotonic()
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(clients), "600" if long_run else "100"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    client: subprocess.Popen[str] | None = None
    try:
        assert server.stdout is not None
        port = server.stdout.readline().strip()
        assert port.isdigit(), server.communicate(timeout=30)
        client = subprocess.Popen(
            [sys.executable, "-c", CLIENT, port, str(clients), str(messages)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        out, err = client.communicate(timeout=620 if long_run else 120)
        served, server_err = server.communicate(timeout=60)
    finally:
        for proc in (client, server):
            if proc is not None and proc.poll() is None:
                proc.kill()
                proc.communicate()
    elapsed = time.monotonic() - started
    assert client.returncode == 0, err
    assert server.returncode == 0, server_err
    stats = json.loads(served.strip().splitlines()[-1])
    report = json.loads(out.strip().splitlines()[-1])
    assert report["errors"] == [], report
    assert report["connected"] == clients
    assert report["served"] == clients
    assert stats["accepted"] == clients
    assert stats["peak"] == clients, f"not all {clients} were connected at once: {stats}"
    assert stats["echoed"] == report["bytes"]
    print(
        f"\n{clients} clients x {messages} messages: {report['bytes']} bytes echoed in "
        f"{elapsed:.1f} s, {stats['loops']} select loops"
    )
