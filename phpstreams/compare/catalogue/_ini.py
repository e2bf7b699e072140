"""ini_get / ini_set / ini_restore for the directives phpstreams knows, against
``php -n`` defaults (the engine runs PHP with ``-n`` and leaves these directives
alone): defaults, round trips with strings, ints, floats, bools and null,
directives PHP refuses to change at run time, unknown names, and the directives
that change what the socket functions do (``precision`` for the text fwrite
sends for a float, ``error_reporting`` for what is shown).  default_socket_timeout
as a new stream's read timeout is pinned by the I/O catalogue
(``timeout/default-socket-timeout*``).
"""

from __future__ import annotations

from collections.abc import Sequence

from .._scenario import Arg, Scenario, Step, call, last_error
from ._helpers import E, S
from ._rules_helpers import FP, echoed, rule_scenario, tcp

__all__ = ["INI"]

_TAGS = ("ini",)

DIRECTIVES = (
    "default_socket_timeout",
    "precision",
    "serialize_precision",
    "max_execution_time",
    "disable_functions",
    "memory_limit",
    "user_agent",
    "from",
    "allow_url_fopen",
    "auto_detect_line_endings",
    "openssl.cafile",
    "openssl.capath",
    "error_reporting",
)


def _get(name: Arg) -> Step:
    return call("ini_get", name)


def _set(name: Arg, value: Arg) -> Step:
    return call("ini_set", name, value)


def _restore(name: Arg) -> Step:
    return call("ini_restore", name)


def _ini(name: str, doc: str, steps: Sequence[Step], peer: str | None = None) -> Scenario:
    return rule_scenario(name, peer=peer, doc=doc, tags=_TAGS, steps=steps)


def round_trip(directive: str, values: Sequence[Arg]) -> list[Step]:
    """ini_set each value (the old value comes back), ini_get it, then restore and read."""
    steps: list[Step] = [_get(directive)]
    for value in values:
        steps += [_set(directive, value), _get(directive)]
    return [*steps, _restore(directive), _get(directive)]


