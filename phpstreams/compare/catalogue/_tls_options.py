"""The ssl context options: fingerprints, capture, SNI, ciphers, versions, methods."""

from __future__ import annotations

from .._scenario import Arg, Scenario, call, const, ref, var
from ._tls_helpers import CTX, FP, connect, context, fgets, meta, ssl_options, tls_scenario

__all__ = ["CAPTURE", "FINGERPRINT", "PROTOCOL"]

CA: dict[str, Arg] = {"cafile": "{cafile}"}
CERT = var("opts")["ssl"]["peer_certificate"]

FINGERPRINT: list[Scenario] = [
    tls_scenario(
        "tls/fingerprint-sha1",
        peer="tls_echo",
        doc="peer_fingerprint: a 40-hex-digit string is a sha1 and matches",
        steps=[context({**CA, "peer_fingerprint": "{sha1}"}), connect(), fgets()],
    ),
    tls_scenario(
        "tls/fingerprint-md5",
        peer="tls_echo",
        doc="peer_fingerprint: a 32-hex-digit string is an md5 and matches",
        steps=[context({**CA, "peer_fingerprint": "{md5}"}), connect(), fgets()],
    ),
    tls_scenario(
        "tls/fingerprint-array-sha256",
        peer="tls_echo",
        doc="peer_fingerprint as ['sha256' => hex]: matches",
        steps=[context({**CA, "peer_fingerprint": {"sha256": "{sha256}"}}), connect(), fgets()],
    ),
    tls_scenario(
        "tls/fingerprint-array-two",
        peer="tls_echo",
        doc="peer_fingerprint array: every entry must match (a wrong md5 next to a right sha1)",
        steps=[
            context({**CA, "peer_fingerprint": {"sha1": "{sha1}", "md5": "0" * 32}}),
            connect(),
        ],
    ),
    tls_scenario(
        "tls/fingerprint-mismatch",
        peer="tls_echo",
        doc="a wrong sha1: 'peer_fingerprint match failure'",
        steps=[context({**CA, "peer_fingerprint": "0" * 40}), connect()],
    ),
    tls_scenario(
        "tls/fingerprint-bad-length",
        peer="tls_echo",
        doc="a fingerprint string that is neither 32 nor 40 digits never matches",
        steps=[context({**CA, "peer_fingerprint": "abc"}), connect()],
    ),
    tls_scenario(
        "tls/fingerprint-wrong-type",
        peer="tls_echo",
        doc="peer_fingerprint 42: 'Expected peer fingerprint must be a string or an array'",
        steps=[context({**CA, "peer_fingerprint": 42}), connect()],
    ),
    tls_scenario(
        "tls/fingerprint-unknown-ca",
        peer="tls_echo",
        doc="verify_peer false + a matching fingerprint pins an otherwise unknown certificate",
        steps=[context({"verify_peer": False, "peer_fingerprint": "{sha1}"}), connect(), fgets()],
    ),
    tls_scenario(
        "tls/fingerprint-does-not-bypass-name",
        peer="tls_echo",
        doc="a matching fingerprint with a wrong peer_name still fails the name check",
        steps=[
            context({**CA, "peer_fingerprint": "{sha1}", "peer_name": "other.local"}),
            connect(),
        ],
    ),
]

