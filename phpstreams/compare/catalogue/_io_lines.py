"""The lines server, read with every read function and several lengths.

The ``lines`` peer sends ``b"first line\\nsecond line\\r\\nthird\\n\\nlast-no-newline"``
(46 bytes) in one write, then half-closes.
"""

from __future__ import annotations

from .._scenario import Scenario, Step, call, loop, sleep
from ._io_helpers import FP, io_scenario, meta, tcp

__all__ = ["LINES"]


def _lines(name: str, doc: str, *steps: Step) -> Scenario:
    """A scenario against the lines peer: connect to it, then ``steps``."""
    return io_scenario(name, peer="lines", doc=doc, tags=("lines",), steps=[tcp(), *steps])


def _fgets_loop(length: int | None, max_: int = 60) -> Scenario:
    args = () if length is None else (length,)
    label = "no-length" if length is None else f"length-{length}"
    what = "a whole line" if length is None else f"at most {length} - 1 bytes"
    return _lines(
        f"lines/fgets-{label}",
        f"fgets{'' if length is None else f'($fp, {length})'} reads {what} per call until false",
        loop(call("fgets", FP, *args), until=False, max=max_),
        call("feof", FP),
        meta(),
    )


def _fread_loop(length: int) -> Scenario:
    return _lines(
        f"lines/fread-{length}",
        f"fread($fp, {length}) until '' (fread gives '' at EOF, never false)",
        loop(call("fread", FP, length), until=b"", max=60),
        call("feof", FP),
        call("fread", FP, length),
        meta(),
    )


def _get_line(label: str, maxlen: int, ending: str, doc: str, max_: int = 30) -> Scenario:
    return _lines(
        f"lines/stream-get-line-{label}",
        doc,
        loop(call("stream_get_line", FP, maxlen, ending), until=False, max=max_),
        call("feof", FP),
        meta(),
    )


