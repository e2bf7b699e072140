"""The file-like calls on socket streams: ftell, fseek/rewind, fstat, ftruncate,
fsync, flock, isatty (php-src xp_socket.c answers most of them with "no")."""

from __future__ import annotations

from .._scenario import Scenario, Step, call, const, ref, sleep, var
from ._files_helpers import FP, SEEK_CUR, SEEK_END, files_scenario, meta, stat_fields, tell
from ._helpers import ssc
from ._tls_helpers import connect, context
from ._tls_starttls import smtp_start

__all__ = ["SOCKETS", "TLS"]

TCP = ssc("tcp://127.0.0.1:{port}")
STAT = ("mode", 2, "size", 7, "nlink", "rdev")


def _socket(
    name: str,
    doc: str,
    steps: list[Step],
    peer: str = "lines",
    php_extensions: tuple[str, ...] = (),
) -> Scenario:
    return files_scenario(
        f"files/socket/{name}",
        doc=doc,
        peer=peer,
        tags=("socket",),
        steps=[TCP, *steps],
        php_extensions=php_extensions,
    )


SOCKETS: list[Scenario] = [
    _socket(
        "ftell-fread",
        "ftell counts the bytes fread consumed, not those PHP buffered",
        [
            tell(),
            call("fread", FP, 5),
            tell(),
            call("fgets", FP),
            tell(),
            meta(),
            call("fread", FP, 100),
            tell(),
            call("feof", FP),
            tell(),
        ],
    ),
    _socket(
        "ftell-fwrite",
        "on a socket ftell counts bytes written as well as read",
        [
            tell(),
            call("fwrite", FP, "abc\n"),
            tell(),
            call("fgets", FP),
            tell(),
            call("fwrite", FP, "de"),
            call("fwrite", FP, ""),
            tell(),
        ],
        peer="echo",
    ),
    _socket(
        "ftell-stream-get-line",
        "stream_get_line consumes the record and its delimiter: ftell counts both",
        [
            call("stream_get_line", FP, 100, "\n"),
            tell(),
            call("stream_get_line", FP, 3),
            tell(),
            call("stream_get_line", FP, 100, "\r\n"),
            tell(),
            call("fgetc", FP),
            tell(),
        ],
    ),
    _socket(
        "fseek-set-inside-buffer",
        "fseek SEEK_SET forward within the read buffer works on a socket; backwards warns",
        [
            call("fread", FP, 3),
            call("fseek", FP, 8),
            tell(),
            call("fread", FP, 4),
            call("fseek", FP, 0),
            tell(),
            call("fseek", FP, 500),
            tell(),
        ],
    ),
    _socket(
        "fseek-cur-forward-emulated",
        "fseek SEEK_CUR forward with nothing buffered is emulated by reading",
        [call("fseek", FP, 4, SEEK_CUR), tell(), meta(), call("fread", FP, 6), tell()],
    ),
    _socket(
        "fseek-cur-past-eof",
        "fseek SEEK_CUR past the end: the emulating reads hit EOF, -1",
        [call("fseek", FP, 1000, SEEK_CUR), tell(), call("feof", FP), meta()],
    ),
    _socket(
        "fseek-end-and-negative",
        "SEEK_END and a negative SEEK_CUR: 'Stream does not support seeking', -1",
        [
            call("fseek", FP, 0, SEEK_END),
            call("fseek", FP, -1, SEEK_CUR),
            call("fread", FP, 2),
            call("fseek", FP, -1, SEEK_CUR),
            call("fseek", FP, 0, 7),
            tell(),
        ],
    ),
    _socket(
        "rewind",
        "rewind on a socket: the warning names rewind(), false",
        [call("rewind", FP), call("fgets", FP), call("rewind", FP), tell()],
    ),
    _socket(
        "fstat",
        "fstat of a socket: 26 entries, mode 0140777, size 0, before and after reading",
        [*stat_fields("fp", *STAT), call("fgets", FP), *stat_fields("fp", *STAT, "blksize")],
    ),
    _socket(
        "ftruncate",
        "ftruncate: 'Can't truncate this stream!'; a negative size is a ValueError first",
        [call("ftruncate", FP, 0), call("ftruncate", FP, 10), call("ftruncate", FP, -1)],
    ),
    _socket(
        "fsync-fdatasync",
        "fsync/fdatasync: 'Can't fsync this stream!', false",
        [call("fsync", FP), call("fdatasync", FP), call("fgets", FP), call("fsync", FP)],
    ),
    _socket(
        "flock",
        "flock on a socket: false without a warning, $would_block 0; operation 0 is a ValueError",
        [
            call("stream_supports_lock", FP),
            call("flock", FP, const("LOCK_EX")),
            call("flock", FP, const("LOCK_SH") | const("LOCK_NB"), ref("wb")),
            call("flock", FP, const("LOCK_UN"), ref("wb")),
            call("flock", FP, 0),
            call("flock", FP, 4),
            call("flock", FP, 99),
        ],
    ),
    _socket(
        "isatty-unbuffered",
        "stream_isatty on a socket with nothing buffered: false, no warning",
        [call("stream_isatty", FP), sleep(0.1), call("stream_isatty", FP)],
    ),
    _socket(
        "isatty-buffered",
        "stream_isatty with buffered bytes: PHP warns twice that they are lost to the cast",
        [call("fgets", FP), call("stream_isatty", FP), meta(), call("fgets", FP)],
    ),
    _socket(
        "posix-isatty",
        "posix_isatty of a socket (posix loaded): the buffered-data warnings, false",
        [
            call("posix_isatty", FP),
            call("fread", FP, 4),
            call("posix_isatty", FP),
            call("posix_isatty", -1),
            call("posix_isatty", 0),
            call("posix_isatty", "abc"),
            call("posix_isatty", 2**40),
        ],
        php_extensions=("posix",),
    ),
    _socket(
        "stream-get-contents-offset",
        "stream_get_contents offset: forwards skips by reading, backwards warns twice",
        [
            call("stream_get_contents", FP, 5, 6),
            tell(),
            call("stream_get_contents", FP, 3, 0),
            call("stream_get_contents", FP, -1, 40),
            tell(),
        ],
    ),
    _socket(
        "closed",
        "after fclose every file call raises the resource TypeError",
        [
            call("fclose", FP),
            call("ftell", FP),
            call("fseek", FP, 0),
            call("fstat", FP),
            call("ftruncate", FP, 0),
            call("flock", FP, 1),
            call("stream_isatty", FP),
            call("fpassthru", FP),
        ],
    ),
    _socket(
        "ftell-recvfrom-sendto",
        "stream_socket_recvfrom and _sendto bypass the stream: ftell does not move",
        [
            call("fwrite", FP, "ab\n"),
            tell(),
            sleep(0.1),
            call("stream_socket_recvfrom", FP, 2),
            tell(),
            call("stream_socket_sendto", FP, "cd\n"),
            tell(),
            call("fgets", FP),
            tell(),
        ],
        peer="echo",
    ),
    files_scenario(
        "files/socket/unix-fstat-ftell",
        peer="unix_echo",
        tags=("socket",),
        doc="a unix socket: fstat mode 0140777, ftell counts both directions",
        steps=[
            ssc("unix://{path}"),
            *stat_fields("fp", *STAT),
            call("fwrite", FP, "hi\n"),
            call("fgets", FP),
            tell(),
            call("fseek", FP, 0),
        ],
    ),
]

