"""Error handlers, error_reporting, @ and error_get_last around the socket functions.

The diagnostics come from calls whose outcome does not depend on timing: a
warning from an unparsable address (``stream_socket_client("tcp://127.0.0.1")``),
an E_DEPRECATED from a fractional int (``stream_set_timeout($fp, 5.5)``), an
E_NOTICE from writing after our own SHUT_WR (``errno=32 Broken pipe``), and the
refused connects the brief names.  A scenario handler (``handler(name, kind)``)
records what it receives, with ``error_reporting()`` as it reads inside the
handler, and captures (true), falls through (false), returns nothing or throws a
RuntimeException; see ``_scenario``.
"""

from __future__ import annotations

from collections.abc import Sequence

from .._scenario import (
    Arg,
    Scenario,
    Step,
    call,
    const,
    handler,
    last_error,
    same,
    sleep,
    var,
    without,
)
from ._helpers import E, S
from ._rules_helpers import FP, echoed, rule_scenario, tcp

__all__ = ["ERRORS"]

_TAGS = ("errors",)

CAPTURE = handler("capture", "capture")
FALL = handler("fallthrough", "fallthrough")
VOID = handler("void", "void")
THROW = handler("thrower", "throw", "handler threw")
E_ALL = const("E_ALL")


def warn(silenced: bool = False) -> Step:
    """A warning: 'Unable to connect to tcp://127.0.0.1 (Failed to parse address ...)'."""
    return call("stream_socket_client", "tcp://127.0.0.1", E, S, 1.0, silenced=silenced)


def deprecated(silenced: bool = False) -> Step:
    """An E_DEPRECATED: 'Implicit conversion from float 5.5 to int loses precision'."""
    return call("stream_set_timeout", FP, 5.5, silenced=silenced)


def shut_wr() -> Step:
    return call("stream_socket_shutdown", FP, const("STREAM_SHUT_WR"))


def notice(silenced: bool = False) -> Step:
    """An E_NOTICE (after shut_wr): 'fwrite(): Send of 1 bytes failed with errno=32 Broken pipe'."""
    return call("fwrite", FP, "x", silenced=silenced)


def set_handler(callback: Arg, *levels: Arg, assign: str | None = None) -> Step:
    return call("set_error_handler", callback, *levels, assign=assign)


def restore() -> Step:
    return call("restore_error_handler")


def reporting(*level: Arg, silenced: bool = False) -> Step:
    return call("error_reporting", *level, silenced=silenced)


def three_kinds() -> list[Step]:
    """A warning, a deprecation, a notice, then error_get_last()."""
    return [warn(), deprecated(), shut_wr(), notice(), last_error()]


def _errors(
    name: str, doc: str, steps: Sequence[Step], peer: str | None = "echo", connect: bool = True
) -> Scenario:
    first = [tcp()] if connect else []
    return rule_scenario(name, peer=peer, doc=doc, tags=_TAGS, steps=[*first, *steps])


