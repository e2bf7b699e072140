"""Coercive typing of the read and write functions' arguments.

fread, fgets, fwrite/fputs, fgetc, stream_get_line, stream_get_contents (and the
other calls that take a stream): every parameter type with one value class per
scenario -- ints, integral and fractional floats (4.5: E_DEPRECATED "Implicit
conversion ... loses precision"), 1e20/NAN/INF (TypeError), -0.0, numeric,
leading-numeric, non-numeric and whitespace strings, bools, null (E_DEPRECATED
"Passing null to parameter ... is deprecated" for a non-nullable scalar), arrays,
and non-streams (false, null, 0, "fp", [] and a context) as the stream.  Reads use
the ``lines`` peer (46 bytes, then EOF), so each row shows how many bytes a
coerced length took; writes use the ``echo`` peer, whose echo, read back at the
end, shows exactly what fwrite sent for an int, a float or a bool.
"""

from __future__ import annotations

from .._scenario import Arg, Scenario, Step, call
from ._rules_helpers import CTX, FP, NOT_STREAMS, each, echoed, rule_scenario, tcp

__all__ = ["ARGS_IO", "not_a_stream"]

_TAGS = ("args", "coercion")


def _reads(name: str, doc: str, steps: list[Step]) -> Scenario:
    return rule_scenario(name, peer="lines", doc=doc, tags=(*_TAGS, "read"), steps=[tcp(), *steps])


def _writes(name: str, doc: str, steps: list[Step]) -> Scenario:
    return rule_scenario(
        name, peer="echo", doc=doc, tags=(*_TAGS, "write"), steps=[tcp(), *steps, *echoed()]
    )


def not_a_stream(
    name: str, func: str, *after: Arg, doc: str = "", extra: tuple[Arg, ...] = ()
) -> Scenario:
    """``func(x, *after)`` for each non-stream x (false, null, 0, "fp", [], a context)."""
    steps: list[Step] = [call("stream_context_create", assign="ctx")]
    steps += each(func, [*NOT_STREAMS, CTX, *extra], after=after)
    return rule_scenario(
        name,
        peer=None,
        doc=doc or f"{func}() given false, null, 0, a string, an array, a context: TypeError",
        tags=(*_TAGS, "stream-arg"),
        steps=steps,
    )


FREAD: list[Scenario] = [
    _reads(
        "args/fread-length-floats",
        "fread length 4.0 reads 4; 4.5 and 2.999 E_DEPRECATED (loses precision), then read 4 "
        "and 2; 1e20, NAN, INF, -INF: TypeError (float given); -0.0 is 0: ValueError",
        each("fread", [4.0, 4.5, 2.999, 1e20, float("nan"), float("inf"), float("-inf"), -0.0], FP),
    ),
    _reads(
        "args/fread-length-numeric-strings",
        "fread length '4', '+4', '04', '1e1' and '4.' read; '4.5' E_DEPRECATED float-string, "
        "reads 4; '.5' E_DEPRECATED then ValueError (0)",
        each("fread", ["4", "+4", "04", "1e1", "4.", "4.5", ".5"], FP),
    ),
    _reads(
        "args/fread-length-whitespace-strings",
        "fread length ' 4', '4 ', '\\t4\\n' read 4 (leading and trailing whitespace allowed); "
        "' ' and '' are not numeric: TypeError",
        each("fread", [" 4", "4 ", "\t4\n", " ", ""], FP),
    ),
    _reads(
        "args/fread-length-non-numeric-strings",
        "fread length 'abc', leading-numeric '4abc', '0x10', '9223372036854775808': TypeError "
        "(string given); nothing read, the next fread(4) gets the first bytes",
        [*each("fread", ["abc", "4abc", "0x10", "9223372036854775808"], FP), call("fread", FP, 4)],
    ),
    _reads(
        "args/fread-length-bools",
        "fread length true is 1 (reads 1 byte), false is 0 (ValueError, must be greater than 0)",
        each("fread", [True, False, True], FP),
    ),
    _reads(
        "args/fread-length-null",
        "fread length null: E_DEPRECATED Passing null to parameter #2 ($length) of type int, "
        "then 0: ValueError; the stream is untouched",
        [call("fread", FP, None), call("fread", FP, 5)],
    ),
    _reads(
        "args/fread-length-arrays",
        "fread length [] and [4] and ['a' => 1]: TypeError (array given)",
        each("fread", [[], [4], {"a": 1}], FP),
    ),
    not_a_stream("args/fread-stream-not-a-stream", "fread", 1),
]

