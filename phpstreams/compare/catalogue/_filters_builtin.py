"""The built-in filters on a loopback socket: each on the read side and the write side."""

from __future__ import annotations

import zlib

from .._scenario import Scenario, call, const, loop, sleep
from ._filters_helpers import FP, append, eof_after, filter_scenario, meta, remove, tcp

__all__ = ["BUILTIN"]

TEXT = "Hello, World! The quick brown fox.\nSecond line = done\t \n"
_RAW = zlib.compressobj(6, zlib.DEFLATED, -15)
DEFLATED = _RAW.compress(b"deflated on the wire\n" * 20) + _RAW.flush()
QP_TEXT = "caf\xe9 = 100%\r\nend of line   \r\n" + "x" * 90 + "\r\n"


def read_case(name: str, filt: str, data: object, *params: object, doc: str) -> Scenario:
    return filter_scenario(
        f"read/{name}",
        doc=doc,
        steps=[
            tcp(),
            append(filt, "STREAM_FILTER_READ", *params),  # type: ignore[arg-type]
            *eof_after(data),  # type: ignore[arg-type]
            call("fread", FP, 8192),
            call("fread", FP, 8192),
            call("feof", FP),
            meta(),
        ],
    )


def write_case(name: str, filt: str, data: object, *params: object, doc: str) -> Scenario:
    return filter_scenario(
        f"write/{name}",
        doc=doc,
        steps=[
            tcp(),
            append(filt, "STREAM_FILTER_WRITE", *params, assign="f"),  # type: ignore[arg-type]
            call("fwrite", FP, data),  # type: ignore[arg-type]
            call("fflush", FP),
            remove("f"),
            call("stream_socket_shutdown", FP, const("STREAM_SHUT_WR")),
            sleep(0.15),
            call("stream_get_contents", FP),
            meta(),
        ],
    )