HANDLERS: list[Scenario] = [
    _errors(
        "errors/handler-capture-each-type",
        "a handler returning true gets the warning, the E_DEPRECATED (8192) and the notice: "
        "nothing shown, error_get_last() stays null",
        [set_handler(CAPTURE), *three_kinds()],
    ),
    _errors(
        "errors/handler-fallthrough-each-type",
        "a handler returning false gets each diagnostic, then PHP's standard handling shows it "
        "and error_get_last() records it",
        [set_handler(FALL), *three_kinds()],
    ),
    _errors(
        "errors/handler-void-return",
        "a handler returning nothing (null) has handled the diagnostic: nothing shown, "
        "error_get_last() null",
        [set_handler(VOID), *three_kinds()],
    ),
    _errors(
        "errors/handler-levels-warning-only",
        "set_error_handler(h, E_WARNING): the warning reaches h; the deprecation and the notice "
        "get the standard handling (shown, recorded)",
        [set_handler(CAPTURE, const("E_WARNING")), *three_kinds()],
    ),
    _errors(
        "errors/handler-levels-notice-only",
        "set_error_handler(h, E_NOTICE): only the notice reaches h",
        [set_handler(CAPTURE, const("E_NOTICE")), *three_kinds()],
    ),
    _errors(
        "errors/handler-levels-deprecated-only",
        "set_error_handler(h, E_DEPRECATED): only the deprecation reaches h",
        [set_handler(CAPTURE, const("E_DEPRECATED")), *three_kinds()],
    ),
    _errors(
        "errors/handler-levels-all-but-deprecated",
        "set_error_handler(h, E_ALL & ~E_DEPRECATED): the deprecation is shown, the rest handled",
        [set_handler(CAPTURE, without(E_ALL, const("E_DEPRECATED"))), *three_kinds()],
    ),
    _errors(
        "errors/handler-levels-zero",
        "set_error_handler(h, 0): h is never called, everything is shown",
        [set_handler(CAPTURE, 0), *three_kinds()],
    ),
    _errors(
        "errors/handler-levels-coerced",
        "set_error_handler levels '2' (E_WARNING) works; 2.5 E_DEPRECATED (raised before the "
        "new handler is in, past the E_WARNING-only one: shown) then 2; null E_DEPRECATED then 0; "
        "'abc', [] : TypeError",
        [
            set_handler(CAPTURE, "2"),
            warn(),
            set_handler(FALL, 2.5),
            warn(),
            set_handler(CAPTURE, None),
            warn(),
            set_handler(FALL, "abc"),
            set_handler(FALL, []),
            deprecated(),
        ],
        connect=True,
    ),
    _errors(
        "errors/handler-invalid-callbacks",
        "set_error_handler with a missing function, an int, a bad array: TypeError (must be a "
        "valid callback or null); the handler in force is unchanged",
        [
            set_handler(CAPTURE),
            set_handler("no_such_function"),
            set_handler(42),
            set_handler([1, 2]),
            set_handler(True),
            warn(),
            set_handler(None),
        ],
        peer=None,
        connect=False,
    ),
    _errors(
        "errors/handler-not-called-for-exceptions",
        "TypeError and ValueError are exceptions, not diagnostics: the handler is not called",
        [
            set_handler(CAPTURE),
            call("fread", False, 1),
            call("stream_set_chunk_size", FP, 0),
            call("stream_set_timeout", FP, "abc"),
            deprecated(),
        ],
    ),
]

THROWING: list[Scenario] = [
    _errors(
        "errors/handler-throw-fsockopen-refused",
        "a handler throwing on fsockopen's refused-connect warning: the RuntimeException comes "
        "out of fsockopen, after it assigned $errno (111) and $errstr; restored: the warning",
        [
            set_handler(THROW),
            call("fsockopen", "127.0.0.1", "{port}", E, S, 1.0, assign="fp"),
            restore(),
            call("fsockopen", "127.0.0.1", "{port}", E, S, 1.0, assign="fp"),
        ],
        peer="refused",
        connect=False,
    ),
    _errors(
        "errors/handler-throw-stream-socket-client-refused",
        "a throwing handler on stream_socket_client's refused connect: the exception, $errno and "
        "$errstr assigned; a second call throws again (the handler stays)",
        [
            set_handler(THROW),
            call("stream_socket_client", "tcp://127.0.0.1:{port}", E, S, 1.0),
            call("stream_socket_client", "tcp://127.0.0.1:{port}", E, S, 1.0),
            restore(),
        ],
        peer="refused",
        connect=False,
    ),
    _errors(
        "errors/handler-throw-broken-pipe-after-shut-wr",
        "fwrite after our SHUT_WR: the Broken pipe notice reaches a throwing handler, the "
        "RuntimeException leaves fwrite; restored, the notice is shown and fwrite is false",
        [shut_wr(), set_handler(THROW), notice(), notice(), restore(), notice()],
    ),
    rule_scenario(
        "errors/handler-throw-broken-pipe-peer-closed",
        peer="close",
        tags=_TAGS,
        doc="peer closed: the first fwrite succeeds; the broken-pipe notice of the next one "
        "becomes the handler's RuntimeException",
        steps=[
            tcp(),
            sleep(0.1),
            call("fwrite", FP, "first"),
            sleep(0.1),
            set_handler(THROW),
            call("fwrite", FP, "second"),
            restore(),
            call("fwrite", FP, "third"),
        ],
    ),
    _errors(
        "errors/handler-throw-on-deprecation-skips-the-write",
        "a handler throwing on a coercion deprecation (null data, 2.5 length) aborts the "
        "argument parsing: fwrite never runs, nothing is sent",
        [
            set_handler(THROW),
            call("fwrite", FP, None),
            call("fwrite", FP, "abc", 2.5),
            restore(),
            call("fwrite", FP, "sent"),
            *echoed(),
        ],
    ),
    rule_scenario(
        "errors/handler-throw-on-deprecation-skips-the-read",
        peer="lines",
        tags=_TAGS,
        doc="fread($fp, 4.5) with a throwing handler: no byte is read; the next fread(4) gets "
        "the first four",
        steps=[
            tcp(),
            set_handler(THROW),
            call("fread", FP, 4.5),
            call("fgets", FP, 3.5),
            restore(),
            call("fread", FP, 4),
        ],
    ),
    _errors(
        "errors/handler-throw-drops-later-diagnostics",
        "fwrite(null, 4.5) raises two deprecations: a capturing handler gets both, a throwing "
        "one only the first (the call ends there)",
        [
            set_handler(CAPTURE),
            call("fwrite", FP, None, 4.5),
            set_handler(THROW),
            call("fwrite", FP, None, 4.5),
        ],
    ),
    _errors(
        "errors/handler-throw-drops-later-tls-warnings",
        "ssl:// to a plain echo peer fails with several warnings: a capturing handler gets all, "
        "a throwing one the first, and the rest are dropped",
        [
            set_handler(CAPTURE),
            call("stream_socket_client", "ssl://127.0.0.1:{port}", E, S, 2.0),
            set_handler(THROW),
            call("stream_socket_client", "ssl://127.0.0.1:{port}", E, S, 2.0),
            restore(),
            call("stream_socket_client", "ssl://127.0.0.1:{port}", E, S, 2.0),
        ],
        connect=False,
    ),
    _errors(
        "errors/handler-throw-then-quiet-call",
        "after a handler threw out of one call, a call without diagnostics returns normally, "
        "and the next diagnostic throws again",
        [
            set_handler(THROW),
            warn(),
            call("stream_set_timeout", FP, 1),
            deprecated(),
            restore(),
            deprecated(),
        ],
    ),
]

