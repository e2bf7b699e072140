"""TLS without the ctypes helper: PHPSTREAMS_NO_CTYPES=1 (read at import, so each
run is a subprocess) against the same run with ctypes, over loopback peers with
trustme certificates; then the socket-level fallbacks (SNI, liveness, chain,
close_notify) against the ctypes path in-process. Only loopback addresses."""

from __future__ import annotations

import json
import os
import re
import socket
import ssl
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import trustme
from cryptography.hazmat.primitives import serialization

from phpstreams.transport import openssl

CHILD = r'''
import json, os, socket, ssl, sys, threading, warnings
import phpstreams as p
from phpstreams.transport import openssl

cfg = json.loads(sys.argv[1])
out = {"LIBRARY": openssl.LIBRARY, "LAYOUT": openssl.LAYOUT}


def record(call):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value = call()
    return value, [str(item.message) for item in caught]


class Server:
    """A Python TLS server: greets with a line, reports the SNI it saw."""

    def __init__(self, certfile):
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(certfile)
        self.sni = []
        self.context.sni_callback = lambda obj, name, ctx: self.sni.append(name)
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self.run, daemon=True).start()

    def run(self):
        while True:
            conn, _ = self.sock.accept()
            try:
                with self.context.wrap_socket(conn, server_side=True) as tls:
                    tls.sendall(b"hello\n")
                    tls.recv(100)
            except (OSError, ssl.SSLError):
                conn.close()


def client(port, **options):
    ctx = p.stream_context_create({"ssl": options})
    address = f"ssl://127.0.0.1:{port}"
    fp, seen = record(lambda: p.stream_socket_client(address, None, None, 5, p.STREAM_CLIENT_CONNECT, ctx))
    line = p.fgets(fp) if fp else None
    if fp:
        p.fclose(fp)
    return {"ok": fp is not False, "line": line.decode() if line else None, "warnings": seen,
            "options": sorted(p.stream_context_get_options(ctx)["ssl"])}


server = Server(cfg["good"])
out["cafile"] = client(server.port, cafile=cfg["cafile"])
out["cafile_named"] = client(server.port, cafile=cfg["cafile"], peer_name="test.local")
out["unknown_ca"] = client(server.port, cafile=cfg["other_cafile"])
out["sni"] = list(server.sni)
chained = client(server.port, cafile=cfg["cafile"], capture_peer_cert=True)
ctx = p.stream_context_create({"ssl": {"cafile": cfg["cafile"], "capture_peer_cert": True,
                                       "capture_peer_cert_chain": True}})
fp = p.stream_socket_client(f"ssl://127.0.0.1:{server.port}", None, None, 5, p.STREAM_CLIENT_CONNECT, ctx)
opts = p.stream_context_get_options(ctx)["ssl"]
out["chain_length"] = len(opts["peer_certificate_chain"] or [])
parsed = p.openssl_x509_parse(opts["peer_certificate"])
out["parsed"] = {key: parsed[key] for key in ("subject", "issuer", "serialNumber", "validTo_time_t")}
out["parsed"]["subjectAltName"] = parsed["extensions"]["subjectAltName"]
p.fclose(fp)


def tls_server(**options):
    """A phpstreams ssl:// server; a Python client with the CA reads its line."""
    ctx = p.stream_context_create({"ssl": options})
    srv = p.stream_socket_server("ssl://127.0.0.1:0", None, None,
                                 p.STREAM_SERVER_BIND | p.STREAM_SERVER_LISTEN, ctx)
    port = int(p.stream_socket_get_name(srv, False).rsplit(":", 1)[1])
    got = {}

    def connect():
        context = ssl.create_default_context(cafile=cfg["cafile"])
        try:
            with socket.create_connection(("127.0.0.1", port), 5) as raw:
                with context.wrap_socket(raw, server_hostname="test.local") as tls:
                    got["line"] = tls.recv(100).decode()
        except (OSError, ssl.SSLError) as exc:
            got["error"] = type(exc).__name__

    thread = threading.Thread(target=connect)
    thread.start()
    conn, seen = record(lambda: p.stream_socket_accept(srv, 5))
    if conn:
        p.fwrite(conn, "hi\n")
        p.fclose(conn)
    thread.join(5)
    p.fclose(srv)
    return {"accepted": conn is not False, "warnings": seen, "client": got}


out["local_cert"] = tls_server(local_cert=cfg["good"])
out["local_pk"] = tls_server(local_cert=cfg["cert"], local_pk=cfg["encrypted_key"], passphrase="secret")
bad = tls_server(local_cert=cfg["cert"], local_pk=cfg["encrypted_key"], passphrase="wrong")
bad["warnings"] = [text.replace(cfg["encrypted_key"], "{key}") for text in bad["warnings"]]
bad.pop("client")  # the client sees its handshake fail, one way or another
out["wrong_passphrase"] = bad


def starttls():
    """Plain greeting, STARTTLS, a TLS exchange, crypto off, plain again."""
    srv = socket.create_server(("127.0.0.1", 0))
    port = srv.getsockname()[1]
    events = []
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cfg["good"])

    def serve():
        conn, _ = srv.accept()
        conn.settimeout(5)
        plain = socket.socket(fileno=os.dup(conn.fileno()))
        plain.settimeout(5)
        conn.sendall(b"220 ready\r\n")
        events.append(conn.recv(100).decode())
        conn.sendall(b"220 go ahead\r\n")
        tls = context.wrap_socket(conn, server_side=True, suppress_ragged_eofs=False)
        events.append(tls.recv(100).decode())
        tls.sendall(b"250 secure\r\n")
        try:
            events.append("close_notify" if tls.recv(100) == b"" else "data")
        except ssl.SSLError as exc:
            events.append(type(exc).__name__)
        events.append(plain.recv(100).decode())
        plain.sendall(b"221 plain again\r\n")
        plain.close()
        tls.close()

    thread = threading.Thread(target=serve)
    thread.start()
    ctx = p.stream_context_create({"ssl": {"cafile": cfg["cafile"], "peer_name": "test.local"}})
    fp = p.stream_socket_client(f"tcp://127.0.0.1:{port}", None, None, 5, p.STREAM_CLIENT_CONNECT, ctx)
    lines = [p.fgets(fp).decode()]
    p.fwrite(fp, "STARTTLS\r\n")
    lines.append(p.fgets(fp).decode())
    on, seen_on = record(lambda: p.stream_socket_enable_crypto(fp, True, p.STREAM_CRYPTO_METHOD_TLS_CLIENT))
    p.fwrite(fp, "EHLO x\r\n")
    lines.append(p.fgets(fp).decode())
    off, seen_off = record(lambda: p.stream_socket_enable_crypto(fp, False))
    p.fwrite(fp, "QUIT\r\n")
    lines.append(p.fgets(fp).decode())
    p.fclose(fp)
    thread.join(5)
    srv.close()
    return {"on": on, "off": off, "warnings": seen_on + seen_off, "lines": lines, "server": events}


out["starttls"] = starttls()
print(json.dumps(out))
'''


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("fallback")
    ca, other = trustme.CA(), trustme.CA()
    issued = ca.issue_cert("test.local", "127.0.0.1")
    paths = {name: str(folder / f"{name}.pem") for name in
             ("cafile", "other_cafile", "good", "cert", "encrypted_key")}  # fmt: skip
    ca.cert_pem.write_to_path(paths["cafile"])
    other.cert_pem.write_to_path(paths["other_cafile"])
    issued.private_key_and_cert_chain_pem.write_to_path(paths["good"])
    issued.cert_chain_pems[0].write_to_path(paths["cert"])
    key = serialization.load_pem_private_key(issued.private_key_pem.bytes(), None)
    Path(paths["encrypted_key"]).write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"secret"),
        )
    )
    return paths


