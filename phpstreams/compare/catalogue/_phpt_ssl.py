"""php-src .phpt scenarios, ext/openssl: TLS peer verification, protocol selection,
STARTTLS and async connect, SNI (groups G10-G13 of the phpt inventory:
``docs/phpt-coverage.md``)."""

from __future__ import annotations

from .._peers import SINK_BYTES, SNI_NAMES
from .._scenario import Arg, Scenario, Step, arr, bor, call, const, ref, same, sleep, var
from ._phpt_helpers import CA, CONNECT, OPENSSL, phpt

__all__ = ["ASYNC", "PROTOCOLS", "SNI", "VERIFY"]

# -- G10: TLS peer verification --------------------------------------------------------------------


def ctx(options: dict[str, Arg], name: str = "ctx") -> Step:
    return call("stream_context_create", {"ssl": options}, assign=name)


def set_ssl(option: str, value: Arg, name: str = "ctx") -> Step:
    return call("stream_context_set_option", var(name), "ssl", option, value)


def tls(
    url: str = "ssl://127.0.0.1:{port}",
    *,
    ctx_name: str | None = "ctx",
    silenced: bool = False,
    flags: Arg = None,
    errno: str = "errno",
    errstr: str = "errstr",
    timeout: float = 5.0,
) -> Step:
    """$fp = stream_socket_client(url, $errno, $errstr, timeout, CONNECT[, $ctx])."""
    args: list[Arg] = [url, ref(errno), ref(errstr), timeout, CONNECT if flags is None else flags]
    if ctx_name is not None:
        args.append(var(ctx_name))
    return call("stream_socket_client", *args, assign="fp", silenced=silenced)


def peer_cn(expected: str) -> list[Step]:
    """The phpt's openssl_x509_parse(peer_certificate)['subject']['CN'], checked with ===."""
    return [
        call("stream_context_get_options", var("ctx"), assign="opts"),
        call("openssl_x509_parse", var("opts")["ssl"]["peer_certificate"], assign="parsed"),
        same(var("parsed")["subject"]["CN"], expected),
    ]


BUG68920_FINGERPRINTS: tuple[Arg, ...] = (True, None, [], ["foo"])

