"""TLS against real peers: Python ssl servers, aiosmtpd (STARTTLS), openssl s_server.

Certificates come from trustme and are written to files, since PHP's options
take paths. Expected texts are PHP 8.2.36's (the TLS parity scenarios re-check
them against live PHP). A test that is not about one TLS version runs over TLS 1.2
and TLS 1.3 (the ``tls_version`` fixture, conftest.py): its peer speaks only that
version (minimum_version = maximum_version).
"""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
import trustme

from phpstreams import (
    STREAM_CLIENT_CONNECT,
    STREAM_CRYPTO_METHOD_TLS_CLIENT,
    OpenSSLCertificate,
    Ref,
    STREAM_CRYPTO_METHOD_SSLv23_CLIENT,
    STREAM_CRYPTO_METHOD_TLSv1_2_CLIENT,
    fclose,
    feof,
    fgets,
    fread,
    fsockopen,
    fwrite,
    openssl_x509_fingerprint,
    stream_context_create,
    stream_context_get_options,
    stream_get_meta_data,
    stream_set_blocking,
    stream_set_timeout,
    stream_socket_accept,
    stream_socket_client,
    stream_socket_enable_crypto,
    stream_socket_get_name,
    stream_socket_server,
)

PHPDiagnostics = Callable[[], AbstractContextManager[list[tuple[str, str]]]]
WarningsOf = Callable[[list[tuple[str, str]]], list[str]]
Version = Any  # the tls_version fixture (conftest.py): name, ssl_version, client_method...


class Certs:
    def __init__(self, folder: Path) -> None:
        self.ca = trustme.CA()
        self.cafile = str(folder / "ca.pem")
        self.ca.cert_pem.write_to_path(self.cafile)
        self.good = self._issue(folder, "good", "test.local", "127.0.0.1", "::1")
        self.wrong = self._issue(folder, "wrong", "wrong.example")
        self.client = self._issue(folder, "client", "client.local")

    def _issue(self, folder: Path, name: str, *hosts: str) -> str:
        path = str(folder / f"{name}.pem")
        self.ca.issue_cert(*hosts).private_key_and_cert_chain_pem.write_to_path(path)
        return path


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Certs:
    return Certs(tmp_path_factory.mktemp("certs"))


class TLSServer:
    """A Python ssl server in a thread: greets each client with a line, then echoes;
    ``version`` pins it to one TLS version, ``maximum`` caps it."""

    def __init__(
        self,
        certfile: str,
        *,
        version: ssl.TLSVersion | None = None,
        maximum: ssl.TLSVersion | None = None,
        greet: bytes = b"hello\n",
        delay: float = 0.0,
    ):
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(certfile)
        if version is not None:  # this version only
            self.context.minimum_version = self.context.maximum_version = version
        if maximum is not None:
            self.context.maximum_version = maximum
        self.greet = greet
        self.delay = delay  # seconds the server waits before answering the ClientHello
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
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        conn.settimeout(5)
        try:
            if self.delay:
                conn.recv(1, socket.MSG_PEEK)  # the ClientHello has arrived
                time.sleep(self.delay)
            with self.context.wrap_socket(conn, server_side=True) as tls:
                tls.sendall(self.greet)
                while data := tls.recv(4096):
                    tls.sendall(data)
        except (OSError, ssl.SSLError):
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close()


@pytest.fixture
def tls_server() -> Iterator[Callable[..., TLSServer]]:
    made: list[TLSServer] = []

    def make(certfile: str, **kwargs: object) -> TLSServer:
        server = TLSServer(certfile, **kwargs)  # type: ignore[arg-type]
        made.append(server)
        return server

    yield make
    for server in made:
        server.close()


def unable(port: int, function: str = "stream_socket_client", scheme: str = "ssl") -> str:
    return f"{function}(): Unable to connect to {scheme}://127.0.0.1:{port} (Unknown error)"


