"""The runtime imported by rendered Python scripts; mirror of the PHP prelude.

Theory of operation: each step is a thunk (a nested function) that the
:class:`Runtime` calls inside ``warnings.catch_warnings(record=True)``; the
recorded ``PHPWarning``/``PHPNotice``/``PHPDeprecated`` become ``[2, text]``/
``[8, text]``/``[8192, text]``, any other warning ``["<ClassName>", text]`` (so
it shows up as a difference).  A scenario's error handler (:meth:`Runtime.handler`)
is a plain function given to phpstreams' ``set_error_handler``: phpstreams calls
it, masks and falls through as PHP does, and what falls through is shown as a
warning and recorded as above; the handler itself records ``handled`` entries
as the PHP prelude's does, and its ``throw`` kind raises :class:`RuntimeException`.  A
silenced step runs inside ``silence()`` and records ``error_get_last()`` as
``last``, exactly as the PHP prelude does for ``@``.  Values are encoded by
:func:`encode`, byte-for-byte the PHP prelude's ``__enc``.  Any exception other
than the two PHP maps to Python (ValueError, TypeError) also prints its
traceback on stderr, which the runner reports.

This module must not import phpstreams at import time: it is also used (via
:func:`encode`) by the engine's unit tests, and the library may be incomplete.
"""

from __future__ import annotations

import io
import json
import math
import sys
import time
import traceback
import warnings
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import Any

__all__ = ["Runtime", "RuntimeException", "encode", "escape"]

# PHP's own exception classes (recorded by name; any other exception is a crash and
# prints its traceback)
_PHP_EXCEPTIONS = ("ValueError", "TypeError", "ArgumentCountError", "Error", "RuntimeException")
_HANDLER_ATTRIBUTE = "_phpsc_handler"


class RuntimeException(Exception):
    """What a scenario handler of kind ``throw`` raises (PHP's RuntimeException)."""


def escape(data: bytes) -> str:
    """Bytes as ASCII text: printable ASCII kept, ``\\`` doubled, the rest ``\\xNN``."""
    out = []
    for byte in data:
        if byte == 0x5C:
            out.append("\\\\")
        elif 0x20 <= byte < 0x7F:
            out.append(chr(byte))
        else:
            out.append(f"\\x{byte:02x}")
    return "".join(out)


def _text(value: str | bytes) -> str:
    if isinstance(value, str):
        value = value.encode("utf-8", "surrogateescape")
    return escape(value)


def _float_repr(value: float) -> str:
    if math.isnan(value):
        return "NAN"
    if math.isinf(value):
        return "INF" if value > 0 else "-INF"
    return repr(value)


