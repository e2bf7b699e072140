"""Security: one case per attack on a TLS client, each refused by default with PHP's
own warnings -- compared with real PHP 8.2 connecting to the same server -- and no
secret (passphrase, private key) on any surface phpstreams writes to.

The attacks (``ATTACKS``; a Python ``ssl`` server per case, certificates from
trustme): a certificate from an unknown CA, a valid certificate for another name,
an expired one, a not-yet-valid one, a self-signed one, a TLS 1.0-only server
(refused unless the client asks for TLS 1.0 and lowers OpenSSL's security level,
the control case ``tls10-asked``), a downgrade (a server offering at most TLS 1.1
to a client asking for 1.2+), wildcards that must not match (``*.example.test``
against ``a.b.example.test`` and against ``example.test``; ``a.example.test`` is
the control that must match) and a wrong ``peer_fingerprint``.
tests/loopback/test_tls.py checks the unknown-CA, wrong-name, self-signed and
fingerprint texts on their own (test_unknown_ca_warns_three_times, test_wrong_name,
test_self_signed, test_fingerprint_and_capture); here every case is run by PHP
too, against the same server, and the two outcomes must be equal.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import re
import socket
import ssl
import subprocess
import sys
import textwrap
import threading
import warnings
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import trustme
from cryptography.hazmat.primitives import serialization

import phpstreams
from phpstreams import (
    Ref,
    error_get_last,
    fclose,
    fwrite,
    stream_context_create,
    stream_get_meta_data,
    stream_socket_accept,
    stream_socket_client,
    stream_socket_get_name,
    stream_socket_server,
)

PHPDiagnostics = Callable[[], AbstractContextManager[list[tuple[str, str]]]]
NOW = datetime.datetime.now(datetime.timezone.utc)
DAY = datetime.timedelta(days=1)


class Server:
    """A TLS server in a thread: handshakes each client, sends a line, closes."""

    def __init__(
        self,
        pem: str,
        *,
        minimum: ssl.TLSVersion | None = None,
        maximum: ssl.TLSVersion | None = None,
        seclevel0: bool = False,
    ) -> None:
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        if seclevel0:
            self.context.set_ciphers("DEFAULT:@SECLEVEL=0")  # OpenSSL 3 refuses TLS 1.0 above 0
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # TLS 1.0/1.1, on purpose
            if minimum is not None:
                self.context.minimum_version = minimum
            if maximum is not None:
                self.context.maximum_version = maximum
        self.context.load_cert_chain(pem)
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = int(self.sock.getsockname()[1])
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
            with self.context.wrap_socket(conn, server_side=True) as tls:
                tls.sendall(b"hello\n")
                tls.recv(1)
        except (OSError, ssl.SSLError):
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close()


@dataclass
class Certs:
    folder: Path
    ca: trustme.CA = field(default_factory=lambda: trustme.CA(key_type=trustme.KeyType.RSA))
    files: dict[str, str] = field(default_factory=dict)

    def issue(self, name: str, *hosts: str, ca: trustme.CA | None = None, **kw: Any) -> str:
        leaf = (ca or self.ca).issue_cert(*hosts, key_type=trustme.KeyType.RSA, **kw)
        path = str(self.folder / f"{name}.pem")
        leaf.private_key_and_cert_chain_pem.write_to_path(path)
        self.files[name] = path
        return path


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Certs:
    folder = tmp_path_factory.mktemp("attacks")
    made = Certs(folder)
    made.ca.cert_pem.write_to_path(str(folder / "ca.pem"))
    made.files["ca"] = str(folder / "ca.pem")
    made.issue("good", "127.0.0.1")
    made.issue("unknown-ca", "127.0.0.1", ca=trustme.CA(key_type=trustme.KeyType.RSA))
    made.issue("other-name", "other.example.test")
    made.issue("expired", "127.0.0.1", not_before=NOW - 10 * DAY, not_after=NOW - DAY)
    made.issue("not-yet-valid", "127.0.0.1", not_before=NOW + DAY, not_after=NOW + 10 * DAY)
    made.issue("wildcard", "*.example.test")
    self_signed = folder / "self-signed.pem"
    self_signed.write_bytes(made.ca.private_key_pem.bytes() + made.ca.cert_pem.bytes())
    made.files["self-signed"] = str(self_signed)
    return made


@dataclass(frozen=True)
class Attack:
    name: str
    cert: str
    url: str = "ssl://127.0.0.1:{port}"
    ssl: dict[str, Any] = field(default_factory=dict)
    server: dict[str, Any] = field(default_factory=dict)
    refused: bool = True


TLS10 = {"minimum": ssl.TLSVersion.TLSv1, "maximum": ssl.TLSVersion.TLSv1, "seclevel0": True}
TLS1x = {"minimum": ssl.TLSVersion.TLSv1, "maximum": ssl.TLSVersion.TLSv1_1, "seclevel0": True}
ATTACKS = [
    Attack("unknown-ca", "unknown-ca"),
    Attack("other-name", "other-name"),
    Attack("expired", "expired"),
    Attack("not-yet-valid", "not-yet-valid"),
    Attack("self-signed", "self-signed"),
    Attack("tls10-only-server", "good", server=TLS10),
    Attack(
        "tls10-asked",
        "good",
        url="tlsv1.0://127.0.0.1:{port}",
        ssl={"ciphers": "DEFAULT:@SECLEVEL=0"},
        server=TLS10,
        refused=False,
    ),
    Attack(
        "downgrade-to-tls11",
        "good",
        ssl={
            "crypto_method": phpstreams.STREAM_CRYPTO_METHOD_TLSv1_2_CLIENT
            | phpstreams.STREAM_CRYPTO_METHOD_TLSv1_3_CLIENT
        },
        server=TLS1x,
    ),
    Attack("downgrade-tlsv1.2-url", "good", url="tlsv1.2://127.0.0.1:{port}", server=TLS1x),
    Attack("wildcard-two-labels", "wildcard", ssl={"peer_name": "a.b.example.test"}),
    Attack("wildcard-bare-domain", "wildcard", ssl={"peer_name": "example.test"}),
    Attack("wildcard-one-label", "wildcard", ssl={"peer_name": "a.example.test"}, refused=False),
    Attack("wrong-fingerprint", "good", ssl={"peer_fingerprint": "0" * 40}),
]

PHP_CLIENT = r"""<?php
[$url, $options] = json_decode($argv[1], true);
$ctx = stream_context_create(["ssl" => $options]);
$warnings = [];
set_error_handler(function ($no, $str) use (&$warnings) { $warnings[] = $str; return true; });
$fp = stream_socket_client($url, $errno, $errstr, 5, STREAM_CLIENT_CONNECT, $ctx);
echo json_encode([is_resource($fp), $fp ? fgets($fp) : false, $warnings], JSON_UNESCAPED_SLASHES);
"""


def php_connect(tmp: Path, url: str, options: dict[str, Any]) -> list[Any]:
    script = tmp / "client.php"
    script.write_text(PHP_CLIENT)
    done = subprocess.run(
        ["php", "-n", str(script), json.dumps([url, options])],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    result: list[Any] = json.loads(done.stdout)
    return result


def py_connect(diagnostics: PHPDiagnostics, url: str, options: dict[str, Any]) -> list[Any]:
    with diagnostics() as seen:
        fp = stream_socket_client(
            url,
            Ref(),
            Ref(),
            5,
            phpstreams.STREAM_CLIENT_CONNECT,
            stream_context_create({"ssl": options}),
        )
        line = phpstreams.fgets(fp) if fp is not False else False
    if fp is not False:
        fclose(fp)
    return [
        fp is not False,
        line.decode() if isinstance(line, bytes) else line,
        [text for _, text in seen],
    ]


# compare/_known.py: an older PHP 8.2 build (Debian's 8.2.32) reports the CN check
# where 8.2.36 (and phpstreams) report the subjectAltName check; both refuse.
_OLD_NAME_CHECK = re.compile(
    r"\(\): (Peer certificate CN=`[^']*' did not match expected CN=`[^']*'"
    r"|Unable to locate peer certificate CN)$"
)
_NAME_CHECK = re.compile(r"\(\): Peer certificate subjectAltName did not match expected name")


def _as_836(php: list[Any], ours: list[Any]) -> list[Any]:
    """PHP's outcome with the older build's name-check text replaced by 8.2.36's."""
    texts = list(php[2])
    for i, text in enumerate(texts):
        if i < len(ours[2]) and _OLD_NAME_CHECK.search(text) and _NAME_CHECK.search(ours[2][i]):
            texts[i] = ours[2][i]
    return [php[0], php[1], texts]