STACK: list[Scenario] = [
    _errors(
        "errors/handler-nesting",
        "h1 then h2 installed: h2 gets the warning (falls through: shown too); restore: h1 "
        "again; restore: the standard handling",
        [
            set_handler(CAPTURE),
            set_handler(FALL),
            warn(),
            restore(),
            warn(),
            restore(),
            warn(),
        ],
        peer=None,
        connect=False,
    ),
    _errors(
        "errors/handler-set-returns-previous",
        "set_error_handler returns the handler it replaces (null for none), and a handler set "
        "again is the same callable (===)",
        [
            set_handler(CAPTURE),
            set_handler(FALL),
            set_handler(CAPTURE),
            set_handler(None),
            set_handler(VOID, assign="prev"),
            same(var("prev"), None),
            set_handler(FALL, assign="prev"),
            same(var("prev"), VOID),
            restore(),
            restore(),
            restore(),
            restore(),
            restore(),
            restore(),
            warn(),
        ],
        peer=None,
        connect=False,
    ),
    _errors(
        "errors/handler-restore-returns-true",
        "restore_error_handler() returns true, with a handler or none, however often it is called",
        [
            restore(),
            restore(),
            warn(),
            set_handler(CAPTURE),
            restore(),
            restore(),
            warn(),
        ],
        peer=None,
        connect=False,
    ),
    _errors(
        "errors/handler-null-resets-to-standard",
        "set_error_handler(null): the standard handling (shown, recorded) until restored; then "
        "the handler before it is back",
        [
            set_handler(CAPTURE),
            set_handler(None),
            warn(),
            last_error(),
            restore(),
            call("error_clear_last"),
            warn(),
            last_error(),
        ],
        peer=None,
        connect=False,
    ),
]

