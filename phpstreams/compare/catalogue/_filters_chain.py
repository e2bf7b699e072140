"""The filter chain: order, buffered data, removal, modes, errors, reads with
fgets/stream_get_line/timeouts, TLS, and user filters."""

from __future__ import annotations

from typing import Any

from .._scenario import Arg, Scenario, Step, call, const, pint, sleep, user_class, var
from ._filters_helpers import (
    FEED,
    FP,
    UPPER,
    append,
    eof_after,
    filter_scenario,
    meta,
    prepend,
    remove,
    tcp,
)
from ._helpers import E, S
from ._tls_helpers import connect, context

__all__ = ["CHAIN", "ERRORS", "USER"]

WRITE_THEN_WAIT: list[Step] = [call("fwrite", FP, "hello world\nsecond line\n"), sleep(0.15)]

CHAIN: list[Scenario] = [
    filter_scenario(
        "chain/append-with-buffered-data",
        doc="bytes already buffered are wound through an appended read filter",
        steps=[
            tcp(),
            *WRITE_THEN_WAIT,
            call("fread", FP, 3),
            meta(),
            append("string.toupper", "STREAM_FILTER_READ"),
            meta(),
            call("fgets", FP),
            call("fgets", FP, 4),
        ],
    ),
    filter_scenario(
        "chain/prepend-with-buffered-data",
        doc="a prepended read filter leaves the buffered bytes as they were",
        steps=[
            tcp(),
            call("stream_set_timeout", FP, 0, 300000),
            *WRITE_THEN_WAIT,
            call("fread", FP, 3),
            prepend("string.toupper", "STREAM_FILTER_READ"),
            meta(),
            call("fgets", FP),
            call("fwrite", FP, "more\n"),
            sleep(0.15),
            call("fgets", FP),
            call("fgets", FP),
        ],
    ),
    filter_scenario(
        "chain/append-base64-buffered",
        doc="base64-encode appended with data buffered re-encodes the buffer (unread_bytes grows)",
        steps=[
            tcp(),
            *WRITE_THEN_WAIT,
            call("fread", FP, 6),
            append("convert.base64-encode", "STREAM_FILTER_READ"),
            meta(),
            call("fread", FP, 10),
            meta(),
        ],
    ),
    filter_scenario(
        "chain/order-append-prepend",
        doc="append rot13 then prepend base64-encode: base64 first, rot13 last",
        steps=[
            tcp(),
            append("string.rot13", "STREAM_FILTER_READ"),
            prepend("convert.base64-encode", "STREAM_FILTER_READ"),
            *eof_after("order matters"),
            call("stream_get_contents", FP),
        ],
    ),
    filter_scenario(
        "chain/order-append-append",
        doc="append base64-encode then rot13: rot13 applied to the base64 text",
        steps=[
            tcp(),
            append("convert.base64-encode", "STREAM_FILTER_READ"),
            append("string.rot13", "STREAM_FILTER_READ"),
            *eof_after("order matters"),
            call("stream_get_contents", FP),
        ],
    ),
    filter_scenario(
        "chain/remove-flushes-buffered",
        doc="removing base64-encode with data buffered: its tail is flushed after the buffer "
        "(PHP re-reads readpos stale bytes before it: the buffer is not moved back)",
        steps=[
            tcp(),
            append("convert.base64-encode", "STREAM_FILTER_READ", assign="f"),
            call("fwrite", FP, "abcdefghij"),
            sleep(0.15),
            call("stream_set_timeout", FP, 0, 200000),
            call("fread", FP, 3),
            meta(),
            remove("f"),
            meta(),
            call("fread", FP, 100),
        ],
    ),
    filter_scenario(
        "chain/remove-middle",
        doc="remove the middle filter of three; the others go on",
        steps=[
            tcp(),
            append("string.toupper", "STREAM_FILTER_READ"),
            append("string.rot13", "STREAM_FILTER_READ", assign="f"),
            append("convert.base64-encode", "STREAM_FILTER_READ"),
            call("fwrite", FP, "abc"),
            sleep(0.15),
            call("stream_set_timeout", FP, 0, 200000),
            call("fread", FP, 4),
            remove("f"),
            *eof_after("xyz"),
            call("stream_get_contents", FP),
        ],
    ),
    filter_scenario(
        "chain/default-mode-both",
        doc="mode 0 on a socket (r+): read and write chains; the resource is the write filter's",
        steps=[
            tcp(),
            call("stream_set_timeout", FP, 0, 300000),
            append("string.toupper", None, assign="f"),
            call("fwrite", FP, "abc\n"),
            sleep(0.15),
            call("fgets", FP),
            remove("f"),
            call("fwrite", FP, "def\n"),
            sleep(0.15),
            call("fgets", FP),
            call("get_resource_type", var("f")),
        ],
    ),
    filter_scenario(
        "chain/odd-modes",
        doc="modes without the READ/WRITE bits (4, 16) mean the stream's mode",
        steps=[
            tcp(),
            call("stream_set_timeout", FP, 0, 300000),
            append("string.rot13", None, 4),
            append("string.toupper", None, 16),
            call("fwrite", FP, "abc\n"),
            sleep(0.15),
            call("fgets", FP),
        ],
    ),
    filter_scenario(
        "chain/fgets-stream-get-line",
        doc="fgets, fgets with a length and stream_get_line through a read filter",
        steps=[
            tcp(),
            append("string.toupper", "STREAM_FILTER_READ"),
            *eof_after("first line\nsecond;third;\nfourth"),
            call("fgets", FP),
            call("stream_get_line", FP, 100, ";"),
            call("fgets", FP, 3),
            call("fgetc", FP),
            call("stream_get_line", FP, 100, "\n"),
            call("fgets", FP),
            call("fgets", FP),
            call("feof", FP),
        ],
    ),
    filter_scenario(
        "chain/read-timeout",
        doc="a filtered fread wants its whole length: it waits for the read timeout and "
        "returns what the filter produced; timed_out is set",
        steps=[
            tcp(),
            append("string.toupper", "STREAM_FILTER_READ"),
            call("stream_set_timeout", FP, 0, 300000),
            call("fwrite", FP, "abc"),
            sleep(0.1),
            call("fread", FP, 100),
            meta(),
            call("fread", FP, 100),
            meta(),
        ],
    ),
    filter_scenario(
        "chain/base64-timeout-flush",
        doc="a read that times out with data buffered flushes the chain (FLUSH_INC): "
        "base64-encode pads early",
        steps=[
            tcp(),
            append("convert.base64-encode", "STREAM_FILTER_READ"),
            call("stream_set_timeout", FP, 0, 300000),
            call("fwrite", FP, "abcd"),
            sleep(0.1),
            call("fread", FP, 100),
            call("fwrite", FP, "ef"),
            sleep(0.1),
            call("fread", FP, 100),
        ],
    ),
    filter_scenario(
        "chain/nonblocking",
        doc="non-blocking reads through a filter: an empty read flushes (FLUSH_INC)",
        steps=[
            tcp(),
            call("stream_set_blocking", FP, False),
            append("convert.base64-encode", "STREAM_FILTER_READ"),
            call("fread", FP, 10),
            call("fwrite", FP, "abcd"),
            sleep(0.15),
            call("fread", FP, 100),
            meta(),
        ],
    ),
    filter_scenario(
        "chain/eof-meta",
        doc="feof and stream_get_meta_data with a read filter, before and after EOF",
        steps=[
            tcp(),
            append("string.rot13", "STREAM_FILTER_READ"),
            call("feof", FP),
            meta(),
            *eof_after("end"),
            call("fread", FP, 2),
            meta(),
            call("feof", FP),
            call("fread", FP, 10),
            meta(),
            call("feof", FP),
        ],
    ),
    filter_scenario(
        "chain/tls-read-write",
        peer="tls_echo",
        doc="filters on a TLS stream: toupper on reads, base64-encode on writes",
        steps=[
            context({"cafile": "{cafile}"}),
            connect(),
            call("fgets", FP),
            call("stream_set_timeout", FP, 0, 300000),
            append("string.toupper", "STREAM_FILTER_READ"),
            append("convert.base64-encode", "STREAM_FILTER_WRITE", assign="w"),
            call("fwrite", FP, "hello tls"),
            remove("w"),
            call("fwrite", FP, "\n"),
            call("fgets", FP),
            meta(),
        ],
    ),
]

