"""Shorthands shared by the TLS catalogue modules (``_tls_*.py``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .._scenario import Arg, Scenario, Step, call, const, ref, scenario, var

__all__ = [
    "CTX",
    "FP",
    "SRV",
    "E",
    "S",
    "close",
    "connect",
    "context",
    "enable",
    "fgets",
    "fwrite",
    "meta",
    "ssl_options",
    "tls_scenario",
]

FP, CTX, SRV = var("fp"), var("ctx"), var("srv")
E, S = ref("errno"), ref("errstr")


def tls_scenario(
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
    """``scenario(...)`` tagged ``tls`` (the TLS peer kinds are in ``peers/_tls*``)."""
    return scenario(
        name,
        peer=peer,
        doc=doc,
        steps=steps,
        tags=("tls", *tags),
        ini=ini,
        mask=mask,
        timeout=timeout,
    )


def context(ssl: dict[str, Any] | None = None, **wrappers: dict[str, Any]) -> Step:
    """$ctx = stream_context_create(["ssl" => ssl, <other wrappers>])."""
    options: dict[str, Any] = {}
    if ssl is not None:
        options["ssl"] = ssl
    options.update(wrappers)
    return call("stream_context_create", options, assign="ctx")


def connect(
    url: Arg = "ssl://127.0.0.1:{port}",
    timeout: Arg = 5.0,
    flags: Arg = None,
    *,
    ctx: bool = True,
    timed: bool = False,
) -> Step:
    """$fp = stream_socket_client(url, $errno, $errstr, timeout, CONNECT, $ctx)."""
    args: list[Arg] = [url, E, S, timeout]
    if ctx or flags is not None:
        args.append(const("STREAM_CLIENT_CONNECT") if flags is None else flags)
    if ctx:
        args.append(CTX)
    return call("stream_socket_client", *args, assign="fp", timed=timed)


def ssl_options(name: str = "ctx") -> Step:
    """stream_context_get_options($ctx) (the captured certificates show up here)."""
    return call("stream_context_get_options", var(name))


def meta(name: str = "fp") -> Step:
    return call("stream_get_meta_data", var(name))


def fgets(name: str = "fp") -> Step:
    return call("fgets", var(name))


def fwrite(data: Arg, name: str = "fp") -> Step:
    return call("fwrite", var(name), data)


def close(name: str = "fp") -> Step:
    return call("fclose", var(name))


def enable(method: Arg = None, *, name: str = "fp", flag: bool = True, timed: bool = False) -> Step:
    """stream_socket_enable_crypto($name, flag[, method])."""
    args: list[Arg] = [var(name), flag]
    if method is not None:
        args.append(const(method) if isinstance(method, str) else method)
    return call("stream_socket_enable_crypto", *args, timed=timed)
