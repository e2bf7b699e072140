"""The ctypes OpenSSL helper (phpstreams.transport.openssl): its usability facts,
and each stdlib fallback against the ctypes path on the same inputs, in-process
(the fallback is selected by clearing LAYOUT / the library handle)."""

from __future__ import annotations

import ctypes
import ssl
import sys
from pathlib import Path

import pytest
import trustme
from cryptography.hazmat.primitives import serialization

from phpstreams.transport import openssl

pytestmark = pytest.mark.skipif(not openssl.LAYOUT, reason="the ctypes path is unusable here")


@pytest.fixture
def fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    """Layout unknown: every function that reads Python's objects falls back."""
    monkeypatch.setattr(openssl, "LAYOUT", False)


@pytest.fixture
def no_library(monkeypatch: pytest.MonkeyPatch) -> None:
    """No library at all, as with PHPSTREAMS_NO_CTYPES=1."""
    monkeypatch.setattr(openssl, "LAYOUT", False)
    monkeypatch.setattr(openssl, "_lib", None)


def raw_options(context: ssl.SSLContext) -> int:
    lib = openssl.library()
    assert lib is not None
    return int(lib.SSL_CTX_get_options(openssl._pointer(context, 0)))


def fresh(server: bool = False) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER if server else ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    return context


def test_facts() -> None:
    assert sys.version_info[:2] in openssl.LAYOUT_VERSIONS
    assert openssl.LIBRARY and openssl.LAYOUT and openssl.AVAILABLE
    assert not openssl.DISABLED
    assert all(major == 3 for major, _ in openssl.LAYOUT_VERSIONS)


def test_unknown_version_is_never_probed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(openssl, "LAYOUT_VERSIONS", ((2, 7),))
    assert openssl._check_layout(openssl.library()) is False
    assert openssl._check_layout(None) is False


def test_pointer_is_bounds_checked() -> None:
    with pytest.raises(ValueError):
        openssl._pointer(object(), 0)  # no room for a pointer after the header
    with pytest.raises(ValueError):
        openssl._ssl_pointer(object())  # type: ignore[arg-type]


PHP_OPTIONS = openssl.FRESH_OPTIONS | 0x80000850 & ~0x800 | 0x80 | 0x20000 | 0x4000


@pytest.mark.parametrize("options", [openssl.FRESH_OPTIONS, PHP_OPTIONS, PHP_OPTIONS | 0x400000])
def test_set_options_fallback(options: int, monkeypatch: pytest.MonkeyPatch) -> None:
    exact = fresh()
    openssl.set_options(exact, options)
    monkeypatch.setattr(openssl, "LAYOUT", False)
    approximated = fresh()
    openssl.set_options(approximated, options)
    assert raw_options(approximated) == raw_options(exact) == options


@pytest.mark.parametrize(
    ("minimum", "maximum"), [(0x301, 0x304), (0x303, 0x303), (0x304, 0x304), (0x302, 0x303)]
)
def test_set_proto_versions_fallback(
    minimum: int, maximum: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    exact = fresh()
    openssl.set_proto_versions(exact, minimum, maximum)
    monkeypatch.setattr(openssl, "LAYOUT", False)
    approximated = fresh()
    openssl.set_proto_versions(approximated, minimum, maximum)  # no DeprecationWarning
    assert (approximated.minimum_version, approximated.maximum_version) == (
        exact.minimum_version,
        exact.maximum_version,
    )
    assert approximated.minimum_version == ssl.TLSVersion(minimum)


@pytest.mark.parametrize("level", [-1, 0, 1, 2, 3, 5, 7])
def test_set_security_level_fallback(level: int, monkeypatch: pytest.MonkeyPatch) -> None:
    exact = fresh()
    exact.set_ciphers("HIGH:!aNULL")
    openssl.set_security_level(exact, level)
    monkeypatch.setattr(openssl, "LAYOUT", False)
    approximated = fresh()
    approximated.set_ciphers("HIGH:!aNULL")
    before = [c["name"] for c in approximated.get_ciphers()]
    openssl.set_security_level(approximated, level)
    # OpenSSL stores any level and treats it as clamped; @SECLEVEL= takes 0..5 only
    assert approximated.security_level == max(0, min(5, exact.security_level))
    assert [c["name"] for c in approximated.get_ciphers()] == before


def test_set_verify_fallback(fallback: None) -> None:
    context = fresh()
    openssl.set_verify(context, 1, lambda ok, error, depth: (ok, error))
    assert context.verify_mode == ssl.CERT_OPTIONAL  # SSL_VERIFY_PEER alone
    openssl.set_verify(context, 0, None)
    assert context.verify_mode == ssl.CERT_NONE
    openssl.set_verify_depth(context, 3)  # lost, silently


def test_defaults_without_library(no_library: None) -> None:
    assert openssl._fresh_defaults() == (openssl.FRESH_OPTIONS, fresh().security_level)
    openssl.clear_errors()


# -- local certificates ------------------------------------------------------------


@pytest.fixture(scope="module")
def pems(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("pems")
    ca = trustme.CA()
    good = ca.issue_cert("test.local")
    other = ca.issue_cert("other.local")
    paths: dict[str, Path] = {
        "combined": folder / "combined.pem",
        "cert": folder / "cert.pem",
        "key": folder / "key.pem",
        "other_key": folder / "other_key.pem",
        "encrypted_key": folder / "encrypted_key.pem",
        "missing": folder / "missing.pem",
        "garbage": folder / "garbage.pem",
    }
    good.private_key_and_cert_chain_pem.write_to_path(str(paths["combined"]))
    good.cert_chain_pems[0].write_to_path(str(paths["cert"]))
    good.private_key_pem.write_to_path(str(paths["key"]))
    other.private_key_pem.write_to_path(str(paths["other_key"]))
    key = serialization.load_pem_private_key(good.private_key_pem.bytes(), None)
    paths["encrypted_key"].write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"secret"),
        )
    )
    paths["garbage"].write_bytes(b"not a certificate\n")
    return {name: str(path).encode() for name, path in paths.items()}