DEFLATE_PARAMS: tuple[Arg, ...] = (
    10,
    -2,
    "5",
    "x",
    5.5,
    True,
    None,
    {"level": 12},
    {"window": 7},
    {"window": 32},
    {"window": -16},
    {"memory": 0},
    {"memory": 10},
    {"memory": "x"},
)
INFLATE_PARAMS: tuple[Arg, ...] = (5, {"window": 7}, {"window": 48}, {"window": -16}, {"level": 3})

ERRORS: list[Scenario] = [
    filter_scenario(
        "errors/unknown-names",
        peer="listen",
        doc="Unable to locate filter / Unable to create or locate filter (a known family)",
        steps=[
            tcp(),
            *(
                append(n)
                for n in (
                    "nope",
                    "string.nope",
                    "convert.nope",
                    "zlib.nope",
                    "",
                    "String.Rot13",
                    "convert",
                    "dechunk.x",
                )
            ),
            append("convert.BASE64-ENCODE"),
            append("zlib.Inflate"),
        ],
    ),
    filter_scenario(
        "errors/convert-params",
        peer="listen",
        doc="convert.* takes an array of params only: invalid filter parameter",
        steps=[
            tcp(),
            append("convert.base64-encode", "STREAM_FILTER_READ", 5),
            append("convert.base64-encode", "STREAM_FILTER_READ", None),
            append("convert.quoted-printable-encode", "STREAM_FILTER_READ", "x"),
            append("convert.base64-encode", "STREAM_FILTER_READ", [1, 2]),
        ],
    ),
    filter_scenario(
        "errors/zlib-params",
        peer="listen",
        doc="zlib.deflate/inflate params: out of range values warned about and ignored, a "
        "window zlib refuses makes the filter fail",
        steps=[
            tcp(),
            *(append("zlib.deflate", "STREAM_FILTER_WRITE", p) for p in DEFLATE_PARAMS),
            *(append("zlib.inflate", "STREAM_FILTER_READ", p) for p in INFLATE_PARAMS),
        ],
    ),
    filter_scenario(
        "errors/remove",
        peer="listen",
        doc="stream_filter_remove twice, on a stream, on a string: PHP's TypeErrors",
        steps=[
            tcp(),
            append("string.rot13", None, assign="f"),
            remove("f"),
            remove("f"),
            call("stream_filter_remove", FP),
            call("stream_filter_remove", "x"),
            call("get_resource_type", var("f")),
        ],
    ),
    filter_scenario(
        "errors/closed-stream",
        peer="listen",
        doc="a filter of a closed stream is gone; appending to a closed stream is a TypeError",
        steps=[
            tcp(),
            append("string.rot13", None, assign="f"),
            call("fclose", FP),
            call("get_resource_type", var("f")),
            remove("f"),
            append("string.rot13"),
        ],
    ),
    filter_scenario(
        "errors/register",
        peer=None,
        doc="stream_filter_register: empty names (ValueError), duplicates and built-in names "
        "(false), and stream_get_filters with the user names last",
        steps=[
            call("stream_filter_register", "", "X"),
            call("stream_filter_register", "x", ""),
            call("stream_filter_register", "my.filter", "NoSuchClass"),
            call("stream_filter_register", "my.filter", "NoSuchClass"),
            call("stream_filter_register", "string.toupper", "NoSuchClass"),
            call("stream_get_filters"),
        ],
    ),
    filter_scenario(
        "errors/undefined-class",
        peer="listen",
        doc="a user filter whose class does not exist: both warnings, false; a built-in name "
        "refused to stream_filter_register stays the built-in filter",
        steps=[
            call("stream_filter_register", "ghost", "NoSuchClass"),
            call("stream_filter_register", "string.toupper", "NoSuchClass"),
            tcp(),
            append("ghost"),
            append("string.toupper"),
            append("ghost.sub"),
        ],
    ),
    filter_scenario(
        "errors/get-filters",
        peer=None,
        doc="stream_get_filters: PHP's built-in names and patterns, in PHP's order",
        steps=[call("stream_get_filters")],
    ),
]

