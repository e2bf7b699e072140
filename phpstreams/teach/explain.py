"""``python -m phpstreams explain ...``: how PHP 8.2 reads a target, a method, a context.

Every answer is computed by the library's own code -- the address parser
(core/address.py), the SNI/peer-name rule (core/opening.py), the transports'
crypto methods (tls/handshake.py), the protocol range (tls/options.py), the PHP
constants (php/constants.py) -- so it says what phpstreams (and PHP) will do with
that exact input, never a canned text::

    explain fsockopen fe80::1 80
    explain stream_socket_client "tls://[::1]:993"
    explain crypto-method 121
    explain context '{"ssl": {"verify_peer": false}}'
"""

from __future__ import annotations

import ipaddress
import json
from typing import Any, TextIO

from ..core.address import (
    CRYPTO_TRANSPORTS,
    AddressError,
    c_atoi,
    fsockopen_address,
    parse_inet_address,
    split_transport,
)
from ..core.opening import url_name
from ..core.values import php_truthy
from ..php import constants
from ..tls import options as tls_options
from ..tls.handshake import transport_method

__all__ = ["SOCKET_OPTIONS", "SSL_OPTIONS", "explain", "explain_address", "explain_crypto_method"]

_VERSIONS = (
    (2, "SSLv2"),
    (4, "SSLv3"),
    (8, "TLS 1.0"),
    (16, "TLS 1.1"),
    (32, "TLS 1.2"),
    (64, "TLS 1.3"),
)
_OPENSSL_NAMES = {0x301: "TLSv1", 0x302: "TLSv1.1", 0x303: "TLSv1.2", 0x304: "TLSv1.3"}

# The "ssl" context options php-src ext/openssl/xp_ssl.c reads, with PHP 8.2's default
# and what each does (tests/unit/test_teach.py checks this covers every option tls/ reads).
SSL_OPTIONS: dict[str, tuple[str, str]] = {
    "verify_peer": ("true", "verify the peer's certificate chain against the CAs"),
    "verify_peer_name": ("true", "check the certificate names peer_name"),
    "peer_name": ("the host of the address", "the name checked (and sent as SNI)"),
    "allow_self_signed": ("false", "accept a self-signed peer certificate"),
    "cafile": ("openssl.cafile, else OpenSSL's default paths", "CA certificates file"),
    "capath": ("openssl.capath, else OpenSSL's default paths", "CA certificates folder"),
    "verify_depth": (str(tls_options.DEFAULT_VERIFY_DEPTH), "longest accepted chain"),
    "ciphers": ("PHP's DEFAULT cipher list", "OpenSSL cipher list"),
    "security_level": ("OpenSSL's default", "OpenSSL security level 0..5"),
    "crypto_method": (
        f"{tls_options.TLS_ANY_CLIENT} (ssl://, tls://)",
        "the STREAM_CRYPTO_METHOD_* bits (see explain crypto-method)",
    ),
    "min_proto_version": ("none", "lowest protocol (a STREAM_CRYPTO_PROTO_* value)"),
    "max_proto_version": ("none", "highest protocol"),
    "SNI_enabled": ("true", "send the server name (peer_name) in the handshake"),
    "disable_compression": ("true", "refuse TLS compression"),
    "no_ticket": ("false", "no session tickets"),
    "alpn_protocols": ("none", "comma-separated ALPN protocols"),
    "peer_fingerprint": ("none", "a digest (or [algo => digest]) the certificate must have"),
    "capture_peer_cert": ("false", "store the certificate in the context (peer_certificate)"),
    "capture_peer_cert_chain": ("false", "store the chain (peer_certificate_chain)"),
    "local_cert": ("none", "our certificate (PEM file; a server needs one)"),
    "local_pk": ("local_cert", "our private key file"),
    "passphrase": ("none", "the key's passphrase"),
    "honor_cipher_order": ("true (servers)", "the server's cipher order wins"),
    "SNI_server_certs": ("none (servers)", "host name => certificate file"),
    "rsa_key_size": ("removed", "PHP 8 warns that it has been removed"),
    "peer_certificate": ("set by PHP", "the captured certificate (output)"),
    "peer_certificate_chain": ("set by PHP", "the captured chain (output)"),
}
SOCKET_OPTIONS: dict[str, tuple[str, str]] = {
    "bindto": ("none", "local address:port to bind before connecting"),
    "backlog": ("32", "listen() backlog of a server"),
    "so_reuseport": ("false", "SO_REUSEPORT on a server"),
    "so_broadcast": ("false", "SO_BROADCAST on udp://"),
    "tcp_nodelay": ("false", "TCP_NODELAY on tcp://"),
    "ipv6_v6only": ("false", "IPV6_V6ONLY on a server"),
}


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    return True


