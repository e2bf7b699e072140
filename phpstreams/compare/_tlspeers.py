"""TLS peers and test certificates for the TLS catalogue.

Theory of operation: a TLS peer is an ordinary :class:`~._peers.Peer` (fresh per
run, loopback only, bounded, stopped by ``stop()``) that also writes the test
certificates into its private folder, since PHP's ``ssl`` options take file
paths, and offers them as placeholders (:class:`TLSPlaceholders`): ``{cafile}``,
``{certdir}``, ``{server_pem}``, ``{client_cert}``, ``{sha1}``...  The
certificates themselves are made once per process with ``trustme`` and
``cryptography`` (:func:`certificates`), so the PHP run and the phpstreams run
of a scenario see byte-identical certificates and fingerprints.
``_peers.start_peer`` hands every kind of ``TLS_PEER_KINDS`` to
:func:`start_tls_peer`; catalogues set these kinds on their scenarios (see
``catalogue/_tls_helpers.tls_scenario``), since ``scenario()`` only knows the
engine's own kinds.

Placeholders, besides the engine's: ``{cafile}`` (the test CA), ``{certdir}``
(a capath folder: the CA under its OpenSSL hash name), ``{server_cert}``,
``{server_key}``, ``{server_pem}`` (cert + key, for ``local_cert``) of the good
server certificate (test.local, 127.0.0.1, ::1); ``{client_cert}``,
``{client_key}``, ``{client_pem}``, ``{client_key_enc}`` (encrypted with
``PASSPHRASE``); ``{selfsigned_pem}``, ``{wrong_pem}``, ``{missing_file}`` (a path
that does not exist); ``{sha1}``, ``{md5}``, ``{sha256}``: the good server
certificate's fingerprints, computed from its DER (mapped back by name when
records are normalized).

Kinds (``TLS_PEER_KINDS``):

* TLS servers (Python ``ssl`` in a thread).  After the handshake they send one
  greeting line ``hello over tls sni=<name the client sent, or none>`` (the
  client-certificate server says ``client=<SAN DNS of the client cert>``), then
  echo what they receive, except three commands sent alone: ``close\\n``
  (close_notify, then linger), ``drop\\n`` (TCP FIN without close_notify),
  ``reset\\n`` (a TCP reset).  Once TLS ends (the client's close_notify, as
  ``stream_socket_enable_crypto($fp, false)`` sends) they echo plain text.
  ``tls_echo`` (good cert, TLS 1.2-1.3),
  ``tls12_echo``, ``tls13_echo``, ``tls_wrongname``, ``tls_selfsigned``,
  ``tls_cnonly``, ``tls_wildcard``, ``tls_chain`` (leaf + intermediate),
  ``tls_clientcert`` (requires a client certificate), ``tls6_echo`` (on ::1),
  ``tls10_echo`` (TLS 1.0 only, OpenSSL security level 0).  They all offer the
  ALPN protocols ``http/1.1`` then ``h2``.
* Handshake troubles: ``tls_silent`` (accepts, never answers),
  ``tls_http`` (reads the ClientHello, answers with a plain HTTP response),
  ``tls_hangup`` (reads the ClientHello and closes cleanly).
* ``starttls``: SMTP-like plain-text start (``220`` banner, ``EHLO`` ->
  multi-line ``250`` with ``250-STARTTLS``, ``STARTTLS`` -> ``220 Ready to start
  TLS``), then TLS with the good cert and an echo; after the client's
  close_notify it echoes plain text again.  ``starttls_slow`` waits 0.3 s
  before answering the ClientHello, so a non-blocking handshake is surely
  still under way when it is first called.  ``aiosmtpd_starttls`` is the
  same conversation with the real ``aiosmtpd`` server.
* ``openssl_server``: Debian's ``openssl s_server`` (good cert, ``-rev``: each
  line comes back reversed, one connection) on 127.0.0.1.
* Clients for TLS servers written by the scenario: ``{port}`` is a free port
  the scenario listens on (``stream_socket_server("ssl://127.0.0.1:{port}")``),
  and the peer connects to it once as soon as it listens: ``tls_client`` (TLS,
  sends ``hello from client\\n``, waits for a reply line, closes),
  ``tls_client_cert`` (the same with the client certificate),
  ``http_client`` (a plain ``GET`` request), ``close_client`` (connects and
  closes).
* ``tls_none``: no server, certificates only.
* Added for the php-src .phpt scenarios (``catalogue/_phpt.py``), same greeting
  and echo as the TLS servers above: ``tls_cnwildcard`` (self-signed, CN
  ``*.test.com`` and no subjectAltName, as bug65729.phpt's certificate),
  ``tls_sanonly`` (SAN DNS example.org, www.example.org, test.example.org and no
  CN, as san_peer_matching.phpt's), ``tls_sancn`` (CN cn.example.org, SAN DNS
  san.example.org, as san_no_cn_fallback.phpt's), ``tls_any_echo`` (the good
  names with an RSA key, TLS 1.0-1.3 at OpenSSL security level 0, as
  tls_wrapper_with_tls_v1.3.phpt's server), ``tls10_rsa_echo`` (the same, TLS 1.0
  only: stream_crypto_flags_004.phpt's server), ``tls_sni`` (picks the
  certificate by the client's SNI: CN and SAN cs.php.net, uk.php.net or
  us.php.net, all under the test CA, else the good one; as sni_server.phpt's
  ``SNI_server_certs``) and ``tls12_slow_sink`` (TLS 1.2 only;
  each handshake flight it sends waits 0.3 s, so a non-blocking client's
  ``stream_socket_enable_crypto`` calls return 0 predictably; then it reads until
  EOF or 0xfffff bytes, answers ``received <n>\\n`` and sends close_notify: the
  shape of bug74159.phpt's server).
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import hashlib
import ipaddress
import os
import re
import select
import shutil
import socket
import ssl
import struct
import subprocess
import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

from ._peers import Peer, PeerUnavailable, _ipv6_available
from ._placeholders import Placeholders

__all__ = [
    "GREETING",
    "PASSPHRASE",
    "TLS_PEER_KINDS",
    "CertSet",
    "TLSPeer",
    "TLSPlaceholders",
    "certificates",
    "start_tls_peer",
]

_SERVER_KINDS = {
    # kind: (certificate, minimum version, maximum version)
    "tls_echo": ("good", None, None),
    "tls12_echo": ("good", None, ssl.TLSVersion.TLSv1_2),
    "tls13_echo": ("good", ssl.TLSVersion.TLSv1_3, None),
    "tls_wrongname": ("wrong", None, None),
    "tls_selfsigned": ("selfsigned", None, None),
    "tls_cnonly": ("cnonly", None, None),
    "tls_wildcard": ("wildcard", None, None),
    "tls_chain": ("chain", None, None),
    "tls_clientcert": ("good", None, None),
    "tls6_echo": ("good", None, None),
    "tls10_echo": ("good", ssl.TLSVersion.TLSv1, ssl.TLSVersion.TLSv1),
    # the php-src .phpt scenarios' servers
    "tls_cnwildcard": ("cnwildcard", None, None),
    "tls_sanonly": ("sanonly", None, None),
    "tls_sancn": ("sancn", None, None),
    "tls_any_echo": ("goodrsa", ssl.TLSVersion.TLSv1, None),
    "tls10_rsa_echo": ("goodrsa", ssl.TLSVersion.TLSv1, ssl.TLSVersion.TLSv1),
}
SNI_NAMES = ("cs.php.net", "uk.php.net", "us.php.net")
SINK_BYTES = 0xFFFFF  # what bug74159.phpt writes
_SLOW_FLIGHT = 0.3
_CLIENT_KINDS = frozenset({"tls_client", "tls_client_cert", "http_client", "close_client"})
TLS_PEER_KINDS = frozenset(
    {
        *_SERVER_KINDS,
        *_CLIENT_KINDS,
        "tls_silent",
        "tls_http",
        "tls_hangup",
        "starttls",
        "starttls_slow",
        "aiosmtpd_starttls",
        "openssl_server",
        "tls_none",
        "tls_sni",
        "tls12_slow_sink",
    }
)

GREETING = "hello over tls"
HTTP_RESPONSE = b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
SMTP_HOST = "phpstreams.test"
PASSPHRASE = "secret"
_HANDSHAKE_TIMEOUT = 10.0
_CLIENT_DEADLINE = 15.0
_POLL = 0.1


# -- certificates ------------------------------------------------------------------


@dataclass(frozen=True)
class CertSet:
    """PEM bytes of every test certificate (keys included), made once per process."""

    ca: bytes
    pems: dict[str, tuple[bytes, bytes]]  # name -> (certificate chain PEM, key PEM)
    ca_hash: str | None  # OpenSSL subject hash of the CA, for a capath folder
    encrypted_client_key: bytes  # the client key, encrypted with PASSPHRASE

    def fingerprints(self, name: str = "good") -> dict[str, str]:
        der = _first_der(self.pems[name][0])
        return {algo: hashlib.new(algo, der).hexdigest() for algo in ("sha1", "md5", "sha256")}

    def write(self, folder: str) -> dict[str, str]:
        """Write the files into ``folder``; the placeholders naming them."""
        out: dict[str, str] = {}

        def put(name: str, data: bytes) -> str:
            path = os.path.join(folder, name)
            with open(path, "wb") as handle:
                handle.write(data)
            return path

        out["cafile"] = put("ca.pem", self.ca)
        certdir = os.path.join(folder, "certs")
        os.mkdir(certdir)
        if self.ca_hash:
            put(os.path.join("certs", f"{self.ca_hash}.0"), self.ca)
        out["certdir"] = certdir
        for name, label in (("good", "server"), ("client", "client")):
            chain, key = self.pems[name]
            out[f"{label}_cert"] = put(f"{label}.crt", chain)
            out[f"{label}_key"] = put(f"{label}.key", key)
            out[f"{label}_pem"] = put(f"{label}.pem", chain + key)
        out["client_key_enc"] = put("client-enc.key", self.encrypted_client_key)
        out["selfsigned_pem"] = put("selfsigned.pem", self.pems["selfsigned"][0])
        out["wrong_pem"] = put("wrong.pem", b"".join(self.pems["wrong"]))
        out["missing_file"] = os.path.join(folder, "no-such-file.pem")
        for algo, value in self.fingerprints().items():
            out[algo] = value
        return out


_CERTS: CertSet | None = None
_CERTS_LOCK = threading.Lock()


def _first_der(chain: bytes) -> bytes:
    text = chain.decode("ascii")
    end = text.index("-----END CERTIFICATE-----") + len("-----END CERTIFICATE-----")
    return ssl.PEM_cert_to_DER_cert(text[:end])


def _subject_hash(ca_pem: bytes) -> str | None:
    """``openssl x509 -hash`` of the CA (the name a capath folder needs), if openssl runs."""
    if shutil.which("openssl") is None:
        return None
    try:
        done = subprocess.run(
            ["openssl", "x509", "-hash", "-noout"],
            input=ca_pem,
            capture_output=True,
            timeout=20,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    text = done.stdout.decode("ascii", "replace").strip()
    return text if done.returncode == 0 and re.fullmatch(r"[0-9a-f]{8}", text) else None


def _made_with_cryptography(
    ca_cert_pem: bytes, ca_key_pem: bytes
) -> dict[str, tuple[bytes, bytes]]:
    """The two certificates trustme cannot make: a self-signed one, and a CN-only one."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.datetime.now(datetime.timezone.utc)
    start, end = now - datetime.timedelta(days=1), now + datetime.timedelta(days=3650)

    def key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
        return key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    # self-signed: subject CN and SAN IP 127.0.0.1
    own_key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    selfsigned = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(own_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(own_key, hashes.SHA256())
    )

    # CN only (no subjectAltName), issued by the test CA
    ca_cert = x509.load_pem_x509_certificate(ca_cert_pem)
    ca_key = serialization.load_pem_private_key(ca_key_pem, password=None)
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    cnonly = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "cn.local")]))
        .issuer_name(ca_cert.subject)
        .public_key(leaf_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(leaf_key.public_key()), critical=False
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_cert.public_key()),  # type: ignore[arg-type]
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())  # type: ignore[arg-type]
    )
    # self-signed, CN '*.test.com' and no subjectAltName (bug65729.phpt's certificate)
    wild_key = ec.generate_private_key(ec.SECP256R1())
    wild_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "*.test.com")])
    cnwildcard = (
        x509.CertificateBuilder()
        .subject_name(wild_name)
        .issuer_name(wild_name)
        .public_key(wild_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .sign(wild_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    return {
        "selfsigned": (selfsigned.public_bytes(pem), key_pem(own_key)),
        "cnonly": (cnonly.public_bytes(pem), key_pem(leaf_key)),
        "cnwildcard": (cnwildcard.public_bytes(pem), key_pem(wild_key)),
    }


def _encrypted(key_pem: bytes) -> bytes:
    from cryptography.hazmat.primitives import serialization

    key = serialization.load_pem_private_key(key_pem, password=None)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(PASSPHRASE.encode()),
    )


def certificates() -> CertSet:
    """The process-wide test certificates (made on first use)."""
    global _CERTS
    with _CERTS_LOCK:
        if _CERTS is None:
            try:
                import trustme
            except ImportError as exc:  # pragma: no cover - a test dependency
                raise PeerUnavailable(f"TLS peers need trustme: {exc}") from exc
            org, unit = "phpstreams", "tls parity"
            rsa = trustme.KeyType.RSA
            ca = trustme.CA(organization_name=org, organization_unit_name=unit)

            def leaf(
                issuer: trustme.CA,
                *identities: str,
                cn: str | None = None,
                key_type: trustme.KeyType = trustme.KeyType.ECDSA,
            ) -> tuple[bytes, bytes]:
                cert = issuer.issue_cert(
                    *identities,
                    common_name=cn,
                    organization_name=org,
                    organization_unit_name=unit,
                    key_type=key_type,
                )
                chain = b"".join(blob.bytes() for blob in cert.cert_chain_pems)
                return chain, cert.private_key_pem.bytes()

            pems = {
                "good": leaf(ca, "test.local", "127.0.0.1", "::1", cn="test.local"),
                "wrong": leaf(ca, "wrong.example", cn="wrong.example"),
                "wildcard": leaf(ca, "*.wild.local"),
                "client": leaf(ca, "client.local", cn="client.local"),
                "chain": leaf(ca.create_child_ca(), "test.local", "127.0.0.1"),
                # the php-src .phpt scenarios' certificates
                # the good certificate's names with an RSA key: TLS 1.0/1.1 need it at
                # OpenSSL 3's default security level (php-src's CertificateGenerator uses RSA)
                "goodrsa": leaf(
                    ca, "test.local", "127.0.0.1", "::1", cn="test.local", key_type=rsa
                ),
                "sanonly": leaf(ca, "example.org", "www.example.org", "test.example.org"),
                "sancn": leaf(ca, "san.example.org", cn="cn.example.org"),
                **{f"sni-{name}": leaf(ca, name, cn=name) for name in SNI_NAMES},
            }
            ca_pem = ca.cert_pem.bytes()
            pems.update(_made_with_cryptography(ca_pem, ca.private_key_pem.bytes()))
            _CERTS = CertSet(
                ca=ca_pem,
                pems=pems,
                ca_hash=_subject_hash(ca_pem),
                encrypted_client_key=_encrypted(pems["client"][1]),
            )
        return _CERTS


# -- placeholders ------------------------------------------------------------------------


@dataclass
class TLSPlaceholders(Placeholders):
    """The engine's placeholders plus the certificate files and fingerprints."""

    extra: dict[str, str] = field(default_factory=dict)

    def values(self) -> dict[str, str]:
        return {**super().values(), **self.extra}

    def reverse(self) -> list[tuple[re.Pattern[str], str]]:
        # paths map back through {tmp}; fingerprints are mapped back by name
        out = []
        for name in ("sha256", "sha1", "md5"):
            if name in self.extra:
                pattern = re.compile(re.escape(self.extra[name]), re.IGNORECASE)
                out.append((pattern, f"{{{name}}}"))
        return out + super().reverse()


# -- the peer ------------------------------------------------------------------------------


def _reserve_port() -> int:
    """A loopback port that was free a moment ago (for a server the scenario opens)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class TLSPeer(Peer):
    """A peer with the test certificates in its folder."""

    def __init__(self, kind: str) -> None:
        certs = certificates()
        super().__init__(kind)
        self.certs = certs
        try:
            self.files = certs.write(self.tmp)
        except OSError:
            self.stop()
            raise
        self._process: subprocess.Popen[bytes] | None = None
        self._closers: list[Callable[[], None]] = []

    def placeholders(self) -> Placeholders:
        return TLSPlaceholders(
            host=self.host,
            port=self.port,
            port2=self.port2,
            path=self.path,
            tmp=self.tmp,
            extra=dict(self.files),
        )

    def stop(self) -> None:
        self._stop.set()
        for closer in self._closers:
            with contextlib.suppress(Exception):
                closer()
        process = self._process
        if process is not None:
            with contextlib.suppress(OSError):
                process.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=5)
        super().stop()
        if process is not None and process.stdout is not None:
            process.stdout.close()

    # -- TLS helpers ------------------------------------------------------------------

    def server_context(
        self,
        cert: str = "good",
        minimum: ssl.TLSVersion | None = None,
        maximum: ssl.TLSVersion | None = None,
        client_cert: bool = False,
    ) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        if minimum == ssl.TLSVersion.TLSv1:
            context.set_ciphers("DEFAULT:@SECLEVEL=0")  # OpenSSL 3 refuses TLS 1.0 above level 0
        context.set_alpn_protocols(["http/1.1", "h2"])
        chain, key = self.certs.pems[cert]
        chain_file = os.path.join(self.tmp, f"peer-{cert}.pem")
        key_file = os.path.join(self.tmp, f"peer-{cert}.key")
        for path, data in ((chain_file, chain), (key_file, key)):
            with open(path, "wb") as handle:
                handle.write(data)
        context.load_cert_chain(chain_file, key_file)
        with warnings.catch_warnings():
            # Python deprecates TLS 1.0 (tls10_echo): the peer uses it on purpose
            warnings.simplefilter("ignore", DeprecationWarning)
            if minimum is not None:
                context.minimum_version = minimum
            if maximum is not None:
                context.maximum_version = maximum
        if client_cert:
            context.verify_mode = ssl.CERT_REQUIRED
            context.load_verify_locations(self.files["cafile"])

        def remember_sni(sslobj: object, name: str | None, _ctx: ssl.SSLContext) -> None:
            with contextlib.suppress(AttributeError):
                sslobj.sni_name = name  # type: ignore[attr-defined]

        context.sni_callback = remember_sni
        return context

    def _wrap(
        self, conn: socket.socket, context: ssl.SSLContext, server: bool = True
    ) -> ssl.SSLSocket | None:
        """Wrap and handshake, waking up regularly to notice stop(); None on failure."""
        sslsock = context.wrap_socket(
            conn,
            server_side=server,
            do_handshake_on_connect=False,
            server_hostname=None if server else "test.local",
        )
        try:
            self._own(sslsock)
        except OSError:
            return None
        sslsock.settimeout(_POLL)
        deadline = time.monotonic() + _HANDSHAKE_TIMEOUT
        while not self._stop.is_set() and time.monotonic() < deadline:
            try:
                sslsock.do_handshake()
                return sslsock
            except (TimeoutError, ssl.SSLWantReadError, ssl.SSLWantWriteError):
                continue
            except (ssl.SSLError, OSError):
                break
        sslsock.close()
        return None

    def _tls_recv(self, sslsock: ssl.SSLSocket) -> bytes:
        """Data; b"" once TLS ended (the client's close_notify, EOF or an error)."""
        sslsock.settimeout(_POLL)
        while not self._stop.is_set():
            try:
                return sslsock.recv(65536)
            except (TimeoutError, ssl.SSLWantReadError, ssl.SSLWantWriteError):
                continue
            except (ssl.SSLError, OSError):
                return b""
        return b""

    def _linger(self, sock: socket.socket) -> None:
        while self._recv(sock):
            pass
        sock.close()

    @staticmethod
    def _close_notify(sslsock: ssl.SSLSocket) -> None:
        """Send close_notify without waiting for the client's."""
        sslsock.setblocking(False)
        with contextlib.suppress(ssl.SSLError, OSError, ValueError):
            sslsock.unwrap()

    def _plain(self, sslsock: ssl.SSLSocket) -> socket.socket:
        """The TCP socket under ``sslsock``, as plain text (no close_notify sent)."""
        raw = socket.socket(
            sslsock.family, sslsock.type, sslsock.proto, fileno=os.dup(sslsock.fileno())
        )
        self._own(raw)
        sslsock.close()
        return raw

    def tls_session(self, sslsock: ssl.SSLSocket, greeting: bytes | None) -> None:
        """Greeting, then echo; ``close``/``drop``/``reset`` end it as their names say."""
        if greeting is not None:
            self._send(sslsock, greeting)
        while data := self._tls_recv(sslsock):
            if data == b"close\n":
                self._close_notify(sslsock)
                self._linger(self._plain(sslsock))
                return
            if data == b"drop\n":
                raw = self._plain(sslsock)
                with contextlib.suppress(OSError):
                    raw.shutdown(socket.SHUT_WR)
                self._linger(raw)
                return
            if data == b"reset\n":
                sslsock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                sslsock.close()
                return
            self._send(sslsock, data)
        # TLS ended (the client's close_notify, or EOF): carry on in plain text
        self.handle_echo(self._plain(sslsock))

    # -- handlers ------------------------------------------------------------------------

    def tls_server(
        self, context: ssl.SSLContext, client_cert: bool
    ) -> Callable[[socket.socket], None]:
        def handle(conn: socket.socket) -> None:
            sslsock = self._wrap(conn, context)
            if sslsock is None:
                return
            if client_cert:
                cert = sslsock.getpeercert() or {}
                names = [
                    str(item[1])
                    for item in cert.get("subjectAltName", ())
                    if isinstance(item, tuple) and item[0] == "DNS"
                ]
                greeting = f"{GREETING} client={names[0] if names else 'none'}\n"
            else:
                sni = getattr(sslsock, "sni_name", None)
                greeting = f"{GREETING} sni={sni or 'none'}\n"
            self.tls_session(sslsock, greeting.encode())

        return handle

    def handle_http(self, conn: socket.socket) -> None:
        """Read the ClientHello, answer in plain HTTP, linger until the client closes."""
        if self._recv(conn):
            self._send(conn, HTTP_RESPONSE)
        self._linger(conn)

    def handle_hangup(self, conn: socket.socket) -> None:
        """Read the ClientHello, then close cleanly (a FIN, nothing left unread)."""
        self._recv(conn)
        conn.close()

    def handle_starttls(self, conn: socket.socket, delay: float = 0.0) -> None:
        """SMTP-like start; ``delay``: seconds to wait before answering the ClientHello."""
        self._send(conn, f"220 {SMTP_HOST} ESMTP ready\r\n".encode())
        pending = b""
        while True:
            while b"\n" not in pending:
                data = self._recv(conn)
                if not data:
                    conn.close()
                    return
                pending += data
            line, _, pending = pending.partition(b"\n")
            verb = line.strip().split(b" ", 1)[0].upper()
            if verb in (b"EHLO", b"HELO"):
                self._send(
                    conn,
                    f"250-{SMTP_HOST} greets you\r\n250-PIPELINING\r\n250-STARTTLS\r\n"
                    "250 8BITMIME\r\n".encode(),
                )
            elif verb == b"STARTTLS":
                self._send(conn, b"220 Ready to start TLS\r\n")
                if delay and self._stop.wait(delay):
                    return
                sslsock = self._wrap(conn, self.server_context())
                if sslsock is not None:
                    self.tls_session(sslsock, None)
                return
            elif verb == b"QUIT":
                self._send(conn, b"221 bye\r\n")
                self._linger(conn)
                return
            else:
                self._send(conn, b"500 unknown command\r\n")

    def sni_server(self) -> Callable[[socket.socket], None]:
        """A TLS server choosing its certificate by the client's SNI (tls_sni)."""
        contexts = {name: self.server_context(f"sni-{name}") for name in SNI_NAMES}
        base = self.server_context()

        def choose(sslobj: ssl.SSLObject, name: str | None, _ctx: ssl.SSLContext) -> None:
            with contextlib.suppress(AttributeError):
                sslobj.sni_name = name  # type: ignore[attr-defined]
            if name in contexts:
                sslobj.context = contexts[name]

        base.sni_callback = choose
        return self.tls_server(base, False)

    def handle_slow_sink(self, conn: socket.socket) -> None:
        """TLS 1.2 through memory BIOs: each handshake flight waits _SLOW_FLIGHT seconds;
        then read up to SINK_BYTES (or EOF), answer 'received <n>', close_notify, linger."""
        context = self.server_context(maximum=ssl.TLSVersion.TLSv1_2)
        incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
        tls = context.wrap_bio(incoming, outgoing, server_side=True)
        deadline = time.monotonic() + _HANDSHAKE_TIMEOUT
        done = False
        while not done and time.monotonic() < deadline:
            data = self._recv(conn)
            if not data:
                conn.close()
                return
            incoming.write(data)
            try:
                tls.do_handshake()
                done = True
            except ssl.SSLWantReadError:
                pass
            except ssl.SSLError:
                conn.close()
                return
            flight = outgoing.read()
            if flight:
                if self._stop.wait(_SLOW_FLIGHT):
                    return
                self._send(conn, flight)
        received = 0
        while done and received < SINK_BYTES:
            try:
                received += len(tls.read(65536))
                continue
            except ssl.SSLWantReadError:
                pass
            except (ssl.SSLZeroReturnError, ssl.SSLError):
                break
            data = self._recv(conn)
            if not data:
                break
            incoming.write(data)
        with contextlib.suppress(ssl.SSLError):
            tls.write(f"received {received}\n".encode())
            tls.unwrap()
        with contextlib.suppress(OSError):
            self._send(conn, outgoing.read())
        self._linger(conn)

    # -- clients for the scenario's own servers --------------------------------------------

    def start_client(self, kind: str) -> None:
        self.port = _reserve_port()
        port = self.port

        def connect() -> socket.socket | None:
            deadline = time.monotonic() + _CLIENT_DEADLINE
            while not self._stop.is_set() and time.monotonic() < deadline:
                sock = self._own(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
                sock.settimeout(1.0)
                try:
                    sock.connect(("127.0.0.1", port))
                    return sock
                except OSError:
                    sock.close()
                    self._stop.wait(0.02)
            return None

        def run() -> None:
            sock = connect()
            if sock is None:
                return
            if kind == "close_client":
                sock.close()
                return
            if kind == "http_client":
                self._send(sock, b"GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
                self._linger(sock)
                return
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            if kind == "tls_client_cert":
                context.load_cert_chain(self.files["client_cert"], self.files["client_key"])
            sslsock = self._wrap(sock, context, server=False)
            if sslsock is None:
                return
            self._send(sslsock, b"hello from client\n")
            reply = b""
            while b"\n" not in reply:
                data = self._tls_recv(sslsock)
                if not data:
                    break
                reply += data
            self._close_notify(sslsock)
            self._linger(self._plain(sslsock))

        self._spawn(run)

    # -- real servers -----------------------------------------------------------------------

    def start_openssl_server(self) -> None:
        if shutil.which("openssl") is None:
            raise PeerUnavailable("no openssl binary (apt-get install openssl)")
        self.port = _reserve_port()
        command = [
            "openssl", "s_server",
            "-accept", f"127.0.0.1:{self.port}",
            "-cert", self.files["server_cert"],
            "-key", self.files["server_key"],
            "-naccept", "1",
            "-rev",
        ]  # fmt: skip
        self._process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            cwd=self.tmp,
        )
        stdout = self._process.stdout
        assert stdout is not None
        fd = stdout.fileno()
        seen = b""
        deadline = time.monotonic() + 10
        while b"ACCEPT" not in seen:
            left = deadline - time.monotonic()
            if left <= 0:
                raise PeerUnavailable("openssl s_server did not start in time")
            if not select.select([fd], [], [], left)[0]:
                continue
            chunk = os.read(fd, 4096)
            if not chunk:
                raise PeerUnavailable(f"openssl s_server stopped: {seen[-300:]!r}")
            seen += chunk

        def drain() -> None:
            with contextlib.suppress(OSError):
                while os.read(fd, 4096):
                    pass

        self._spawn(drain)

    def start_aiosmtpd(self) -> None:
        try:
            from aiosmtpd.controller import Controller
        except ImportError as exc:  # pragma: no cover - a test dependency
            raise PeerUnavailable(f"aiosmtpd is not installed: {exc}") from exc

        class Sink:
            async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
                return "250 OK"

        self.port = _reserve_port()
        controller = Controller(
            Sink(),
            hostname="127.0.0.1",
            port=self.port,
            server_hostname=SMTP_HOST,
            ready_timeout=10.0,
            tls_context=self.server_context(),
            require_starttls=False,
            ident="phpstreams-test SMTP",
        )
        try:
            controller.start()
        except Exception as exc:
            raise PeerUnavailable(f"aiosmtpd did not start: {exc}") from exc
        self._closers.append(controller.stop)


def start_tls_peer(kind: str) -> TLSPeer:
    """Start a fresh TLS peer of ``kind`` (one of ``TLS_PEER_KINDS``)."""
    if kind not in TLS_PEER_KINDS:
        raise ValueError(f"unknown TLS peer kind {kind!r}")
    peer = TLSPeer(kind)
    try:
        _start(peer)
    except BaseException:
        peer.stop()
        raise
    return peer


def _start(peer: TLSPeer) -> None:
    kind = peer.kind
    handler: Callable[[socket.socket], None] | None = None
    if kind in _SERVER_KINDS:
        cert, minimum, maximum = _SERVER_KINDS[kind]
        wants_client_cert = kind == "tls_clientcert"
        context = peer.server_context(cert, minimum, maximum, client_cert=wants_client_cert)
        handler = peer.tls_server(context, wants_client_cert)
    elif kind == "tls_sni":
        handler = peer.sni_server()
    elif kind == "tls12_slow_sink":
        handler = peer.handle_slow_sink
    elif kind == "tls_silent":
        handler = peer.handle_silent
    elif kind == "tls_http":
        handler = peer.handle_http
    elif kind == "tls_hangup":
        handler = peer.handle_hangup
    elif kind == "starttls":
        handler = peer.handle_starttls
    elif kind == "starttls_slow":
        handler = functools.partial(peer.handle_starttls, delay=0.3)
    elif kind in _CLIENT_KINDS:
        peer.start_client(kind)
    elif kind == "openssl_server":
        peer.start_openssl_server()
    elif kind == "aiosmtpd_starttls":
        peer.start_aiosmtpd()
    if handler is not None and kind == "tls6_echo":
        if not _ipv6_available():
            raise PeerUnavailable("no IPv6 loopback (::1) on this machine")
        peer.host = "::1"
        listener = peer.listen_stream(handler, socket.AF_INET6, ("::1", 0))
        peer.port = listener.getsockname()[1]
    elif handler is not None:
        listener = peer.listen_stream(handler, socket.AF_INET, ("127.0.0.1", 0))
        peer.port = listener.getsockname()[1]
