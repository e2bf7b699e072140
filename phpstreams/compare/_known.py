"""Known differences from PHP 8.2: the one list the CLI, CI and the matrix all read.

Theory of operation: a known difference names the PHP behaviour phpstreams does not
reproduce on purpose, and why (almost always: PHP's answer is undefined, such as
uninitialised C memory).  It is handled in one of two ways:

- ``excuse=None``: the scenarios that meet it mask the value (``mask={"errno"}``), or
  no scenario checks it; the entry documents the difference and excuses nothing;
- ``excuse="regex"``: a difference line of a scenario matching ``scenarios`` (fnmatch
  patterns) is excused when the regex is found in it (``""`` excuses every line).
  Any other difference of the same scenario still fails, so a known difference
  cannot hide a new one.

``python -m phpstreams compare --all`` exits 1 on any difference not excused here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from fnmatch import fnmatchcase

__all__ = ["KNOWN_DIFFERENCES", "KnownDifference", "excuse_for"]


@dataclass(frozen=True)
class KnownDifference:
    case: str
    php: str
    phpstreams: str
    reason: str
    scenarios: tuple[str, ...] = ()
    excuse: str | None = None
    functions: tuple[str, ...] = ()  # the PHP functions it concerns (docs/api.md lists it there)

    def covers(self, scenario_name: str) -> bool:
        return any(fnmatchcase(scenario_name, pattern) for pattern in self.scenarios)

    def excuses(self, scenario_name: str, difference: str) -> bool:
        if self.excuse is None or not self.covers(scenario_name):
            return False
        return re.search(self.excuse, difference) is not None


KNOWN_DIFFERENCES: tuple[KnownDifference, ...] = (
    KnownDifference(
        case="unknown transport (`foo://`, `sslv3://`...): `$errno` of stream_socket_client "
        "and fsockopen",
        php="uninitialised C variable: a different number on each run",
        phpstreams="`0`",
        reason="PHP's answer is undefined (stack garbage in stream_socket_client and fsockopen "
        "alike on 8.2.36); phpstreams reports 0, as for every other parse failure "
        "(the scenarios mask `$errno`)",
        scenarios=(
            "parse/unknown-transport",
            "parse/transport-case-sensitive",
            "parse/sslv2-not-registered",
            "parse/sslv3-not-registered",
            "parse/long-transport-name",
            "fsockopen/unknown-transport",
            "phpt/fsockopen_error",
            "phpt/tls_wrapper_with_tls_v1.3",
        ),
        functions=("stream_socket_client", "fsockopen", "pfsockopen"),
    ),
    KnownDifference(
        case="`fsockopen(..., timeout: -2)` ValueError text",
        php="`Argument #6 must be -1 or between 0 and <garbage>` (a different number each run)",
        phpstreams="`... between 0 and 18446744073709`",
        reason="PHP prints an uninitialised value; phpstreams prints the real bound "
        "(no scenario: PHP's text cannot be compared)",
        functions=("fsockopen", "pfsockopen"),
    ),
    KnownDifference(
        case="peer name of an accepted unix-socket client",
        php="unreliable (uninitialised bytes seen)",
        phpstreams='`""`',
        reason="PHP's answer is undefined (no scenario: PHP's value cannot be compared)",
        functions=("stream_socket_accept", "stream_socket_get_name"),
    ),
    KnownDifference(
        case="unknown named parameter (`fread(stream: $fp, len: 1)`), a non-Ref given by reference",
        php="`Error`: `Unknown named parameter $len` / `... cannot be passed by reference`",
        phpstreams="Python's `TypeError` with PHP's text (a `: pass a phpstreams.Ref` hint "
        "after the by-reference one)",
        reason="PHP's `Error` is the base of its `TypeError`; Python has no such base class "
        "above `TypeError`, and the call fails before the function runs in both",
        scenarios=("args/arity-and-named-arguments",),
        excuse=r'exception PHP Error: "Unknown named parameter',
    ),
    KnownDifference(
        case="`ini_set('memory_limit', ...)` below what PHP is using",
        php="`Failed to set memory limit to N bytes (Current memory usage is 2097152 bytes)`",
        phpstreams="the same text, with PHP's usage at start (2 MiB) as the number",
        reason="phpstreams has no memory limit of its own; a fresh `php -n` process reports "
        "2097152, which is what the scenarios see (a PHP script that allocated more would "
        "print more)",
        functions=("ini_set",),
    ),
    KnownDifference(
        case="TLS without the ctypes OpenSSL helper (`PHPSTREAMS_NO_CTYPES=1`, a Python outside "
        "3.10-3.13, or no loadable libssl)",
        php="PHP's own OpenSSL calls",
        phpstreams="what the `ssl` module offers: no SNI for IP addresses; `allow_self_signed` "
        "and `verify_depth` ignored (OpenSSL's depth 100); `security_level` through the cipher "
        "string; some local_cert failures warn `Unable to set private key file`; a TLS 1.3 "
        "close_notify still reads as alive for feof; openssl_x509_parse without hash, "
        "signatureType*, purposes and extensions other than subjectAltName",
        reason="those calls need OpenSSL objects the ssl module does not expose; the helper "
        "reads them only where CPython's struct layout is known and checked (352 of the 389 "
        "scenarios of the TLS and core groups stay identical without it)",
        functions=(
            "fsockopen",
            "stream_socket_client",
            "stream_socket_server",
            "stream_socket_enable_crypto",
            "openssl_x509_parse",
            "feof",
        ),
    ),
    KnownDifference(
        case="stream wrappers phpstreams does not provide: `php://filter/...`, `http://`, "
        "`https://`, `ftp://`, `ftps://`, `data:`, `glob://`, `compress.zlib://`",
        php="opens them",
        phpstreams="`fopen`/`file_get_contents` fail: `Invalid php:// URL specified` for "
        "php://filter, a `the X:// wrapper is not implemented by phpstreams` warning for the "
        "others",
        reason="not built (the `http://` wrapper is outside the stream issue; the others have "
        "had no user yet); no scenario opens them",
        functions=("fopen", "file_get_contents", "file_put_contents"),
    ),
    KnownDifference(
        case="a Python signal handler during stream_select",
        php="PHP's built-in display prints the `Unable to select [4]` warning before the "
        "handler's output",
        phpstreams="the handler runs first (as PHP does when a user error handler is set)",
        reason="CPython runs a signal handler as soon as the interrupted poll() returns; "
        "deferring it would need the signal blocked, which prevents the interruption",
        functions=("stream_select",),
    ),
    KnownDifference(
        case="peer name check against an older PHP 8.2 build (Debian bookworm's 8.2.32): "
        "the warning text",
        php="`Peer certificate CN=`x' did not match expected CN=`y'` or `Unable to locate "
        "peer certificate CN`",
        phpstreams="`Peer certificate subjectAltName did not match expected name `y'` "
        "(PHP 8.2.36's text)",
        reason="phpstreams follows PHP 8.2.36, where a certificate with subjectAltName "
        "entries is matched against them only; the older build reports the CN check. "
        "Against 8.2.36 these scenarios are identical, and nothing is excused",
        scenarios=(
            "tls/wrong-name",
            "tls/verify-peer-false-checks-name",
            "tls/wildcard-two-labels",
            "tls/fingerprint-does-not-bypass-name",
            "tls/capture-peer-cert-name-failure",
            "starttls/wrong-name",
            "phpt/san_peer_matching",
        ),
        excuse=r'diagnostics differ: PHP E_WARNING "[a-z_]+\(\): (Peer certificate '
        r"CN=`[^']*' did not match expected CN=`[^']*'|Unable to locate peer certificate "
        r'CN)"',
        functions=("fsockopen", "stream_socket_client", "stream_socket_enable_crypto"),
    ),
    KnownDifference(
        case="a certificate whose subjectAltName does not match but whose CN does, against "
        "an older PHP 8.2 build (Debian bookworm's 8.2.32)",
        php="connects: the older build falls back to the CN",
        phpstreams="refuses with `Peer certificate subjectAltName did not match expected "
        "name` (PHP 8.2.36: no CN fallback when the certificate has SAN entries)",
        reason="phpstreams follows PHP 8.2.36 and stays secure by default; against 8.2.36 "
        "the scenario is identical, and nothing is excused",
        scenarios=("phpt/san_no_cn_fallback",),
        excuse=r"stream_socket_client: (return PHP resource\(stream\) / phpstreams false|"
        r'diagnostics differ: PHP \(none\) / phpstreams E_WARNING "stream_socket_client\(\): '
        r"Peer certificate subjectAltName did not match)",
        functions=("fsockopen", "stream_socket_client", "stream_socket_enable_crypto"),
    ),
)


def excuse_for(
    scenario_name: str,
    difference: str,
    known: Iterable[KnownDifference] = KNOWN_DIFFERENCES,
) -> KnownDifference | None:
    """The known difference that excuses this difference line, if any."""
    for entry in known:
        if entry.excuses(scenario_name, difference):
            return entry
    return None
