"""Tracing: each PHP call a ported script makes, one line each, as PHP would write it.

Theory of operation: ``PHPSTREAMS_TRACE`` (read once, at import) decides at
decoration time: when it is unset (or ``0``), :func:`php_function
<phpstreams.core.arguments.php_function>` returns exactly its generated wrapper
and this module costs nothing. When it is set, each facade function is wrapped
once more by :func:`traced`, which writes, for each outermost PHP call::

    fsockopen("127.0.0.1", 1, $errno, $errstr, 1) = false  errno=111 errstr="Connection \
    refused"  E_WARNING fsockopen(): Unable to connect to 127.0.0.1:1 (Connection refused)

(one line, cut here),

the arguments as PHP literals (a ``Ref`` or a resource as the caller's variable name
when the caller's frame has one), the result, the by-reference values after the
call and every diagnostic the call emitted (:mod:`.diagnostics` hands them to
:data:`diagnostics.tap <phpstreams.core.diagnostics>`). The lines go to stderr, or to
the file named by ``PHPSTREAMS_TRACE_FILE`` (``python -m phpstreams trace -o FILE``).
"""

from __future__ import annotations

import functools
import math
import os
import sys
from collections.abc import Callable
from typing import IO, Any, TypeVar

from . import diagnostics
from .ref import Ref

__all__ = ["ENABLED", "php_literal", "trace_line", "traced"]

ENABLED = os.environ.get("PHPSTREAMS_TRACE", "") not in ("", "0")
_MAX_STRING = 80
_LEVELS = {
    diagnostics.E_WARNING: "E_WARNING",
    diagnostics.E_NOTICE: "E_NOTICE",
    diagnostics.E_DEPRECATED: "E_DEPRECATED",
}
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v", "\f": "\\f", "\x1b": "\\e"}
_ESCAPES.update({"\\": "\\\\", '"': '\\"', "$": "\\$"})

# Secrets never reach a trace line: the ssl context's passphrase (wherever a dict
# carries one: stream_context_create's options, stream_context_get_options' result)
# and anything that holds a PEM private key are shown as these placeholders.
_SECRET_KEYS = frozenset({"passphrase"})
_REDACTED = '"<passphrase hidden>"'
_REDACTED_KEY = '"<private key hidden>"'


def _is_private_key(value: str | bytes | bytearray | memoryview) -> bool:
    data = value.encode("utf-8", "surrogateescape") if isinstance(value, str) else bytes(value)
    return b"PRIVATE KEY-----" in data


F = TypeVar("F", bound=Callable[..., Any])
_depth = 0
_out: IO[str] | None = None


def _string(value: str | bytes | bytearray | memoryview) -> str:
    data = value.encode("utf-8", "surrogateescape") if isinstance(value, str) else bytes(value)
    cut = len(data) > _MAX_STRING
    text = data[:_MAX_STRING].decode("latin-1")
    body = "".join(
        _ESCAPES.get(ch) or (ch if " " <= ch < "\x7f" else f"\\x{ord(ch):02x}") for ch in text
    )
    return f'"{body}"' + (f"...({len(data)} bytes)" if cut else "")


def php_literal(value: object, names: dict[int, str] | None = None) -> str:
    """A Python value as PHP source writes it: ``"EHLO x\\r\\n"``, ``false``, ``[...]``."""
    if names and id(value) in names:
        return names[id(value)]
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "NAN"
        if math.isinf(value):
            return "INF" if value > 0 else "-INF"
        return repr(value)
    if isinstance(value, (str, bytes, bytearray, memoryview)):
        return _REDACTED_KEY if _is_private_key(value) else _string(value)
    if isinstance(value, Ref):
        return "&" + php_literal(value.value)
    if isinstance(value, dict):
        items = ", ".join(
            f"{php_literal(k)} => "
            + (_REDACTED if k in _SECRET_KEYS and v is not None else php_literal(v, names))
            for k, v in value.items()
        )
        return f"[{items}]"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(php_literal(v, names) for v in value) + "]"
    return repr(value)


def _caller_names(frame: Any) -> dict[int, str]:
    """id(object) -> ``$name`` for the caller's Refs, resources and lists."""
    names: dict[int, str] = {}
    if frame is None:
        return names
    for name, value in frame.f_locals.items():
        if isinstance(value, (Ref, list)) or type(value).__name__.endswith("Resource"):
            names.setdefault(id(value), "$" + name)
    return names


def trace_line(
    function: str,
    arguments: list[tuple[str, object]],
    result: str,
    names: dict[int, str],
    diagnostics_seen: list[tuple[int, str]],
) -> str:
    """One trace line: ``name(args) = result  ref=value...  E_WARNING message``."""
    shown = ", ".join(php_literal(value, names) for _, value in arguments)
    parts = [f"{function}({shown}) = {result}"]
    refs = [
        f"{names.get(id(value), '$' + name)[1:]}={php_literal(value.value)}"
        for name, value in arguments
        if isinstance(value, Ref)
    ]
    if refs:
        parts.append(" ".join(refs))
    parts.extend(
        f"{_LEVELS.get(level, 'E_' + str(level))} {text}" for level, text in diagnostics_seen
    )
    return "  ".join(parts)


def _write(line: str) -> None:
    global _out
    if _out is None:
        path = os.environ.get("PHPSTREAMS_TRACE_FILE", "")
        _out = open(path, "a", encoding="utf-8") if path else sys.stderr
    _out.write(line + "\n")
    _out.flush()


def _bound(
    parameters: tuple[Any, ...], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> list[tuple[str, object]]:
    bound: list[tuple[str, object]] = []
    for i, value in enumerate(args):
        p = parameters[min(i, len(parameters) - 1)] if parameters else None
        bound.append((p.name if p is not None else f"arg{i}", value))
    by_python = {p.python_name: p.name for p in parameters}
    bound.extend((by_python.get(k, k), v) for k, v in kwargs.items())
    return bound


def traced(signature: Any, wrapper: F) -> F:
    """``wrapper`` that also writes a trace line for each outermost PHP call."""
    parameters = signature.parameters
    name = signature.name

    @functools.wraps(wrapper)
    def trace(*args: Any, **kwargs: Any) -> Any:
        global _depth
        if _depth:
            return wrapper(*args, **kwargs)
        names = _caller_names(sys._getframe(1))
        seen: list[tuple[int, str]] = []
        previous = diagnostics.tap
        diagnostics.tap = seen
        _depth += 1
        try:
            result = wrapper(*args, **kwargs)
        except BaseException as exc:
            _write(
                trace_line(
                    name,
                    _bound(parameters, args, kwargs),
                    f"{type(exc).__name__}: {exc}",
                    names,
                    seen,
                )
            )
            raise
        finally:
            _depth -= 1
            diagnostics.tap = previous
        _write(trace_line(name, _bound(parameters, args, kwargs), php_literal(result), names, seen))
        return result

    trace.__php_signature__ = signature  # type: ignore[attr-defined]
    trace.__php_source__ = getattr(wrapper, "__php_source__", "")  # type: ignore[attr-defined]
    return trace  # type: ignore[return-value]
