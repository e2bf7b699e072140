"""Coercive typing of stream_context_create, stream_context_set_option and
stream_context_get_options: the ?array parameters, the array|string union of
set_option, option values kept as given (no coercion), PHP's array keys (a
numeric string wrapper or option name becomes an int key), and non-contexts.
"""

from __future__ import annotations

from .._scenario import Arg, Scenario, Step, call
from ._args_io import not_a_stream
from ._rules_helpers import CTX, FP, rule_scenario, tcp, vals

__all__ = ["ARGS_CONTEXT"]

_TAGS = ("args", "coercion", "context")


def _ctx(name: str, doc: str, steps: list[Step], peer: str | None = None) -> Scenario:
    return rule_scenario(name, peer=peer, doc=doc, tags=_TAGS, steps=steps)


def _create(*args: Arg) -> Step:
    return call("stream_context_create", *args, assign="ctx")


def _options(target: Arg = CTX) -> Step:
    return call("stream_context_get_options", target)


ARGS_CONTEXT: list[Scenario] = [
    _ctx(
        "args/stream-context-create-options-invalid",
        "stream_context_create options 'abc', 1, true, 4.5 : TypeError (must be of type ?array); "
        "null and [] give a context",
        [call("stream_context_create", value) for value in vals("abc", 1, True, 4.5, None, [])],
    ),
    _ctx(
        "args/stream-context-create-params-invalid",
        "stream_context_create params 'abc', 1 : TypeError (Argument #2); [] and null accepted; "
        "params' own 'options' entry sets options",
        [
            *[call("stream_context_create", None, value) for value in vals("abc", 1, [], None)],
            _create(None, {"options": {"socket": {"bindto": "0:0"}}}),
            _options(),
        ],
    ),
    _ctx(
        "args/stream-context-create-option-shapes",
        "stream_context_create with a wrapper that is not an array, or a list of wrappers (int "
        "keys): ValueError (Options should have the form ...); options under int keys are "
        "silently dropped",
        [
            call("stream_context_create", {"socket": "x"}),
            call("stream_context_create", {"socket": 1}),
            call("stream_context_create", [{"bindto": "0:0"}]),
            _create({"socket": ["a", "b"], "ssl": {"0": 1, "peer_name": "x"}}),
            _options(),
        ],
    ),
    _ctx(
        "args/stream-context-option-values-kept",
        "option values are stored as given: ints, floats, bools, null, nested arrays come back "
        "from stream_context_get_options unconverted",
        [
            _create(
                {
                    "socket": {"backlog": "5", "tcp_nodelay": 1, "x": None},
                    "ssl": {"verify_peer": 0, "verify_depth": 4.5, "peer_name": 42, "ciphers": []},
                }
            ),
            _options(),
        ],
    ),
    _ctx(
        "args/stream-context-set-option-coerced",
        "stream_context_set_option wrapper 42, true, and option 7, 1.5 become the string keys "
        "'42', '1', '7', '1.5' (string keys, even numeric ones); the value is kept as given",
        [
            _create(),
            call("stream_context_set_option", CTX, 42, 7, 4.5),
            call("stream_context_set_option", CTX, True, "x", False),
            call("stream_context_set_option", CTX, "ssl", 1.5, None),
            call("stream_context_set_option", CTX, "007", "0", "v"),
            _options(),
        ],
    ),
    _ctx(
        "args/stream-context-set-option-invalid",
        "stream_context_set_option wrapper null: E_DEPRECATED (of type array|string), then the "
        "wrapper ''; 4.5 is '4.5'; option name [] : TypeError (must be of type ?string)",
        [
            _create(),
            call("stream_context_set_option", CTX, None, "x", 1),
            call("stream_context_set_option", CTX, "socket", [], 1),
            call("stream_context_set_option", CTX, 4.5, "x", 1),
            _options(),
        ],
    ),
    _ctx(
        "args/stream-context-set-option-missing-parts",
        "stream_context_set_option with a string wrapper needs option name and value; an array "
        "form takes neither; a non-array wrapper in it: ValueError",
        [
            _create(),
            call("stream_context_set_option", CTX, "socket"),
            call("stream_context_set_option", CTX, "socket", "bindto"),
            call("stream_context_set_option", CTX, {"socket": {"bindto": "0:0"}}, "x"),
            call("stream_context_set_option", CTX, {"socket": "x"}),
            call("stream_context_set_option", CTX, {"socket": {"backlog": 5}}),
            _options(),
        ],
    ),
    _ctx(
        "args/stream-context-on-a-stream",
        "stream_context_set_option and stream_context_get_options accept a stream (its context); "
        "a closed stream is a TypeError",
        [
            tcp(),
            _options(FP),
            call("stream_context_set_option", FP, "socket", "tcp_nodelay", "1"),
            _options(FP),
            call("fclose", FP),
            _options(FP),
            call("stream_context_set_option", FP, "socket", "x", 1),
        ],
        peer="listen",
    ),
    not_a_stream(
        "args/stream-context-set-option-not-a-context",
        "stream_context_set_option",
        "socket",
        "bindto",
        "0:0",
        doc="stream_context_set_option() given false, null, 0, a string, an array: TypeError; "
        "a context: true",
    ),
    not_a_stream(
        "args/stream-context-get-options-not-a-context",
        "stream_context_get_options",
        doc="stream_context_get_options() given false, null, 0, a string, an array: TypeError; "
        "a context: its options",
    ),
]