@pytest.mark.php
@pytest.mark.usefixtures("php")
@pytest.mark.parametrize("attack", ATTACKS, ids=[a.name for a in ATTACKS])
def test_attack_refused_as_php_refuses_it(
    attack: Attack, certs: Certs, tmp_path: Path, php_diagnostics: PHPDiagnostics
) -> None:
    server = Server(certs.files[attack.cert], **attack.server)
    try:
        url = attack.url.format(port=server.port)
        options = {"cafile": certs.files["ca"], **attack.ssl}
        php = php_connect(tmp_path, url, options)
        ours = py_connect(php_diagnostics, url, options)
    finally:
        server.close()
    assert ours == _as_836(php, ours)
    connected, _, warned = ours
    if attack.refused:
        assert not connected and warned, f"{attack.name} was not refused: {ours}"
        assert any("Failed to enable crypto" in text for text in warned)
    else:
        assert connected and not warned, ours


def test_peer_fingerprint_compared_in_constant_time(
    certs: Certs, monkeypatch: pytest.MonkeyPatch, php_diagnostics: PHPDiagnostics
) -> None:
    """peer_fingerprint goes through hmac.compare_digest (phpstreams/tls/verify.py),
    for the right digest, a wrong one, upper case, and the [algo => digest] form."""
    from phpstreams.tls import verify

    compared: list[tuple[bytes, bytes]] = []
    real = verify.hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        compared.append((a, b))
        return real(a, b)

    monkeypatch.setattr(verify.hmac, "compare_digest", spy)
    server = Server(certs.files["good"])
    pem = Path(certs.files["good"]).read_text()
    start = pem.index("-----BEGIN CERTIFICATE-----")
    end = pem.index("-----END CERTIFICATE-----") + len("-----END CERTIFICATE-----")
    der = ssl.PEM_cert_to_DER_cert(pem[start:end])
    sha1, sha256 = hashlib.sha1(der).hexdigest(), hashlib.sha256(der).hexdigest()
    try:
        for expected, ok in (
            (sha1, True),
            (sha1.upper(), True),
            ("f" * 40, False),
            ({"sha256": sha256}, True),
            ({"sha256": "0" * 64}, False),
        ):
            compared.clear()
            options = {"cafile": certs.files["ca"], "peer_fingerprint": expected}
            with php_diagnostics() as seen:
                fp = stream_socket_client(
                    f"ssl://127.0.0.1:{server.port}",
                    Ref(),
                    Ref(),
                    5,
                    phpstreams.STREAM_CLIENT_CONNECT,
                    stream_context_create({"ssl": options}),
                )
            assert (fp is not False) is ok, seen
            assert compared, "the fingerprint was not compared with hmac.compare_digest"
            if fp is not False:
                fclose(fp)
            else:
                assert (
                    "E_WARNING",
                    "stream_socket_client(): peer_fingerprint match failure",
                ) in seen
    finally:
        server.close()


