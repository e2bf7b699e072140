"""php://memory and php://temp (php-src main/streams/memory.c): round trips,
seeking, truncating, fstat, meta data, the maxmemory spill to a temporary file."""

from __future__ import annotations

from .._scenario import Scenario, Step, call, const, show, var
from ._files_helpers import SEEK_CUR, SEEK_END, M, T, files_scenario, fo, meta, stat_fields, tell

__all__ = ["MEMORY", "TEMP"]


def _mem(
    name: str, doc: str, steps: list[Step], mode: str = "w+", **kw: tuple[str, ...]
) -> Scenario:
    return files_scenario(
        f"files/memory/{name}",
        doc=doc,
        tags=("memory",),
        steps=[fo("php://memory", mode, "m"), *steps],
        php_extensions=kw.get("php_extensions", ()),
    )


def _temp(name: str, doc: str, steps: list[Step], uri: str = "php://temp") -> Scenario:
    return files_scenario(
        f"files/temp/{name}", doc=doc, tags=("memory",), steps=[fo(uri, "w+", "t"), *steps]
    )


def _m(name: str = "m") -> str:
    return name


MEMORY: list[Scenario] = [
    _mem(
        "round-trip",
        "write, ftell, rewind, read back; fread past the end sets eof",
        [
            call("fwrite", M, "hello world\nline2\n"),
            tell("m"),
            call("rewind", M),
            call("fread", M, 5),
            tell("m"),
            call("feof", M),
            call("fread", M, 100),
            tell("m"),
            call("feof", M),
            call("fread", M, 10),
            meta("m"),
        ],
    ),
    _mem(
        "meta-modes",
        "the mode a memory stream reports: rb, w+b or a+b whatever was asked",
        [
            meta("m"),
            fo("php://memory", "r", "r"),
            meta("r"),
            fo("php://memory", "a", "a"),
            meta("a"),
            fo("php://memory", "rb+", "p"),
            meta("p"),
            fo("PHP://Memory", "x", "x"),
            meta("x"),
        ],
    ),
    _mem(
        "readonly",
        "a read-only memory stream: fwrite false (no notice), ftruncate false, mode 0100444",
        [
            call("fwrite", M, "x"),
            call("ftruncate", M, 0),
            *stat_fields("m", "mode", "size"),
            call("fread", M, 5),
            call("feof", M),
        ],
        mode="r",
    ),
    _mem(
        "fseek-end",
        "fseek SEEK_END within the data, past the end (-1, position false) and before the start",
        [
            call("fwrite", M, "0123456789"),
            call("fseek", M, -3, SEEK_END),
            tell("m"),
            call("fread", M, 10),
            call("fseek", M, 0, SEEK_END),
            tell("m"),
            call("fseek", M, 1, SEEK_END),
            tell("m"),
            call("fseek", M, -20, SEEK_END),
            tell("m"),
            call("fread", M, 3),
        ],
    ),
    _mem(
        "fseek-set-cur",
        "SEEK_SET and SEEK_CUR: beyond the size fails and leaves the position -1",
        [
            call("fwrite", M, "abcdef"),
            call("fseek", M, 2),
            call("fread", M, 2),
            call("fseek", M, 1, SEEK_CUR),
            call("fread", M, 1),
            call("fseek", M, -2, SEEK_CUR),
            tell("m"),
            call("fseek", M, 100),
            tell("m"),
            call("fseek", M, -1, SEEK_CUR),
            call("fseek", M, 0, 9),
            tell("m"),
        ],
    ),
    _mem(
        "failed-seek-then-write",
        "after a failed seek the position is -1: a write goes to the end, ftell counts from -1",
        [
            call("fwrite", M, "abc"),
            call("fseek", M, 10),
            tell("m"),
            call("fwrite", M, "XY"),
            tell("m"),
            call("rewind", M),
            call("fread", M, 10),
        ],
    ),
    _mem(
        "ftruncate",
        "ftruncate shrinks (the position stays) and grows with NUL bytes",
        [
            call("fwrite", M, "hello world"),
            call("ftruncate", M, 5),
            tell("m"),
            call("fread", M, 10),
            call("feof", M),
            call("rewind", M),
            call("fread", M, 10),
            call("ftruncate", M, 8),
            call("rewind", M),
            call("fread", M, 10),
            call("ftruncate", M, -1),
            call("ftruncate", M, 0),
            call("stream_get_contents", M, -1, 0),
        ],
    ),
    _mem(
        "fstat",
        "fstat of php://memory: the full 26-entry array (dev 12, rdev/blksize/blocks -1)",
        [call("fstat", M), call("fwrite", M, "12345"), call("fstat", M)],
    ),
    _mem(
        "fgets-buffers",
        "memory streams set NO_BUFFER: fread reads through, but fgets fills the buffer",
        [
            call("fwrite", M, "abc\ndef\nghi"),
            call("rewind", M),
            call("fread", M, 2),
            meta("m"),
            call("fgets", M),
            meta("m"),
            tell("m"),
            call("fread", M, 2),
            meta("m"),
            call("fgets", M),
            call("fgets", M),
            call("feof", M),
        ],
    ),
    _mem(
        "stream-get-line",
        "stream_get_line and fgetc on a memory stream",
        [
            call("fwrite", M, "a;bb;;ccc"),
            call("rewind", M),
            call("stream_get_line", M, 100, ";"),
            call("stream_get_line", M, 100, ";"),
            call("stream_get_line", M, 100, ";"),
            tell("m"),
            call("stream_get_line", M, 2, ";"),
            call("fgetc", M),
            call("fgetc", M),
            call("stream_get_line", M, 100, ";"),
        ],
    ),
    _mem(
        "append-mode",
        "a+: writes go to the end after a rewind; ftell counts from where it was",
        [
            call("fwrite", M, "abc"),
            call("rewind", M),
            call("fwrite", M, "XY"),
            tell("m"),
            call("fread", M, 10),
            call("rewind", M),
            call("fread", M, 10),
            meta("m"),
        ],
        mode="a+",
    ),
    _mem(
        "stream-get-contents-offset",
        "stream_get_contents with offsets forwards, backwards and past the end",
        [
            call("fwrite", M, "0123456789"),
            call("stream_get_contents", M, -1, 2),
            call("stream_get_contents", M, 3, 5),
            call("stream_get_contents", M, None, 1),
            call("stream_get_contents", M, 2, 50),
            tell("m"),
            call("stream_get_contents", M, 0, 0),
            call("stream_get_contents", M),
        ],
    ),
    _mem(
        "unsupported",
        "fsync warns; flock, stream_supports_lock and stream_isatty say false silently",
        [
            call("fsync", M),
            call("fdatasync", M),
            call("flock", M, const("LOCK_EX")),
            call("stream_supports_lock", M),
            call("stream_isatty", M),
            call("posix_isatty", M),
        ],
        php_extensions=("posix",),
    ),
    _mem(
        "set-options",
        "stream_set_blocking true, stream_set_timeout false, write buffer -1, read buffer 0",
        [
            call("stream_set_blocking", M, False),
            call("stream_set_timeout", M, 1),
            call("stream_set_write_buffer", M, 0),
            call("stream_set_read_buffer", M, 0),
            call("stream_set_chunk_size", M, 100),
            call("fflush", M),
            meta("m"),
        ],
    ),
    _mem(
        "read-buffer-on",
        "stream_set_read_buffer(8192) clears NO_BUFFER: fread then buffers the rest",
        [
            call("fwrite", M, "0123456789"),
            call("rewind", M),
            call("stream_set_read_buffer", M, 8192),
            call("fread", M, 3),
            meta("m"),
            call("fseek", M, 5),
            call("fread", M, 2),
            meta("m"),
            tell("m"),
        ],
    ),
]