BUILTIN: list[Scenario] = [
    read_case("rot13", "string.rot13", TEXT, doc="string.rot13 on a socket read"),
    read_case("toupper", "string.toupper", TEXT, doc="string.toupper on a read"),
    read_case("tolower", "string.tolower", TEXT, doc="string.tolower on a read"),
    read_case(
        "base64-encode",
        "convert.base64-encode",
        TEXT,
        doc="base64 of what arrives; the last group padded at EOF (FLUSH_CLOSE)",
    ),
    read_case(
        "base64-encode-lines",
        "convert.base64-encode",
        TEXT * 3,
        {"line-length": 20, "line-break-chars": "\n"},
        doc="base64-encode with line-length 20 and \\n breaks",
    ),
    read_case(
        "base64-encode-default-break",
        "convert.base64-encode",
        TEXT,
        {"line-length": 8},
        doc="line-length without line-break-chars: \\r\\n",
    ),
    read_case(
        "base64-decode",
        "convert.base64-decode",
        "SGVsbG8s\nIFdvcmxk IQ==",
        doc="base64-decode skips whitespace and stops at '='",
    ),
    read_case(
        "base64-decode-invalid",
        "convert.base64-decode",
        "SGVs=bG8=",
        doc="data after '=': invalid byte sequence, fread false, the stream at EOF",
    ),
    read_case(
        "qp-encode",
        "convert.quoted-printable-encode",
        QP_TEXT,
        doc="quoted-printable-encode without params: no soft breaks",
    ),
    read_case(
        "qp-encode-lines",
        "convert.quoted-printable-encode",
        QP_TEXT,
        {"line-length": 20, "line-break-chars": "\r\n"},
        doc="quoted-printable-encode, soft line breaks at 20, trailing spaces encoded",
    ),
    read_case(
        "qp-encode-binary",
        "convert.quoted-printable-encode",
        QP_TEXT,
        {"line-length": 30, "line-break-chars": "\r\n", "binary": True},
        doc="binary: line breaks encoded too",
    ),
    read_case(
        "qp-encode-force-first",
        "convert.quoted-printable-encode",
        "From here\r\n.x\r\n",
        {"line-length": 70, "line-break-chars": "\r\n", "force-encode-first": True},
        doc="force-encode-first: the first character of each line encoded",
    ),
    read_case(
        "qp-decode",
        "convert.quoted-printable-decode",
        "caf=E9 =3D 100%=\r\nsame=\nline\r\n",
        doc="quoted-printable-decode: soft breaks (\\r\\n and \\n) removed",
    ),
    read_case(
        "qp-decode-invalid",
        "convert.quoted-printable-decode",
        "ok=ZZ bad",
        doc="an invalid escape: warning, fread false",
    ),
    read_case(
        "dechunk",
        "dechunk",
        "5\r\nHello\r\n7;ext=1\r\n, World\r\n0\r\n\r\ntrailer",
        doc="dechunk: chunk extensions skipped, the trailer dropped",
    ),
    read_case(
        "dechunk-invalid",
        "dechunk",
        "zz\r\nnot chunked",
        doc="dechunk on data that is not chunked passes it through",
    ),
    read_case("consumed", "consumed", TEXT, doc="the consumed filter passes data through"),
    write_case("rot13", "string.rot13", TEXT, doc="string.rot13 on writes"),
    write_case("toupper", "string.toupper", TEXT, doc="string.toupper on writes"),
    write_case(
        "base64-encode",
        "convert.base64-encode",
        "abcd",
        doc="base64 on writes: fflush (FLUSH_INC) pads the last group",
    ),
    write_case(
        "base64-decode", "convert.base64-decode", "SGVsbG8gV29ybGQ=", doc="base64-decode on writes"
    ),
    write_case(
        "qp-encode",
        "convert.quoted-printable-encode",
        QP_TEXT,
        {"line-length": 16, "line-break-chars": "\r\n"},
        doc="quoted-printable on writes",
    ),
    write_case(
        "qp-decode",
        "convert.quoted-printable-decode",
        "a=3Db=\r\nc",
        doc="quoted-printable-decode on writes",
    ),
    write_case("dechunk", "dechunk", "3\r\nabc\r\n0\r\n\r\n", doc="dechunk on writes"),
    write_case(
        "deflate",
        "zlib.deflate",
        TEXT * 5,
        doc="zlib.deflate on writes: fflush is a "
        "sync flush, the removal finishes the stream: PHP's exact bytes",
    ),
    write_case(
        "inflate",
        "zlib.inflate",
        DEFLATED,
        doc="zlib.inflate on writes: raw deflate bytes written, the inflated text sent",
    ),
    read_case(
        "deflate",
        "zlib.deflate",
        TEXT * 4,
        doc="zlib.deflate on reads: the echoed text compressed, finished at EOF (FLUSH_CLOSE)",
    ),
    read_case(
        "deflate-gzip",
        "zlib.deflate",
        TEXT * 4,
        {"window": 31, "level": 9},
        doc="zlib.deflate on reads as gzip, level 9",
    ),
    write_case("deflate-level", "zlib.deflate", TEXT * 5, 9, doc="zlib.deflate level 9 (int)"),
    write_case(
        "deflate-array",
        "zlib.deflate",
        TEXT * 5,
        {"level": 1, "window": 31, "memory": 5},
        doc="zlib.deflate as gzip (window 31)",
    ),
    filter_scenario(
        "write/base64-decode-invalid",
        doc="base64-decode on writes: data after '=' makes fwrite return false with the warning",
        steps=[
            tcp(),
            append("convert.base64-decode", "STREAM_FILTER_WRITE"),
            call("fwrite", FP, "YQ==YQ=="),
            call("fwrite", FP, "YWJj"),
        ],
    ),
    filter_scenario(
        "read/inflate-raw",
        peer="deflate_raw",
        doc="zlib.inflate (raw deflate, the default window) over a socket read to EOF",
        steps=[
            tcp(),
            append("zlib.inflate", "STREAM_FILTER_READ"),
            sleep(0.1),
            call("fread", FP, 100),
            call("stream_get_contents", FP),
            call("feof", FP),
            meta(),
        ],
    ),
    filter_scenario(
        "read/inflate-gzip",
        peer="gzip_raw",
        doc="zlib.inflate with window 31 reads gzip; fgets through it",
        steps=[
            tcp(),
            append("zlib.inflate", "STREAM_FILTER_READ", {"window": 31}),
            sleep(0.1),
            call("fgets", FP),
            call("fgets", FP),
            call("stream_get_line", FP, 100, "\n"),
            call("stream_get_contents", FP, 50),
            meta(),
        ],
    ),
    filter_scenario(
        "read/inflate-auto",
        peer="gzip_raw",
        doc="zlib.inflate with window 47 detects gzip",
        steps=[
            tcp(),
            append("zlib.inflate", "STREAM_FILTER_READ", {"window": 47}),
            sleep(0.1),
            call("fread", FP, 40),
            meta(),
        ],
    ),
    filter_scenario(
        "read/inflate-bad-data",
        doc="zlib.inflate on bytes that are no deflate data: the notice, fread false",
        steps=[
            tcp(),
            append("zlib.inflate", "STREAM_FILTER_READ"),
            *eof_after("\xff\xff\xffjunk"),
            call("fread", FP, 100),
            call("feof", FP),
        ],
    ),
    filter_scenario(
        "read/http-chunked-gzip",
        peer="http_gzip",
        doc="an HTTP response: headers read with fgets, then dechunk + zlib.inflate (window 31) "
        "appended and the body read to EOF",
        steps=[
            tcp(),
            sleep(0.1),
            loop(call("fgets", FP), until="\r\n", max=10),
            append("dechunk", "STREAM_FILTER_READ"),
            append("zlib.inflate", "STREAM_FILTER_READ", {"window": 31}),
            call("fgets", FP),
            call("stream_get_contents", FP),
            call("feof", FP),
            meta(),
        ],
    ),
]
