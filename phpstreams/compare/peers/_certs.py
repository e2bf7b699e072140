"""The test certificates, and the placeholders naming them.

The certificates are made once per process with ``trustme`` and
``cryptography`` (:func:`certificates`), so the PHP run and the phpstreams run
of a scenario see byte-identical certificates and fingerprints; every TLS peer
writes them into its private folder (:meth:`CertSet.write`), since PHP's ``ssl``
options take file paths.

Placeholders, besides the engine's (:class:`TLSPlaceholders`): ``{cafile}`` (the
test CA), ``{certdir}`` (a capath folder: the CA under its OpenSSL hash name),
``{server_cert}``, ``{server_key}``, ``{server_pem}`` (cert + key, for
``local_cert``) of the good server certificate (test.local, 127.0.0.1, ::1);
``{client_cert}``, ``{client_key}``, ``{client_pem}``, ``{client_key_enc}``
(encrypted with ``PASSPHRASE``); ``{selfsigned_pem}``, ``{wrong_pem}``,
``{missing_file}`` (a path that does not exist); ``{sha1}``, ``{md5}``,
``{sha256}``: the good server certificate's fingerprints, computed from its DER
(mapped back by name when records are normalized).
"""

from __future__ import annotations

import datetime
import hashlib
import ipaddress
import os
import re
import shutil
import ssl
import subprocess
import threading
from dataclasses import dataclass, field

from .._placeholders import Placeholders
from ._base import PeerUnavailable

__all__ = ["PASSPHRASE", "SNI_NAMES", "CertSet", "TLSPlaceholders", "certificates"]

SNI_NAMES = ("cs.php.net", "uk.php.net", "us.php.net")
PASSPHRASE = "secret"


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
