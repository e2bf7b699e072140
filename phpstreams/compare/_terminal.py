"""Terminal output for the command line: colours, side-by-side columns, a progress bar.

Colour is used only when asked for and the stream is a terminal (``NO_COLOR``
and ``TERM=dumb`` turn it off too); box-drawing glyphs fall back to ASCII when
the stream's encoding cannot show them.  The progress bar draws on stderr, on a
terminal only, and erases itself when done, so piped output stays clean.
"""

from __future__ import annotations

import os
import shutil
import textwrap
from collections.abc import Sequence
from typing import TextIO

__all__ = ["Progress", "Style", "side_by_side", "terminal_width", "wrap"]

_RESET = "\033[0m"
_CODES = {"red": "31", "green": "32", "yellow": "33", "dim": "2", "bold": "1"}


def _is_tty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _can_encode(stream: TextIO, text: str) -> bool:
    try:
        text.encode(getattr(stream, "encoding", None) or "ascii")
    except (UnicodeEncodeError, LookupError):
        return False
    return True


class Style:
    """ANSI colours (or none) and the glyphs a stream can show."""

    def __init__(self, colour: bool, unicode: bool = True) -> None:
        self.colour = colour
        self.bar = "│" if unicode else "|"
        self.same = "✓" if unicode else "ok"
        self.differs = "✗" if unicode else "x"
        self.rule = "─" if unicode else "-"

    @classmethod
    def for_stream(cls, stream: TextIO, no_color: bool = False) -> Style:
        colour = (
            not no_color
            and "NO_COLOR" not in os.environ
            and os.environ.get("TERM") != "dumb"
            and _is_tty(stream)
        )
        return cls(colour, _can_encode(stream, "│✓✗─"))

    def paint(self, text: str, colour: str | None) -> str:
        if not self.colour or colour is None or not text:
            return text
        return f"\033[{_CODES[colour]}m{text}{_RESET}"


def terminal_width(stream: TextIO, default: int = 120) -> int:
    if _is_tty(stream):
        return max(60, shutil.get_terminal_size((default, 24)).columns)
    return default


def wrap(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` characters; nothing is dropped, blank lines kept."""
    width = max(1, width)
    out: list[str] = []
    for line in text.split("\n"):
        out += textwrap.wrap(
            line,
            width,
            break_long_words=True,
            break_on_hyphens=False,
            replace_whitespace=False,
        ) or [""]
    return [piece.rstrip() for piece in out]


def side_by_side(
    cells: Sequence[Sequence[str]],
    widths: Sequence[int],
    style: Style,
    colours: Sequence[str | None] = (),
    separator: str | None = None,
) -> list[str]:
    """One table row: each cell's lines wrapped to its width, cells joined line by line."""
    sep = f" {style.bar} " if separator is None else separator
    columns = [
        [piece for line in cell for piece in wrap(line, w)]
        for cell, w in zip(cells, widths, strict=True)
    ]
    height = max((len(c) for c in columns), default=0)
    rows = []
    for k in range(height):
        parts = []
        for n, (column, w) in enumerate(zip(columns, widths, strict=True)):
            text = column[k] if k < len(column) else ""
            colour = colours[n] if n < len(colours) else None
            last = n == len(columns) - 1
            parts.append(style.paint(text if last else text.ljust(w), colour))
        rows.append(sep.join(parts).rstrip())
    return rows


class Progress:
    """``[#####.....] 37/222 connect/refused`` on stderr, redrawn in place (tty only)."""

    def __init__(self, total: int, stream: TextIO, enabled: bool | None = None) -> None:
        self.total = total
        self.done = 0
        self.stream = stream
        self.enabled = _is_tty(stream) if enabled is None else enabled
        self._width = terminal_width(stream, 80)

    def advance(self, label: str = "") -> None:
        self.done += 1
        if not self.enabled:
            return
        size = 24
        filled = size * self.done // max(1, self.total)
        head = f"[{'#' * filled}{'.' * (size - filled)}] {self.done}/{self.total} "
        line = head + label[: max(0, self._width - len(head) - 1)]
        self.stream.write("\r\033[K" + line)
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\r\033[K")
            self.stream.flush()
