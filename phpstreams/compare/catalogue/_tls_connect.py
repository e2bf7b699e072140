"""Implicit TLS connects (ssl://, tls://, tlsv1.x://) and PHP's peer verification."""

from __future__ import annotations

from .._scenario import Arg, Scenario, call, pint, setvar
from ._tls_helpers import FP, E, S, close, connect, context, fgets, fwrite, meta, tls_scenario

__all__ = ["CONNECT", "VERIFY"]

CA: dict[str, Arg] = {"cafile": "{cafile}"}

CONNECT: list[Scenario] = [
    tls_scenario(
        "tls/ssl-cafile-meta",
        peer="tls_echo",
        doc="ssl:// with cafile: connects, crypto meta block (TLSv1.3), SNI = URL host, echo",
        steps=[
            context(CA),
            connect(),
            meta(),
            fgets(),
            fwrite("ping\n"),
            fgets(),
            close(),
        ],
    ),
    tls_scenario(
        "tls/tls-scheme",
        peer="tls_echo",
        doc="tls:// behaves as ssl:// in 8.2 (TLS 1.0-1.3, so 1.3 here)",
        steps=[context(CA), connect("tls://127.0.0.1:{port}"), meta(), fgets()],
    ),
    tls_scenario(
        "tls/tlsv1.2-scheme",
        peer="tls_echo",
        doc="tlsv1.2:// negotiates exactly TLS 1.2: the crypto block names a 1.2 cipher",
        steps=[context(CA), connect("tlsv1.2://127.0.0.1:{port}"), meta(), fgets()],
    ),
    tls_scenario(
        "tls/tlsv1.3-scheme",
        peer="tls_echo",
        doc="tlsv1.3:// negotiates exactly TLS 1.3",
        steps=[context(CA), connect("tlsv1.3://127.0.0.1:{port}"), meta(), fgets()],
    ),
    tls_scenario(
        "tls/tlsv1.3-vs-tls12-server",
        peer="tls12_echo",
        doc="tlsv1.3:// against a TLS-1.2-only server: protocol version alert, three warnings",
        steps=[context(CA), connect("tlsv1.3://127.0.0.1:{port}"), call("is_resource", FP)],
    ),
    tls_scenario(
        "tls/tls12-server-default",
        peer="tls12_echo",
        doc="ssl:// (TLS 1.0-1.3) against a TLS-1.2-only server settles on TLS 1.2",
        steps=[context(CA), connect(), meta(), fgets()],
    ),
    tls_scenario(
        "tls/tls13-server-tlsv1.2",
        peer="tls13_echo",
        doc="tlsv1.2:// against a TLS-1.3-only server: protocol version alert",
        steps=[context(CA), connect("tlsv1.2://127.0.0.1:{port}")],
    ),
    tls_scenario(
        "tls/default-unknown-ca",
        peer="tls_echo",
        doc="no context: certificate verify failed, Failed to enable crypto, Unable to connect; "
        "errno 0, errstr ''",
        steps=[call("stream_socket_client", "ssl://127.0.0.1:{port}", E, S, 5.0, assign="fp")],
    ),
    tls_scenario(
        "tls/fsockopen-unknown-ca",
        peer="tls_echo",
        doc="fsockopen('ssl://...') against an unknown CA: the same warnings, $errstr unchanged",
        steps=[
            setvar("errno", 77),
            setvar("errstr", "before"),
            call("fsockopen", "ssl://127.0.0.1", pint("port"), E, S, 5.0, assign="fp"),
        ],
    ),
    tls_scenario(
        "tls/fsockopen-cafile",
        peer="tls_echo",
        doc="fsockopen() takes no context: even stream_context_set_default's cafile is not used",
        steps=[
            call("stream_context_set_default", {"ssl": CA}),
            call("fsockopen", "tls://127.0.0.1", pint("port"), E, S, 5.0, assign="fp"),
            fgets(),
        ],
    ),
    tls_scenario(
        "tls/handshake-timeout",
        peer="tls_silent",
        doc="a peer that never answers the ClientHello: 'SSL: Handshake timed out' after the "
        "connect timeout (1 s)",
        steps=[context(CA), connect(timeout=1.0, timed=True)],
    ),
    tls_scenario(
        "tls/plain-http-peer",
        peer="tls_http",
        doc="a plain-text peer answering HTTP: OpenSSL 'wrong version number'",
        steps=[context(CA), connect()],
    ),
    tls_scenario(
        "tls/peer-hangs-up-in-handshake",
        peer="tls_hangup",
        doc="a peer that closes cleanly during the handshake: no OpenSSL line, only "
        "Failed to enable crypto and the connect warning",
        steps=[context(CA), connect()],
    ),
    tls_scenario(
        "tls/openssl-s-server",
        peer="openssl_server",
        doc="Debian's openssl s_server (-rev): handshake, TLS 1.3 meta, a line comes back reversed",
        steps=[
            context(CA),
            connect(),
            call("stream_get_meta_data", FP),
            fwrite("hello\n"),
            fgets(),
        ],
    ),
]