FGETS: list[Scenario] = [
    _reads(
        "args/fgets-length-coerced",
        "fgets length '6', 6.0, ' 6', '1e1' read up to length-1 bytes; 6.5 E_DEPRECATED then 6; "
        "true is 1: false (no room for a byte)",
        each("fgets", ["6", 6.0, " 6", "1e1", 6.5, True], FP),
    ),
    _reads(
        "args/fgets-length-null-and-false",
        "fgets length null is no limit (nullable: no deprecation); false is 0: ValueError",
        each("fgets", [None, False, None], FP),
    ),
    _reads(
        "args/fgets-length-invalid",
        "fgets length 'abc', '6abc', 1e20, NAN, [] : TypeError (must be of type ?int)",
        [*each("fgets", ["abc", "6abc", 1e20, float("nan"), []], FP), call("fgets", FP)],
    ),
    not_a_stream("args/fgets-stream-not-a-stream", "fgets"),
]

FWRITE: list[Scenario] = [
    _writes(
        "args/fwrite-data-ints",
        "fwrite of ints sends their decimal text: 42 -> '42' (2), -7, 0, PHP_INT_MAX",
        each("fwrite", [42, -7, 0, 9223372036854775807], FP),
    ),
    _writes(
        "args/fwrite-data-floats",
        "fwrite of floats sends PHP's float-to-string: 4.5, 7.0 -> '7', -0.0 -> '-0', "
        "1e20 -> '1.0E+20', 1.5e-7 -> '1.5E-7', 100000.0 -> '100000', 1e15 -> '1.0E+15'",
        each("fwrite", [4.5, 7.0, -0.0, 1e20, 1.5e-7, 100000.0, 1e15], FP),
    ),
    _writes(
        "args/fwrite-data-float-precision",
        "fwrite of floats uses precision=14: 0.1+0.2 -> '0.3', 1/3 -> '0.33333333333333', "
        "123456789012345678.0 -> '1.2345678901235E+17'",
        each("fwrite", [0.30000000000000004, 1 / 3, 123456789012345678.0], FP),
    ),
    _writes(
        "args/fwrite-data-special-floats",
        "fwrite of NAN, INF, -INF sends 'NAN', 'INF', '-INF'",
        each("fwrite", [float("nan"), float("inf"), float("-inf")], FP),
    ),
    _writes(
        "args/fwrite-data-bools",
        "fwrite of true sends '1' (returns 1); false sends nothing (returns 0)",
        each("fwrite", [True, False, True], FP),
    ),
    _writes(
        "args/fwrite-data-null",
        "fwrite of null: E_DEPRECATED Passing null to parameter #2 ($data) of type string, "
        "writes nothing, returns 0",
        [call("fwrite", FP, None), call("fwrite", FP, "after")],
    ),
    _writes(
        "args/fwrite-data-arrays",
        "fwrite of [] or ['x']: TypeError (must be of type string, array given), nothing sent",
        [*each("fwrite", [[], ["x"]], FP), call("fwrite", FP, "ok")],
    ),
    _writes(
        "args/fwrite-length-coerced",
        "fwrite length '2', 2.0, ' 3', '1e0', true (1), false (0) truncate; 2.5 E_DEPRECATED "
        "then 2; null means no limit (nullable)",
        each("fwrite", ["2", 2.0, " 3", "1e0", True, False, 2.5, None], FP, "hello"),
    ),
    _writes(
        "args/fwrite-length-invalid",
        "fwrite length 'abc', '2x', 1e20, [] : TypeError (must be of type ?int), nothing sent",
        [*each("fwrite", ["abc", "2x", 1e20, []], FP, "hello"), call("fwrite", FP, "ok")],
    ),
    _writes(
        "args/fwrite-null-data-and-fractional-length",
        "fwrite(null, 4.5): two E_DEPRECATED in parameter order (null data, then the float), "
        "returns 0",
        [call("fwrite", FP, None, 4.5), call("fwrite", FP, "abcdef", 4.5)],
    ),
    _writes(
        "args/fputs-coerced",
        "fputs, fwrite's alias, coerces the same; its messages name fputs(): 42, 4.5, "
        "('abc', '2'), null (E_DEPRECATED), [] (TypeError)",
        [
            call("fputs", FP, 42),
            call("fputs", FP, 4.5),
            call("fputs", FP, "abc", "2"),
            call("fputs", FP, None),
            call("fputs", FP, []),
            call("fputs", FP, "x", 0.5),
        ],
    ),
    not_a_stream("args/fwrite-stream-not-a-stream", "fwrite", "x"),
    not_a_stream("args/fputs-stream-not-a-stream", "fputs", "x"),
]

FGETC: list[Scenario] = [
    not_a_stream("args/fgetc-stream-not-a-stream", "fgetc"),
    _reads(
        "args/arity-and-named-arguments",
        "fgetc with 2 arguments, fread with 1: ArgumentCountError; named arguments coerce too "
        "(fread(length: '3', stream: $fp)); an unknown name: Error",
        [
            call("fgetc", FP, 1),
            call("fread", FP),
            call("fread", length="3", stream=FP),
            call("fgets", FP, length=4.0),
            call("fread", FP, len=4),
            call("fgetc", FP),
        ],
    ),
]

