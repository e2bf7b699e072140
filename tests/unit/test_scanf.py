"""The scanf engine (core/scanf.py) without sockets: each expected value is what
PHP 8.2's sscanf() returned for the same input and format (php -n)."""

from __future__ import annotations

import pytest

from phpstreams.core.scanf import scan, validate_format

NULL = None

ARRAY_FORM = [
    (b"12 abc", b"%d %s", [12, b"abc"]),
    (b"0x1f 017 10", b"%i %i %i", [31, 15, 10]),
    (b"-5", b"%u", [b"18446744073709551611"]),
    (b"1.5e3x", b"%f%s", [1500.0, b"x"]),
    (b"abc", b"%d", [NULL]),
    (b"", b"%d", NULL),
    (b"  ", b"%d", NULL),
    (b"12", b"%d %d", [12, NULL]),
    (b"abc123", b"%[^0-9]%n%d", [b"abc", 3, 123]),
    (b"a b", b"%2$s %1$s", [b"b", b"a"]),
    (b"hello", b"%2$s %1$s", [NULL, b"hello"]),
    (b"1e+", b"%f%s", [1.0, b"e+"]),
    (b"0xg", b"%i%s", [0, b"xg"]),
    (b"12 34", b"%*d %d", [34]),
    (b"99999999999999999999", b"%d", [9223372036854775807]),
    (b"-99999999999999999999", b"%d", [-9223372036854775808]),
    (b"18446744073709551615", b"%u", [b"18446744073709551615"]),
    (b" a b", b"%c%c", [b"", b""]),  # PHP: %c stops at white space
    (b"abc", b"%5c", [b"abc"]),
    (b"a%b", b"a%%b", []),
    (b"ab", b"%[]a]", [b"a"]),
    (b"a-b", b"%[a-]", [b"a-"]),
    (b"089", b"%o%s", [0, b"89"]),
    (b"x", b"x%d", NULL),
    (b"y", b"x%d", [NULL]),
    (b"1\x00 2", b"%d %d", [1, NULL]),
    (b"1 2", b"%d\x00%d", [1]),
    (b"zz", b"%[z-a]", [b"zz"]),
    (b"%3$d", b"%3$d", [NULL, NULL, NULL]),
    (b"-.e", b"%f", [NULL]),
    (b".5", b"%f", [0.5]),
]


@pytest.mark.parametrize(("string", "format", "expected"), ARRAY_FORM)
def test_array_form_is_phps(string: bytes, format: bytes, expected: object) -> None:
    result, assigned = scan(string, format, 0)
    assert result == expected
    assert assigned == {}
    if isinstance(expected, list):
        assert [type(v) for v in result] == [type(v) for v in expected]  # type: ignore[union-attr]


def test_by_reference_counts_conversions_and_assigns_the_slots_reached() -> None:
    assert scan(b"12 abc", b"%d %d", 2) == (1, {0: 12})
    assert scan(b"12 apples 0.25", b"%d %s %f", 3) == (3, {0: 12, 1: b"apples", 2: 0.25})
    assert scan(b"", b"%d", 1) == (-1, {})
    assert scan(b"abc", b"%d", 1) == (0, {})
    # PHP: a suppressed conversion counts
    assert scan(b"1 2", b"%*d %d", 1) == (2, {0: 2})
    assert scan(b"a b", b"%2$s %1$s", 2) == (2, {1: b"a", 0: b"b"})


ERRORS = [
    (b"%z", 0, 'Bad scan conversion character "z"'),
    (b"%", 0, 'Bad scan conversion character "'),  # PHP: cut at the NUL
    (b"%5", 1, 'Bad scan conversion character "'),
    (b"%[abc", 0, "Unmatched [ in format string"),
    (b"%[^", 0, "Unmatched [ in format string"),
    (b"%[]", 0, "Unmatched [ in format string"),
    (b"%1$d %d", 0, 'cannot mix "%" and "%n$" conversion specifiers'),
    (b"%d %1$d", 2, 'cannot mix "%" and "%n$" conversion specifiers'),
    (b"%0$d", 0, '"%n$" argument index out of range'),
    (b"%3$d", 2, '"%n$" argument index out of range'),
    (b"%256$d", 0, '"%n$" argument index out of range'),
    (b"%1$d %1$d", 0, 'Variable is assigned by multiple "%n$" conversion specifiers'),
    (b"%d %d", 1, "Different numbers of variable names and field specifiers"),
    (b"%d", 2, "Variable is not assigned by any conversion specifiers"),
]


@pytest.mark.parametrize(("format", "count", "message"), ERRORS)
def test_bad_formats_raise_phps_value_errors(format: bytes, count: int, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        validate_format(format, count)
    assert str(caught.value) == message


def test_validate_format_counts_the_values() -> None:
    assert validate_format(b"%d %s %*d %n", 0) == 3
    assert validate_format(b"%4$s", 0) == 4
    assert validate_format(b"%%", 0) == 0
    assert validate_format(b"%d", 1) == 1
