"""Shorthands shared by the runtime-rules catalogues (``args``, ``errors``, ``ini``).

These catalogues pin PHP 8.2's rules around the socket functions rather than the
functions themselves: how coercive typing mode converts each argument
(``_args_*.py``), what an error handler, ``error_reporting`` and ``@`` do with
the diagnostics (``_errors.py``) and the ini directives phpstreams knows
(``_ini.py``).  A scenario calls a function once per value of one class (floats,
numeric strings, null...), so the table shows PHP's verdict for each value in a
row of its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .._scenario import Arg, Scenario, Step, call, const, scenario, var
from ._helpers import E, S, ssc

__all__ = [
    "CTX",
    "FP",
    "NOT_STREAMS",
    "SRV",
    "each",
    "echoed",
    "rule_scenario",
    "server",
    "tcp",
    "vals",
]

FP = var("fp")
SRV = var("srv")
CTX = var("ctx")

# What a stream parameter gets instead of a stream: false and null (the usual
# results of a failed call), and an int, a string and an array.
NOT_STREAMS: tuple[Arg, ...] = (False, None, 0, "fp", [])


def rule_scenario(
    name: str,
    *,
    peer: str | None,
    doc: str,
    steps: Sequence[Step],
    tags: Sequence[str] = (),
    ini: dict[str, str] | None = None,
    mask: Sequence[str] = (),
    timeout: float = 20.0,
) -> Scenario:
    """``scenario(...)`` with the defaults of the runtime-rules catalogues."""
    return scenario(
        name,
        peer=peer,
        doc=doc,
        steps=steps,
        tags=tags,
        ini=ini,
        mask=mask,
        timeout=timeout,
    )


def vals(*values: Arg) -> tuple[Arg, ...]:
    """A typed tuple of argument values (a literal list of mixed values is ``list[object]``)."""
    return values


def tcp(*rest: Arg) -> Step:
    """stream_socket_client("tcp://127.0.0.1:{port}", $errno, $errstr, 1.0) into $fp."""
    return ssc("tcp://127.0.0.1:{port}", *rest)


def server(address: str = "tcp://127.0.0.1:0") -> Step:
    """stream_socket_server(address, $errno, $errstr) into $srv."""
    return call("stream_socket_server", address, E, S, assign="srv")


def each(func: str, values: Iterable[Arg], *before: Arg, after: Sequence[Arg] = ()) -> list[Step]:
    """``func(*before, value, *after)`` once per value."""
    return [call(func, *before, value, *after) for value in values]


def echoed() -> list[Step]:
    """Half-close, then read everything the echo peer sent back: the bytes written."""
    return [
        call("stream_socket_shutdown", FP, const("STREAM_SHUT_WR")),
        call("stream_get_contents", FP),
    ]