def test_implicit_tls_with_cafile(
    certs: Certs, tls_server: Callable[..., TLSServer], tls_version: Version
) -> None:
    server = tls_server(certs.good, version=tls_version.ssl_version)
    ctx = stream_context_create({"ssl": {"cafile": certs.cafile}})
    errno, errstr = Ref(), Ref()
    fp = stream_socket_client(
        f"ssl://127.0.0.1:{server.port}", errno, errstr, 5, STREAM_CLIENT_CONNECT, ctx
    )
    assert fp is not False
    assert (errno.value, errstr.value) == (0, "")
    meta = stream_get_meta_data(fp)
    assert next(iter(meta)) == "crypto"
    assert meta["crypto"]["protocol"] == tls_version.name
    assert meta["crypto"]["cipher_version"] == tls_version.name
    assert fgets(fp) == b"hello\n"
    assert fwrite(fp, "ping\n") == 5
    assert fgets(fp) == b"ping\n"
    assert fclose(fp) is True


def test_unknown_ca_warns_three_times(
    certs: Certs,
    tls_server: Callable[..., TLSServer],
    tls_version: Version,
    php_diagnostics: PHPDiagnostics,
    warnings_of: WarningsOf,
) -> None:
    server = tls_server(certs.good, version=tls_version.ssl_version)
    errno, errstr = Ref(), Ref()
    with php_diagnostics() as diags:
        assert stream_socket_client(f"ssl://127.0.0.1:{server.port}", errno, errstr, 5) is False
    assert (errno.value, errstr.value) == (0, "")
    assert warnings_of(diags) == [
        "stream_socket_client(): SSL operation failed with code 1. OpenSSL Error messages:\n"
        "error:0A000086:SSL routines::certificate verify failed",
        "stream_socket_client(): Failed to enable crypto",
        unable(server.port),
    ]


def test_fsockopen_keeps_errstr_on_tls_failure(
    certs: Certs,
    tls_server: Callable[..., TLSServer],
    tls_version: Version,
    php_diagnostics: PHPDiagnostics,
    warnings_of: WarningsOf,
) -> None:
    server = tls_server(certs.good, version=tls_version.ssl_version)
    errno, errstr = Ref(7), Ref("unset")
    with php_diagnostics() as diags:
        assert fsockopen("ssl://127.0.0.1", server.port, errno, errstr, 5) is False
    assert (errno.value, errstr.value) == (0, "unset")
    assert (
        warnings_of(diags)[-1]
        == f"fsockopen(): Unable to connect to ssl://127.0.0.1:{server.port} (Unknown error)"
    )


def test_wrong_name(
    certs: Certs,
    tls_server: Callable[..., TLSServer],
    tls_version: Version,
    php_diagnostics: PHPDiagnostics,
    warnings_of: WarningsOf,
) -> None:
    server = tls_server(certs.wrong, version=tls_version.ssl_version)
    ctx = stream_context_create({"ssl": {"cafile": certs.cafile, "capture_peer_cert": True}})
    with php_diagnostics() as diags:
        assert (
            stream_socket_client(
                f"ssl://127.0.0.1:{server.port}", None, None, 5, STREAM_CLIENT_CONNECT, ctx
            )
            is False
        )
    assert warnings_of(diags) == [
        "stream_socket_client(): Peer certificate subjectAltName did not match expected name `127.0.0.1'",
        "stream_socket_client(): Failed to enable crypto",
        unable(server.port),
    ]
    # PHP: the certificate is captured even though the name check failed
    assert isinstance(
        stream_context_get_options(ctx)["ssl"]["peer_certificate"], OpenSSLCertificate
    )