CASES = [
    ("combined", "combined", None),
    ("cert", "key", None),
    ("cert", "other_key", None),  # a key that does not match
    ("cert", "encrypted_key", b"secret"),
    ("cert", "encrypted_key", b"wrong"),
    ("cert", "encrypted_key", None),  # PHP answers the prompt with nothing
    ("cert", "missing", None),
    ("missing", "key", None),
    ("garbage", "key", None),
]


def load(pems: dict[str, bytes], cert: str, key: str, passphrase: bytes | None) -> list[bool]:
    context = fresh(server=True)
    steps = [openssl.use_certificate_chain_file(context, pems[cert])]
    if steps[0]:
        steps.append(openssl.use_private_key_file(context, pems[key], passphrase))
        if steps[1]:
            steps.append(openssl.check_private_key(context))
    openssl.clear_errors()
    return steps


@pytest.mark.parametrize(("cert", "key", "passphrase"), CASES)
def test_local_cert_fallback(
    pems: dict[str, bytes],
    cert: str,
    key: str,
    passphrase: bytes | None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    exact = load(pems, cert, key, passphrase)
    monkeypatch.setattr(openssl, "LAYOUT", False)
    assert load(pems, cert, key, passphrase) == exact


def test_private_key_without_chain(pems: dict[str, bytes], fallback: None) -> None:
    assert openssl.use_private_key_file(fresh(server=True), pems["key"], None) is False


# -- error texts -------------------------------------------------------------------


def test_error_string_tables_match_openssl(monkeypatch: pytest.MonkeyPatch) -> None:
    codes = [
        ((lib & 0xFF) << 23) | reason
        for lib, reason in openssl._ERR_NAMES
        if lib in openssl._LIBRARY_TEXTS
    ]
    exact = {code: openssl.error_string(code) for code in codes}
    monkeypatch.setattr(openssl, "_lib", None)
    differ = [code for code in codes if openssl.error_string(code) != exact[code]]
    # only reasons whose OpenSSL text is not their mnemonic in lower case
    assert len(differ) < 20, [exact[code] for code in differ]
    for code in differ:
        assert exact[code].rsplit("::", 1)[0] == openssl.error_string(code).rsplit("::", 1)[0]
    assert openssl.error_string(0x7F000001) == "error:7F000001:lib(254)::reason(1)"


def test_error_line_from_the_exception(
    pems: dict[str, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket
    import threading

    server = fresh(server=True)
    server.load_cert_chain(pems["combined"].decode())
    client = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # verifies; the CA is unknown
    a, b = socket.socketpair()
    with a, b:
        accept = threading.Thread(target=_handshake_quietly, args=(server, b))
        accept.start()
        with pytest.raises(ssl.SSLCertVerificationError) as caught:
            client.wrap_socket(a, server_hostname="test.local")
        accept.join(5)
    exact_code = openssl.error_code(caught.value)
    assert exact_code is not None
    exact = openssl.error_string(exact_code)
    assert exact == "error:0A000086:SSL routines::certificate verify failed"
    monkeypatch.setattr(openssl, "_lib", None)
    assert openssl._reason_text(caught.value) == "certificate verify failed"
    assert openssl.error_code(caught.value) == exact_code
    assert openssl.error_string(exact_code) == exact


def _handshake_quietly(context: ssl.SSLContext, sock: object) -> None:
    try:
        context.wrap_socket(sock, server_side=True).close()  # type: ignore[arg-type]
    except (ssl.SSLError, OSError):
        pass


def test_library_handle_is_typed() -> None:
    lib = openssl.library()
    assert isinstance(lib, ctypes.CDLL)
    assert int(lib.OpenSSL_version_num()) == ssl.OPENSSL_VERSION_NUMBER