SILENCE: list[Scenario] = [
    _errors(
        "errors/handler-inside-silence-capture",
        "@ does not stop the handler: it is called, error_reporting() inside it reads 4437, and "
        "the captured diagnostic leaves error_get_last() null",
        [set_handler(CAPTURE), warn(silenced=True), deprecated(silenced=True)],
    ),
    _errors(
        "errors/handler-inside-silence-fallthrough",
        "@ with a handler returning false: the handler sees 4437, then the standard handling "
        "records the diagnostic without showing it",
        [set_handler(FALL), warn(silenced=True), deprecated(silenced=True)],
    ),
    _errors(
        "errors/handler-inside-silence-throw",
        "@fsockopen refused with a throwing handler: the exception still comes out, $errno and "
        "$errstr assigned, error_get_last() null",
        [
            set_handler(THROW),
            call("fsockopen", "127.0.0.1", "{port}", E, S, 1.0, silenced=True),
            restore(),
            call("fsockopen", "127.0.0.1", "{port}", E, S, 1.0, silenced=True),
        ],
        peer="refused",
        connect=False,
    ),
    _errors(
        "errors/handler-levels-inside-silence",
        "@ and a handler for E_WARNING only: the silenced deprecation skips the handler and is "
        "only recorded; the silenced warning reaches it",
        [
            set_handler(FALL, const("E_WARNING")),
            deprecated(silenced=True),
            warn(silenced=True),
        ],
    ),
    _errors(
        "errors/handler-under-error-reporting-zero",
        "error_reporting(0) does not stop handlers: they are called (error_reporting() reads 0); "
        "what falls through is recorded, not shown",
        [
            reporting(0),
            set_handler(CAPTURE),
            warn(),
            set_handler(FALL),
            warn(),
            last_error(),
            restore(),
            restore(),
            reporting(E_ALL),
        ],
        peer=None,
        connect=False,
    ),
]

REPORTING: list[Scenario] = [
    _errors(
        "errors/error-reporting-zero",
        "error_reporting(0) returns the old level (E_ALL); nothing is shown, error_get_last() "
        "still records each diagnostic",
        [
            reporting(0),
            warn(),
            last_error(),
            deprecated(),
            last_error(),
            reporting(),
            reporting(E_ALL),
            reporting(),
        ],
    ),
    _errors(
        "errors/error-reporting-no-warnings",
        "error_reporting(E_ALL & ~E_WARNING): the warning is only recorded; the deprecation and "
        "the notice are shown",
        [reporting(without(E_ALL, const("E_WARNING"))), *three_kinds(), reporting(E_ALL)],
    ),
    _errors(
        "errors/error-reporting-no-deprecations",
        "error_reporting(E_ALL & ~E_DEPRECATED): the deprecation is only recorded",
        [
            reporting(without(E_ALL, const("E_DEPRECATED"))),
            deprecated(),
            last_error(),
            warn(),
            reporting(),
            reporting(E_ALL),
        ],
    ),
    _errors(
        "errors/error-reporting-inside-silence",
        "@error_reporting() reads 4437; @error_reporting(0) returns 4437 and the level is back "
        "to E_ALL after the @; @error_reporting(E_WARNING) keeps E_WARNING after it",
        [
            reporting(silenced=True),
            reporting(),
            reporting(0, silenced=True),
            reporting(),
            reporting(const("E_WARNING"), silenced=True),
            reporting(),
            reporting(E_ALL),
        ],
        peer=None,
        connect=False,
    ),
    _errors(
        "errors/error-reporting-coerced",
        "error_reporting level 'abc', [] : TypeError (must be of type ?int); 2.5 E_DEPRECATED "
        "then 2; '0' sets 0; null only reads; true is 1",
        [
            reporting("abc"),
            reporting([]),
            reporting(2.5),
            reporting("0"),
            reporting(None),
            reporting(True),
            reporting(E_ALL),
        ],
        peer=None,
        connect=False,
    ),
    _errors(
        "errors/error-get-last-lifecycle",
        "error_get_last() is null, then the shown warning; a call without diagnostics keeps it; "
        "error_clear_last() empties it; then the deprecation ([8192, ...])",
        [
            last_error(),
            warn(),
            last_error(),
            call("stream_set_timeout", FP, 1),
            last_error(),
            call("error_clear_last"),
            last_error(),
            deprecated(),
            last_error(),
        ],
    ),
    _errors(
        "errors/deprecation-silenced",
        "@ on a coercion deprecation: nothing shown, error_get_last() is [8192, message]",
        [
            deprecated(silenced=True),
            call("fwrite", FP, None, silenced=True),
            call("fread", FP, None, silenced=True),
        ],
    ),
]

ERRORS: list[Scenario] = [*HANDLERS, *THROWING, *STACK, *SILENCE, *REPORTING]
