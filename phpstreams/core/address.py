"""Sans-IO parsing of transport URLs, exactly as PHP 8.2 splits them.

Theory of operation: PHP first splits ``scheme://rest`` (php-src
main/streams/transports.c: php_stream_xport_create), then hands ``rest`` to the
transport, which for inet transports splits ``host:port`` at the *first* colon
(main/streams/xp_socket.c: parse_ip_address_ex) and converts the port with C's
``atoi`` before ``htons`` truncates it to 16 bits. Nothing here validates beyond
what PHP validates: every quirk below is PHP's and is marked ``# PHP:``.
"""

from __future__ import annotations

import re
from typing import NamedTuple

__all__ = [
    "CRYPTO_TRANSPORTS",
    "SOCKET_TRANSPORTS",
    "TRANSPORTS",
    "AddressError",
    "InetAddress",
    "c_atoi",
    "fsockopen_address",
    "parse_inet_address",
    "split_network_address",
    "split_transport",
]

# The transports PHP 8.2 registers with ext/openssl loaded, in its order: the
# socket ones (main/streams/xp_socket.c), then ext/openssl's crypto ones.
SOCKET_TRANSPORTS = ("tcp", "udp", "unix", "udg")
CRYPTO_TRANSPORTS = ("ssl", "tls", "tlsv1.0", "tlsv1.1", "tlsv1.2", "tlsv1.3")
TRANSPORTS = SOCKET_TRANSPORTS + CRYPTO_TRANSPORTS

_SCHEME = re.compile(r"[A-Za-z0-9+.\-]*")


class AddressError(Exception):
    """An address PHP refuses before any system call; ``args[0]`` is PHP's errstr."""

    @property
    def errstr(self) -> str:
        return str(self.args[0])


class InetAddress(NamedTuple):  # a NamedTuple: ~4x cheaper to make than a frozen dataclass
    host: str
    port: int  # already truncated to 0..65535, as htons() does


def split_transport(address: str) -> tuple[str, str]:
    """``"ssl://host:1"`` -> ``("ssl", "host:1")``; no scheme means tcp.

    Raises AddressError for a transport PHP does not register.
    """
    n = _SCHEME.match(address).end()  # type: ignore[union-attr]
    # PHP: a one-character scheme is not a scheme ("a://x:1" is tcp host "a").
    if n > 1 and address.startswith("://", n):
        transport, rest = address[:n], address[n + 3 :]
    else:
        return "tcp", address
    # PHP: transport names are case-sensitive; the message cuts the name at 31 bytes.
    if transport not in TRANSPORTS:
        shown = transport.encode("utf-8", "surrogateescape")[:31].decode("utf-8", "surrogateescape")
        raise AddressError(
            f'Unable to find the socket transport "{shown}" - '
            "did you forget to enable it when you configured PHP?"
        )
    return transport, rest


def c_atoi(text: str) -> int:
    """glibc ``atoi``: ``(int) strtol(text, NULL, 10)``, overflow clamped then wrapped."""
    if text.isascii() and text.isdigit() and len(text) < 10:
        return int(text)  # the common case: a plain port number
    i = 0
    while i < len(text) and text[i] in " \t\n\v\f\r":
        i += 1
    sign = 1
    if i < len(text) and text[i] in "+-":
        sign = -1 if text[i] == "-" else 1
        i += 1
    start = i
    while i < len(text) and "0" <= text[i] <= "9":
        i += 1
    if i == start:
        return 0
    value = sign * int(text[start:i])
    value = max(-(2**63), min(2**63 - 1, value))
    value &= 0xFFFFFFFF
    return value - 2**32 if value >= 2**31 else value


def parse_inet_address(address: str) -> InetAddress:
    """``host:port`` as php-src xp_socket.c parse_ip_address_ex splits it."""
    if "\0" in address:
        raise AddressError("The hostname must not contain null bytes")
    if address.startswith("[") and len(address) > 1:
        # PHP: the closing bracket is searched in str[1 .. len-2] and must be followed by ':'.
        close = address.find("]", 1, len(address) - 1)
        if close < 0 or address[close + 1] != ":":
            raise AddressError(f'Failed to parse IPv6 address "{address}"')
        return InetAddress(address[1:close], c_atoi(address[close + 2 :]) & 0xFFFF)
    # PHP: the FIRST colon, searched in all but the last character.
    colon = address.find(":", 0, len(address) - 1) if address else -1
    if colon < 0:
        raise AddressError(f'Failed to parse address "{address}"')
    return InetAddress(address[:colon], c_atoi(address[colon + 1 :]) & 0xFFFF)


def fsockopen_address(hostname: str, port: int) -> str:
    """The address fsockopen hands on: ``host:port`` when port > 0, else the host alone."""
    # PHP: the port is appended blindly, so "::1" + 80 becomes "::1:80".
    return f"{hostname}:{port}" if port > 0 else hostname


def split_network_address(address: str) -> tuple[str, int] | None:
    """``host:port`` as php-src main/network.c: php_network_parse_network_address_with_port
    splits it (stream_socket_sendto targets); None when it cannot be split."""
    if address.startswith("["):
        close = address.find("]", 1)
        if close < 0 or address[close + 1 : close + 2] != ":":
            return None
        return address[1:close], c_atoi(address[close + 2 :]) & 0xFFFF
    colon = address.find(":")
    if colon < 0:
        return None
    return address[:colon], c_atoi(address[colon + 1 :]) & 0xFFFF
