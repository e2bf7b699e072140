"""stream_copy_to_stream (socket -> php://temp -> socket, length and offset, PHP's
seek failures) and fpassthru (PHP's output, captured on both sides)."""

from __future__ import annotations

from .._scenario import Scenario, Step, call, sleep, var
from ._files_helpers import FP, M, T, files_scenario, fo, tell
from ._helpers import ssc

__all__ = ["COPY", "PASSTHRU"]

TCP = ssc("tcp://127.0.0.1:{port}")
TEMP = fo("php://temp", "w+", "t")


def _copy(name: str, doc: str, steps: list[Step], peer: str = "none") -> Scenario:
    return files_scenario(f"files/copy/{name}", doc=doc, peer=peer, tags=("copy",), steps=steps)


def copy(src: str, dest: str, *rest: object) -> Step:
    return call("stream_copy_to_stream", var(src), var(dest), *rest)  # type: ignore[arg-type]


COPY: list[Scenario] = [
    _copy(
        "socket-temp-socket",
        "socket -> php://temp (all, to EOF) -> socket: counts, positions, the echo",
        [
            TCP,
            TEMP,
            call("fwrite", FP, "hello world\n"),
            copy("fp", "t", 12),
            tell("fp"),
            tell("t"),
            call("rewind", T),
            copy("t", "fp"),
            tell("t"),
            tell("fp"),
            call("fgets", FP),
            copy("t", "fp", 5, 6),
            call("fread", FP, 100),
        ],
        peer="echo",
    ),
    _copy(
        "socket-to-eof",
        "copying a socket with no length reads to its EOF (the peer half-closed)",
        [
            TCP,
            TEMP,
            call("fgets", FP),
            copy("fp", "t"),
            tell("fp"),
            call("feof", FP),
            call("stream_get_contents", T, -1, 0),
            copy("fp", "t"),
        ],
        peer="lines",
    ),
    _copy(
        "socket-offset",
        "offset on a socket: forward inside the buffer works; elsewhere PHP's two warnings",
        [
            TCP,
            TEMP,
            call("fread", FP, 2),
            copy("fp", "t", 3, 4),
            tell("fp"),
            copy("fp", "t", 3, 1),
            copy("fp", "t", 3, 5000),
            call("stream_get_contents", T, -1, 0),
        ],
        peer="lines",
    ),
    _copy(
        "temp-length-offset",
        "php://temp -> php://temp with length, offset, -1 (all) and 0",
        [
            fo("php://memory", "w+", "m"),
            call("fwrite", M, "0123456789"),
            call("rewind", M),
            call("fread", M, 3),
            TEMP,
            copy("m", "t"),
            tell("m"),
            tell("t"),
            copy("m", "t", 3, 2),
            copy("m", "t", -1, 8),
            copy("m", "t", 0),
            copy("m", "t", 5, 100),
            tell("m"),
            call("stream_get_contents", T, -1, 0),
        ],
    ),
    _copy(
        "empty-and-readonly",
        "an empty memory stream copies 0 at once; a read-only destination fails",
        [
            fo("php://memory", "w+", "m"),
            TEMP,
            copy("m", "t"),
            call("fwrite", M, "abc"),
            call("rewind", M),
            fo("php://memory", "r", "r"),
            copy("m", "r"),
            tell("m"),
        ],
    ),
    _copy(
        "file-to-socket",
        "a local file -> socket, then the echo read back; from an offset",
        [
            TCP,
            call("file_put_contents", "{tmp}/c.txt", "file line\n"),
            fo("{tmp}/c.txt", "r"),
            copy("f", "fp"),
            call("fgets", FP),
            copy("f", "fp", None, 5),
            call("fgets", FP),
            tell("f"),
            tell("fp"),
        ],
        peer="echo",
    ),
    _copy(
        "closed-and-bad",
        "closed streams and non-resources: the TypeErrors",
        [
            TEMP,
            fo("php://memory", "w+", "m"),
            call("fclose", M),
            copy("t", "m"),
            copy("m", "t"),
            call("stream_copy_to_stream", var("t"), "x"),
        ],
    ),
]


def _pass(name: str, doc: str, steps: list[Step], peer: str = "none") -> Scenario:
    return files_scenario(
        f"files/fpassthru/{name}", doc=doc, peer=peer, tags=("fpassthru",), steps=steps
    )


def passthru(name: str) -> Step:
    return call("fpassthru", var(name), output=True)


PASSTHRU: list[Scenario] = [
    _pass(
        "memory",
        "fpassthru of a memory stream from its position: the count, the output; then 0",
        [
            fo("php://memory", "w+", "m"),
            call("fwrite", M, "0123456789\n"),
            call("fseek", M, 3),
            passthru("m"),
            passthru("m"),
            call("feof", M),
            tell("m"),
        ],
    ),
    _pass(
        "socket",
        "fpassthru of a socket: what is buffered, then reads until EOF",
        [TCP, call("fgets", FP), passthru("fp"), call("feof", FP), tell("fp")],
        peer="lines",
    ),
    _pass(
        "file",
        "fpassthru of a file after an fgets",
        [
            call("file_put_contents", "{tmp}/p.txt", "first\nsecond\nthird\n"),
            fo("{tmp}/p.txt", "r"),
            call("fgets", var("f")),
            passthru("f"),
            passthru("f"),
        ],
    ),
    _pass(
        "bulk-socket",
        "fpassthru of 20000 bytes from a socket",
        [TCP, sleep(0.1), passthru("fp"), tell("fp")],
        peer="bulk",
    ),
]
