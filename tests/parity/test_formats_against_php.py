"""The scanf and CSV engines against real PHP 8.2, input for input: PHP's
sscanf() and fgetcsv() (over php://memory, the same php_fgetcsv) run on a few
thousand generated inputs in one php process, the engines on the same ones."""

from __future__ import annotations

import base64
import functools
import json
import random
import subprocess

import pytest

from phpstreams.core.csv import parse_csv
from phpstreams.core.scanf import scan

pytestmark = pytest.mark.php

_SCANF_PHP = r"""<?php
$out = [];
foreach (json_decode(file_get_contents("php://stdin"), true) as [$s, $f]) {
    try { $r = sscanf(base64_decode($s), base64_decode($f)); }
    catch (\ValueError $e) { $out[] = ["exc", $e->getMessage()]; continue; }
    if (is_array($r)) {
        $r = array_map(fn($v) => is_string($v) ? ["s", base64_encode($v)]
            : (is_float($v) ? ["f", var_export($v, true)] : $v), $r);
    }
    $out[] = ["ok", $r];
}
echo json_encode($out);
"""

_CSV_PHP = r"""<?php
$out = [];
foreach (json_decode(file_get_contents("php://stdin"), true) as [$d, $p]) {
    $fp = fopen("php://memory", "r+");
    fwrite($fp, base64_decode($d));
    rewind($fp);
    $rows = [];
    while (($r = fgetcsv($fp, null, ...$p)) !== false) {
        $rows[] = array_map(fn($v) => $v === null ? null : base64_encode($v), $r);
    }
    $out[] = $rows;
}
echo json_encode($out);
"""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _run_php(tmp_path: object, source: str, cases: object) -> list[object]:
    script = tmp_path / "t.php"  # type: ignore[operator]
    script.write_text(source)
    done = subprocess.run(
        ["php", "-n", str(script)],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def test_scanf_engine_is_phps_sscanf(php: str, tmp_path: object) -> None:
    rng = random.Random(10)
    pieces = [b"%d", b"%s", b"%c", b"%x", b"%i", b"%f", b"%u", b"%[a-z]", b"%[^,]", b"%n", b"%*d"]
    pieces += [b" ", b",", b"%%", b"%3s", b"%2d", b"%1$s", b"%2$d", b"x", b"%"]
    alphabet = b"0123456789abcxyz+-.,eE% \t\n"
    cases = []
    for _ in range(3000):
        fmt = b"".join(rng.choice(pieces) for _ in range(rng.randint(1, 4)))
        text = bytes(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        cases.append((text, fmt))
    expected = _run_php(tmp_path, _SCANF_PHP, [[_b64(s), _b64(f)] for s, f in cases])
    for (text, fmt), php_result in zip(cases, expected, strict=True):
        try:
            result, _ = scan(text, fmt, 0)
        except ValueError as exc:
            assert php_result == ["exc", str(exc)], (text, fmt)
            continue
        assert php_result[0] == "ok", (text, fmt, php_result)  # type: ignore[index]
        php_values = php_result[1]  # type: ignore[index]
        if result is None:
            assert php_values is None, (text, fmt)
            continue
        mine = [
            ["s", _b64(v)] if isinstance(v, bytes) else ["f", v] if isinstance(v, float) else v
            for v in result  # type: ignore[union-attr]
        ]
        theirs = [
            ["f", float(v[1])] if isinstance(v, list) and v[0] == "f" else v
            for v in php_values  # type: ignore[union-attr]
        ]
        assert mine == theirs, (text, fmt)


def test_csv_engine_is_phps_fgetcsv(php: str, tmp_path: object) -> None:
    rng = random.Random(11)
    alphabet = [b"a", b",", b'"', b"\\", b" ", b"\n", b"\r", b"\t", b";", b"'", b"\0"]
    alphabet += [b"\xe9", b"\xc3\xa9", b"\xe2\x82", b"\xe2\x82\xac"]
    params = [(",", '"', "\\"), (",", '"', ""), (";", "'", "\\"), (",", '"', '"')]
    datas = [b"".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14))) for _ in range(800)]
    cases = [(d, p) for d in datas for p in params]
    expected = _run_php(tmp_path, _CSV_PHP, [[_b64(d), list(p)] for d, p in cases])
    for (data, (sep, enc, esc)), php_rows in zip(cases, expected, strict=True):
        lines = []
        rest = data
        while rest:
            cut = rest.find(b"\n")
            lines.append(rest if cut < 0 else rest[: cut + 1])
            rest = b"" if cut < 0 else rest[cut + 1 :]
        feed = iter(lines)
        rows = []
        while (line := next(feed, None)) is not None:
            fields = parse_csv(
                line,
                ord(sep),
                ord(enc),
                ord(esc) if esc else None,
                functools.partial(next, feed, None),
            )
            rows.append([None] if fields is None else [_b64(v) for v in fields])
        assert rows == php_rows, (data, sep, enc, esc)
