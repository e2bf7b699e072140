"""fscanf, fgetcsv, fputcsv on socket streams: php-src ext/standard/file.c.

The parsing is sans-IO (:mod:`..core.scanf`, :mod:`..core.csv`); here are the
PHP functions around it: their argument checks, in PHP's order, the lines
they read (``Stream.get_line``, as php_stream_get_line) and the line fputcsv
writes.
"""

from __future__ import annotations

from typing import Any, Literal, cast

from ..core.arguments import php_function
from ..core.coercion import Site, coerce_string, php_string
from ..core.csv import format_csv, parse_csv
from ..core.diagnostics import notice
from ..core.errors import strerror
from ..core.ref import Ref
from ..core.resources import Resource
from ..core.scanf import ScanValue, scan
from ..core.stream import Stream, StreamResource, require_stream
from .signatures import STUBS

__all__ = ["fgetcsv", "fputcsv", "fscanf"]

Text = str | bytes  # a PHP string argument (the body gets bytes)
_LONG_MAX = 2**63 - 1
_EOL = Site("fputcsv", 6, "eol", ("string", "null"), "?string", True, False, (), True)


def _file_handle(stream: StreamResource) -> Stream:
    """zend_fetch_resource2(..., "File-Handle", ...): fscanf's own message."""
    if isinstance(stream, StreamResource) and stream.stream is not None:
        return stream.stream
    if isinstance(stream, Resource):
        raise TypeError("fscanf(): supplied resource is not a valid File-Handle resource")
    return require_stream("fscanf", stream)


@php_function(STUBS["fscanf"], binary=("format",))
def fscanf(
    stream: StreamResource, format: Text, *vars: Ref
) -> list[ScanValue] | int | Literal[False] | None:
    """PHP's ``fscanf()``: one line of the stream, scanned by ``format``.

    ``function fscanf(resource $stream, string $format, mixed &...$vars): array|int|false|null``

    Without ``vars``, returns the list of values (``int``, ``float``, ``bytes``;
    ``None`` for those no conversion reached), or ``None`` when the line ended
    before the first conversion. With ``vars`` (each a :class:`Ref`), assigns
    them and returns the number of conversions made, or -1. ``False`` when no
    line could be read (the end of the stream, a timeout with nothing read).
    The line is read before the format is checked, as in PHP: a bad format
    (PHP's ValueError) still consumes it.
    See https://www.php.net/manual/en/function.fscanf.php
    """
    s = _file_handle(stream)
    line = s.get_line(None)
    if line is None:
        return False
    result, assigned = scan(line, cast(bytes, format), len(vars))  # bytes: binary=
    for index, value in assigned.items():
        vars[index].value = value
    return result


def _single(function: str, number: int, name: str, text: Text, empty_ok: bool) -> int | None:
    """A separator/enclosure/escape argument: its byte (None for an empty escape)."""
    value = cast(bytes, text)  # the argument layer delivers them as bytes (binary=)
    if len(value) == 1:
        return value[0]
    if empty_ok and not value:
        return None
    what = "empty or a single character" if empty_ok else "a single character"
    raise ValueError(f"{function}(): Argument #{number} (${name}) must be {what}")


@php_function(STUBS["fgetcsv"], binary=("separator", "enclosure", "escape"))
def fgetcsv(
    stream: StreamResource,
    length: int | None = None,
    separator: Text = b",",
    enclosure: Text = b'"',
    escape: Text = b"\\",
) -> list[bytes | None] | Literal[False]:
    """PHP's ``fgetcsv()``: the fields of the next CSV record of the stream.

    ``function fgetcsv(resource $stream, ?int $length = null, string $separator = ",",
    string $enclosure = "\\"", string $escape = "\\\\"): array|false``

    Returns a ``list`` of ``bytes`` -- ``[None]`` for a blank line, as PHP's
    ``[null]`` -- or ``False`` at the end of the stream (or a timeout with
    nothing read). An enclosed field spanning lines reads the next lines as it
    needs them. ``length`` limits only the first line read (0 or None: no limit).
    See https://www.php.net/manual/en/function.fgetcsv.php
    """
    delimiter = _single("fgetcsv", 3, "separator", separator, False)
    quote = _single("fgetcsv", 4, "enclosure", enclosure, False)
    escape_char = _single("fgetcsv", 5, "escape", escape, True)
    if length is not None and not 0 <= length <= _LONG_MAX - 1:
        raise ValueError(f"fgetcsv(): Argument #2 ($length) must be between 0 and {_LONG_MAX - 1}")
    s = require_stream("fgetcsv", stream)
    line = s.get_line(None if not length else length + 1)
    if line is None:
        return False
    assert delimiter is not None and quote is not None
    values = parse_csv(line, delimiter, quote, escape_char, lambda: s.get_line(None))
    return [None] if values is None else list(values)


@php_function(STUBS["fputcsv"], binary=("separator", "enclosure", "escape"), unchecked=("eol",))
def fputcsv(
    stream: StreamResource,
    fields: list[Any] | dict[Any, Any],
    separator: Text = b",",
    enclosure: Text = b'"',
    escape: Text = b"\\",
    eol: Text | None = "\n",
) -> int | Literal[False]:
    """PHP's ``fputcsv()``: writes ``fields`` as one CSV line; returns its length.

    ``function fputcsv(resource $stream, array $fields, string $separator = ",",
    string $enclosure = "\\"", string $escape = "\\\\", string $eol = "\\n"): int|false``

    Returns the bytes written (``int``), ``False`` when nothing could be. Each
    field is PHP's string of the value (``None`` is ``""``, ``True`` ``"1"``, a
    float with ``precision``). A field holding the separator, the enclosure, the
    escape character, a space, ``\\t``, ``\\r`` or ``\\n`` is enclosed, its
    enclosures doubled unless escaped. ``eol`` None means ``"\\n"`` (PHP takes
    null there without a deprecation).
    See https://www.php.net/manual/en/function.fputcsv.php
    """
    delimiter = _single("fputcsv", 3, "separator", separator, False)
    quote = _single("fputcsv", 4, "enclosure", enclosure, False)
    escape_char = _single("fputcsv", 5, "escape", escape, True)
    ending = None if eol is None else bytes(coerce_string(_EOL, eol))  # type: ignore[call-overload]
    s = require_stream("fputcsv", stream)
    items = fields.values() if isinstance(fields, dict) else fields
    texts = [php_string(v).encode("utf-8", "surrogateescape") for v in items]
    assert delimiter is not None and quote is not None
    line = format_csv(texts, delimiter, quote, escape_char, ending)
    written, error = s.write(line)
    if error:
        # php-src main/streams/xp_socket.c: php_sockop_write
        notice(
            f"fputcsv(): Send of {len(line) - written} bytes failed with "
            f"errno={error} {strerror(error)}"
        )
        if written == 0:
            return False
    return written
