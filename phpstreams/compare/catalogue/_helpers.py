"""Shorthands shared by the catalogue modules."""

from __future__ import annotations

from .._scenario import Arg, Scenario, Step, call, ref, scenario, var

__all__ = ["UNKNOWN", "E", "S", "client", "fso", "is_res", "remote", "ssc"]

E, S = ref("errno"), ref("errstr")


def ssc(address: Arg, *rest: Arg, timed: bool = False, silenced: bool = False) -> Step:
    """stream_socket_client(address, $errno, $errstr, <rest>) assigned to $fp."""
    args = rest or (1.0,)
    return call(
        "stream_socket_client", address, E, S, *args, assign="fp", timed=timed, silenced=silenced
    )


def fso(host: Arg, *rest: Arg, timed: bool = False, silenced: bool = False) -> Step:
    """fsockopen(host, <port>, $errno, $errstr, <timeout>) assigned to $fp."""
    port, *more = rest or (-1,)
    args = more or [1.0]
    return call("fsockopen", host, port, E, S, *args, assign="fp", timed=timed, silenced=silenced)


def is_res(name: str = "fp") -> Step:
    return call("is_resource", var(name))


def remote(name: str = "fp") -> Step:
    return call("stream_socket_get_name", var(name), True)


def client(
    name: str,
    address: Arg,
    *steps: Step,
    peer: str | None = "refused",
    doc: str = "",
    mask: tuple[str, ...] = (),
    tags: tuple[str, ...] = ("parse",),
) -> Scenario:
    """A stream_socket_client scenario: the call, is_resource, then ``steps``."""
    return scenario(
        name, peer=peer, doc=doc, mask=mask, tags=tags, steps=[ssc(address), is_res(), *steps]
    )


UNKNOWN = ("errno",)  # PHP leaves $errno uninitialised for an unknown transport