def run_child(config: dict[str, str], no_ctypes: bool) -> dict[str, Any]:
    env = dict(os.environ)
    env.pop("PHPSTREAMS_NO_CTYPES", None)
    if no_ctypes:
        env["PHPSTREAMS_NO_CTYPES"] = "1"
    done = subprocess.run(
        [sys.executable, "-W", "error::DeprecationWarning", "-c", CHILD, json.dumps(config)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


@pytest.fixture(scope="module")
def runs(config: dict[str, str]) -> dict[str, dict[str, Any]]:
    if sys.version_info[:2] not in openssl.LAYOUT_VERSIONS:
        pytest.skip("no ctypes path on this Python to compare with")
    return {"stdlib": run_child(config, True), "ctypes": run_child(config, False)}


@pytest.mark.parametrize("mode", ["stdlib", "ctypes"])
def test_tls_works(runs: dict[str, dict[str, Any]], mode: str) -> None:
    out = runs[mode]
    assert (out["LIBRARY"], out["LAYOUT"]) == ((False, False) if mode == "stdlib" else (True, True))
    assert out["cafile"] == {
        "ok": True,
        "line": "hello\n",
        "warnings": [],
        "options": ["cafile"],
    }
    assert out["cafile_named"]["line"] == "hello\n"
    unknown = out["unknown_ca"]
    assert unknown["ok"] is False
    assert unknown["warnings"][:2] == [
        "stream_socket_client(): SSL operation failed with code 1. OpenSSL Error messages:\n"
        "error:0A000086:SSL routines::certificate verify failed",
        "stream_socket_client(): Failed to enable crypto",
    ]
    assert unknown["warnings"][2].startswith("stream_socket_client(): Unable to connect to ssl://")
    assert out["chain_length"] == 1  # trustme: the leaf alone
    assert out["parsed"]["subjectAltName"] == "DNS:test.local, IP Address:127.0.0.1"
    for server in ("local_cert", "local_pk"):
        assert out[server] == {"accepted": True, "warnings": [], "client": {"line": "hi\n"}}
    assert out["wrong_passphrase"]["accepted"] is False
    assert out["wrong_passphrase"]["warnings"][0] == (
        "stream_socket_accept(): Unable to set private key file `{key}'"
    )
    assert out["starttls"] == {
        "on": True,
        "off": False,  # PHP: disabling returns false, having sent close_notify
        "warnings": [],
        "lines": ["220 ready\r\n", "220 go ahead\r\n", "250 secure\r\n", "221 plain again\r\n"],
        "server": ["STARTTLS\r\n", "EHLO x\r\n", "close_notify", "QUIT\r\n"],
    }


def test_fallback_matches_ctypes(runs: dict[str, dict[str, Any]]) -> None:
    stdlib, exact = runs["stdlib"], runs["ctypes"]
    # SNI: a name is sent either way; an IP literal only by OpenSSL called directly
    assert exact["sni"] == ["127.0.0.1", "test.local", "127.0.0.1"]
    assert stdlib["sni"] == [None, "test.local", None]
    for key in set(exact) - {"LIBRARY", "LAYOUT", "sni"}:
        assert ports_hidden(stdlib[key]) == ports_hidden(exact[key]), key


def ports_hidden(value: Any) -> Any:
    return re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:{port}", json.dumps(value))


# -- the socket-level fallbacks, in-process ----------------------------------------

needs_ctypes = pytest.mark.skipif(not openssl.LAYOUT, reason="the ctypes path is unusable here")


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("pair")
    ca = trustme.CA()
    paths = {"cafile": str(folder / "ca.pem"), "server": str(folder / "server.pem"),
             "client": str(folder / "client.pem")}  # fmt: skip
    ca.cert_pem.write_to_path(paths["cafile"])
    ca.issue_cert("test.local").private_key_and_cert_chain_pem.write_to_path(paths["server"])
    ca.issue_cert("client.local").private_key_and_cert_chain_pem.write_to_path(paths["client"])
    return paths


Pair = tuple[ssl.SSLSocket, ssl.SSLSocket]


@pytest.fixture
def pair(certs: dict[str, str]) -> Iterator[Callable[..., Pair]]:
    """(client, server) TLS sockets over a socketpair, handshaken; the client's
    ``before`` hook runs between wrap and handshake; both end non-blocking."""
    made: list[socket.socket] = []

    def make(
        version: ssl.TLSVersion = ssl.TLSVersion.TLSv1_3,
        before: Callable[[ssl.SSLSocket], None] | None = None,
        client_cert: bool = False,
    ) -> Pair:
        server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        server_ctx.load_cert_chain(certs["server"])
        server_ctx.maximum_version = version
        server_ctx.sni_callback = lambda obj, name, ctx: setattr(obj, "seen_sni", name)
        if client_cert:
            server_ctx.load_verify_locations(certs["cafile"])
            server_ctx.verify_mode = ssl.CERT_REQUIRED
        client_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        client_ctx.check_hostname = False
        client_ctx.load_verify_locations(certs["cafile"])
        if client_cert:
            client_ctx.load_cert_chain(certs["client"])
        a, b = socket.socketpair()
        made.extend((a, b))
        server = server_ctx.wrap_socket(b, server_side=True, do_handshake_on_connect=False)
        client = client_ctx.wrap_socket(a, do_handshake_on_connect=False)
        made.extend((client, server))
        if before is not None:
            before(client)
        thread = threading.Thread(target=server.do_handshake)
        thread.start()
        client.do_handshake()
        thread.join(5)
        client.settimeout(0.0)
        server.settimeout(5.0)
        return client, server

    yield make
    for sock in made:
        sock.close()


@needs_ctypes
@pytest.mark.parametrize("name", [b"test.local", b"127.0.0.1", b""])
def test_sni_fallback(
    pair: Callable[..., Pair], name: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, server = pair(before=lambda c: openssl.set_sni(c, name))
    exact = getattr(server, "seen_sni", None)
    assert exact == (name.decode() or None)
    monkeypatch.setattr(openssl, "LAYOUT", False)
    _, server = pair(before=lambda c: (openssl.set_sni(c, name), openssl.set_sni(c, b"again")))
    seen = getattr(server, "seen_sni", None)
    assert seen == (None if name != b"test.local" else "test.local")  # no SNI for IP literals


def alive_both(client: ssl.SSLSocket, monkeypatch: pytest.MonkeyPatch) -> tuple[bool, bool]:
    """(SSL_peek, fallback): the fallback first, since SSL_peek takes the record off
    the socket into OpenSSL's buffer."""
    with monkeypatch.context() as patched:
        patched.setattr(openssl, "LAYOUT", False)
        fallback = openssl.peek_alive(client)
    return openssl.peek_alive(client), fallback


@needs_ctypes
@pytest.mark.parametrize("version", [ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3])
def test_peek_alive_fallback(
    pair: Callable[..., Pair], version: ssl.TLSVersion, monkeypatch: pytest.MonkeyPatch
) -> None:
    client, server = pair(version)
    assert alive_both(client, monkeypatch) == (True, True)  # nothing to read yet
    server.sendall(b"data")
    assert alive_both(client, monkeypatch) == (True, True)
    assert client.recv(4) == b"data"
    server.settimeout(0.0)
    try:
        server.unwrap()  # close_notify
    except ssl.SSLWantReadError:
        pass
    # TLS 1.3's close_notify is an encrypted record: the raw peek cannot tell
    expected = (False, False) if version == ssl.TLSVersion.TLSv1_2 else (False, True)
    assert alive_both(client, monkeypatch) == expected


@needs_ctypes
@pytest.mark.parametrize("version", [ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3])
def test_peek_alive_after_eof(
    pair: Callable[..., Pair], version: ssl.TLSVersion, monkeypatch: pytest.MonkeyPatch
) -> None:
    client, server = pair(version)
    server.sendall(b"x")
    assert client.recv(1) == b"x"  # (and TLS 1.3's session tickets before it)
    socket.socket.shutdown(server, socket.SHUT_WR)  # a FIN, no close_notify
    assert alive_both(client, monkeypatch) == (False, False)


@needs_ctypes
def test_peek_alive_unread_tickets(
    pair: Callable[..., Pair], monkeypatch: pytest.MonkeyPatch
) -> None:
    client, server = pair(ssl.TLSVersion.TLSv1_3)
    socket.socket.shutdown(server, socket.SHUT_WR)
    # the raw peek sees the unread session tickets, not the FIN behind them
    assert alive_both(client, monkeypatch) == (False, True)


@needs_ctypes
@pytest.mark.parametrize("client_cert", [False, True])
def test_peer_chain_fallback(
    pair: Callable[..., Pair], client_cert: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    client, server = pair(client_cert=client_cert)
    exact = [openssl.peer_chain_der(client), openssl.peer_chain_der(server)]
    # the client side starts with the peer's own certificate; the server side never has it
    assert exact[0] is not None and exact[0][0] == client.getpeercert(True)
    if client_cert:
        assert exact[1] is not None and server.getpeercert(True) not in exact[1]
    else:
        assert exact[1] is None
    monkeypatch.setattr(openssl, "LAYOUT", False)
    assert [openssl.peer_chain_der(client), openssl.peer_chain_der(server)] == exact


@needs_ctypes
@pytest.mark.parametrize("layout", [True, False])
def test_shutdown_once_sends_close_notify(
    pair: Callable[..., Pair], layout: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(openssl, "LAYOUT", layout)
    client, server = pair()
    assert openssl.verify_result(client) == (0, "ok")
    openssl.shutdown_once(client)
    assert server.recv(10) == b""  # close_notify, not a ragged EOF
    openssl.shutdown_once(client)  # again: harmless