def test_peer_name_and_verify_switches(
    certs: Certs,
    tls_server: Callable[..., TLSServer],
    tls_version: Version,
    php_diagnostics: PHPDiagnostics,
    warnings_of: WarningsOf,
) -> None:
    server = tls_server(certs.wrong, version=tls_version.ssl_version)
    address = f"ssl://127.0.0.1:{server.port}"
    for options in (
        {"cafile": certs.cafile, "peer_name": "wrong.example"},
        {"cafile": certs.cafile, "verify_peer_name": False},
        {"verify_peer": False, "verify_peer_name": False},
    ):
        ctx = stream_context_create({"ssl": options})
        assert (
            stream_socket_client(address, None, None, 5, STREAM_CLIENT_CONNECT, ctx) is not False
        ), options
    # PHP: verify_peer=false alone still checks the name
    ctx = stream_context_create({"ssl": {"verify_peer": False}})
    with php_diagnostics() as diags:
        assert stream_socket_client(address, None, None, 5, STREAM_CLIENT_CONNECT, ctx) is False
    assert "subjectAltName did not match" in warnings_of(diags)[0]


def test_options_under_tls_key_are_ignored(
    certs: Certs,
    tls_server: Callable[..., TLSServer],
    tls_version: Version,
    php_diagnostics: PHPDiagnostics,
    warnings_of: WarningsOf,
) -> None:
    server = tls_server(certs.good, version=tls_version.ssl_version)
    ctx = stream_context_create({"tls": {"cafile": certs.cafile}})
    with php_diagnostics() as diags:
        assert (
            stream_socket_client(
                f"tls://127.0.0.1:{server.port}", None, None, 5, STREAM_CLIENT_CONNECT, ctx
            )
            is False
        )
    assert "certificate verify failed" in warnings_of(diags)[0]


def test_self_signed(
    tmp_path: Path,
    tls_server: Callable[..., TLSServer],
    tls_version: Version,
    php_diagnostics: PHPDiagnostics,
    warnings_of: WarningsOf,
) -> None:
    own = trustme.CA()
    path = str(tmp_path / "self.pem")
    # A CA certificate presented as the server's own: a depth-zero self-signed chain.
    own.private_key_pem.write_to_path(path)
    with open(path, "ab") as handle:
        handle.write(own.cert_pem.bytes())
    server = tls_server(path, version=tls_version.ssl_version)
    address = f"ssl://127.0.0.1:{server.port}"
    ctx = stream_context_create({"ssl": {"allow_self_signed": True, "verify_peer_name": False}})
    assert stream_socket_client(address, None, None, 5, STREAM_CLIENT_CONNECT, ctx) is not False
    ctx = stream_context_create({"ssl": {"verify_peer_name": False}})
    with php_diagnostics() as diags:
        assert stream_socket_client(address, None, None, 5, STREAM_CLIENT_CONNECT, ctx) is False
    assert warnings_of(diags)[0].endswith("certificate verify failed")


def test_fingerprint_and_capture(
    certs: Certs,
    tls_server: Callable[..., TLSServer],
    tls_version: Version,
    php_diagnostics: PHPDiagnostics,
    warnings_of: WarningsOf,
) -> None:
    server = tls_server(certs.good, version=tls_version.ssl_version)
    address = f"ssl://127.0.0.1:{server.port}"
    ctx = stream_context_create({"ssl": {"cafile": certs.cafile, "capture_peer_cert": True}})
    assert stream_socket_client(address, None, None, 5, STREAM_CLIENT_CONNECT, ctx) is not False
    cert = stream_context_get_options(ctx)["ssl"]["peer_certificate"]
    sha1 = openssl_x509_fingerprint(cert)
    assert isinstance(sha1, str) and len(sha1) == 40
    for fingerprint in (sha1, sha1.upper(), {"sha256": openssl_x509_fingerprint(cert, "sha256")}):
        ctx = stream_context_create(
            {"ssl": {"cafile": certs.cafile, "peer_fingerprint": fingerprint}}
        )
        assert stream_socket_client(address, None, None, 5, STREAM_CLIENT_CONNECT, ctx) is not False
    ctx = stream_context_create({"ssl": {"cafile": certs.cafile, "peer_fingerprint": "0" * 40}})
    with php_diagnostics() as diags:
        assert stream_socket_client(address, None, None, 5, STREAM_CLIENT_CONNECT, ctx) is False
    assert warnings_of(diags)[0] == "stream_socket_client(): peer_fingerprint match failure"