FATAL = user_class(
    "FatalFilter",
    php=r"""
class FatalFilter extends php_user_filter {
    public function filter($in, $out, &$consumed, $closing): int {
        while ($bucket = stream_bucket_make_writeable($in)) {}
        return PSFS_ERR_FATAL;
    }
}
""",
    python=r"""
class FatalFilter(php_user_filter):
    def filter(self, in_, out, consumed, closing):
        while stream_bucket_make_writeable(in_) is not None:
            pass
        return PSFS_ERR_FATAL
""",
)

LAZY = user_class(
    "LazyFilter",
    php=r"""
class LazyFilter extends php_user_filter {
    public function filter($in, $out, &$consumed, $closing): int {
        $consumed = 1;
        return PSFS_PASS_ON;
    }
}
""",
    python=r"""
class LazyFilter(php_user_filter):
    def filter(self, in_, out, consumed, closing):
        consumed.value = 1
        return PSFS_PASS_ON
""",
)

REFUSE = user_class(
    "RefuseFilter",
    php=r"""
class RefuseFilter extends php_user_filter {
    public function onCreate(): bool { return is_array($this->params); }
}
""",
    python=r"""
class RefuseFilter(php_user_filter):
    def onCreate(self):
        return isinstance(self.params, (list, dict))
""",
)


