"""stream_select: readiness, timeouts, null arrays, the buffered-data shortcut, errors."""

from __future__ import annotations

from .._scenario import Arg, Call, Scenario, arr, call, sleep, var
from ._io_helpers import FP, io_scenario, tcp

__all__ = ["SELECT"]


def _select(
    read: list[Arg] | None,
    write: list[Arg] | None,
    except_: list[Arg] | None,
    *timeout: Arg,
    timed: bool = False,
) -> Call:
    """stream_select($r, $w, $e, ...) with the three arrays given as lists or None."""
    return call(
        "stream_select",
        arr("r", read),
        arr("w", write),
        arr("e", except_),
        *timeout,
        timed=timed,
    )


SELECT: list[Scenario] = [
    io_scenario(
        "select/readable-with-data",
        peer="banner",
        tags=("select",),
        doc="a stream with data waiting is readable: 1, the array keeps it",
        steps=[tcp(), _select([FP], None, None, 1, timed=True), call("fgets", FP)],
    ),
    io_scenario(
        "select/timeout-zero-nothing-ready",
        peer="silent",
        tags=("select",),
        doc="timeout 0 with nothing ready: 0 at once, read and except arrays emptied",
        steps=[tcp(), _select([FP], [], [FP], 0, timed=True)],
    ),
    io_scenario(
        "select/timeout-microseconds",
        peer="silent",
        tags=("select",),
        doc="stream_select(..., 0, 300000) waits 0.3 s, then 0",
        steps=[tcp(), _select([FP], None, None, 0, 300000, timed=True)],
    ),
    io_scenario(
        "select/null-arrays-write-ready",
        peer="listen",
        tags=("select",),
        doc="null read/except arrays are skipped; a connected socket is write-ready",
        steps=[tcp(), _select(None, [FP], None, 0), _select([], [FP], [], 0)],
    ),
    io_scenario(
        "select/same-stream-read-and-write",
        peer="echo",
        tags=("select",),
        doc="one stream readable and writable counts twice",
        steps=[
            tcp(),
            call("fwrite", FP, "x"),
            sleep(0.1),
            _select([FP], [FP], [FP], 1),
        ],
    ),
    io_scenario(
        "select/buffered-data-shortcut",
        peer="lines",
        tags=("select",),
        doc="after fgets leaves bytes buffered: only those read streams, write/except emptied",
        steps=[
            tcp(),
            call("fgets", FP),
            _select([FP], [FP], [FP], 0),
            call("fgets", FP),
        ],
    ),
    io_scenario(
        "select/peer-close-readable",
        peer="close",
        tags=("select",),
        doc="a peer close makes the socket readable; fread then '' and feof true",
        steps=[
            tcp(),
            _select([FP], None, None, 1, timed=True),
            call("fread", FP, 10),
            call("feof", FP),
        ],
    ),
    io_scenario(
        "select/value-errors",
        peer="listen",
        tags=("select", "errors"),
        doc="negative seconds/microseconds, microseconds with null seconds: ValueError; null+0 ok",
        steps=[
            tcp(),
            _select([FP], None, None, -1),
            _select([FP], None, None, 0, -1),
            _select([FP], None, None, None, 5),
            _select(None, [FP], None, None, 0, timed=True),
        ],
    ),
    io_scenario(
        "select/no-arrays",
        peer=None,
        tags=("select", "errors"),
        doc="all arrays null or empty: ValueError No stream arrays were passed",
        steps=[_select(None, None, None, 0), _select([], [], [], 0)],
    ),
    io_scenario(
        "select/non-resource-element",
        peer="listen",
        tags=("select", "errors"),
        doc="a non-resource next to a live stream: TypeError after the select ran",
        steps=[tcp(), _select([FP, 1], None, None, 0), _select(None, [FP, "x"], None, 0)],
    ),
    io_scenario(
        "select/only-non-resources",
        peer=None,
        tags=("select", "errors"),
        doc="arrays holding only non-resources: ValueError No stream arrays were passed",
        steps=[_select(None, ["x"], None, 0), _select([1, None], None, [], 0)],
    ),
    io_scenario(
        "select/closed-resource",
        peer="listen",
        tags=("select", "errors"),
        doc="a closed resource: TypeError beside a live stream, ValueError when alone",
        steps=[
            tcp(),
            call("stream_socket_client", "tcp://127.0.0.1:{port}", assign="fp2"),
            call("fclose", FP),
            _select([FP, var("fp2")], None, None, 0),
            _select(None, [var("fp2"), FP], None, 0),
            _select([FP], None, None, 0),
        ],
    ),
]
