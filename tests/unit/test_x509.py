"""The one X.509 reader (phpstreams.tls.x509parse): the names PHP's peer-name check
reads, checked against cryptography's parse of the same certificates, and its
stdlib-only fallback (``_ssl._test_decode_cert``) against the OpenSSL reader."""

from __future__ import annotations

import datetime
import ipaddress
from collections.abc import Sequence

import pytest
import trustme
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.name import _ASN1Type
from cryptography.x509.oid import NameOID

from phpstreams.tls import x509parse
from phpstreams.tls.x509 import OpenSSLCertificate, names_of, parse

pytestmark = pytest.mark.skipif(x509parse._lib is None, reason="libcrypto is not reachable")

_KEY = ec.generate_private_key(ec.SECP256R1())
_RAW_ENCODING = {
    _ASN1Type.UTF8String: "utf-8",
    _ASN1Type.PrintableString: "ascii",
    _ASN1Type.IA5String: "ascii",
    _ASN1Type.BMPString: "utf-16-be",
}


def make(
    attributes: Sequence[x509.NameAttribute], alt_names: Sequence[x509.GeneralName] = ()
) -> bytes:
    """A self-signed DER certificate with this subject and subjectAltName."""
    name = x509.Name(attributes)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(_KEY.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc))
        .not_valid_after(datetime.datetime(2060, 1, 1, tzinfo=datetime.timezone.utc))
    )
    if alt_names:
        builder = builder.add_extension(x509.SubjectAlternativeName(alt_names), critical=False)
    return builder.sign(_KEY, hashes.SHA256()).public_bytes(Encoding.DER)


def cn(value: str, kind: _ASN1Type = _ASN1Type.UTF8String) -> x509.NameAttribute:
    return x509.NameAttribute(NameOID.COMMON_NAME, value, _type=kind)


def dns(value: str) -> x509.DNSName:
    return x509.DNSName._init_without_validation(value)  # NUL, non-ASCII: PHP's test cases


def ip(value: str) -> x509.IPAddress:
    return x509.IPAddress(ipaddress.ip_address(value))


def trustme_der(*identities: str, common_name: str | None = None) -> bytes:
    pem = trustme.CA().issue_cert(*identities, common_name=common_name).cert_chain_pems[0]
    return x509.load_pem_x509_certificate(pem.bytes()).public_bytes(Encoding.DER)


CERTIFICATES = {
    "san-dns-ip": lambda: trustme_der("test.local", "127.0.0.1", "::1"),
    "san-wildcard": lambda: trustme_der("*.wild.example", "wild.example"),
    "san-and-cn": lambda: trustme_der("a.example", common_name="cn.example"),
    "cn-only": lambda: make([cn("cn.example")]),
    "cn-printable": lambda: make([cn("cn.example", _ASN1Type.PrintableString)]),
    "cn-bmp": lambda: make([cn("bmp.example", _ASN1Type.BMPString)]),
    "cn-twice": lambda: make([cn("first.example"), cn("second.example")]),
    "cn-nul": lambda: make([cn("a\x00b.example")]),
    "no-names": lambda: make([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "org")]),
    "san-nul": lambda: make([cn("x")], [dns("bad\x00.example"), dns("good.example")]),
    "san-utf8-bytes": lambda: make([], [dns("café.example")]),
    "san-ipv6-only": lambda: make([], [ip("2001:db8::1"), ip("10.1.2.3")]),
    "san-trailing-dot": lambda: make([cn("x")], [dns("dot.example.")]),
}


@pytest.fixture(scope="module")
def ders() -> dict[str, bytes]:
    return {name: build() for name, build in CERTIFICATES.items()}


def expected_names(der: bytes) -> tuple[list[bytes], list[str], list[bytes]]:
    """cryptography's view, as raw CN bytes, dNSNames one char per byte, raw IPs."""
    cert = x509.load_der_x509_certificate(der)
    common_names = [
        str(attr.value).encode(_RAW_ENCODING[attr._type])
        for attr in cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    ]
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return common_names, [], []
    dns_names = [
        name.value.encode("utf-8").decode("latin-1")
        for name in san
        if isinstance(name, x509.DNSName)
    ]
    ips = [name.value.packed for name in san if isinstance(name, x509.IPAddress)]
    return common_names, dns_names, ips