VERIFY: list[Scenario] = [
    phpt(
        "peer_verification",
        f"{OPENSSL}/peer_verification.phpt",
        "four connects to a cert the system CAs do not know: no context and verify_peer=true "
        "fail (silenced: error_get_last), verify_peer and verify_peer_name false connects, "
        "cafile + peer_name connects",
        [
            tls(ctx_name=None, silenced=True),
            ctx({"verify_peer": True}),
            tls(silenced=True),
            ctx({"verify_peer": False, "verify_peer_name": False}),
            tls(),
            call("fgets", var("fp")),
            ctx({**CA, "peer_name": "test.local"}),
            tls(),
            call("fgets", var("fp")),
        ],
        peer="tls_echo",
        tags=("tls",),
    ),
    phpt(
        "stream_verify_peer_name_001",
        f"{OPENSSL}/stream_verify_peer_name_001.phpt",
        "verify_peer false, peer_name = the CN of a CN-only certificate from an unknown CA: "
        "connects (the name check does not need the chain check)",
        [ctx({"verify_peer": False, "peer_name": "cn.local"}), tls(), call("fgets", var("fp"))],
        peer="tls_cnonly",
        tags=("tls",),
    ),
    phpt(
        "bug54992",
        f"{OPENSSL}/bug54992.phpt",
        "verify_peer + cafile + a wrong explicit peer_name against a CN-only certificate: "
        "'Peer certificate CN=`cn.local' did not match expected CN=`bug54992_expected_peer_name'', "
        "Failed to enable crypto, Unable to connect, false",
        [
            ctx({"verify_peer": True, **CA, "peer_name": "bug54992_expected_peer_name"}),
            tls(timeout=2.0),
        ],
        peer="tls_cnonly",
        tags=("tls",),
    ),
    phpt(
        "bug65729",
        f"{OPENSSL}/bug65729.phpt",
        "a self-signed CN-only '*.test.com' certificate, verify_peer + allow_self_signed: "
        "peer_name foo.test.com.sg fails (CN mismatch), foo.test.com and FOO.TEST.COM connect, "
        "foo.bar.test.com fails (the star never spans a dot); also test.com and .test.com",
        [
            step
            for name in (
                "foo.test.com.sg",
                "foo.test.com",
                "FOO.TEST.COM",
                "foo.bar.test.com",
                "test.com",
                ".test.com",
            )
            for step in (
                ctx({"verify_peer": True, "allow_self_signed": True, "peer_name": name}),
                tls(timeout=2.0),
            )
        ],
        peer="tls_cnwildcard",
        tags=("tls",),
    ),
    phpt(
        "san_peer_matching",
        f"{OPENSSL}/san_peer_matching.phpt",
        "a certificate with SAN DNS example.org, www.example.org, test.example.org and no CN, "
        "verify_peer false: peer_name example.org connects; moar.example.org fails with the "
        "8.2.36 text 'Peer certificate subjectAltName did not match expected name "
        "`moar.example.org'' (the phpt's 'Unable to locate peer certificate CN' is outdated)",
        [
            ctx({"verify_peer": False, **CA}),
            set_ssl("peer_name", "example.org"),
            tls(timeout=1.0),
            set_ssl("peer_name", "moar.example.org"),
            tls(timeout=1.0),
        ],
        peer="tls_sanonly",
        tags=("tls",),
    ),
    phpt(
        "openssl_peer_fingerprint_basic",
        f"{OPENSSL}/openssl_peer_fingerprint_basic.phpt",
        "peer_fingerprint set with stream_context_set_option on an existing context: a wrong md5 "
        "string ('peer_fingerprint match failure' + 2 warnings, false), then ['sha256' => the "
        "right digest] (connects)",
        [
            ctx({"verify_peer": True, **CA, "capture_peer_cert": True, "peer_name": "test.local"}),
            set_ssl("peer_fingerprint", "3610606deda596b3ae3859d33c4ce1da"),
            tls(timeout=2.0),
            set_ssl("peer_fingerprint", {"sha256": "{sha256}"}),
            tls(timeout=2.0),
            call("fgets", var("fp")),
        ],
        peer="tls_echo",
        tags=("tls", "fingerprint"),
    ),
    phpt(
        "bug68920",
        f"{OPENSSL}/bug68920.phpt",
        "strict peer_fingerprint input checks with verify_peer false: true and null give "
        "'Expected peer fingerprint must be a string or an array'; [] and ['foo'] give 'Invalid "
        "peer_fingerprint array; [algo => fingerprint] form required' then 'peer_fingerprint "
        "match failure'; each then Failed to enable crypto, Unable to connect, false",
        [
            step
            for value in BUG68920_FINGERPRINTS
            for step in (
                ctx({"verify_peer": False, "peer_fingerprint": value}),
                tls(timeout=30.0),
            )
        ],
        peer="tls_echo",
        tags=("tls", "fingerprint"),
    ),
    phpt(
        "bug68920-unknown-digest",
        f"{OPENSSL}/bug68920.phpt",
        "beyond the phpt, the same strict check one step further: peer_fingerprint "
        "['nosuchalgo' => 'ab'] gives 'Unknown digest algorithm', then 'peer_fingerprint match "
        "failure', Failed to enable crypto, Unable to connect, false",
        [
            ctx({"verify_peer": False, "peer_fingerprint": {"nosuchalgo": "ab"}}),
            tls(timeout=30.0),
        ],
        peer="tls_echo",
        tags=("tls", "fingerprint"),
    ),
    phpt(
        "capture_peer_cert_001",
        f"{OPENSSL}/capture_peer_cert_001.phpt",
        "capture_peer_cert + cafile, default peer name 127.0.0.1 against a CN-only certificate: "
        "the (silenced) connect fails the name check, yet ssl.peer_certificate is stored: its "
        "parsed subject CN is the server's",
        [
            ctx({"capture_peer_cert": True, **CA}),
            tls(timeout=1.0, silenced=True),
            *peer_cn("cn.local"),
            call("openssl_x509_fingerprint", var("opts")["ssl"]["peer_certificate"], "sha256"),
        ],
        peer="tls_cnonly",
        tags=("tls", "capture"),
    ),
    phpt(
        "san_no_cn_fallback",
        f"{OPENSSL}/san_no_cn_fallback.phpt",
        "CN cn.example.org with SAN DNS san.example.org, verify_peer false: peer_name "
        "san.example.org connects; cn.example.org is rejected ('Peer certificate subjectAltName "
        "did not match expected name `cn.example.org''): no fallback to the CN",
        [
            ctx({"verify_peer": False}),
            set_ssl("peer_name", "san.example.org"),
            tls(timeout=1.0),
            set_ssl("peer_name", "cn.example.org"),
            tls(timeout=1.0),
        ],
        peer="tls_sancn",
        tags=("tls",),
    ),
]