OPEN = [context({"cafile": "{cafile}"}), connect(), call("fgets", FP)]


def _tls(name: str, doc: str, steps: list[Step]) -> Scenario:
    return files_scenario(
        f"files/tls/{name}", doc=doc, peer="tls_echo", tags=("tls",), steps=[*OPEN, *steps]
    )


TLS: list[Scenario] = [
    _tls(
        "ftell-fgets-fwrite",
        "on a TLS stream ftell counts plaintext bytes read and written",
        [
            tell(),
            call("fwrite", FP, "one\ntwo\n"),
            tell(),
            call("fgets", FP),
            tell(),
            call("fread", FP, 2),
            tell(),
            meta(),
        ],
    ),
    _tls(
        "stream-get-line-ftell",
        "stream_get_line on TLS: ftell moves by record and delimiter",
        [
            call("fwrite", FP, "a;bb;ccc;"),
            call("stream_get_line", FP, 100, ";"),
            tell(),
            call("stream_get_line", FP, 100, ";"),
            tell(),
        ],
    ),
    _tls(
        "fseek-fstat-isatty",
        "fseek/rewind/ftruncate/fsync/flock on TLS answer as the socket does; fstat mode 0140777",
        [
            call("fseek", FP, 0),
            call("rewind", FP),
            *stat_fields("fp", *STAT),
            call("ftruncate", FP, 0),
            call("fsync", FP),
            call("flock", FP, 2),
            call("stream_supports_lock", FP),
            call("stream_isatty", FP),
        ],
    ),
    _tls(
        "fseek-cur-emulated",
        "fseek SEEK_CUR forward on TLS reads and drops the bytes",
        [
            call("fwrite", FP, "0123456789\n"),
            call("fseek", FP, 4, SEEK_CUR),
            tell(),
            call("fgets", FP),
            tell(),
        ],
    ),
    _tls(
        "copy-through-temp",
        "TLS -> php://temp with a length, then php://temp -> TLS from an offset; the echo",
        [
            call("fopen", "php://temp", "w+", assign="t"),
            call("fwrite", FP, "secret data\n"),
            call("stream_copy_to_stream", FP, var("t"), 12),
            tell(),
            call("stream_copy_to_stream", var("t"), FP, None, 7),
            call("fgets", FP),
            tell(),
        ],
    ),
    _tls(
        "fpassthru-until-timeout",
        "fpassthru on TLS passes what arrives until a read times out, and counts it",
        [
            call("fwrite", FP, "abc\n"),
            sleep(0.2),
            call("stream_set_timeout", FP, 0, 300000),
            call("fpassthru", FP, output=True),
            tell(),
            meta(),
        ],
    ),
    files_scenario(
        "files/tls/ftell-across-starttls",
        peer="starttls",
        tags=("tls",),
        doc="STARTTLS: ftell counts the plain bytes before the upgrade and the plaintext after",
        steps=[
            *smtp_start(),
            tell(),
            call("stream_socket_enable_crypto", FP, True, const("STREAM_CRYPTO_METHOD_TLS_CLIENT")),
            tell(),
            call("fwrite", FP, "over tls\n"),
            call("fgets", FP),
            tell(),
            call("fseek", FP, 0),
        ],
    ),
]