TEMP: list[Scenario] = [
    _temp(
        "round-trip",
        "php://temp: meta data without timed_out/blocked/eof; write, rewind, read",
        [
            meta("t"),
            call("fwrite", T, "temp data\n"),
            tell("t"),
            call("rewind", T),
            call("fgets", T),
            call("feof", T),
            call("fread", T, 10),
            call("feof", T),
            meta("t"),
        ],
    ),
    _temp(
        "maxmemory-spill",
        "maxmemory:10: below it fstat is the memory's (0100666), past it a real file (0100600)",
        [
            call("fwrite", T, "01234"),
            *stat_fields("t", "mode", "size", "nlink"),
            call("stream_supports_lock", T),
            call("fwrite", T, "56789a"),
            *stat_fields("t", "mode", "size", "nlink"),
            call("stream_supports_lock", T),
            meta("t"),
            call("rewind", T),
            call("fread", T, 100),
            tell("t"),
        ],
        uri="php://temp/maxmemory:10",
    ),
    _temp(
        "spill-after-rewind",
        "a spill writes the whole buffer first: data written after a rewind lands at its end",
        [
            call("fwrite", T, "01234567"),
            call("rewind", T),
            call("fwrite", T, "abcde"),
            tell("t"),
            call("rewind", T),
            call("fread", T, 100),
            call("fseek", T, 0, SEEK_END),
            tell("t"),
        ],
        uri="php://temp/maxmemory:10",
    ),
    _temp(
        "maxmemory-zero",
        "maxmemory:0 spills at the first write; the file then locks, syncs and truncates",
        [
            call("fwrite", T, "abcdef"),
            call("flock", T, const("LOCK_EX")),
            call("fsync", T),
            call("stream_isatty", T),
            call("ftruncate", T, 3),
            call("rewind", T),
            call("fread", T, 10),
            call("fseek", T, -1, SEEK_CUR),
            call("fseek", T, -10, SEEK_END),
            tell("t"),
        ],
        uri="php://temp/maxmemory:0",
    ),
    files_scenario(
        "files/temp/maxmemory-negative",
        tags=("memory",),
        doc="php://temp/maxmemory:-5 is a ValueError naming fopen's $mode",
        steps=[call("fopen", "php://temp/maxmemory:-5", "w+"), call("fopen", "php://temp/x", "r")],
    ),
    _temp(
        "seek-truncate-in-memory",
        "a temp stream still in memory seeks and truncates as php://memory does",
        [
            call("fwrite", T, "0123456789"),
            call("fseek", T, 100),
            tell("t"),
            call("fseek", T, 4),
            call("ftruncate", T, 6),
            call("fread", T, 10),
            call("feof", T),
            call("fsync", T),
            call("flock", T, 1),
            *stat_fields("t", "mode", "size"),
        ],
    ),
    _temp(
        "stream-get-contents-offset",
        "stream_get_contents with an offset on a temp stream",
        [
            call("fwrite", T, "abcdefghij"),
            call("stream_get_contents", T, -1, 3),
            call("stream_get_contents", T, 2, 0),
            call("stream_get_contents", T, 4),
            call("stream_get_contents", T, -1, 20),
        ],
    ),
]

_ = (show, var, _m)