CAPTURE: list[Scenario] = [
    tls_scenario(
        "tls/capture-peer-cert",
        peer="tls_echo",
        doc="capture_peer_cert stores ssl.peer_certificate in the context, after the user's keys; "
        "its fingerprints and PEM export",
        steps=[
            context({**CA, "capture_peer_cert": True}),
            connect(),
            call("stream_context_get_options", CTX, assign="opts"),
            call("openssl_x509_fingerprint", CERT),
            call("openssl_x509_fingerprint", CERT, "sha256"),
            call("openssl_x509_fingerprint", CERT, "md5"),
            call("openssl_x509_export", CERT, ref("pem")),
        ],
    ),
    tls_scenario(
        "tls/capture-peer-cert-name-failure",
        peer="tls_wrongname",
        doc="capture_peer_cert also stores the certificate when the name check fails",
        steps=[context({**CA, "capture_peer_cert": True}), connect(), ssl_options()],
    ),
    tls_scenario(
        "tls/capture-peer-cert-verify-failure",
        peer="tls_echo",
        doc="capture_peer_cert stores nothing when the handshake itself fails (unknown CA)",
        steps=[context({"capture_peer_cert": True}), connect(), ssl_options()],
    ),
    tls_scenario(
        "tls/capture-peer-cert-chain",
        peer="tls_chain",
        doc="capture_peer_cert_chain stores the array the server sent (leaf + intermediate)",
        steps=[
            context({**CA, "capture_peer_cert": True, "capture_peer_cert_chain": True}),
            connect(),
            ssl_options(),
        ],
    ),
    tls_scenario(
        "tls/capture-peer-cert-chain-self-signed",
        peer="tls_selfsigned",
        doc="capture_peer_cert_chain of a self-signed peer: one certificate",
        steps=[
            context({"allow_self_signed": True, "capture_peer_cert_chain": True}),
            connect(),
            ssl_options(),
        ],
    ),
    tls_scenario(
        "tls/empty-context-stays-empty",
        peer="tls_echo",
        doc="a TLS connect with an empty context adds nothing to it (no 'ssl' => [] appears)",
        steps=[call("stream_context_create", [], assign="ctx"), connect(), ssl_options()],
    ),
    tls_scenario(
        "tls/socket-only-context-keeps-its-options",
        peer="tls_echo",
        doc="a context with socket options only keeps exactly those after a TLS connect",
        steps=[context(None, socket={"tcp_nodelay": True}), connect(), ssl_options()],
    ),
    tls_scenario(
        "tls/default-context-stays-empty",
        peer="tls_echo",
        doc="stream_socket_enable_crypto on a stream without a context leaves the default "
        "context empty",
        steps=[
            connect("tcp://127.0.0.1:{port}", ctx=False),
            call("stream_socket_enable_crypto", FP, True, const("STREAM_CRYPTO_METHOD_TLS_CLIENT")),
            call("stream_context_get_default", assign="dflt"),
            ssl_options("dflt"),
        ],
    ),
]