def explain_address(function: str, address: str, shown: str | None = None) -> list[str]:
    """How PHP splits ``address`` (transport, host, port) and what it does next."""
    lines: list[str] = []
    shown = address if shown is None else shown
    try:
        transport, rest = split_transport(address)
    except AddressError as exc:
        return [
            f"  transport: none PHP knows -> {exc.errstr}",
            f"  PHP warns: {function}(): Unable to connect to {shown} ({exc.errstr})",
        ]
    scheme = address[: len(address) - len(rest) - 3] if len(rest) < len(address) else ""
    lines.append(
        f"  transport: {transport}"
        + (f'  ("{scheme}://" prefix)' if scheme else '  (no "scheme://" prefix: tcp)')
    )
    if transport in ("unix", "udg"):
        lines.append(f"  path: {_q(rest)} (no host:port parsing for unix sockets)")
        return lines
    try:
        target = parse_inet_address(rest)
    except AddressError as exc:
        lines.append(f"  host:port: {_q(rest)} cannot be split -> {exc.errstr}")
        lines.append(f"  PHP warns: {function}(): Unable to connect to {shown} ({exc.errstr})")
        return lines
    if rest.startswith("["):
        port_text = rest[rest.find("]") + 2 :]
        lines.append(f"  host: {_q(target.host)} (inside the brackets), port text {_q(port_text)}")
    else:
        port_text = rest[rest.find(":") + 1 :]
        lines.append(
            f"  host:port split at the FIRST colon: host {_q(target.host)}, "
            f"port text {_q(port_text)}"
        )
    raw = c_atoi(port_text)
    lines.append(
        f"  port: atoi({_q(port_text)}) = {raw}"
        + (f", truncated to 16 bits: {target.port}" if raw != target.port else "")
    )
    if _is_ip(target.host):
        lines.append(
            f"  next: {target.host} is an IP literal: connect to it, port {target.port}, no DNS"
        )
    else:
        lines.append(
            f"  next: {_q(target.host)} is a name: getaddrinfo() resolves it, then each address "
            "is tried in turn within the one timeout"
        )
        lines.append(
            '        if it fails PHP warns "php_network_getaddresses: getaddrinfo for '
            f'{target.host} failed: ..." and the connect fails'
        )
    lines.append(f"  a failed connect warns: {function}(): Unable to connect to {shown} (<reason>)")
    if transport in CRYPTO_TRANSPORTS:
        method = transport_method(transport, None)
        name = url_name(rest)
        lines.append(
            f"  TLS from the first byte (implicit TLS), crypto method {method} "
            f"({', '.join(_method_versions(method))})"
        )
        if name is None:
            lines.append(
                "  peer name: none (PHP 8.2 finds no name in a bracketed IPv6 address): no SNI is "
                "sent; give the context option ssl.peer_name to verify the certificate's name"
            )
        else:
            lines.append(
                f"  peer name (SNI, certificate name check): {_q(name)} unless ssl.peer_name is set"
            )
            if _is_ip(name):
                lines.append(
                    "  connecting by IP: the certificate must name that IP, else set ssl.peer_name "
                    "to the name it carries"
                )
    if not rest.startswith("[") and ":" in port_text:
        literal = rest.rsplit(":", 1)[0]
        fixed = f"[{literal}]:{rest.rsplit(':', 1)[1]}"
        good = parse_inet_address(fixed)
        lines.append(
            f"  why [{literal}]: an IPv6 literal holds colons and PHP splits at the first one; "
            f"written {_q(fixed)} it parses as host {_q(good.host)}, port {good.port}"
        )
    return lines


def _method_versions(method: int) -> list[str]:
    return [name for bit, name in _VERSIONS if method & bit] or ["no protocol bit"]


