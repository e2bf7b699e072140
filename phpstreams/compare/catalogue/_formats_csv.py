"""fgetcsv and fputcsv over loopback sockets: records spanning lines and TCP
segments, blank lines, the end of the stream, timeouts inside a field, quoting,
the separator/enclosure/escape arguments and their errors, and TLS."""

from __future__ import annotations

from .._scenario import Arg, Call, Scenario, Step, arr, call, const, loop, sleep
from ._formats import FP, formats_scenario, put, tcp, tls_open

__all__ = ["FGETCSV", "FPUTCSV"]


class _Unset:
    """No eol argument given."""


_UNSET = _Unset()
PAUSE = "\x1f"  # the pause_echo peer pauses there (peers/_plain.py PAUSE)


def getcsv(*args: Arg) -> Call:
    return call("fgetcsv", FP, *args)


def putcsv(fields: Arg, *args: Arg, eol: Arg | _Unset = _UNSET) -> Step:
    if isinstance(eol, _Unset):
        return call("fputcsv", FP, fields, *args)
    return call("fputcsv", FP, fields, *args, eol=eol)


def echoed() -> list[Step]:
    """Everything the echo peer sends back: our SHUT_WR (the peer echoes all, then
    closes), then stream_get_contents($fp) to the end -- no race with the echo."""
    return [
        call("stream_socket_shutdown", FP, const("STREAM_SHUT_WR")),
        call("stream_get_contents", FP),
    ]


FGETCSV: list[Scenario] = [
    formats_scenario(
        "fgetcsv/records",
        peer="echo",
        doc="two records, one per line; white space kept, the line ending not",
        steps=[
            tcp(),
            put("a,b,c\n 1 , 2 ,3\r\n"),
            getcsv(),
            getcsv(),
        ],
    ),
    formats_scenario(
        "fgetcsv/blank-line",
        peer="echo",
        doc="a blank line gives [null] (PHP 8.2); a line of spaces is one field",
        steps=[tcp(), put("\n\r\n  \nx\n"), getcsv(), getcsv(), getcsv(), getcsv()],
    ),
    formats_scenario(
        "fgetcsv/quoted-multiline",
        peer="echo",
        doc="an enclosed field spanning lines: the line endings are part of it; "
        "doubled enclosures; text after the closing enclosure kept",
        steps=[
            tcp(),
            put('a,"b\nc\r\nd",e\n"x""y","abc"def,""\n'),
            getcsv(),
            getcsv(),
        ],
    ),
    formats_scenario(
        "fgetcsv/field-split-across-segments",
        peer="pause_echo",
        doc="a quoted field whose lines arrive in separate TCP segments (the peer "
        "pauses between them): fgetcsv waits for each next line",
        steps=[
            tcp(),
            put(f'id,"first line\n{PAUSE}second line\n{PAUSE}third",end\nnext,row\n'),
            getcsv(),
            getcsv(),
        ],
    ),
    formats_scenario(
        "fgetcsv/segment-split-mid-line",
        peer="pause_echo",
        doc="segments cut inside a line, between \\r and \\n and inside a doubled "
        "enclosure: the line is still one line",
        steps=[
            tcp(),
            put(f'a,"b{PAUSE}c""{PAUSE}""d\r{PAUSE}\ne",f{PAUSE}g\n'),
            getcsv(),
            call("stream_get_meta_data", FP),
        ],
    ),
    formats_scenario(
        "fgetcsv/nonblocking-partial-record",
        peer="pause_echo",
        doc="a non-blocking stream: the record's second line has not come yet, so the "
        "open field ends with what there is; the rest is read later as its own line",
        steps=[
            tcp(),
            call("stream_set_blocking", FP, False),
            put(f'a,"b\n{PAUSE}c",d\n'),
            # wait for the first segment only: the second comes PAUSE_SECONDS later
            call("stream_select", arr("r", [FP]), arr("w", None), arr("x", None), 2),
            getcsv(),
            sleep(0.4),
            getcsv(),
            getcsv(),
        ],
    ),
    formats_scenario(
        "fgetcsv/unterminated-at-eof",
        peer="echo",
        doc="an enclosure left open when the peer closes: the rest of the data goes to "
        "the field; then false",
        steps=[
            tcp(),
            put('x,"abc\ndef\n'),
            call("stream_socket_shutdown", FP, const("STREAM_SHUT_WR")),
            getcsv(),
            getcsv(),
            call("feof", FP),
        ],
    ),
    formats_scenario(
        "fgetcsv/unterminated-empty-field-at-eof",
        peer="echo",
        doc="an enclosure opened at the very end of the data: PHP 8.2 copies the byte "
        "past it again (the field is its line ending twice)",
        steps=[
            tcp(),
            put('x,"\n'),
            call("stream_socket_shutdown", FP, const("STREAM_SHUT_WR")),
            getcsv(),
            getcsv(),
        ],
    ),
    formats_scenario(
        "fgetcsv/timeout-inside-field",
        peer="echo",
        doc="the next line of an open field does not come within the timeout: the "
        "field ends there; timed_out is set",
        steps=[
            tcp(),
            call("stream_set_timeout", FP, 0, 300000),
            put('1,"open\n'),
            getcsv(),
            call("stream_get_meta_data", FP),
            getcsv(),
        ],
    ),
    formats_scenario(
        "fgetcsv/end-of-stream",
        peer="lines",
        doc="the peer's lines then FIN: a blank line is [null], the last line has no "
        "newline, then false",
        steps=[tcp(), loop(getcsv(), until=False, max=8), call("feof", FP)],
    ),
    formats_scenario(
        "fgetcsv/escape-character",
        peer="echo",
        doc="the escape character keeps an enclosure from closing and stays in the "
        "field; an empty escape turns that off; a custom one",
        steps=[
            tcp(),
            put('"a\\"b",c\n"a\\"b",c\n"a#"b",c\n'),
            getcsv(),
            getcsv(None, ",", '"', ""),
            getcsv(None, ",", '"', "#"),
        ],
    ),
    formats_scenario(
        "fgetcsv/separator-enclosure",
        peer="echo",
        doc="a ';' separator, a \"'\" enclosure, a tab separator",
        steps=[
            tcp(),
            put("a;'b;c';d\nx\ty z\t'q'\n"),
            getcsv(0, ";", "'"),
            call("fgetcsv", FP, separator="\t", enclosure="'"),
        ],
    ),
    formats_scenario(
        "fgetcsv/length",
        peer="echo",
        doc="a length limits the first line read to that many bytes; 0 means no limit",
        steps=[
            tcp(),
            put("abcdef,ghi\nxyz,1\n"),
            getcsv(4),
            getcsv(4),
            getcsv(0),
            getcsv(),
        ],
    ),
    formats_scenario(
        "fgetcsv/argument-errors",
        peer="echo",
        doc="separator, enclosure and escape must be single characters, length not "
        "negative (ValueErrors, checked before the stream); null is deprecated",
        steps=[
            tcp(),
            put("a,b\n"),
            getcsv(None, ""),
            getcsv(None, ",,"),
            getcsv(None, ",", ""),
            getcsv(None, ",", '"', "ab"),
            getcsv(-1),
            getcsv("x"),
            getcsv(None, None),
            getcsv(),
            call("fclose", FP),
            getcsv(-1),
            getcsv(),
        ],
    ),
    formats_scenario(
        "fgetcsv/utf8",
        peer="echo",
        doc="UTF-8 text in fields (PHP reads characters with C.UTF-8's mblen)",
        steps=[tcp(), put('é,"ü, ö",naïve\n'), getcsv()],
    ),
    formats_scenario(
        "fgetcsv/tls-multiline",
        peer="tls_echo",
        doc="fgetcsv on a TLS stream: a quoted field over two records",
        tags=("tls",),
        steps=[
            *tls_open(),
            put('k,"v1\n'),
            put('v2",z\n'),
            getcsv(),
        ],
    ),
]