PROTOCOL: list[Scenario] = [
    tls_scenario(
        "tls/sni-disabled",
        peer="tls_echo",
        doc="SNI_enabled false: the server receives no server name",
        steps=[context({**CA, "SNI_enabled": False}), connect(), fgets()],
    ),
    tls_scenario(
        "tls/sni-peer-name",
        peer="tls_echo",
        doc="peer_name test.local is both the expected name and the SNI sent",
        steps=[context({**CA, "peer_name": "test.local"}), connect(), fgets()],
    ),
    tls_scenario(
        "tls/ciphers-invalid",
        peer="tls_echo",
        doc="an invalid ciphers list fails silently: only 'Failed to enable crypto' and the "
        "connect warning",
        steps=[context({**CA, "ciphers": "NOT-A-CIPHER"}), connect()],
    ),
    tls_scenario(
        "tls/ciphers-tls12",
        peer="tls_echo",
        doc="ciphers picks the TLS 1.2 cipher on tlsv1.2://",
        steps=[
            context({**CA, "ciphers": "ECDHE-ECDSA-AES128-GCM-SHA256"}),
            connect("tlsv1.2://127.0.0.1:{port}"),
            meta(),
        ],
    ),
    tls_scenario(
        "tls/security-level-out-of-range",
        peer="tls_echo",
        doc="security_level 9 warns 'Security level must be between 0 and 5', is applied anyway, "
        "and the handshake then fails",
        steps=[context({**CA, "security_level": 9}), connect(), meta()],
    ),
    tls_scenario(
        "tls/security-level-negative",
        peer="tls_echo",
        doc="security_level -1 warns 'Security level must be between 0 and 5' and connects",
        steps=[context({**CA, "security_level": -1}), connect(), fgets()],
    ),
    tls_scenario(
        "tls/security-level-zero",
        peer="tls_echo",
        doc="security_level 0 is accepted silently",
        steps=[context({**CA, "security_level": 0}), connect(), fgets()],
    ),
    tls_scenario(
        "tls/max-proto-1.2",
        peer="tls_echo",
        doc="max_proto_version TLSv1.2 on ssl://: TLS 1.2",
        steps=[
            context({**CA, "max_proto_version": const("STREAM_CRYPTO_PROTO_TLSv1_2")}),
            connect(),
            meta(),
        ],
    ),
    tls_scenario(
        "tls/min-proto-1.3-vs-tls12-server",
        peer="tls12_echo",
        doc="min_proto_version TLSv1.3 against a TLS-1.2-only server: protocol version alert",
        steps=[
            context({**CA, "min_proto_version": const("STREAM_CRYPTO_PROTO_TLSv1_3")}),
            connect(),
        ],
    ),
    tls_scenario(
        "tls/crypto-method-on-ssl",
        peer="tls_echo",
        doc="crypto_method TLSv1_2_CLIENT is honoured on ssl://",
        steps=[
            context({**CA, "crypto_method": const("STREAM_CRYPTO_METHOD_TLSv1_2_CLIENT")}),
            connect(),
            meta(),
        ],
    ),
    tls_scenario(
        "tls/crypto-method-ignored-on-tlsv1.3",
        peer="tls_echo",
        doc="crypto_method TLSv1_2_CLIENT is ignored on tlsv1.3://: TLS 1.3",
        steps=[
            context({**CA, "crypto_method": const("STREAM_CRYPTO_METHOD_TLSv1_2_CLIENT")}),
            connect("tlsv1.3://127.0.0.1:{port}"),
            meta(),
        ],
    ),
    tls_scenario(
        "tls/crypto-method-sslv23",
        peer="tls_echo",
        doc="STREAM_CRYPTO_METHOD_SSLv23_CLIENT on ssl:// negotiates TLS 1.2 with a 1.3 server",
        steps=[
            context({**CA, "crypto_method": const("STREAM_CRYPTO_METHOD_SSLv23_CLIENT")}),
            connect(),
            meta(),
        ],
    ),
    tls_scenario(
        "tls/options-under-tls-key-ignored",
        peer="tls_echo",
        doc="options under the 'tls' wrapper key are ignored: verification still fails",
        steps=[
            call(
                "stream_context_create",
                {"tls": {**CA, "verify_peer": False, "verify_peer_name": False}},
                assign="ctx",
            ),
            connect(),
        ],
    ),
    tls_scenario(
        "tls/alpn",
        peer="tls_echo",
        doc="alpn_protocols 'h2,http/1.1': the crypto meta gains alpn_protocol (the server's "
        "preference, http/1.1)",
        steps=[context({**CA, "alpn_protocols": "h2,http/1.1"}), connect(), meta()],
    ),
    tls_scenario(
        "tls/alpn-empty-entry",
        peer="tls_echo",
        doc="alpn_protocols with an empty entry is no parse error for PHP",
        steps=[context({**CA, "alpn_protocols": "h2,,http/1.1"}), connect(), meta()],
    ),
    tls_scenario(
        "tls/alpn-too-long",
        peer="tls_echo",
        doc="an ALPN protocol name over 255 bytes: 'Failed parsing comma-separated TLS ALPN "
        "protocol string'",
        steps=[context({**CA, "alpn_protocols": "h2," + "x" * 256}), connect()],
    ),
    tls_scenario(
        "tls/tlsv1.0-default-level",
        peer="tls10_echo",
        doc="tlsv1.0:// against a TLS-1.0-only server at the default security level",
        steps=[context(CA), connect("tlsv1.0://127.0.0.1:{port}")],
    ),
    tls_scenario(
        "tls/tlsv1.0-security-level-0",
        peer="tls10_echo",
        doc="tlsv1.0:// with security_level 0 against a TLS-1.0-only server",
        steps=[
            context({**CA, "security_level": 0}),
            connect("tlsv1.0://127.0.0.1:{port}"),
            meta(),
        ],
    ),
    tls_scenario(
        "tls/ipv6-peer-name-long-form",
        peer="tls_echo",
        doc="ssl://127.0.0.1 with peer_name '::1': matched by value against the IP SAN ::1",
        steps=[context({**CA, "peer_name": "0:0:0:0:0:0:0:1"}), connect(), fgets()],
    ),
]
