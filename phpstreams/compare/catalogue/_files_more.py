"""More of the file-like calls: UDP, server and paired sockets, EOF at the exact end,
seeks before writes, write lengths, chunk sizes, contexts, nested arrays."""

from __future__ import annotations

from .._scenario import Scenario, Step, call, const, sleep, var
from ._files_helpers import FP, F, M, T, files_scenario, fo, meta, stat_fields, tell
from ._helpers import E, S, ssc

__all__ = ["MORE"]

PATH = "{tmp}/f.txt"
STAT = ("mode", "size", "nlink")
PAIR = var("pair")


def _more(name: str, doc: str, steps: list[Step], peer: str = "none", **kw: bool) -> Scenario:
    return files_scenario(
        f"files/more/{name}",
        doc=doc,
        peer=peer,
        tags=("more",),
        steps=steps,
        php_extensions=("posix",) if kw.get("posix") else (),
    )


MORE: list[Scenario] = [
    _more(
        "udp-ftell-fstat",
        "a UDP socket: ftell counts the datagram bytes written and read; fstat mode 0140777",
        [
            ssc("udp://127.0.0.1:{port}"),
            call("fwrite", FP, "ping"),
            tell(),
            sleep(0.1),
            call("fread", FP, 100),
            tell(),
            *stat_fields("fp", *STAT),
            call("fseek", FP, 0),
            call("ftruncate", FP, 0),
        ],
        peer="udp_echo",
    ),
    _more(
        "server-socket",
        "a listening socket: fstat works, ftell 0, fseek and flock refuse",
        [
            call("stream_socket_server", "tcp://127.0.0.1:0", E, S, assign="srv"),
            *stat_fields("srv", *STAT),
            tell("srv"),
            call("fseek", var("srv"), 0),
            call("flock", var("srv"), 1),
            call("stream_isatty", var("srv")),
            call("fsync", var("srv")),
        ],
    ),
    _more(
        "socket-pair",
        "stream_socket_pair: each end counts its own bytes; fstat of a unix socket pair",
        [
            call(
                "stream_socket_pair",
                const("STREAM_PF_UNIX"),
                const("STREAM_SOCK_STREAM"),
                0,
                assign="pair",
            ),
            call("fwrite", PAIR[0], "hello\n"),
            call("fgets", PAIR[1]),
            call("ftell", PAIR[0]),
            call("ftell", PAIR[1]),
            call("fwrite", PAIR[1], "back"),
            call("fread", PAIR[0], 2),
            call("ftell", PAIR[0]),
            call("stream_get_meta_data", PAIR[0]),
        ],
    ),
    _more(
        "read-buffer-off-fseek",
        "with the read buffer off a forward SEEK_SET is never inside the buffer: it warns",
        [
            ssc("tcp://127.0.0.1:{port}"),
            call("stream_set_read_buffer", FP, 0),
            call("fread", FP, 2),
            call("fseek", FP, 4),
            call("fseek", FP, 2, const("SEEK_CUR")),
            tell(),
            call("fread", FP, 3),
        ],
        peer="lines",
    ),
    _more(
        "file-feof-exact-end",
        "reading exactly a file's size leaves feof false until a read meets the end",
        [
            call("file_put_contents", PATH, "12345"),
            fo(PATH, "r"),
            call("fread", F, 5),
            call("feof", F),
            call("fread", F, 5),
            call("feof", F),
            call("rewind", F),
            call("feof", F),
            call("fgets", F),
            call("feof", F),
        ],
    ),
    _more(
        "memory-feof-exact-end",
        "php://memory: an exact read leaves feof false; fgets at the end too",
        [
            fo("php://memory", "w+", "m"),
            call("fwrite", M, "12345"),
            call("rewind", M),
            call("fread", M, 5),
            call("feof", M),
            call("fgets", M),
            call("feof", M),
            call("fwrite", M, "6"),
            call("feof", M),
            call("fseek", M, -1, const("SEEK_CUR")),
            call("feof", M),
            call("fgetc", M),
        ],
    ),
    _more(
        "file-seek-then-write",
        "r+: fread buffers, fseek drops the buffer, the write lands at the new offset",
        [
            call("file_put_contents", PATH, "0123456789"),
            fo(PATH, "r+"),
            call("fread", F, 2),
            call("fseek", F, 5),
            call("fwrite", F, "X"),
            tell("f"),
            call("fread", F, 2),
            call("fseek", F, -2, const("SEEK_END")),
            call("fwrite", F, "YZW"),
            call("rewind", F),
            call("fread", F, 100),
        ],
    ),
    _more(
        "file-modes-meta",
        "the mode stream_get_meta_data reports for a file is the one given",
        [
            fo(PATH, "w", "a"),
            meta("a"),
            fo(PATH, "w+b", "b"),
            meta("b"),
            fo(PATH, "ab", "c"),
            meta("c"),
            fo(PATH, "c", "d"),
            meta("d"),
            fo(PATH, "r+e", "e"),
            meta("e"),
            call("fopen", "{tmp}/missing.txt", "r+"),
        ],
    ),
    _more(
        "fwrite-length",
        "fwrite with a length on memory; length 0 and an empty string write nothing",
        [
            fo("php://memory", "w+", "m"),
            call("fwrite", M, "abcdef", 3),
            call("fwrite", M, "x", 0),
            call("fwrite", M, ""),
            call("fputs", M, "zz", 10),
            tell("m"),
            call("stream_get_contents", M, -1, 0),
        ],
    ),
    _more(
        "memory-chunk-size",
        "stream_set_chunk_size on memory: fgets fills that many bytes at a time",
        [
            fo("php://memory", "w+", "m"),
            call("fwrite", M, "a long first line\nsecond\n"),
            call("rewind", M),
            call("stream_set_chunk_size", M, 4),
            call("fgets", M),
            meta("m"),
            call("fgets", M, 3),
            meta("m"),
            tell("m"),
        ],
    ),
    _more(
        "temp-fgets-after-spill",
        "a spilled php://temp: fgets buffers, ftell follows, seeks drop the buffer",
        [
            fo("php://temp/maxmemory:4", "w+", "t"),
            call("fwrite", T, "line one\nline two\nthree"),
            call("rewind", T),
            call("fgets", T),
            meta("t"),
            tell("t"),
            call("fseek", T, 2, const("SEEK_CUR")),
            call("fgets", T),
            call("fgets", T),
            call("feof", T),
            call("fgets", T),
        ],
    ),
    _more(
        "file-posix-isatty-buffered",
        "posix_isatty of a file with buffered data: the two cast warnings, false",
        [
            call("file_put_contents", PATH, "a\nb\n"),
            fo(PATH, "r"),
            call("posix_isatty", F),
            call("fgets", F),
            call("posix_isatty", F),
            fo("php://temp", "w+", "t"),
            call("posix_isatty", T),
        ],
        posix=True,
    ),
    _more(
        "closed-local-streams",
        "a closed memory stream or file: TypeErrors, get_resource_type Unknown",
        [
            fo("php://memory", "w+", "m"),
            call("fclose", M),
            call("ftell", M),
            call("fstat", M),
            call("stream_get_meta_data", M),
            call("get_resource_type", M),
            call("file_put_contents", PATH, M),
        ],
    ),
    _more(
        "contexts",
        "fopen and file_get_contents take a context; anything else is the TypeError",
        [
            call("stream_context_create", assign="ctx"),
            call("file_put_contents", PATH, "ctx", 0, var("ctx")),
            call("fopen", PATH, "r", False, var("ctx"), assign="f"),
            call("fread", F, 10),
            call("file_get_contents", PATH, False, var("ctx")),
            call("fopen", PATH, "r", False, F),
            call("fopen", PATH, "r", False, 5),
            call("file_get_contents", PATH, False, F),
        ],
    ),
    _more(
        "put-empty-and-nested",
        "file_put_contents of '' and [] writes 0 bytes; a nested array is 'Array' with a warning",
        [
            call("file_put_contents", PATH, ""),
            call("file_get_contents", PATH),
            call("file_put_contents", PATH, [["x"], "y"]),
            call("file_get_contents", PATH),
            call("file_put_contents", PATH, "z", 99),
            call("file_get_contents", PATH),
        ],
    ),
    _more(
        "stream-get-contents-maxlen",
        "stream_get_contents with a length on memory and on a file",
        [
            fo("php://memory", "w+", "m"),
            call("fwrite", M, "0123456789"),
            call("rewind", M),
            call("stream_get_contents", M, 3),
            call("stream_get_contents", M, 3),
            call("stream_get_contents", M, 100),
            call("feof", M),
            call("stream_get_contents", M, 3),
            call("file_put_contents", PATH, "abcdefgh"),
            fo(PATH, "r"),
            call("stream_get_contents", F, 5),
            meta("f"),
            call("stream_get_contents", F, -1, 1),
        ],
    ),
]