def test_protocol_versions(certs: Certs, tls_server: Callable[..., TLSServer]) -> None:
    server = tls_server(certs.good)
    ctx = stream_context_create({"ssl": {"cafile": certs.cafile}})
    for scheme, protocol in (("tlsv1.2", "TLSv1.2"), ("tlsv1.3", "TLSv1.3"), ("tls", "TLSv1.3")):
        fp = stream_socket_client(
            f"{scheme}://127.0.0.1:{server.port}", None, None, 5, STREAM_CLIENT_CONNECT, ctx
        )
        assert fp is not False
        assert stream_get_meta_data(fp)["crypto"]["protocol"] == protocol
    # PHP: SSLv23_CLIENT means TLS 1.0-1.2 only
    ctx = stream_context_create(
        {"ssl": {"cafile": certs.cafile, "crypto_method": STREAM_CRYPTO_METHOD_SSLv23_CLIENT}}
    )
    fp = stream_socket_client(
        f"ssl://127.0.0.1:{server.port}", None, None, 5, STREAM_CLIENT_CONNECT, ctx
    )
    assert fp is not False and stream_get_meta_data(fp)["crypto"]["protocol"] == "TLSv1.2"


def test_tls12_only_server_refuses_tls13(
    certs: Certs,
    tls_server: Callable[..., TLSServer],
    php_diagnostics: PHPDiagnostics,
    warnings_of: WarningsOf,
) -> None:
    server = tls_server(certs.good, maximum=ssl.TLSVersion.TLSv1_2)
    ctx = stream_context_create({"ssl": {"cafile": certs.cafile}})
    with php_diagnostics() as diags:
        assert (
            stream_socket_client(
                f"tlsv1.3://127.0.0.1:{server.port}", None, None, 5, STREAM_CLIENT_CONNECT, ctx
            )
            is False
        )
    assert warnings_of(diags)[0] == (
        "stream_socket_client(): SSL operation failed with code 1. OpenSSL Error messages:\n"
        "error:0A00042E:SSL routines::tlsv1 alert protocol version"
    )


def test_handshake_timeout(php_diagnostics: PHPDiagnostics, warnings_of: WarningsOf) -> None:
    silent = socket.create_server(("127.0.0.1", 0))
    port = silent.getsockname()[1]
    try:
        started = time.monotonic()
        with php_diagnostics() as diags:
            assert stream_socket_client(f"ssl://127.0.0.1:{port}", None, None, 0.5) is False
        assert 0.4 < time.monotonic() - started < 3
        assert warnings_of(diags) == [
            "stream_socket_client(): SSL: Handshake timed out",
            "stream_socket_client(): Failed to enable crypto",
            unable(port),
        ]
    finally:
        silent.close()


def test_starttls_with_aiosmtpd(
    certs: Certs, tls_version: Version, php_diagnostics: PHPDiagnostics, warnings_of: WarningsOf
) -> None:
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Sink

    tls = tls_version.pin(ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER))
    tls.load_cert_chain(certs.good)
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    controller = Controller(
        Sink(), hostname="127.0.0.1", port=port, tls_context=tls, require_starttls=True
    )
    controller.start()
    try:
        ctx = stream_context_create({"ssl": {"cafile": certs.cafile}})
        fp = stream_socket_client(f"127.0.0.1:{port}", None, None, 5, STREAM_CLIENT_CONNECT, ctx)
        assert fp is not False
        assert (fgets(fp) or b"").startswith(b"220 ")
        fwrite(fp, "EHLO client.example\r\n")
        lines = []
        while (line := fgets(fp)) is not False:
            lines.append(line)
            if line[3:4] == b" ":
                break
        assert b"250-STARTTLS\r\n" in lines
        fwrite(fp, "STARTTLS\r\n")
        assert (fgets(fp) or b"").startswith(b"220")
        assert stream_socket_enable_crypto(fp, True, STREAM_CRYPTO_METHOD_TLS_CLIENT) is True
        assert stream_get_meta_data(fp)["crypto"]["protocol"] == tls_version.name
        fwrite(fp, "NOOP\r\n")
        assert (fgets(fp) or b"").startswith(b"250")
        with php_diagnostics() as diags:
            assert stream_socket_enable_crypto(fp, True, STREAM_CRYPTO_METHOD_TLS_CLIENT) is False
        assert warnings_of(diags) == [
            "stream_socket_enable_crypto(): SSL/TLS already set-up for this stream"
        ]
        fwrite(fp, "QUIT\r\n")
        assert (fgets(fp) or b"").startswith(b"221")
        fclose(fp)
    finally:
        controller.stop()