def explain_crypto_method(value: int) -> list[str]:
    """The STREAM_CRYPTO_METHOD_* names of ``value`` and the protocols it enables."""
    names = [
        n
        for n in constants.__all__
        if n.startswith("STREAM_CRYPTO_METHOD_") and getattr(constants, n) == value
    ]
    side = "client" if value & tls_options.CLIENT else "server"
    lines = [f"crypto method {value} = {' = '.join(names) if names else 'no single constant'}"]
    bits = [f"{name} ({bit})" for bit, name in _VERSIONS if value & bit]
    lines.append(f"  side: {side} (bit 1 {'set' if value & 1 else 'clear'})")
    lines.append(f"  protocol bits: {', '.join(bits) if bits else 'none'}")
    parts = [
        n
        for n in constants.__all__
        if n.startswith("STREAM_CRYPTO_METHOD_") and n.endswith(side.upper())
    ]
    singles = [
        n
        for n in parts
        if bin(getattr(constants, n) & ~1).count("1") == 1 and value & getattr(constants, n) & ~1
    ]
    if singles:
        lines.append(f"  made of: {' | '.join(singles)}")
    low, high = tls_options._proto_range(value, {})
    lines.append(
        f"  OpenSSL gets the contiguous range {_OPENSSL_NAMES.get(low, hex(low))} .. "
        f"{_OPENSSL_NAMES.get(high, hex(high))}"
        + ("  (SSLv2/SSLv3 bits: OpenSSL 3 has no such protocols)" if value & 6 else "")
    )
    return lines


def explain_context(options: Any) -> list[str]:
    """Which options of a stream_context_create() array apply, and their defaults."""
    if not isinstance(options, dict):
        return ["a context is an array of wrapper => [option => value]"]
    lines = []
    for wrapper, table in (("ssl", SSL_OPTIONS), ("socket", SOCKET_OPTIONS)):
        given = options.get(wrapper, {})
        given = given if isinstance(given, dict) else {}
        lines.append(f'"{wrapper}" options (given, then the defaults PHP uses for the others):')
        for name, (default, meaning) in table.items():
            if name in given:
                value = given[name]
                extra = (
                    f" (PHP reads it as {str(php_truthy(value)).lower()})"
                    if default in ("true", "false")
                    else ""
                )
                shown = '"<hidden>"' if name == "passphrase" else json.dumps(value)  # a secret
                lines.append(f"  {name} = {shown}{extra}  -- {meaning}")
        for name in given:
            if name not in table:
                lines.append(f"  {name}: not an option PHP reads; ignored")
        lines.extend(
            f"  ({name} = {default})  -- {meaning}"
            for name, (default, meaning) in table.items()
            if name not in given and not default.startswith("set by")
        )
    for wrapper in options:
        if wrapper not in ("ssl", "socket"):
            note = ' (PHP reads only "ssl" for TLS: these are ignored)' if wrapper == "tls" else ""
            lines.append(f'"{wrapper}": not a socket wrapper phpstreams reads{note}')
    return lines


def explain(what: str, values: list[str], out: TextIO, err: TextIO) -> int:
    """The ``explain`` command; 2 with a usage line for input it cannot read."""
    if what in ("fsockopen", "pfsockopen") and values:
        hostname, port = values[0], int(values[1]) if len(values) > 1 else -1
        address = fsockopen_address(hostname, port)
        out.write(f"{what}({_q(hostname)}, {port})\n")
        how = (
            'hostname ":" port, as the port is > 0'
            if port > 0
            else "the hostname alone, as port <= 0"
        )
        out.write(f"  the address PHP builds: {_q(address)}  ({how})\n")
        lines = explain_address(what, address, f"{hostname}:{port}")
    elif what in ("stream_socket_client", "stream_socket_server") and len(values) == 1:
        out.write(f"{what}({_q(values[0])})\n")
        lines = explain_address(what, values[0])
    elif what == "crypto-method" and len(values) == 1:
        text = values[0]
        value = getattr(constants, text) if hasattr(constants, text) else c_atoi(text)
        lines = explain_crypto_method(int(value))
    elif what == "context" and len(values) == 1:
        try:
            lines = explain_context(json.loads(values[0]))
        except json.JSONDecodeError as exc:
            err.write(f"explain context: not JSON: {exc}\n")
            return 2
    else:
        err.write(
            "usage: explain fsockopen HOST [PORT] | stream_socket_client ADDRESS | "
            "stream_socket_server ADDRESS | crypto-method N | context JSON\n"
        )
        return 2
    out.write("".join(line + "\n" for line in lines))
    return 0