LINES: list[Scenario] = [
    # -- fgets --------------------------------------------------------------------------
    _fgets_loop(None),
    _lines(
        "lines/fgets-length-1",
        "fgets($fp, 1) returns false (no room for a byte) and consumes nothing",
        loop(call("fgets", FP, 1), until=False, max=5),
        call("fgets", FP),
        meta(),
    ),
    _fgets_loop(2),
    _fgets_loop(5),
    _fgets_loop(12),
    _fgets_loop(100),
    _lines(
        "lines/fgets-meta-after-each",
        "stream_get_meta_data after each fgets: unread_bytes shrinks, eof set only at the end",
        meta(),
        call("fgets", FP),
        meta(),
        call("fgets", FP),
        call("fgets", FP),
        call("fgets", FP),
        meta(),
        call("fgets", FP),
        meta(),
        call("fgets", FP),
        meta(),
    ),
    _lines(
        "lines/while-not-feof-fgets",
        "while (!feof($fp)) $lines[] = fgets($fp); ends after the last line, no hang",
        *[step for _ in range(6) for step in (call("feof", FP), call("fgets", FP))],
        call("feof", FP),
    ),
    # -- fread --------------------------------------------------------------------------
    _fread_loop(1),
    _fread_loop(5),
    _fread_loop(8192),
    _lines(
        "lines/fread-meta-after-each",
        "fread(5) pulls all 46 bytes into PHP's buffer; fread(8192) then waits for EOF",
        call("fread", FP, 5),
        meta(),
        call("fread", FP, 8192),
        meta(),
        call("fread", FP, 8192),
        meta(),
    ),
    # -- fgetc --------------------------------------------------------------------------
    _lines(
        "lines/fgetc-loop",
        "fgetc byte by byte until false; feof and meta after",
        loop(call("fgetc", FP), until=False, max=60),
        call("feof", FP),
        call("fgetc", FP),
        meta(),
    ),
    _lines(
        "lines/fgetc-meta",
        "fgetc leaves the rest of the fill buffered (unread_bytes)",
        call("fgetc", FP),
        meta(),
    ),
    # -- stream_get_line ---------------------------------------------------------------
    _get_line(
        "newline",
        100,
        "\n",
        'stream_get_line($fp, 100, "\\n"): records without the delimiter, empty record kept',
    ),
    _get_line(
        "crlf",
        100,
        "\r\n",
        'stream_get_line($fp, 100, "\\r\\n"): only the CRLF splits, bare LF stays in the data',
    ),
    _get_line(
        "empty-ending",
        100,
        "",
        'stream_get_line($fp, 100, ""): no delimiter, the rest in one piece at EOF',
    ),
    _get_line(
        "multibyte-ending",
        100,
        "ne",
        'stream_get_line($fp, 100, "ne"): a two-byte delimiter',
    ),
    _get_line(
        "maxlen-0",
        0,
        "\n",
        "stream_get_line maxlen 0 means the default 8192",
    ),
    _get_line(
        "maxlen-3",
        3,
        "\n",
        "stream_get_line maxlen 3: exactly 3 bytes when no delimiter within them",
        max_=40,
    ),
    _lines(
        "lines/stream-get-line-meta",
        "stream_get_line then meta: the rest stays buffered",
        call("stream_get_line", FP, 100, "\n"),
        meta(),
        call("stream_get_line", FP, 100, "\r\n"),
        meta(),
    ),
    # -- stream_get_contents ------------------------------------------------------------
    _lines(
        "lines/stream-get-contents-all",
        "stream_get_contents() reads to EOF; a second call gives ''",
        call("stream_get_contents", FP),
        call("feof", FP),
        call("stream_get_contents", FP),
        meta(),
    ),
    _lines(
        "lines/stream-get-contents-maxlen-5",
        "stream_get_contents($fp, 5) stops at 5 bytes; the rest stays buffered",
        call("stream_get_contents", FP, 5),
        meta(),
        call("stream_get_contents", FP, 5),
        call("stream_get_contents", FP, -1),
        call("stream_get_contents", FP, 5),
        meta(),
    ),
    _lines(
        "lines/stream-get-contents-maxlen-0-and-null",
        "stream_get_contents maxlen 0 gives '' and reads nothing; null means all",
        call("stream_get_contents", FP, 0),
        meta(),
        call("stream_get_contents", FP, None),
    ),
    _lines(
        "lines/stream-get-contents-offset-forward",
        "stream_get_contents($fp, -1, 3) skips 3 bytes forward on a socket",
        call("stream_get_contents", FP, -1, 3),
        meta(),
    ),
    _lines(
        "lines/stream-get-contents-offset-backward",
        "stream_get_contents($fp, -1, 0) after a read: PHP cannot seek back, warns",
        call("fgets", FP),
        call("stream_get_contents", FP, -1, 0),
        call("stream_get_contents", FP, 5, 11),
        call("stream_get_contents", FP, 5, 30),
        meta(),
    ),
    # -- small fills and mixed reads ----------------------------------------------------
    _lines(
        "lines/small-chunks-fgets-and-crlf",
        "chunk size 3: fgets and a CRLF delimiter spanning fills still split the same",
        call("stream_set_chunk_size", FP, 3),
        call("fgets", FP),
        meta(),
        loop(call("stream_get_line", FP, 100, "\r\n"), until=False, max=10),
    ),
    _lines(
        "lines/mixed-read-functions",
        "fgetc, fgets, stream_get_line, fread and stream_get_contents share one buffer",
        call("fgetc", FP),
        call("fgets", FP, 4),
        call("stream_get_line", FP, 100, "\n"),
        call("fread", FP, 7),
        call("fgets", FP),
        call("stream_get_line", FP, 2, "x"),
        call("fgetc", FP),
        call("stream_get_contents", FP, 3),
        call("fgets", FP),
        call("stream_get_contents", FP),
        call("fgetc", FP),
    ),
    # -- feof -------------------------------------------------------------------------------
    _lines(
        "lines/feof-before-and-after",
        "feof false while data is pending (even after the peer's FIN), true once consumed",
        sleep(0.1),
        call("feof", FP),
        meta(),
        call("stream_get_contents", FP),
        call("feof", FP),
        meta(),
    ),
]
