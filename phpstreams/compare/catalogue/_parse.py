"""Address parsing: transport prefixes and host:port forms."""

from __future__ import annotations

from .._scenario import (
    Scenario,
    cat,
    pint,
)
from ._helpers import UNKNOWN, client, remote

__all__ = ["PARSE"]

PARSE: list[Scenario] = [
    # -- transport prefix ---------------------------------------------------------
    client(
        "parse/no-scheme-is-tcp",
        "127.0.0.1:{port}",
        remote(),
        peer="listen",
        doc="an address without :// is tcp",
    ),
    client(
        "parse/tcp-scheme", "tcp://127.0.0.1:{port}", remote(), peer="listen", doc="tcp:// connects"
    ),
    client(
        "parse/transport-case-sensitive",
        "TCP://127.0.0.1:{port}",
        mask=UNKNOWN,
        doc='transport names are case-sensitive: "TCP" is unknown',
    ),
    client(
        "parse/one-char-scheme",
        "a://127.0.0.1:1",
        doc="a one-character scheme is no scheme: host 'a', DNS failure with two warnings",
    ),
    client(
        "parse/unknown-transport",
        "foo://x:1",
        mask=UNKNOWN,
        doc='unknown transport: "Unable to find the socket transport" errstr and warning',
    ),
    client(
        "parse/sslv2-not-registered",
        "sslv2://127.0.0.1:{port}",
        mask=UNKNOWN,
        doc="sslv2:// is never registered",
    ),
    client(
        "parse/sslv3-not-registered",
        "sslv3://127.0.0.1:{port}",
        mask=UNKNOWN,
        doc="sslv3:// is not registered without SSLv3 in OpenSSL",
    ),
    client(
        "parse/long-transport-name",
        "abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmno://x:1",
        mask=UNKNOWN,
        doc="the transport name is truncated to 31 bytes in the message",
    ),
    client(
        "parse/path-without-unix-scheme",
        "/tmp/x.sock",
        doc="a bare path is tcp: Failed to parse address",
    ),
    # -- host:port ------------------------------------------------------------------
    client("parse/missing-port", "127.0.0.1", doc='no colon: Failed to parse address "127.0.0.1"'),
    client(
        "parse/trailing-colon",
        "127.0.0.1:",
        doc="a colon in the last position does not count: Failed to parse address",
    ),
    client(
        "parse/bare-ipv6-first-colon",
        "::1:80",
        doc="first colon splits: empty host, getaddrinfo error with two spaces",
    ),
    client("parse/empty-host", ":80", doc="':80' has an empty host: DNS error"),
    client("parse/empty-string", "", doc='"" fails with Failed to parse address ""'),
    client("parse/scheme-only", "tcp://", doc="tcp:// alone fails to parse an empty address"),
    client(
        "parse/ipv6-bracketed",
        "[::1]:{port}",
        remote(),
        peer="ipv6_echo",
        doc="[::1]:port connects over IPv6",
        tags=("parse", "ipv6"),
    ),
    client("parse/ipv6-no-port", "[::1]", doc='"[::1]" fails: Failed to parse IPv6 address'),
    client("parse/ipv6-unclosed", "[::1", doc="an unclosed bracket fails to parse"),
    client(
        "parse/ipv6-junk-after-bracket",
        "[::1]x80",
        doc="a character other than ':' after ']' fails to parse",
    ),
    client("parse/ipv6-empty-port", "[::1]:", doc="[::1]: gives port 0: connection refused"),
    client(
        "parse/ipv4-in-brackets",
        "[127.0.0.1]:{port}",
        remote(),
        peer="listen",
        doc="brackets may hold anything getaddrinfo accepts",
    ),
    client(
        "parse/text-after-port",
        "127.0.0.1:{port}/path",
        remote(),
        peer="listen",
        doc="atoi stops at the first non-digit: /path is ignored",
    ),
    client(
        "parse/second-colon-after-port",
        "127.0.0.1:{port}:5",
        remote(),
        peer="listen",
        doc="only the first colon counts; ':5' after the port is ignored",
    ),
    client("parse/port-abc", "127.0.0.1:abc", doc="a non-numeric port is atoi 0: refused"),
    client(
        "parse/port-plus-sign",
        "127.0.0.1:+{port}",
        remote(),
        peer="listen",
        doc="atoi accepts a leading +",
    ),
    client(
        "parse/port-leading-zero",
        "127.0.0.1:0{port}",
        remote(),
        peer="listen",
        doc="a leading 0 is decimal, not octal",
    ),
    client(
        "parse/port-wraps-65536",
        cat("127.0.0.1:", pint() + 65536),
        remote(),
        peer="listen",
        doc="the port is taken mod 65536",
    ),
    client("parse/port-minus-one", "127.0.0.1:-1", doc="-1 becomes port 65535 (refused)"),
    client(
        "parse/port-leading-space",
        "127.0.0.1: {port}",
        remote(),
        peer="listen",
        doc="atoi skips leading whitespace",
    ),
    client(
        "parse/port-wraps-2pow32",
        cat("127.0.0.1:", pint() + 2**32),
        remote(),
        peer="listen",
        doc="a port above 2**32 still wraps to the peer's port",
    ),
    client("parse/port-70000", "127.0.0.1:70000", doc="70000 becomes port 4464 (refused)"),
    client("parse/port-zero", "127.0.0.1:0", doc="port 0 goes to connect(): refused"),
    client(
        "parse/nul-in-host",
        "127.0.0.1\0x:{port}",
        peer="listen",
        doc="a NUL byte in the host: The hostname must not contain null bytes",
    ),
]
