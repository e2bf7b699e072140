"""``stream_select``: php-src ext/standard/streamsfuncs.c (see core/selecting.py)."""

from __future__ import annotations

from typing import Literal

from ..core.arguments import php_function
from ..core.selecting import StreamArray, select_streams
from .signatures import STUBS

__all__ = ["stream_select"]


@php_function(STUBS["stream_select"])
def stream_select(
    read: StreamArray,
    write: StreamArray,
    except_: StreamArray,
    seconds: int | None,
    microseconds: int | None = None,
) -> int | Literal[False]:
    """PHP's ``stream_select()``: lists are mutated in place; None stands for null.

    ``function stream_select(?array &$read, ?array &$write, ?array &$except, ?int $seconds,
        ?int $microseconds = null): int|false``

    Returns ``int | False`` in Python (PHP's ``false`` is ``False``).
    See https://www.php.net/manual/en/function.stream-select.php
    """
    return select_streams(read, write, except_, seconds, microseconds)