def encode(value: object, resource_type: Callable[[object], str] | None = None) -> Any:
    """A value in the records' JSON form (see the PHP prelude's ``__enc``)."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return {"f": _float_repr(value)}
    if isinstance(value, (str, bytes, bytearray, memoryview)):
        return {"s": _text(bytes(value) if not isinstance(value, str) else value)}
    if isinstance(value, (list, tuple)):
        return {"a": [[i, encode(v, resource_type)] for i, v in enumerate(value)]}
    if isinstance(value, dict):
        return {
            "a": [
                [k if isinstance(k, int) else _text(str(k)), encode(v, resource_type)]
                for k, v in value.items()
            ]
        }
    name = getattr(value, _HANDLER_ATTRIBUTE, None)
    if callable(value) and isinstance(name, str):
        return {"handler": name}
    if resource_type is not None:
        try:
            kind = resource_type(value)
        except Exception:  # not a resource
            kind = None
        if isinstance(kind, str):
            return {"resource": kind}
    return {"object": type(value).__name__}


class Runtime:
    """State of one rendered Python script: variables, refs, the record stream."""

    def __init__(self) -> None:
        import phpstreams  # the library under test; imported when a script runs

        self._lib = phpstreams
        self.vars: dict[str, Any] = {}
        self.refs: dict[str, Any] = {}
        self._handlers: dict[str, Callable[..., Any]] = {}
        self._handled: list[list[Any]] = []

    # -- values ---------------------------------------------------------------

    def _lib_attr(self, name: str) -> Any:
        return getattr(self._lib, name)

    def _encode(self, value: object) -> Any:
        resource_type = getattr(self._lib, "get_resource_type", None)
        return encode(value, resource_type)

    def ref(self, name: str) -> Any:
        if name not in self.refs:
            self.refs[name] = self._lib_attr("Ref")()
        return self.refs[name]

    def get(self, name: str) -> Any:
        if name in self.vars:
            return self.vars[name]
        if name in self.refs:
            return self.refs[name].value
        # PHP: reading an undefined variable warns and gives null (engine behaviour,
        # emulated here so that both records stay aligned)
        warnings.warn(f"Undefined variable ${name}", self._lib_attr("PHPWarning"), stacklevel=2)
        return None

    def handler(self, name: str, kind: str, message: str) -> Callable[..., Any]:
        """The scenario's error handler ``name`` (one function per name)."""
        if name in self._handlers:
            return self._handlers[name]

        def callback(errno: int, errstr: str, errfile: Any = None, errline: Any = None) -> Any:
            level = self._lib_attr("error_reporting")()
            self._handled.append([name, errno, _text(errstr), level])
            if kind == "throw":
                raise RuntimeException(message)
            if kind == "void":
                return None
            return kind == "capture"

        setattr(callback, _HANDLER_ATTRIBUTE, name)
        self._handlers[name] = callback
        return callback

    def ini(self, settings: dict[str, str]) -> None:
        for name, value in settings.items():
            self._lib_attr("ini_set")(name, value)

    # -- steps ----------------------------------------------------------------

    def _category_code(self, category: type[Warning]) -> int | str:
        notice = getattr(self._lib, "PHPNotice", None)
        warning = getattr(self._lib, "PHPWarning", None)
        deprecated = getattr(self._lib, "PHPDeprecated", None)
        if deprecated is not None and issubclass(category, deprecated):
            return 8192
        if notice is not None and issubclass(category, notice):
            return 8
        if warning is not None and issubclass(category, warning):
            return 2
        return category.__name__

    def _iteration(
        self,
        thunk: Callable[[], Any],
        refs: Sequence[str],
        arrs: Sequence[str],
        timed: bool,
        silenced: bool,
        output: bool = False,
    ) -> tuple[dict[str, Any], Any, BaseException | None]:
        ret: Any = None
        exc: BaseException | None = None
        self._handled = []
        captured = io.BytesIO()
        saved = sys.stdout
        wrapper = io.TextIOWrapper(captured, encoding="utf-8", write_through=True)
        if output:  # PHP's output (fpassthru, php://output) goes to sys.stdout
            sys.stdout = wrapper
        started = time.monotonic()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                if silenced:
                    self._lib_attr("error_clear_last")()
                guard: AbstractContextManager[Any] = (
                    self._lib_attr("silence")() if silenced else nullcontext()
                )
                started = time.monotonic()
                with guard:
                    ret = thunk()
            except Exception as error:
                exc = error
                if type(error).__name__ not in _PHP_EXCEPTIONS:
                    traceback.print_exc(file=sys.stderr)
            finally:
                if output:
                    sys.stdout = saved
                wrapper.flush()
                wrapper.detach()
            elapsed = time.monotonic() - started
        it: dict[str, Any] = {
            "ret": None if exc is not None else self._encode(ret),
            "diag": [[self._category_code(w.category), _text(str(w.message))] for w in caught],
        }
        if self._handled:
            it["handled"] = self._handled
            self._handled = []
        if exc is not None:
            it["exc"] = [type(exc).__name__, _text(str(exc))]
        if refs:
            it["refs"] = {
                n: self._encode(self.refs[n].value if n in self.refs else None) for n in refs
            }
        if arrs:
            it["arrs"] = {n: self._encode(self.vars.get(n)) for n in arrs}
        if timed:
            it["elapsed"] = round(elapsed, 3)
        if silenced:
            it["last"] = self._last_error()
        if output:
            it["out"] = escape(captured.getvalue())
        return it, ret, exc

    def _last_error(self) -> Any:
        try:
            last = self._lib_attr("error_get_last")()
            return None if not last else [last["type"], _text(last["message"])]
        except Exception:
            traceback.print_exc(file=sys.stderr)
            return ["error_get_last() failed"]

    def call(
        self,
        index: int,
        label: str,
        thunk: Callable[[], Any],
        *,
        assign: str | None = None,
        refs: Sequence[str] = (),
        arrs: Sequence[str] = (),
        timed: bool = False,
        silenced: bool = False,
        output: bool = False,
        masked: bool = False,
    ) -> None:
        it, ret, exc = self._iteration(thunk, refs, arrs, timed, silenced, output)
        if masked and exc is None:
            it["ret"] = {"masked": True}
        if exc is None and assign:
            self.vars[assign] = ret
        self._emit({"i": index, "fn": label, **it})

    def loop(
        self,
        index: int,
        label: str,
        thunk: Callable[[], Any],
        *,
        until: Any,
        max: int,
        assign: str | None = None,
        refs: Sequence[str] = (),
        arrs: Sequence[str] = (),
        timed: bool = False,
        silenced: bool = False,
    ) -> None:
        iterations = []
        stop = self._encode(until)
        for _ in range(max):
            it, ret, exc = self._iteration(thunk, refs, arrs, timed, silenced)
            if exc is None and assign:
                self.vars[assign] = ret
            iterations.append(it)
            if exc is not None or it["ret"] == stop:
                break
        self._emit({"i": index, "fn": label, "loop": iterations})

    def sleep(self, index: int, seconds: float) -> None:
        time.sleep(seconds)
        self._emit({"i": index, "fn": "sleep"})

    def setvar(self, index: int, label: str, name: str, value: Any, *, is_ref: bool) -> None:
        if is_ref:
            self.ref(name).value = value
        else:
            self.vars[name] = value
        self._emit({"i": index, "fn": label})

    def last_error(self, index: int) -> None:
        def last() -> Any:
            found = self._lib_attr("error_get_last")()
            return None if not found else [found["type"], found["message"]]

        it, _, _ = self._iteration(last, (), (), False, False)
        self._emit({"i": index, "fn": "error_get_last", **it})

    def show(self, index: int, thunk: Callable[[], Any]) -> None:
        it, _, _ = self._iteration(thunk, (), (), False, False)
        self._emit({"i": index, "fn": "show", **it})

    def same(self, index: int, thunk: Callable[[], tuple[Any, Any]]) -> None:
        def identical() -> bool:
            left, right = thunk()
            if isinstance(left, (type(None), bool, int, float, str, bytes)):
                return type(left) is type(right) and left == right
            return left is right

        it, _, _ = self._iteration(identical, (), (), False, False)
        self._emit({"i": index, "fn": "same", **it})

    def end(self) -> None:
        sys.stdout.write("@@END\n")
        sys.stdout.flush()

    @staticmethod
    def _emit(record: dict[str, Any]) -> None:
        sys.stdout.write("@@REC " + json.dumps(record, separators=(",", ":")) + "\n")
        sys.stdout.flush()
