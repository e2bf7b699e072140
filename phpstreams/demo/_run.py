"""Running one step: the Python port through phpstreams in this process, the PHP
original in ``php -n``; both report the same lines (C:/S: exchanged, warnings, the
values PHP observes)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import phpstreams

from ._steps import PHP_HELPERS, PY_HELPERS, SETUP_PHP, Step

__all__ = ["Addresses", "find_php", "fmt", "run_php", "run_python"]

_LEVELS = {2: "Warning", 8: "Notice", 8192: "Deprecated"}


@dataclass(frozen=True)
class Addresses:
    implicit_port: int
    starttls_port: int
    cafile: str

    def fill(self, code: str) -> str:
        return (
            code.replace("@P465@", str(self.implicit_port))
            .replace("@P587@", str(self.starttls_port))
            .replace("@CAFILE@", self.cafile)
        )


def fmt(value: Any) -> str:
    """A value as the demo prints it, the same on both sides."""
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (bytes, str)):
        text = value.decode("utf-8", "replace") if isinstance(value, bytes) else value
        return '"' + text.replace("\r", "\\r").replace("\n", "\\n") + '"'
    try:
        kind = phpstreams.get_resource_type(value)
    except TypeError:
        return repr(value)
    return "resource (closed)" if kind == "Unknown" else f"resource({kind})"


def _lines(prefix: str, data: bytes) -> list[str]:
    text = data.decode("utf-8", "replace").rstrip("\r\n")
    return [f"{prefix}{line}" for line in text.split("\r\n")]


def run_python(step: Step, where: Addresses) -> tuple[list[str], dict[str, Any]]:
    """Run the step's Python port; returns the report lines and its variables."""
    out: list[str] = []

    def fwrite(stream: Any, data: Any, length: Any = None) -> Any:
        written = phpstreams.fwrite(stream, data, length)
        if isinstance(written, int) and written > 0:
            raw = data.encode() if isinstance(data, str) else bytes(data)
            out.extend(_lines("C: ", raw[:written]))
        return written

    def fgets(stream: Any, length: Any = None) -> Any:
        line = phpstreams.fgets(stream, length)
        if isinstance(line, bytes):
            out.extend(_lines("S: ", line))
        return line

    def stream_socket_enable_crypto(*args: Any) -> Any:
        result = phpstreams.stream_socket_enable_crypto(*args)
        if result is True:
            out.append("-- crypto enabled on the stream")
        return result

    def handler(errno: int, errstr: str) -> bool:
        out.append(f"{_LEVELS.get(errno, 'Error')}: {errstr}")
        return True

    names: dict[str, Any] = {name: getattr(phpstreams, name) for name in phpstreams.__all__}
    names.update(fwrite=fwrite, fgets=fgets)
    names["stream_socket_enable_crypto"] = stream_socket_enable_crypto
    names.update(errno=phpstreams.Ref(), errstr=phpstreams.Ref())
    exec(PY_HELPERS, names)
    saved = {name: os.environ.get(name) for name in step.env}
    os.environ.update({name: where.fill(value) for name, value in step.env.items()})
    phpstreams.set_error_handler(handler)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                exec(where.fill(step.py), names)
            except (TypeError, ValueError) as exc:
                out.append(f"Fatal error: Uncaught {type(exc).__name__}: {exc}")
        out.extend(f"Warning: {item.message}" for item in caught)
    finally:
        phpstreams.restore_error_handler()
        for name, old in saved.items():
            if old is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = old
    for shown, _, expression in step.observe:
        try:
            value = eval(expression, names)
        except NameError:
            value = None
        out.append(f"{shown} = {fmt(value)}")
    return [part for entry in out for part in entry.split("\n")], names


_PHP_PRELUDE = r"""<?php
set_error_handler(function ($no, $str) {
    $kind = [2 => "Warning", 8 => "Notice", 8192 => "Deprecated"][$no] ?? "Error";
    echo "$kind: $str\n";
    return true;
});
function demo_lines($prefix, $data) {
    foreach (explode("\r\n", rtrim($data, "\r\n")) as $l) echo "$prefix$l\n";
}
function demo_fwrite($fp, $data) {
    $n = fwrite($fp, $data);
    if (is_int($n) && $n > 0) demo_lines("C: ", substr($data, 0, $n));
    return $n;
}
function demo_fgets($fp) {
    $line = fgets($fp);
    if ($line !== false) demo_lines("S: ", $line);
    return $line;
}
function demo_stream_socket_enable_crypto(...$args) {
    $r = stream_socket_enable_crypto(...$args);
    if ($r === true) echo "-- crypto enabled on the stream\n";
    return $r;
}
function demo_fmt($v) {
    if ($v === null) return "null";
    if (is_bool($v)) return $v ? "true" : "false";
    if (is_int($v)) return (string)$v;
    if (is_string($v)) return '"' . str_replace(["\r", "\n"], ['\r', '\n'], $v) . '"';
    if (gettype($v) === "resource (closed)") return "resource (closed)";
    if (is_resource($v)) return "resource(" . get_resource_type($v) . ")";
    return var_export($v, true);
}
"""

_WRAPPED = re.compile(r"(?<![\w$>])(fwrite|fgets|stream_socket_enable_crypto)\(")


def php_script(step: Step, where: Addresses, setup: bool) -> str:
    """The PHP file for one step (with ``setup``, the default context the earlier
    steps set comes first)."""
    body = [PHP_HELPERS]
    if setup:
        body.append(SETUP_PHP)
    body.append(step.php)
    code = _WRAPPED.sub(r"demo_\1(", where.fill("\n".join(body)))
    shows = [
        f"echo '{shown} = ', demo_fmt({expression} ?? null), \"\\n\";"
        for shown, expression, _ in step.observe
    ]
    return _PHP_PRELUDE + code + "\n" + "\n".join(shows) + "\n"


def find_php() -> str | None:
    return shutil.which("php")


def run_php(php: str, step: Step, where: Addresses, setup: bool) -> list[str]:
    """Run the step in real PHP; its output lines (or why it could not run)."""
    with tempfile.TemporaryDirectory(prefix="phpstreams-demo-php-") as tmp:
        script = Path(tmp) / "step.php"
        script.write_text(php_script(step, where, setup))
        env = dict(os.environ)
        env.update({name: where.fill(value) for name, value in step.env.items()})
        try:
            done = subprocess.run(
                [php, "-n", str(script)], capture_output=True, text=True, timeout=30, env=env
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            return [f"(php could not run: {exc})"]
    lines = [line.replace(str(script), "step.php") for line in done.stdout.splitlines()]
    lines.extend(f"(stderr) {line}" for line in done.stderr.splitlines())
    return lines