VERIFY: list[Scenario] = [
    tls_scenario(
        "tls/wrong-name",
        peer="tls_wrongname",
        doc="a trusted cert for wrong.example only: subjectAltName mismatch warning",
        steps=[context(CA), connect()],
    ),
    tls_scenario(
        "tls/peer-name-override",
        peer="tls_wrongname",
        doc="peer_name wrong.example: name accepted, and SNI carries peer_name",
        steps=[context({**CA, "peer_name": "wrong.example"}), connect(), fgets()],
    ),
    tls_scenario(
        "tls/verify-peer-name-false",
        peer="tls_wrongname",
        doc="verify_peer_name false: the wrong name is accepted",
        steps=[context({**CA, "verify_peer_name": False}), connect(), fgets()],
    ),
    tls_scenario(
        "tls/verify-peer-false-checks-name",
        peer="tls_wrongname",
        doc="verify_peer false alone (unknown CA ignored) still checks the name",
        steps=[context({"verify_peer": False}), connect()],
    ),
    tls_scenario(
        "tls/verify-peer-false-name-ok",
        peer="tls_echo",
        doc="verify_peer false against an unknown CA whose cert names 127.0.0.1: connects",
        steps=[context({"verify_peer": False}), connect(), fgets()],
    ),
    tls_scenario(
        "tls/ipv6-url-name-brackets",
        peer="tls6_echo",
        doc="ssl://[::1]:port with default name checking: fails with only 'Failed to enable "
        "crypto' and the connect warning",
        steps=[context(CA), connect("ssl://[::1]:{port}")],
    ),
    tls_scenario(
        "tls/ipv6-url-name-no-verify",
        peer="tls6_echo",
        doc="ssl://[::1]:port with verify_peer_name false: connects; the greeting shows which "
        "SNI name (if any) the URL gave",
        steps=[context({**CA, "verify_peer_name": False}), connect("ssl://[::1]:{port}"), fgets()],
    ),
    tls_scenario(
        "tls/ipv6-peer-name",
        peer="tls6_echo",
        doc="ssl://[::1]:port with peer_name '::1': matches the IP SAN ::1",
        steps=[context({**CA, "peer_name": "::1"}), connect("ssl://[::1]:{port}"), fgets()],
    ),
    tls_scenario(
        "tls/cn-only-mismatch",
        peer="tls_cnonly",
        doc="a cert with a CN and no subjectAltName: the CN mismatch warning",
        steps=[context(CA), connect()],
    ),
    tls_scenario(
        "tls/cn-only-peer-name",
        peer="tls_cnonly",
        doc="a CN-only cert matches peer_name against the CN (case-insensitive)",
        steps=[context({**CA, "peer_name": "CN.Local"}), connect(), fgets()],
    ),
    tls_scenario(
        "tls/wildcard-one-label",
        peer="tls_wildcard",
        doc="*.wild.local matches a.wild.local",
        steps=[context({**CA, "peer_name": "a.wild.local"}), connect(), fgets()],
    ),
    tls_scenario(
        "tls/wildcard-two-labels",
        peer="tls_wildcard",
        doc="*.wild.local does not match a.b.wild.local (the star never spans a dot)",
        steps=[context({**CA, "peer_name": "a.b.wild.local"}), connect()],
    ),
    tls_scenario(
        "tls/self-signed-default",
        peer="tls_selfsigned",
        doc="a self-signed cert with default options: certificate verify failed",
        steps=[context({}), connect()],
    ),
    tls_scenario(
        "tls/self-signed-allowed",
        peer="tls_selfsigned",
        doc="allow_self_signed with verify_peer on (no cafile): accepted",
        steps=[context({"allow_self_signed": True}), connect(), fgets()],
    ),
    tls_scenario(
        "tls/self-signed-allowed-no-verify",
        peer="tls_selfsigned",
        doc="allow_self_signed with verify_peer false: accepted",
        steps=[context({"allow_self_signed": True, "verify_peer": False}), connect(), fgets()],
    ),
    tls_scenario(
        "tls/self-signed-as-cafile",
        peer="tls_selfsigned",
        doc="the self-signed cert itself as cafile: trusted",
        steps=[context({"cafile": "{selfsigned_pem}"}), connect(), fgets()],
    ),
    tls_scenario(
        "tls/capath",
        peer="tls_echo",
        doc="capath: a hashed certificate folder is trusted",
        steps=[context({"capath": "{certdir}"}), connect(), fgets()],
    ),
    tls_scenario(
        "tls/cafile-missing",
        peer="tls_echo",
        doc="a missing cafile: 'failed loading cafile stream' (no function prefix), then failure",
        steps=[context({"cafile": "{missing_file}"}), connect()],
    ),
    tls_scenario(
        "tls/cafile-not-pem",
        peer="tls_echo",
        doc="a cafile holding no certificate (a private key): 'no valid certs found cafile stream'",
        steps=[context({"cafile": "{server_key}"}), connect()],
    ),
    tls_scenario(
        "tls/chain-verify-depth-ok",
        peer="tls_chain",
        doc="a leaf + intermediate chain under the CA: verifies with the default depth",
        steps=[context(CA), connect(), fgets()],
    ),
    tls_scenario(
        "tls/chain-verify-depth-0",
        peer="tls_chain",
        doc="verify_depth 0 against a leaf + intermediate chain: certificate verify failed",
        steps=[context({**CA, "verify_depth": 0}), connect()],
    ),
    tls_scenario(
        "tls/chain-verify-depth-1",
        peer="tls_chain",
        doc="verify_depth 1 against a leaf + intermediate + root chain",
        steps=[context({**CA, "verify_depth": 1}), connect()],
    ),
    tls_scenario(
        "tls/client-cert",
        peer="tls_clientcert",
        doc="local_cert + local_pk: the server sees the client certificate",
        steps=[
            context({**CA, "local_cert": "{client_cert}", "local_pk": "{client_key}"}),
            connect(),
            fgets(),
        ],
    ),
    tls_scenario(
        "tls/client-cert-combined-pem",
        peer="tls_clientcert",
        doc="local_cert naming one file holding the certificate and the key",
        steps=[context({**CA, "local_cert": "{client_pem}"}), connect(), fgets()],
    ),
    tls_scenario(
        "tls/client-cert-missing",
        peer="tls_clientcert",
        doc="no client certificate for a server requiring one: TLS 1.3 connects, the "
        "server's alert shows up on the first read",
        steps=[
            context({**CA, "verify_peer_name": False}),
            connect(),
            call("fgets", FP),
            call("feof", FP),
        ],
    ),
    tls_scenario(
        "tls/client-key-passphrase",
        peer="tls_clientcert",
        doc="an encrypted local_pk opened with the right passphrase",
        steps=[
            context(
                {
                    **CA,
                    "local_cert": "{client_cert}",
                    "local_pk": "{client_key_enc}",
                    "passphrase": "secret",
                }
            ),
            connect(),
            fgets(),
        ],
    ),
    tls_scenario(
        "tls/client-key-wrong-passphrase",
        peer="tls_clientcert",
        doc="an encrypted local_pk with a wrong passphrase: 'Unable to set private key file'",
        steps=[
            context(
                {
                    **CA,
                    "local_cert": "{client_cert}",
                    "local_pk": "{client_key_enc}",
                    "passphrase": "wrong",
                }
            ),
            connect(),
        ],
    ),
    tls_scenario(
        "tls/local-cert-missing-file",
        peer="tls_echo",
        doc="local_cert naming a missing file: 'Unable to set local cert chain file ...'",
        steps=[context({**CA, "local_cert": "{missing_file}"}), connect()],
    ),
    tls_scenario(
        "tls/local-pk-mismatch",
        peer="tls_clientcert",
        doc="local_pk not matching local_cert: OpenSSL 3 refuses the key ('Unable to set "
        "private key file')",
        steps=[
            context({**CA, "local_cert": "{client_cert}", "local_pk": "{server_key}"}),
            connect(),
        ],
    ),
]
