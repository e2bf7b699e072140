"""``python -m phpstreams trace`` against PHP's own trace of the original script.

Xdebug's function trace (``xdebug.mode=trace``, the computer-readable format) records
every call a PHP script makes and what it returned. The PHP client of
``examples/port/`` runs under it; its Python port runs under ``phpstreams trace``.
The stream functions each side called, in order, and the value each returned must be
the same (ports normalized: each run gets its own).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import phpstreams

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "port"
_PORT = re.compile(r"(?<![0-9])[1-6][0-9]{4}(?![0-9])")
_TOKEN = re.compile(
    r"""\s*(?:(?P<str>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")|(?P<res>resource\(\d+\) of type \([^)]*\))"""
    r"""|(?P<num>-?\d+(?:\.\d+)?(?:E[-+]?\d+)?)|(?P<word>[A-Za-z_]+)|(?P<punct>=>|[\[\],]))"""
)
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "0": "\0", "\\": "\\", "'": "'", '"': '"', "$": "$"}


def _unquote(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), "\\" + m.group(1)), text[1:-1])


def parse_value(text: str) -> Any:
    """A value as either trace writes it: PHP literals (single or double quotes,
    TRUE/true, [k => v, ...], resource(N) of type (T))."""
    tokens = [m for m in _TOKEN.finditer(text)]
    at = 0

    def value() -> Any:
        nonlocal at
        m = tokens[at]
        at += 1
        if m["str"]:
            return _unquote(m["str"])
        if m["res"]:
            return m["res"]
        if m["num"]:
            return float(m["num"]) if "." in m["num"] else int(m["num"])
        if m["word"]:
            return {"true": True, "false": False, "null": None}[m["word"].lower()]
        assert m["punct"] == "[", text
        items: list[tuple[Any, Any]] = []
        while tokens[at]["punct"] != "]":
            first = value()
            if tokens[at]["punct"] == "=>":
                at += 1
                items.append((first, value()))
            else:
                items.append((len(items), first))
            if tokens[at]["punct"] == ",":
                at += 1
        at += 1
        return dict(items)

    return value()


def _normalize(value: Any) -> Any:
    if isinstance(value, str):
        return _PORT.sub("{port}", value)
    if isinstance(value, dict):
        return {k: _normalize(v) for k, v in value.items()}
    return value


def php_calls(trace: str, functions: set[str]) -> list[tuple[str, Any]]:
    """(function, returned value) from xdebug's computer-readable trace (format 1)."""
    names: dict[str, str] = {}
    out = []
    for line in trace.splitlines():
        fields = line.split("\t")
        if len(fields) > 5 and fields[2] == "0":
            names[fields[1]] = fields[5]
        elif len(fields) > 5 and fields[2] == "R" and names.get(fields[1]) in functions:
            out.append((names[fields[1]], _normalize(parse_value(fields[5]))))
    return out


def phpstreams_calls(trace: str) -> list[tuple[str, Any]]:
    """(function, returned value) from ``phpstreams trace`` (an exception is PHP's NULL:
    what xdebug records for a call that threw)."""
    out = []
    for line in trace.splitlines():
        m = re.match(r"([a-z_0-9]+)\((.*?)\) = (.*?)(?:  (?:[a-z_]+=|E_[A-Z]+ ).*)?$", line)
        if m is None:
            continue
        result = m[3]
        exception = re.match(r"[A-Za-z]+Error: ", result)
        out.append((m[1], None if exception else _normalize(parse_value(result))))
    return out


def test_parse_value_reads_both_dialects() -> None:
    assert parse_value("['a' => TRUE, 'b' => 'x\\r\\n', 0 => NULL]") == {
        "a": True, "b": "x\r\n", 0: None,
    }
    assert parse_value('["a" => true, "b" => "x\\r\\n", 0 => null]') == {
        "a": True, "b": "x\r\n", 0: None,
    }
    assert parse_value("resource(5) of type (stream)") == "resource(5) of type (stream)"


def _xdebug(php: str) -> bool:
    done = subprocess.run(
        [php, "-n", "-d", "zend_extension=xdebug", "-r", "echo extension_loaded('xdebug') ? 1 : 0;"],
        capture_output=True, text=True,
    )
    return done.stdout.strip() == "1"


@pytest.mark.php
@pytest.mark.usefixtures("php")
def test_trace_matches_xdebugs_trace_of_the_php_original(tmp_path: Path) -> None:
    php = shutil.which("php") or "php"
    if not _xdebug(php):
        if os.environ.get("PHPSTREAMS_REQUIRE_PHP") == "1":
            pytest.fail("PHPSTREAMS_REQUIRE_PHP=1 but PHP's xdebug extension is missing (php8.2-xdebug)")
        pytest.skip("PHP's xdebug extension is missing (php8.2-xdebug)")
    subprocess.run(
        [php, "-n", "-d", "zend_extension=xdebug", "-d", "xdebug.mode=trace",
         "-d", "xdebug.start_with_request=yes", "-d", "xdebug.trace_format=1",
         "-d", "xdebug.collect_return=1", "-d", f"xdebug.output_dir={tmp_path}",
         "-d", "xdebug.trace_output_name=php", str(EXAMPLE / "client.php")],
        capture_output=True, timeout=60, check=True,
    )  # fmt: skip
    ours = tmp_path / "phpstreams.trace"
    subprocess.run(
        [sys.executable, "-m", "phpstreams", "trace", "-o", str(ours), str(EXAMPLE / "client.py")],
        capture_output=True, timeout=60, check=True, env=dict(os.environ, PYTHONPATH=str(ROOT)),
    )
    functions = {n for n in phpstreams.__all__ if n[0].islower()}
    expected = php_calls((tmp_path / "php.xt").read_text(), functions)
    got = phpstreams_calls(ours.read_text())
    assert len(expected) > 20
    assert got == expected