INI: list[Scenario] = [
    _ini(
        "ini/defaults-network",
        "php -n defaults: default_socket_timeout '60', user_agent and from '', "
        "allow_url_fopen '1', auto_detect_line_endings '0'",
        [
            _get(name)
            for name in (
                "default_socket_timeout",
                "user_agent",
                "from",
                "allow_url_fopen",
                "auto_detect_line_endings",
            )
        ],
    ),
    _ini(
        "ini/defaults-numbers",
        "php -n defaults: precision '14', serialize_precision '-1', max_execution_time '0' (CLI), "
        "memory_limit '128M'",
        [_get(name) for name in ("precision", "serialize_precision", "max_execution_time")]
        + [_get("memory_limit")],
    ),
    _ini(
        "ini/defaults-system",
        "php -n defaults: disable_functions '', openssl.cafile and openssl.capath unset",
        [_get(name) for name in ("disable_functions", "openssl.cafile", "openssl.capath")],
    ),
    _ini(
        "ini/defaults-error-reporting",
        "php -n: ini_get('error_reporting') is '' (no php.ini value) while error_reporting() is "
        "E_ALL (32767); setting the level through error_reporting() shows in ini_get",
        [
            _get("error_reporting"),
            call("error_reporting"),
            call("error_reporting", 8),
            _get("error_reporting"),
            _restore("error_reporting"),
            _get("error_reporting"),
            call("error_reporting"),
        ],
    ),
    _ini(
        "ini/unknown-directive",
        "an unknown directive: ini_get and ini_set return false, ini_restore returns null; names "
        "are case-sensitive and exact ('', 'DEFAULT_SOCKET_TIMEOUT', ' precision')",
        [
            _get("no.such.directive"),
            _set("no.such.directive", "1"),
            _restore("no.such.directive"),
            _get(""),
            _get("DEFAULT_SOCKET_TIMEOUT"),
            _get(" precision"),
            _set("Precision", "3"),
            _get("precision"),
        ],
    ),
    _ini(
        "ini/default-socket-timeout-round-trip",
        "default_socket_timeout: ini_set returns the old value as a string; '5', '-1', 7 stored; "
        "1.5 and '10s' warn 'Invalid quantity ... interpreting as \"1\"' / '\"10\"' but are "
        "stored as given; ini_restore gives '60' back",
        round_trip("default_socket_timeout", ["5", 1.5, "-1", "10s", 7]),
    ),
    _ini(
        "ini/precision-round-trip",
        "precision: '10', 17 (an int: '17'), '-1' accepted; '-2' rejected (false, the value "
        "unchanged); 'abc' accepted and stored; ini_restore: '14'",
        round_trip("precision", ["10", 17, "-1", "-2", "abc"]),
    ),
    _ini(
        "ini/serialize-precision-round-trip",
        "serialize_precision: '17', 5, true ('1'), null ('')",
        round_trip("serialize_precision", ["17", 5, True, None]),
    ),
    _ini(
        "ini/max-execution-time-round-trip",
        "max_execution_time: 300 (an int), '600' and 'abc' stored; ini_restore: '0'",
        round_trip("max_execution_time", [300, "600", "abc"]),
    ),
    _ini(
        "ini/memory-limit-round-trip",
        "memory_limit: '64M', '-1', 268435456 stored; '1x' warns twice (Invalid quantity, then "
        "Failed to set memory limit to 1 bytes) and is refused: false; ini_restore: '128M'",
        [*round_trip("memory_limit", ["64M", "1x", "-1", 268435456]), last_error()],
    ),
    _ini(
        "ini/user-agent-round-trip",
        "user_agent: strings kept; 0.3, 1e20, true, false, null become '0.3', '1.0E+20', '1', "
        "'', ''",
        round_trip("user_agent", ["agent/1.0", 0.3, 1e20, True, False, None]),
    ),
    _ini(
        "ini/from-round-trip",
        "from: 42 is '42', 'me@example.org' kept; ini_restore: back to the default",
        round_trip("from", [42, "me@example.org"]),
    ),
    _ini(
        "ini/system-directives-refused",
        "allow_url_fopen and disable_functions are INI_SYSTEM, openssl.cafile/capath "
        "INI_PERDIR: ini_set returns false and the value stays",
        [
            step
            for name, value in (
                ("allow_url_fopen", "0"),
                ("disable_functions", "fsockopen"),
                ("openssl.cafile", "/tmp/ca.pem"),
                ("openssl.capath", "/tmp"),
            )
            for step in (_set(name, value), _get(name))
        ],
    ),
    _ini(
        "ini/auto-detect-line-endings-deprecated",
        "auto_detect_line_endings: setting it to '1' is E_DEPRECATED (in 8.1+); '0' and "
        "ini_restore are quiet",
        round_trip("auto_detect_line_endings", ["1", "0", True]),
    ),
    _ini(
        "ini/error-reporting-directive",
        "ini_set('error_reporting', '8'): error_reporting() reads 8, a warning is not shown "
        "(error_get_last has it); an int E_ALL back; ini_restore",
        [
            _set("error_reporting", "8"),
            call("error_reporting"),
            call("stream_socket_client", "tcp://127.0.0.1", E, S, 1.0),
            last_error(),
            _set("error_reporting", 32767),
            _get("error_reporting"),
            call("stream_socket_client", "tcp://127.0.0.1", E, S, 1.0),
            _restore("error_reporting"),
            call("error_reporting"),
        ],
    ),
    _ini(
        "ini/set-value-types",
        "ini_set value [] : TypeError (string|int|float|bool|null); a name given as an int or "
        "null is its text ('42': unknown, false; null: E_DEPRECATED, '')",
        [
            _set("user_agent", []),
            _set(42, "x"),
            _set(None, "x"),
            _get(None),
            _get([]),
            _restore([]),
        ],
    ),
    _ini(
        "ini/restore-twice-and-unchanged",
        "ini_restore of a directive never changed, or twice: null, the default stays",
        [
            _restore("precision"),
            _get("precision"),
            _set("precision", "5"),
            _restore("precision"),
            _restore("precision"),
            _get("precision"),
        ],
    ),
    _ini(
        "ini/every-directive-after-restore",
        "each directive set, then all restored: every ini_get is the php -n default again",
        [
            *[
                _set(name, value)
                for name, value in (
                    ("default_socket_timeout", "3"),
                    ("precision", "3"),
                    ("serialize_precision", "3"),
                    ("max_execution_time", "30"),
                    ("memory_limit", "100M"),
                    ("user_agent", "x"),
                    ("from", "y"),
                    ("error_reporting", "3"),
                )
            ],
            *[_restore(name) for name in DIRECTIVES],
            *[_get(name) for name in DIRECTIVES],
        ],
    ),
    _ini(
        "ini/precision-changes-fwrite",
        "fwrite of a float uses precision: 17 sends 0.1+0.2 as '0.30000000000000004', 3 sends "
        "pi as '3.14' and 1234.5 as '1.23E+3', -1 the shortest repr; serialize_precision does "
        "not matter",
        [
            tcp(),
            _set("precision", "17"),
            call("fwrite", FP, 0.30000000000000004),
            _set("precision", "3"),
            call("fwrite", FP, 3.14159),
            call("fwrite", FP, 1234.5),
            _set("precision", "-1"),
            call("fwrite", FP, 0.30000000000000004),
            _restore("precision"),
            _set("serialize_precision", "3"),
            call("fwrite", FP, 3.14159),
            *echoed(),
        ],
        peer="echo",
    ),
    _ini(
        "ini/precision-changes-string-arguments",
        "a float passed where a string goes uses precision too: at precision 3 sendto sends "
        "2.71828 as '2.72', and stream_get_line's ending 2.71828 is '2.72' (the line before: '')",
        [
            tcp(),
            _set("precision", "3"),
            call("stream_socket_sendto", FP, 2.71828),
            call("fwrite", FP, "|end"),
            call("stream_socket_shutdown", FP, 1),
            call("stream_get_line", FP, 100, 2.71828),
            call("stream_get_contents", FP),
        ],
        peer="echo",
    ),
    rule_scenario(
        "ini/scenario-ini-precision",
        peer="echo",
        tags=_TAGS,
        ini={"precision": "5"},
        doc="precision set before the first step (ini_set at the start): fwrite(1/3) sends "
        "'0.33333'; ini_get reads '5'",
        steps=[tcp(), _get("precision"), call("fwrite", FP, 1 / 3), *echoed()],
    ),
]