# -- G11: protocol selection -----------------------------------------------------------------------

TLS_CTX = {"verify_peer": True, **CA, "peer_name": "test.local"}
TRANSPORTS = ("tlsv1.0", "sslv3", "tlsv1.1", "tlsv1.2", "tlsv1.3", "ssl", "tls")


def crypto_flags_004(extra: dict[str, Arg]) -> list[Step]:
    return [
        ctx({**TLS_CTX, **extra}),
        tls(timeout=1.0, silenced=True),
        set_ssl("crypto_method", const("STREAM_CRYPTO_METHOD_TLSv1_1_CLIENT")),
        tls(timeout=1.0, silenced=True),
        set_ssl("crypto_method", const("STREAM_CRYPTO_METHOD_TLSv1_2_CLIENT")),
        tls(timeout=1.0, silenced=True),
        set_ssl("crypto_method", const("STREAM_CRYPTO_METHOD_TLSv1_0_CLIENT")),
        tls(timeout=1.0),
        call("stream_get_meta_data", var("fp")),
    ]


def wrapper_steps() -> list[Step]:
    steps: list[Step] = [
        ctx({"verify_peer": False, "verify_peer_name": False, "security_level": 0}),
    ]
    for index, transport in enumerate(TRANSPORTS):
        steps.append(
            tls(
                f"{transport}://127.0.0.1:{{port}}",
                timeout=3.0,
                silenced=index > 0,
                errno=f"errno_{index}",
                errstr=f"errstr_{index}",
            )
        )
        if transport != "sslv3":
            steps.append(call("stream_get_meta_data", var("fp")))
    return steps


def session_meta(method: str) -> list[Step]:
    return [
        set_ssl("crypto_method", const(f"STREAM_CRYPTO_METHOD_{method}_CLIENT")),
        tls(timeout=2.0, silenced=True),
        call("stream_context_get_options", var("ctx")),
        call("stream_get_meta_data", var("fp")),
    ]


PROTOCOLS: list[Scenario] = [
    phpt(
        "stream_crypto_flags_004",
        f"{OPENSSL}/stream_crypto_flags_004.phpt",
        "a TLS-1.0-only server (RSA key): default ssl://, then crypto_method TLSv1_1_CLIENT, "
        "TLSv1_2_CLIENT, TLSv1_0_CLIENT, set with stream_context_set_option on one context; at "
        "OpenSSL 3's default security level even TLS 1.0 is refused ('legacy sigalg "
        "disallowed or unsupported')",
        crypto_flags_004({}),
        peer="tls10_rsa_echo",
        tags=("tls",),
    ),
    phpt(
        "stream_crypto_flags_004-security-level-0",
        f"{OPENSSL}/stream_crypto_flags_004.phpt",
        "the same four connects with the client at security_level 0, where TLS 1.0 is allowed "
        "on both sides: which crypto_method values reach the TLS-1.0-only server",
        crypto_flags_004({"security_level": 0}),
        peer="tls10_rsa_echo",
        tags=("tls",),
    ),
    phpt(
        "tls_wrapper_with_tls_v1.3",
        f"{OPENSSL}/tls_wrapper_with_tls_v1.3.phpt",
        "a tls:// server accepting TLS 1.0-1.3 at security level 0: tlsv1.0://, sslv3:// (not "
        "registered with OpenSSL 3: 'Unable to find the socket transport', $errno garbage, "
        "masked), tlsv1.1://, tlsv1.2://, tlsv1.3://, ssl://, tls://; the negotiated protocol of "
        "each",
        wrapper_steps(),
        peer="tls_any_echo",
        mask=("errno_1",),
        tags=("tls",),
    ),
    phpt(
        "session_meta_capture",
        f"{OPENSSL}/session_meta_capture.phpt",
        "crypto_method TLSv1_0/1_1/1_2_CLIENT against a TLS 1.0-1.3 server with "
        "capture_session_meta (and security_level 0): 8.2 ignores capture_session_meta (no "
        "session_meta in the context options); stream_get_meta_data's crypto block has "
        "protocol TLSv1, TLSv1.1, TLSv1.2",
        [
            ctx({**TLS_CTX, "capture_session_meta": True, "security_level": 0}),
            *session_meta("TLSv1_0"),
            *session_meta("TLSv1_1"),
            *session_meta("TLSv1_2"),
        ],
        peer="tls_any_echo",
        tags=("tls",),
    ),
    phpt(
        "session_meta_capture_tlsv13",
        f"{OPENSSL}/session_meta_capture_tlsv13.phpt",
        "crypto_method TLSv1_3_CLIENT (set with stream_context_set_option) against a "
        "TLS-1.3-only server: the crypto meta protocol is 'TLSv1.3'",
        [
            ctx(TLS_CTX),
            set_ssl("crypto_method", const("STREAM_CRYPTO_METHOD_TLSv1_3_CLIENT")),
            tls(timeout=1.0),
            call("stream_get_meta_data", var("fp")),
        ],
        peer="tls13_echo",
        tags=("tls",),
    ),
]

