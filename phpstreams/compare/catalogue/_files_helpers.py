"""Shorthands shared by the files catalogue modules (``_files_*.py``)."""

from __future__ import annotations

from collections.abc import Sequence

from .._scenario import Arg, Scenario, Step, call, const, scenario, show, var

__all__ = [
    "FP",
    "SEEK_CUR",
    "SEEK_END",
    "F",
    "M",
    "T",
    "files_scenario",
    "fo",
    "meta",
    "stat_fields",
    "tell",
]

FP, M, T, F = var("fp"), var("m"), var("t"), var("f")


def files_scenario(
    name: str,
    *,
    doc: str,
    steps: Sequence[Step],
    peer: str | None = "none",
    tags: Sequence[str] = (),
    php_extensions: Sequence[str] = (),
    timeout: float = 20.0,
) -> Scenario:
    """``scenario(...)`` tagged ``files``; file paths live in the peer's ``{tmp}``."""
    return scenario(
        name,
        peer=peer,
        doc=doc,
        steps=steps,
        tags=("files", *tags),
        php_extensions=php_extensions,
        timeout=timeout,
    )


def fo(filename: Arg, mode: Arg, name: str = "f") -> Step:
    """$name = fopen(filename, mode)."""
    return call("fopen", filename, mode, assign=name)


def tell(name: str = "fp") -> Step:
    return call("ftell", var(name))


def meta(name: str = "fp") -> Step:
    return call("stream_get_meta_data", var(name))


def stat_fields(name: str, *keys: int | str) -> list[Step]:
    """$st = fstat($name), then the fields that do not vary between runs."""
    st = var("st")
    return [
        call("fstat", var(name), assign="st", masked=True),
        show([st[key] for key in keys]),
    ]


SEEK_CUR, SEEK_END = const("SEEK_CUR"), const("SEEK_END")
