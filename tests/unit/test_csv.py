"""The CSV engine (core/csv.py) without sockets: each expected value is what PHP
8.2's fgetcsv()/fputcsv() gave for the same data (php -n, php://memory)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from phpstreams.core.csv import format_csv, parse_csv


def _lines(data: bytes) -> list[bytes]:
    """The data cut as php_stream_get_line cuts it: after each \\n."""
    out = []
    while data:
        cut = data.find(b"\n")
        out.append(data if cut < 0 else data[: cut + 1])
        data = b"" if cut < 0 else data[cut + 1 :]
    return out


def records(data: bytes, sep: bytes = b",", enc: bytes = b'"', esc: bytes = b"\\") -> list[object]:
    """fgetcsv() until false over ``data``."""
    lines = iter(_lines(data))
    following: Callable[[], bytes | None] = lambda: next(lines, None)  # noqa: E731
    out: list[object] = []
    while (line := following()) is not None:
        fields = parse_csv(line, sep[0], enc[0], esc[0] if esc else None, following)
        out.append([None] if fields is None else fields)
    return out


CASES = [
    (b"a,b,c\n", [[b"a", b"b", b"c"]]),
    (b"\n", [[None]]),
    (b"\r\n", [[None]]),
    (b"  \n", [[b"  "]]),
    (b'a,"b\nc",d\ne\n', [[b"a", b"b\nc", b"d"], [b"e"]]),
    (b'"unterminated\nline2\n', [[b"unterminated\nline2\n"]]),
    (b'"abc"def,g\n', [[b"abcdef", b"g"]]),
    (b'"a\\"b",c\n', [[b'a\\"b', b"c"]]),
    (b'  "x"  ,y\n', [[b"x  ", b"y"]]),
    (b"a , b ,c  \n", [[b"a ", b" b ", b"c  "]]),
    (b'x,""\n', [[b"x", b""]]),
    (b"x,\n", [[b"x", b""]]),
    (b'""""\n', [[b'"']]),
    (b"a\rb\n", [[b"a\rb"]]),
    (b'"a""b"\r\n', [[b'a"b']]),
    (b"last", [[b"last"]]),
    (b'"a\nb', [[b"a\nb"]]),
    # PHP 8.2: an enclosure open at the very end copies the byte after it again
    (b'"\n', [[b"\n\n"]]),
    (b'"', [[b"\x00"]]),
    # PHP's C.UTF-8 mblen: an invalid byte hides from the line-ending lookup
    (b" ba\r\xe9,x\n", [[b" ba\r", b"x"]]),
    (b"x\r\xc3\xa9\n", [[b"x\r\xc3\xa9"]]),
]


@pytest.mark.parametrize(("data", "expected"), CASES)
def test_fgetcsv_records_are_phps(data: bytes, expected: list[object]) -> None:
    assert records(data) == expected


def test_no_escape_and_other_characters() -> None:
    assert records(b'"a\\"b",c\n', esc=b"") == [[b'a\\b"', b"c"]]
    assert records(b"'a,b',c\n", enc=b"'") == [[b"a,b", b"c"]]
    assert records(b"a;b\n", sep=b";") == [[b"a", b"b"]]


def test_the_next_line_is_asked_for_only_inside_an_open_field() -> None:
    asked: list[int] = []

    def following() -> bytes | None:
        asked.append(1)
        return b'second",z\n'

    assert parse_csv(b"a,b\n", 44, 34, 92, following) == [b"a", b"b"]
    assert asked == []
    assert parse_csv(b'x,"first\n', 44, 34, 92, following) == [b"x", b"first\nsecond", b"z"]
    assert asked == [1]


def test_fputcsv_lines_are_phps() -> None:
    fields = [b"a", b"b c", b"d,e", b'f"g', b'h\\"i', b"j\nk", b"l\tm", b"", b"1"]
    assert format_csv(fields, 44, 34, 92, None) == (
        b'a,"b c","d,e","f""g","h\\"i","j\nk","l\tm",,1\n'
    )
    assert format_csv([b"a\\b", b"x"], 44, 34, 92, None) == b'"a\\b",x\n'
    assert format_csv([b"a\\b", b"x"], 44, 34, None, None) == b"a\\b,x\n"
    assert format_csv([b"a"], 44, 34, 92, b"\r\n") == b"a\r\n"
    assert format_csv([b"a"], 44, 34, 92, b"") == b"a"
    assert format_csv([], 44, 34, 92, None) == b"\n"
    assert format_csv([b"a'b", b"c d"], 59, 39, 92, None) == b"'a''b';'c d'\n"