def _user(name: str, cls: Any, doc: str, steps: list[Any], register: str) -> Scenario:
    return filter_scenario(
        f"user/{name}",
        doc=doc,
        classes=[cls],
        steps=[call("stream_filter_register", register, cls.name), tcp(), *steps],
    )


PAIR = var("pair")


def _pair_steps(mode: str, *rest: Any) -> list[Any]:
    return [
        call("stream_filter_register", "hold", "HoldFilter"),
        call(
            "stream_socket_pair",
            const("STREAM_PF_UNIX"),
            const("STREAM_SOCK_STREAM"),
            0,
            assign="pair",
        ),
        call("stream_filter_append", PAIR[0], "hold", const(mode)),
        *rest,
    ]


USER: list[Scenario] = [
    filter_scenario(
        "user/persistent-stream",
        peer="listen",
        classes=[UPPER],
        doc="a user filter on a persistent stream: refused with PHP's two warnings; a "
        "built-in filter is fine",
        steps=[
            call("stream_filter_register", "upper", "UpperFilter"),
            call("pfsockopen", "127.0.0.1", pint("port"), E, S, 1.0, assign="fp"),
            append("upper"),
            append("string.rot13"),
            call("fclose", FP),
        ],
    ),
    filter_scenario(
        "user/closing-on-fclose",
        peer=None,
        classes=[FEED],
        doc="fclose closes the write chain: the filter sees closing true and its output is "
        "written before the socket goes (a socket pair: the other end reads it)",
        steps=_pair_steps(
            "STREAM_FILTER_WRITE",
            call("fwrite", PAIR[0], "kept "),
            call("fwrite", PAIR[0], "until close"),
            call("fclose", PAIR[0]),
            call("fread", PAIR[1], 100),
            call("fread", PAIR[1], 100),
            call("feof", PAIR[1]),
        ),
    ),
    filter_scenario(
        "user/no-closing-flush-on-read-close",
        peer=None,
        classes=[FEED],
        doc="fclose does not flush the read chain: a FEED_ME read filter's data is dropped",
        steps=_pair_steps(
            "STREAM_FILTER_READ",
            call("fwrite", PAIR[1], "never seen"),
            call("stream_set_blocking", PAIR[0], False),
            call("fread", PAIR[0], 100),
            call("fclose", PAIR[0]),
            call("fread", PAIR[1], 100),
        ),
    ),
    _user(
        "pass-on-read",
        UPPER,
        "a user filter returning PSFS_PASS_ON on reads",
        [
            append("upper", "STREAM_FILTER_READ"),
            *eof_after("shout this\n"),
            call("fgets", FP),
            call("fread", FP, 10),
            call("feof", FP),
        ],
        "upper",
    ),
    _user(
        "pass-on-write",
        UPPER,
        "a user filter on writes: fwrite returns what it consumed",
        [
            append("upper", "STREAM_FILTER_WRITE", assign="f"),
            call("fwrite", FP, "quiet\n"),
            sleep(0.15),
            call("fgets", FP),
            remove("f"),
        ],
        "upper",
    ),
    _user(
        "wildcard",
        UPPER,
        "a user filter registered as up.*, used as up.anything",
        [append("up.anything", "STREAM_FILTER_READ"), *eof_after("wild\n"), call("fgets", FP)],
        "up.*",
    ),
    _user(
        "feed-me-until-close",
        FEED,
        "FEED_ME until closing: the held data and the "
        "filtername come out when the filter is removed (closing true)",
        [
            append("hold", "STREAM_FILTER_WRITE", assign="f"),
            call("fwrite", FP, "one "),
            call("fwrite", FP, "two"),
            call("fflush", FP),
            remove("f"),
            sleep(0.15),
            call("fread", FP, 100),
        ],
        "hold",
    ),
    _user(
        "feed-me-read-eof",
        FEED,
        "FEED_ME on reads: nothing until EOF (FLUSH_CLOSE)",
        [
            append("hold", "STREAM_FILTER_READ"),
            *eof_after("held back"),
            call("fread", FP, 100),
            call("feof", FP),
        ],
        "hold",
    ),
    _user(
        "err-fatal-read",
        FATAL,
        "PSFS_ERR_FATAL on a read: fread false, the stream at EOF",
        [
            append("fatal", "STREAM_FILTER_READ"),
            *eof_after("data"),
            call("fread", FP, 100),
            call("feof", FP),
            meta(),
        ],
        "fatal",
    ),
    _user(
        "err-fatal-write",
        FATAL,
        "PSFS_ERR_FATAL on a write: fwrite false",
        [append("fatal", "STREAM_FILTER_WRITE"), call("fwrite", FP, "data")],
        "fatal",
    ),
    _user(
        "err-fatal-prebuffered",
        FATAL,
        "appending a failing filter with data buffered: "
        "Filter failed to process pre-buffered data, false",
        [
            *WRITE_THEN_WAIT,
            call("fread", FP, 3),
            append("fatal", "STREAM_FILTER_READ"),
            meta(),
            call("fgets", FP),
        ],
        "fatal",
    ),
    _user(
        "unprocessed-buckets",
        LAZY,
        "PASS_ON without taking the buckets: the warning, "
        "and fwrite returns the consumed count the filter set",
        [append("lazy", "STREAM_FILTER_WRITE"), call("fwrite", FP, "data")],
        "lazy",
    ),
    _user(
        "on-create-false",
        REFUSE,
        "onCreate returning false: the filter is not created",
        [append("refuse", "STREAM_FILTER_READ"), append("refuse", "STREAM_FILTER_READ", [1])],
        "refuse",
    ),
    _user(
        "bucket-new",
        UPPER,
        "stream_bucket_new outside a filter; stream_bucket_make_writeable given a stream",
        [call("stream_bucket_new", FP, "abc"), call("stream_bucket_make_writeable", FP)],
        "upper",
    ),
]
