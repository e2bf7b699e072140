"""Shorthands shared by the I/O catalogue modules (``_io_*.py``)."""

from __future__ import annotations

from collections.abc import Sequence

from .._scenario import Arg, Scenario, Step, call, const, scenario, var
from ._helpers import ssc

__all__ = [
    "FP",
    "io_scenario",
    "meta",
    "nonblocking",
    "shut",
    "tcp",
    "timeout",
    "udp",
    "unix",
]

FP = var("fp")


def io_scenario(
    name: str,
    *,
    peer: str | None,
    doc: str,
    steps: Sequence[Step],
    tags: Sequence[str] = ("io",),
    ini: dict[str, str] | None = None,
    mask: Sequence[str] = (),
    timeout: float = 20.0,
) -> Scenario:
    """``scenario(...)`` with the io catalogue's tag."""
    return scenario(
        name,
        peer=peer,
        doc=doc,
        steps=steps,
        tags=("io", *tags) if "io" not in tags else tags,
        ini=ini,
        mask=mask,
        timeout=timeout,
    )


def tcp(*rest: Arg, timed: bool = False) -> Step:
    """stream_socket_client("tcp://127.0.0.1:{port}", ...) into $fp."""
    return ssc("tcp://127.0.0.1:{port}", *rest, timed=timed)


def udp(*rest: Arg) -> Step:
    """stream_socket_client("udp://127.0.0.1:{port}", ...) into $fp."""
    return ssc("udp://127.0.0.1:{port}", *rest)


def unix(*rest: Arg) -> Step:
    """stream_socket_client("unix://{path}", ...) into $fp."""
    return ssc("unix://{path}", *rest)


def meta(name: str = "fp") -> Step:
    """stream_get_meta_data($name): timed_out, blocked, eof, unread_bytes..."""
    return call("stream_get_meta_data", var(name))


def timeout(seconds: int = 0, microseconds: int | None = 300000, name: str = "fp") -> Step:
    """stream_set_timeout($name, seconds[, microseconds])."""
    if microseconds is None:
        return call("stream_set_timeout", var(name), seconds)
    return call("stream_set_timeout", var(name), seconds, microseconds)


def nonblocking(name: str = "fp") -> Step:
    return call("stream_set_blocking", var(name), False)


def shut(mode: str, name: str = "fp") -> Step:
    return call("stream_socket_shutdown", var(name), const(mode))
