"""``Ref``: the box that stands for a PHP by-reference parameter."""

from __future__ import annotations

from typing import Any, final

__all__ = ["Ref"]


@final
class Ref:
    """A by-reference slot: ``errno = Ref(); fsockopen(..., errno)``; then ``errno.value``."""

    __slots__ = ("value",)

    def __init__(self, value: Any = None) -> None:
        self.value = value

    def __repr__(self) -> str:
        return f"Ref({self.value!r})"


def assign(slot: Ref | None, value: Any) -> None:
    """Assign through a by-reference parameter the caller may have left out."""
    if slot is not None:
        slot.value = value
