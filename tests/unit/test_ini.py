"""ini_get / ini_set / ini_restore against real php -n: the same sequence of calls,
every return value and every diagnostic compared."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import warnings

import pytest

from phpstreams import E_ALL, ini_get, ini_restore, ini_set

DIRECTIVES = [
    "default_socket_timeout", "precision", "serialize_precision", "max_execution_time",
    "disable_functions", "memory_limit", "user_agent", "from", "allow_url_fopen",
    "auto_detect_line_endings", "openssl.cafile", "openssl.capath", "error_reporting",
    "no.such.directive",
]
# (directive, value) pairs set one after the other, then restored
SETS: list[tuple[str, object]] = [
    ("default_socket_timeout", "5"), ("default_socket_timeout", 1.5),
    ("default_socket_timeout", "1.5"), ("default_socket_timeout", "-1"),
    ("default_socket_timeout", "10s"), ("precision", "10"), ("precision", 17),
    ("precision", "-1"), ("precision", "-2"), ("precision", "abc"),
    ("serialize_precision", "17"), ("max_execution_time", 5), ("max_execution_time", "abc"),
    ("memory_limit", "64M"), ("memory_limit", "1x"), ("memory_limit", "-1"),
    ("user_agent", "agent/1.0"), ("user_agent", 0.3), ("user_agent", 1e20),
    ("user_agent", True), ("user_agent", False), ("user_agent", None), ("from", 42),
    ("auto_detect_line_endings", "1"), ("auto_detect_line_endings", "0"),
    ("disable_functions", "fsockopen"), ("allow_url_fopen", "0"),
    ("openssl.cafile", "/tmp/ca.pem"), ("openssl.capath", "/tmp"),
    ("error_reporting", "8"), ("error_reporting", E_ALL), ("no.such.directive", "1"),
]


def php_literal(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    return repr(value)  # ints and floats (1.5, 1e+20) read the same in PHP


def run_php() -> list[object]:
    lines = [
        "$out = [];",
        "set_error_handler(function($no, $str) { global $out; $out[] = ['diag', $no, $str]; return true; });",
    ]
    for name in DIRECTIVES:
        lines.append(f"$out[] = ['get', ini_get('{name}')];")
    for name, value in SETS:
        lines.append(f"$out[] = ['set', ini_set('{name}', {php_literal(value)}), ini_get('{name}')];")
    for name in DIRECTIVES:
        lines.append(f"ini_restore('{name}'); $out[] = ['restored', ini_get('{name}')];")
    lines.append("echo json_encode($out);")
    proc = subprocess.run(
        ["php", "-n", "-r", "\n".join(lines)], capture_output=True, text=True, timeout=60, check=True
    )
    return list(json.loads(proc.stdout))


def run_phpstreams() -> list[object]:
    out: list[object] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")

        def flush() -> None:
            from phpstreams import PHPDeprecated

            for item in caught:
                out.append(["diag", 8192 if issubclass(item.category, PHPDeprecated) else 2, str(item.message)])
            caught.clear()

        for name in DIRECTIVES:
            out.append(["get", ini_get(name)])
        for name, value in SETS:
            old = ini_set(name, value)  # type: ignore[arg-type]
            flush()
            out.append(["set", old, ini_get(name)])
        for name in DIRECTIVES:
            ini_restore(name)
            out.append(["restored", ini_get(name)])
    return out


@pytest.mark.php
def test_ini_matches_php() -> None:
    if shutil.which("php") is None:
        if os.environ.get("PHPSTREAMS_REQUIRE_PHP") == "1":
            pytest.fail("php is required (PHPSTREAMS_REQUIRE_PHP=1)")
        pytest.skip("php is not installed")
    try:
        assert run_phpstreams() == run_php()
    finally:
        for name in DIRECTIVES:
            ini_restore(name)