def test_enable_crypto_argument_rules(
    certs: Certs,
    tls_server: Callable[..., TLSServer],
    php_diagnostics: PHPDiagnostics,
    warnings_of: WarningsOf,
) -> None:
    server = tls_server(certs.good)
    fp = stream_socket_client(f"tcp://127.0.0.1:{server.port}")
    assert fp is not False
    with pytest.raises(
        ValueError,
        match=r"^stream_socket_enable_crypto\(\): Argument #3 \(\$crypto_method\) must be specified when enabling encryption$",
    ):
        stream_socket_enable_crypto(fp, True)
    udp = stream_socket_client(f"udp://127.0.0.1:{server.port}")
    assert udp is not False
    with php_diagnostics() as diags:
        assert stream_socket_enable_crypto(udp, True, STREAM_CRYPTO_METHOD_TLS_CLIENT) is False
    assert (
        warnings_of(diags)[0]
        == "stream_socket_enable_crypto(): This stream does not support SSL/crypto"
    )


def test_non_blocking_enable_returns_zero_then_true(
    certs: Certs, tls_server: Callable[..., TLSServer]
) -> None:
    # The server waits 0.2 s before it answers the ClientHello, so the first
    # non-blocking call surely finds nothing to read yet (0), whatever the load.
    server = tls_server(certs.good, delay=0.2)
    ctx = stream_context_create({"ssl": {"cafile": certs.cafile}})
    fp = stream_socket_client(
        f"tcp://127.0.0.1:{server.port}", None, None, 5, STREAM_CLIENT_CONNECT, ctx
    )
    assert fp is not False
    stream_set_blocking(fp, False)
    results = []
    for _ in range(2000):
        result = stream_socket_enable_crypto(fp, True, STREAM_CRYPTO_METHOD_TLSv1_2_CLIENT)
        results.append(result)
        if not (result == 0 and result is not False):  # PHP's int(0), not false
            break
        time.sleep(0.001)
    assert results[0] == 0 and results[0] is not False
    assert results[-1] is True
    stream_set_blocking(fp, True)
    assert fgets(fp) == b"hello\n"


def test_disable_crypto_returns_false(
    certs: Certs, tls_server: Callable[..., TLSServer], tls_version: Version
) -> None:
    server = tls_server(certs.good, version=tls_version.ssl_version)
    ctx = stream_context_create({"ssl": {"cafile": certs.cafile}})
    fp = stream_socket_client(
        f"tls://127.0.0.1:{server.port}", None, None, 5, STREAM_CLIENT_CONNECT, ctx
    )
    assert fp is not False
    assert fgets(fp) == b"hello\n"
    assert stream_socket_enable_crypto(fp, False) is False
    assert "crypto" not in stream_get_meta_data(fp)