STREAM_GET_LINE: list[Scenario] = [
    _reads(
        "args/stream-get-line-length-coerced",
        "stream_get_line length '5', 5.0, ' 5', true (1) read; 5.5 E_DEPRECATED then 5",
        each("stream_get_line", ["5", 5.0, " 5", True, 5.5], FP),
    ),
    _reads(
        "args/stream-get-line-length-zero-forms",
        "stream_get_line length null (E_DEPRECATED), false, -0.0, '0' are 0: the default "
        "maximum, the whole rest up to the ending",
        each("stream_get_line", [None, False, -0.0, "0"], FP, after=("\n",)),
    ),
    _reads(
        "args/stream-get-line-length-invalid",
        "stream_get_line length 'abc', '5x', 1e20, [] : TypeError; '-1' : ValueError",
        each("stream_get_line", ["abc", "5x", 1e20, [], "-1"], FP),
    ),
    rule_scenario(
        "args/stream-get-line-ending-coerced",
        peer="echo",
        tags=(*_TAGS, "read"),
        doc="stream_get_line ending 1 (int) is '1', 4.5 is '4.5', -0.0 is '-0', true is '1'; "
        "false is '' (no ending), null E_DEPRECATED then ''",
        steps=[
            tcp(),
            call("fwrite", FP, "a1b4.5c-0d1efghijklmnop"),
            call("stream_socket_shutdown", FP, 1),
            call("stream_get_line", FP, 100, 1),
            call("stream_get_line", FP, 100, 4.5),
            call("stream_get_line", FP, 100, -0.0),
            call("stream_get_line", FP, 100, True),
            call("stream_get_line", FP, 3, False),
            call("stream_get_line", FP, 3, None),
            call("stream_get_line", FP, 100, []),
            call("stream_get_line", FP, 100, ""),
        ],
    ),
    not_a_stream("args/stream-get-line-stream-not-a-stream", "stream_get_line", 10),
]

STREAM_GET_CONTENTS: list[Scenario] = [
    _reads(
        "args/stream-get-contents-length-coerced",
        "stream_get_contents length '5', 5.0, ' 5', true (1), false (0: ''); 5.5 E_DEPRECATED "
        "then 5; null (nullable) and '-1' read the rest",
        each("stream_get_contents", ["5", 5.0, " 5", True, False, 5.5, "-1"], FP),
    ),
    _reads(
        "args/stream-get-contents-length-null",
        "stream_get_contents length null is no limit (nullable: no deprecation)",
        [call("fread", FP, 3), call("stream_get_contents", FP, None)],
    ),
    _reads(
        "args/stream-get-contents-length-invalid",
        "stream_get_contents length 'abc', '5x', 1e20, [] : TypeError; '-2' and -2.0 : ValueError",
        each("stream_get_contents", ["abc", "5x", 1e20, [], "-2", -2.0], FP),
    ),
    _reads(
        "args/stream-get-contents-offset-coerced",
        "stream_get_contents offset '-1', -1.0, ' -1' : no seek; null E_DEPRECATED then 0, a "
        "seek back on a socket: 'Stream does not support seeking', 'Failed to seek to position 0 "
        "in the stream', false; -1.5 E_DEPRECATED then -1",
        each("stream_get_contents", ["-1", -1.0, " -1", None, -1.5], FP, 3),
    ),
    _reads(
        "args/stream-get-contents-offset-invalid",
        "stream_get_contents offset 'abc', [], 1e20 : TypeError; offset 1 at position 0 seeks "
        "forward by reading; true (1) at position 4 would seek back: two warnings, false",
        [*each("stream_get_contents", ["abc", [], 1e20, 1, True], FP, 3), call("fread", FP, 3)],
    ),
    not_a_stream("args/stream-get-contents-stream-not-a-stream", "stream_get_contents"),
]

OTHERS: list[Scenario] = [
    not_a_stream("args/feof-stream-not-a-stream", "feof"),
    not_a_stream("args/fflush-stream-not-a-stream", "fflush"),
    not_a_stream("args/fclose-stream-not-a-stream", "fclose"),
    not_a_stream("args/stream-get-meta-data-stream-not-a-stream", "stream_get_meta_data"),
    not_a_stream(
        "args/stream-socket-get-name-stream-not-a-stream",
        "stream_socket_get_name",
        True,
        doc="stream_socket_get_name(x, true) given a non-stream: TypeError",
    ),
]

ARGS_IO: list[Scenario] = [
    *FREAD,
    *FGETS,
    *FWRITE,
    *FGETC,
    *STREAM_GET_LINE,
    *STREAM_GET_CONTENTS,
    *OTHERS,
]