# -- G12: STARTTLS, async connect ------------------------------------------------------------------

ENABLE_12 = call(
    "stream_socket_enable_crypto", var("fp"), True, const("STREAM_CRYPTO_METHOD_TLSv1_2_CLIENT")
)

ASYNC: list[Scenario] = [
    phpt(
        "bug74159",
        f"{OPENSSL}/bug74159.phpt",
        "tcp:// with an ssl context, non-blocking: enable_crypto(TLSv1_2_CLIENT) returns 0 while "
        "the handshake waits for the server (each server flight comes 0.3 s late), then true; "
        "one non-blocking fwrite of 0xfffff bytes over TLS writes them all; the server's "
        "'received 1048575', then EOF",
        [
            ctx({**CA, "peer_name": "test.local"}),
            tls("tcp://127.0.0.1:{port}"),
            call("stream_set_blocking", var("fp"), False),
            ENABLE_12,
            ENABLE_12,
            sleep(0.6),
            ENABLE_12,
            sleep(0.6),
            ENABLE_12,
            call("stream_get_meta_data", var("fp")),
            call("fwrite", var("fp"), "a" * SINK_BYTES),
            call(
                "stream_select", arr("read", [var("fp")]), arr("write", None), arr("exc", None), 5
            ),
            call("stream_set_blocking", var("fp"), True),
            call("fgets", var("fp")),
            call("fgets", var("fp")),
            call("feof", var("fp")),
        ],
        peer="tls12_slow_sink",
        tags=("tls", "starttls"),
    ),
    phpt(
        "bug48182",
        f"{OPENSSL}/bug48182.phpt",
        "ssl:// with STREAM_CLIENT_CONNECT|STREAM_CLIENT_ASYNC_CONNECT, cafile + peer_name: the "
        "handshake completes transparently; fwrite, then the server's greeting and the echo",
        [
            ctx({**CA, "peer_name": "test.local"}),
            tls(timeout=10.0, flags=bor(CONNECT, const("STREAM_CLIENT_ASYNC_CONNECT"))),
            call(
                "fwrite",
                var("fp"),
                "Sending data over to SSL server in async mode with contents like Hello World\n",
            ),
            call("fgets", var("fp")),
            call("fgets", var("fp")),
        ],
        peer="tls_echo",
        tags=("tls", "async"),
    ),
]

# -- G13: SNI --------------------------------------------------------------------------------------


def sni_steps() -> list[Step]:
    steps: list[Step] = []
    for index, name in enumerate(SNI_NAMES):
        steps += [
            ctx({**CA, "capture_peer_cert": True, "peer_name": name}),
            tls("tls://127.0.0.1:{port}", timeout=1.0, silenced=index > 0),
            *peer_cn(name),
            call("fgets", var("fp")),
        ]
    return steps


SNI: list[Scenario] = [
    phpt(
        "sni_server",
        f"{OPENSSL}/sni_server.phpt",
        "a server choosing its certificate by SNI (cs/uk/us.php.net): with peer_name each name "
        "and capture_peer_cert, the captured certificate's CN is that name (the client sends "
        "peer_name as SNI); the greeting echoes the SNI received",
        sni_steps(),
        peer="tls_sni",
        tags=("tls", "sni"),
    ),
]