@pytest.mark.parametrize("name", sorted(CERTIFICATES))
def test_names_match_cryptography(ders: dict[str, bytes], name: str) -> None:
    assert names_of(ders[name]) == expected_names(ders[name])


def test_names_concrete(ders: dict[str, bytes]) -> None:
    assert names_of(ders["san-dns-ip"]) == (
        [],
        ["test.local"],
        [bytes([127, 0, 0, 1]), bytes(15) + b"\x01"],
    )
    assert names_of(ders["cn-twice"])[0] == [b"first.example", b"second.example"]
    assert names_of(ders["cn-bmp"])[0] == ["bmp.example".encode("utf-16-be")]
    assert names_of(ders["san-nul"])[1] == ["bad\x00.example", "good.example"]


def test_unparsable_der_has_no_names() -> None:
    assert names_of(b"\x30\x03\x02\x01\x00") == ([], [], [])
    assert parse(OpenSSLCertificate(b"junk")) is None


def raw_byte_dns() -> bytes:
    """A dNSName with the raw byte 0xE9 (not UTF-8); the signature no longer holds."""
    der = make([cn("x")], [dns("café.example")])
    assert der.count("café".encode()) == 1
    return der.replace("café".encode(), b"cafe\xe9")


def test_raw_byte_dns_name() -> None:
    # one character per byte, as PHP's ASN1_STRING_to_UTF8 of an IA5String
    assert names_of(raw_byte_dns()) == ([b"x"], ["cafe\xe9.example"], [])


# What the stdlib decoder cannot give back: raw CN bytes of a non-UTF-8 string type.
STDLIB_LOSSES = {"cn-bmp"}


@pytest.mark.parametrize("name", sorted(set(CERTIFICATES) - STDLIB_LOSSES))
def test_stdlib_names_equal_openssl(
    ders: dict[str, bytes], name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    openssl = names_of(ders[name])
    monkeypatch.setattr(x509parse, "_lib", None)  # as without libcrypto
    assert names_of(ders[name]) == openssl


def test_stdlib_names_losses(ders: dict[str, bytes], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(x509parse, "_lib", None)
    # BMPString CN: OpenSSL's UTF-8 conversion, not the raw UCS-2 bytes
    assert names_of(ders["cn-bmp"])[0] == [b"bmp.example"]
    # a name Python's decoder cannot decode as UTF-8: no names at all, no array
    assert names_of(raw_byte_dns()) == ([], [], [])
    assert parse(OpenSSLCertificate(raw_byte_dns())) is None


@pytest.mark.parametrize("name", ["san-dns-ip", "san-and-cn", "cn-twice", "no-names"])
@pytest.mark.parametrize("short", [True, False])
def test_stdlib_parse_is_a_subset_of_openssl(
    ders: dict[str, bytes], name: str, short: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    certificate = OpenSSLCertificate(ders[name])
    full = parse(certificate, short)
    assert full is not None
    monkeypatch.setattr(x509parse, "_lib", None)
    partial = parse(certificate, short)
    assert partial is not None
    lost = {"hash", "signatureTypeSN", "signatureTypeLN", "signatureTypeNID", "purposes"}
    assert list(partial) == [key for key in full if key not in lost]
    for key in partial:
        if key == "extensions":
            kept = {k: v for k, v in full["extensions"].items() if k == "subjectAltName"}
            assert partial[key] == kept
        else:
            assert partial[key] == full[key], key


def test_openssl_parse_concrete(ders: dict[str, bytes]) -> None:
    parsed = parse(OpenSSLCertificate(ders["cn-twice"]))
    assert parsed is not None
    assert parsed["subject"] == {"CN": ["first.example", "second.example"]}
    assert parsed["name"] == "/CN=first.example/CN=second.example"
    assert parsed["validFrom"] == "200101000000Z"
    assert parsed["validTo"] == "20600101000000Z"  # GeneralizedTime from 2050
    assert parsed["version"] == 2