def test_tls_read_timeout_and_eof(
    certs: Certs, tls_server: Callable[..., TLSServer], tls_version: Version
) -> None:
    server = tls_server(certs.good, version=tls_version.ssl_version)
    ctx = stream_context_create({"ssl": {"cafile": certs.cafile}})
    fp = stream_socket_client(
        f"ssl://127.0.0.1:{server.port}", None, None, 5, STREAM_CLIENT_CONNECT, ctx
    )
    assert fp is not False
    assert fgets(fp) == b"hello\n"
    stream_set_timeout(fp, 0, 300000)
    started = time.monotonic()
    assert fread(fp, 10) is False
    assert 0.25 < time.monotonic() - started < 2
    assert stream_get_meta_data(fp)["timed_out"] is True
    assert feof(fp) is False


def test_tls_server_accepts(certs: Certs, tls_version: Version) -> None:
    ctx = stream_context_create({"ssl": {"local_cert": certs.good}})
    srv = stream_socket_server("ssl://127.0.0.1:0", None, None, 12, ctx)
    assert srv is not False
    port = int(str(stream_socket_get_name(srv, False)).rsplit(":", 1)[1])
    client_ctx = tls_version.pin(ssl.create_default_context(cafile=certs.cafile))
    got: list[bytes] = []

    def client() -> None:
        with (
            socket.create_connection(("127.0.0.1", port)) as raw,
            client_ctx.wrap_socket(raw, server_hostname="test.local") as tls,
        ):
            tls.sendall(b"over tls\n")
            got.append(tls.recv(100))

    thread = threading.Thread(target=client)
    thread.start()
    conn = stream_socket_accept(srv, 5)
    assert conn is not False
    assert stream_get_meta_data(conn)["crypto"]["protocol"] == tls_version.name
    assert fgets(conn) == b"over tls\n"
    fwrite(conn, "reply\n")
    thread.join(5)
    assert got == [b"reply\n"]


def test_tls_server_plain_client(
    certs: Certs, php_diagnostics: PHPDiagnostics, warnings_of: WarningsOf
) -> None:
    ctx = stream_context_create({"ssl": {"local_cert": certs.good}})
    srv = stream_socket_server("ssl://127.0.0.1:0", None, None, 12, ctx)
    assert srv is not False
    port = int(str(stream_socket_get_name(srv, False)).rsplit(":", 1)[1])
    plain = socket.create_connection(("127.0.0.1", port))
    plain.sendall(b"GET / HTTP/1.0\r\n\r\n")
    try:
        with php_diagnostics() as diags:
            assert stream_socket_accept(srv, 5) is False
    finally:
        plain.close()
    assert warnings_of(diags) == [
        "stream_socket_accept(): SSL operation failed with code 1. OpenSSL Error messages:\n"
        "error:0A00009C:SSL routines::http request",
        "stream_socket_accept(): Failed to enable crypto",
        "stream_socket_accept(): Accept failed: Success",
    ]


@pytest.mark.skipif(
    shutil.which("openssl") is None, reason="Debian's openssl binary is not installed"
)
def test_openssl_s_server_peer(certs: Certs, tmp_path: Path, tls_version: Version) -> None:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    proc = subprocess.Popen(
        [
            "openssl",
            "s_server",
            "-accept",
            f"127.0.0.1:{port}",
            "-cert",
            certs.good,
            "-naccept",
            "1",
            tls_version.s_server_flag,
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert proc.stdout is not None
        # s_server prints ACCEPT once it listens (a probe connect would use up -naccept)
        for _ in range(50):
            line = proc.stdout.readline()
            if not line or line.startswith(b"ACCEPT"):
                break
        ctx = stream_context_create({"ssl": {"cafile": certs.cafile}})
        fp = stream_socket_client(
            f"ssl://127.0.0.1:{port}", None, None, 5, STREAM_CLIENT_CONNECT, ctx
        )
        assert fp is not False
        assert stream_get_meta_data(fp)["crypto"]["protocol"] == tls_version.name
        fwrite(fp, "to s_server\n")
        time.sleep(0.3)  # let s_server read and print the line before our close_notify
        fclose(fp)
        out, _ = proc.communicate(timeout=10)
        assert b"to s_server" in out
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
