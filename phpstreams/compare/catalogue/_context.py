"""Stream contexts, and first I/O on fresh connections."""

from __future__ import annotations

from .._scenario import (
    Scenario,
    arr,
    call,
    loop,
    pint,
    scenario,
    var,
)
from ._helpers import fso, ssc

__all__ = ["CONTEXT"]

CONTEXT: list[Scenario] = [
    # -- contexts -------------------------------------------------------------------------------
    scenario(
        "context/create-bad-options",
        peer=None,
        tags=("context",),
        doc="options not of the form [wrapper][option]: ValueError",
        steps=[
            call("stream_context_create", {"ssl": "x"}),
            call("stream_context_create", [{"verify_peer": False}]),
        ],
    ),
    scenario(
        "context/create-packed-list-ignored",
        peer=None,
        tags=("context",),
        doc="packed lists inside a wrapper are dropped silently",
        steps=[
            call("stream_context_create", {"ssl": ["a", "b"]}, assign="ctx"),
            call("stream_context_get_options", var("ctx")),
        ],
    ),
    scenario(
        "context/params-options-not-array",
        peer=None,
        tags=("context",),
        doc="params['options'] not an array: TypeError Invalid stream/context parameter",
        steps=[call("stream_context_create", None, {"options": "x"})],
    ),
    scenario(
        "context/get-options-fresh",
        peer=None,
        tags=("context",),
        doc="a fresh context has no options",
        steps=[
            call("stream_context_create", assign="ctx"),
            call("stream_context_get_options", var("ctx")),
            call("get_resource_type", var("ctx")),
        ],
    ),
    scenario(
        "context/default-context-is-resource-4",
        peer=None,
        tags=("context",),
        doc="the default context is resource 4 (made at startup): the first stream is 5",
        steps=[
            call("stream_socket_server", "tcp://127.0.0.1:0", assign="srv"),
            call("get_resource_id", var("srv")),
            call("stream_context_get_default", assign="ctx"),
            call("get_resource_id", var("ctx")),
            call("stream_context_create", assign="mine"),
            call("get_resource_id", var("mine")),
        ],
    ),
    scenario(
        "context/set-option-string-form",
        peer=None,
        tags=("context",),
        doc="set_option(ctx, wrapper, option, value) sets one option",
        steps=[
            call("stream_context_create", {"ssl": {"verify_peer": True}}, assign="ctx"),
            call("stream_context_set_option", var("ctx"), "ssl", "verify_peer", False),
            call("stream_context_set_option", var("ctx"), "socket", "bindto", "0:0"),
            call("stream_context_get_options", var("ctx")),
        ],
    ),
    scenario(
        "context/set-option-array-form",
        peer=None,
        tags=("context",),
        doc="set_option(ctx, array) merges options",
        steps=[
            call("stream_context_create", {"ssl": {"verify_peer": True}}, assign="ctx"),
            call(
                "stream_context_set_option",
                var("ctx"),
                {"ssl": {"peer_name": "example.com"}, "socket": {"backlog": 5}},
            ),
            call("stream_context_get_options", var("ctx")),
        ],
    ),
    scenario(
        "context/set-option-errors",
        peer=None,
        tags=("context",),
        doc="the four argument errors of stream_context_set_option",
        steps=[
            call("stream_context_create", assign="ctx"),
            call("stream_context_set_option", var("ctx"), "ssl"),
            call("stream_context_set_option", var("ctx"), "ssl", "verify_peer"),
            call("stream_context_set_option", var("ctx"), {"ssl": {}}, "x"),
            call("stream_context_set_option", var("ctx"), {"ssl": {}}, None, 1),
        ],
    ),
    scenario(
        "context/get-options-fsockopen-stream",
        peer="listen",
        tags=("context",),
        doc="a stream from fsockopen has an empty context",
        steps=[fso("127.0.0.1", pint()), call("stream_context_get_options", var("fp"))],
    ),
    # -- first I/O on fresh connections ------------------------------------------------------
    scenario(
        "io/banner-fgets",
        peer="banner",
        tags=("io",),
        doc="fgets reads the peer's banner line",
        steps=[ssc("tcp://127.0.0.1:{port}"), call("fgets", var("fp"))],
    ),
    scenario(
        "io/lines-until-eof",
        peer="lines",
        tags=("io",),
        doc="fgets line by line until false; feof then true",
        steps=[
            ssc("tcp://127.0.0.1:{port}"),
            loop(call("fgets", var("fp")), until=False, max=10),
            call("feof", var("fp")),
        ],
    ),
    scenario(
        "io/stream-select-readable",
        peer="banner",
        tags=("io",),
        doc="stream_select reports a stream with pending data as readable",
        steps=[
            ssc("tcp://127.0.0.1:{port}"),
            call("stream_select", arr("r", [var("fp")]), arr("w", None), arr("x", None), 1),
            call("fgets", var("fp")),
        ],
    ),
]