# -- secrets --------------------------------------------------------------------------

SECRET = "s3cr3t-Passphrase-7f2c"
WRONG = "not-the-passphrase-9d1e"


@pytest.fixture(scope="module")
def encrypted_key(certs: Certs) -> tuple[str, str, list[str]]:
    """(cert file, encrypted key file, the key's secret lines: its PEM bodies)."""
    leaf = certs.ca.issue_cert("127.0.0.1", key_type=trustme.KeyType.RSA)
    plain_pem = leaf.private_key_pem.bytes()
    key = serialization.load_pem_private_key(plain_pem, password=None)
    encrypted = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(SECRET.encode()),
    )
    folder = certs.folder
    cert_file, key_file = folder / "secret-cert.pem", folder / "secret-key.pem"
    leaf.cert_chain_pems[0].write_to_path(str(cert_file))
    key_file.write_bytes(encrypted)
    bodies = [
        line
        for pem in (plain_pem, encrypted)
        for line in pem.decode().splitlines()
        if line and not line.startswith("-----")
    ]
    return str(cert_file), str(key_file), bodies


SECRET_SCRIPT = r"""
import socket, ssl, sys, threading
from phpstreams import *

cert, key, cafile = sys.argv[1:4]
errno, errstr = Ref(), Ref()
for passphrase in (sys.argv[4], sys.argv[5]):
    ctx = stream_context_create({"ssl": {"local_cert": cert, "local_pk": key,
                                         "passphrase": passphrase}})
    srv = stream_socket_server("ssl://127.0.0.1:0", errno, errstr,
                               STREAM_SERVER_BIND | STREAM_SERVER_LISTEN, ctx)
    port = int(stream_socket_get_name(srv, False).rsplit(":", 1)[1])

    def client():
        c = ssl.create_default_context(cafile=cafile)
        try:
            with socket.create_connection(("127.0.0.1", port), 5) as raw:
                with c.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
                    tls.recv(10)
        except (OSError, ssl.SSLError):
            pass

    t = threading.Thread(target=client)
    t.start()
    conn = stream_socket_accept(srv, 5)
    if conn:
        fwrite(conn, "hi\n")
        fclose(conn)
    t.join()
    stream_context_get_options(ctx)
    stream_context_get_params(ctx)
    print(repr(ctx), str(ctx), repr(srv))
    fclose(srv)
"""