FPUTCSV: list[Scenario] = [
    formats_scenario(
        "fputcsv/quoting",
        peer="echo",
        doc="fields with a separator, enclosure, escape, space, tab, CR or LF are "
        "enclosed, enclosures doubled unless escaped",
        steps=[
            tcp(),
            putcsv(["plain", "a b", "c,d", 'e"f', 'g\\"h', "i\nj", "k\tl", "m\rn", "o\\p", ""]),
            *echoed(),
        ],
    ),
    formats_scenario(
        "fputcsv/value-types",
        peer="echo",
        doc="null, booleans, ints and floats as PHP's strings (precision 14); keys of "
        "the array are ignored",
        steps=[
            tcp(),
            putcsv({"x": None, "y": True, "z": False, "5": 12, "6": 0.1, "7": -0.0}),
            putcsv([1e100, 1.5, 2.0, 1 / 3]),
            *echoed(),
        ],
    ),
    formats_scenario(
        "fputcsv/eol",
        peer="echo",
        doc="the eol argument: \\r\\n, an empty one, null (a \\n, no deprecation), an int coerced",
        steps=[
            tcp(),
            putcsv(["a"], ",", '"', "\\", "\r\n"),
            putcsv(["b"], eol=""),
            putcsv(["c"], ",", '"', "\\", None),
            putcsv(["d"], eol=7),
            putcsv([]),
            *echoed(),
        ],
    ),
    formats_scenario(
        "fputcsv/separator-enclosure-escape",
        peer="echo",
        doc="a ';' separator and \"'\" enclosure; an empty escape doubles every enclosure",
        steps=[
            tcp(),
            putcsv(["a'b", "c d", "e;f"], ";", "'"),
            putcsv(['x\\"y', "z"], ",", '"', ""),
            *echoed(),
        ],
    ),
    formats_scenario(
        "fputcsv/errors",
        peer="echo",
        doc="ValueErrors for the separator, enclosure and escape; TypeErrors for the "
        "fields and the eol; an array field: 'Array to string conversion'",
        steps=[
            tcp(),
            putcsv(["a"], ""),
            putcsv(["a"], ",", "xx"),
            putcsv(["a"], ",", '"', "ab"),
            putcsv("x"),
            putcsv(["a"], eol=[]),
            putcsv([["nested"], "b"]),
            *echoed(),
            call("fclose", FP),
            putcsv(["a"]),
            putcsv(["a"], ""),
        ],
    ),
    formats_scenario(
        "fputcsv/write-after-shutdown",
        peer="echo",
        doc="fputcsv after our own SHUT_WR: PHP's notice (Send of N bytes failed with "
        "errno=32 Broken pipe) and false",
        steps=[
            tcp(),
            call("stream_socket_shutdown", FP, const("STREAM_SHUT_WR")),
            putcsv(["a", "b c"]),
        ],
    ),
    formats_scenario(
        "fputcsv/round-trip",
        peer="echo",
        doc="what fputcsv writes, fgetcsv reads back field for field",
        steps=[
            tcp(),
            putcsv(["multi\nline", 'say "hi"', "a,b", " pad "]),
            getcsv(),
        ],
    ),
    formats_scenario(
        "fputcsv/tls",
        peer="tls_echo",
        doc="fputcsv on a TLS stream, read back with fgets",
        tags=("tls",),
        steps=[*tls_open(), putcsv(["tls", "a b"]), call("fgets", FP)],
    ),
]