def test_no_secret_on_any_surface(
    certs: Certs,
    encrypted_key: tuple[str, str, list[str]],
    tmp_path: Path,
    php_diagnostics: PHPDiagnostics,
) -> None:
    """A server with an encrypted key and its passphrase (then a wrong passphrase):
    neither the passphrase nor the key's contents appear in any warning, repr,
    str, meta data, error_get_last, trace line (PHPSTREAMS_TRACE and ``python -m
    phpstreams trace``) or ``explain`` output."""
    cert_file, key_file, bodies = encrypted_key
    secrets = [SECRET, WRONG, *bodies]
    surfaces: dict[str, str] = {}

    # in process: warnings, reprs, meta data, the last error
    for passphrase in (SECRET, WRONG):
        ctx = stream_context_create(
            {"ssl": {"local_cert": cert_file, "local_pk": key_file, "passphrase": passphrase}}
        )
        with php_diagnostics() as seen:
            srv = stream_socket_server(
                "ssl://127.0.0.1:0",
                Ref(),
                Ref(),
                phpstreams.STREAM_SERVER_BIND | phpstreams.STREAM_SERVER_LISTEN,
                ctx,
            )
            assert srv is not False
            port = int(str(stream_socket_get_name(srv, False)).rsplit(":", 1)[1])
            outcome: list[Any] = []

            def client(port: int = port, outcome: list[Any] = outcome) -> None:
                context = ssl.create_default_context(cafile=certs.files["ca"])
                try:
                    with (
                        socket.create_connection(("127.0.0.1", port), 5) as raw,
                        context.wrap_socket(raw, server_hostname="127.0.0.1") as tls,
                    ):
                        outcome.append(tls.recv(10))
                except (OSError, ssl.SSLError) as exc:
                    outcome.append(exc)

            thread = threading.Thread(target=client)
            thread.start()
            conn = stream_socket_accept(srv, 5)
            if conn is not False:
                surfaces[f"meta {passphrase}"] = repr(stream_get_meta_data(conn))
                surfaces[f"conn {passphrase}"] = repr(conn) + str(conn)
                fwrite(conn, "hi\n")
                fclose(conn)
            thread.join()
        surfaces[f"warnings {passphrase}"] = repr(seen)
        surfaces[f"last {passphrase}"] = repr(error_get_last())
        surfaces[f"ctx {passphrase}"] = repr(ctx) + str(ctx) + repr(srv) + str(srv)
        if passphrase == SECRET:
            assert outcome == [b"hi\n"], outcome  # the right passphrase opened the key
        else:
            assert seen, "a wrong passphrase must warn"
        fclose(srv)

    # the trace, both ways, and explain
    script = tmp_path / "secret.py"
    script.write_text(textwrap.dedent(SECRET_SCRIPT))
    args = [cert_file, key_file, certs.files["ca"], SECRET, WRONG]
    env = {
        **os.environ,
        "PHPSTREAMS_TRACE": "1",
        "PHPSTREAMS_TRACE_FILE": str(tmp_path / "trace.log"),
    }
    done = subprocess.run(
        [sys.executable, str(script), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    surfaces["PHPSTREAMS_TRACE"] = (tmp_path / "trace.log").read_text() + done.stdout + done.stderr
    assert "stream_context_create(" in surfaces["PHPSTREAMS_TRACE"]
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "phpstreams",
            "trace",
            "-o",
            str(tmp_path / "cli.log"),
            str(script),
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    surfaces["phpstreams trace"] = (tmp_path / "cli.log").read_text() + done.stdout + done.stderr
    assert "stream_socket_server(" in surfaces["phpstreams trace"]
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "phpstreams",
            "explain",
            "context",
            json.dumps({"ssl": {"passphrase": SECRET, "local_pk": key_file}}),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    surfaces["explain"] = done.stdout + done.stderr
    assert "passphrase" in surfaces["explain"]

    leaks = [
        f"{surface}: {secret[:20]}..."
        for surface, text in surfaces.items()
        for secret in secrets
        if secret in text
    ]
    assert not leaks, leaks
