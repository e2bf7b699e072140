"""``python -m phpstreams demo``: the walkthrough runs (plain output), every step
shows its verdict, the message is delivered; with --php, real PHP agrees; and the
demo needs nothing from the source tree."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import phpstreams

VERDICTS = [
    "=> OK: tls:// on the implicit-TLS port works: the banner was read over TLS",
    "=> OK: as PHP 8.2 does: the default context's cafile does not reach fsockopen",
    "=> OK: tls:// on the STARTTLS port fails, with PHP's warnings",
    "=> OK: STARTTLS upgrade works and the message was delivered",
    "=> OK: without the CA the upgrade fails: peer verification is on by default",
    "=> OK: with cafile the verified upgrade succeeds",
    "=> OK: plain tcp:// to the implicit-TLS port hangs: fgets false after the timeout",
]


def _demo(*args: str, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "phpstreams", "demo", *args],
        capture_output=True, text=True, timeout=60, cwd=cwd,
        env={**os.environ, "NO_COLOR": "1", **(env or {})},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "\033[" not in done.stdout
    return done.stdout


def _check(out: str, columns: bool = False) -> None:
    for verdict in VERDICTS:
        assert verdict in out
    assert "UNEXPECTED" not in out
    assert "S: 220 Ready to start TLS" in out
    assert "-- crypto enabled on the stream" in out
    assert "$timed_out = true" in out
    if not columns:  # side by side, long lines wrap
        assert "Warning: stream_socket_enable_crypto(): SSL operation failed with code 1." in out
        assert "Warning: fsockopen(): Failed to enable crypto" in out
    assert "Server received a message over TLS on port" in out
    assert "    | Sent over STARTTLS." in out
    assert "7/7 steps behaved as PHP 8.2 does" in out


def test_demo_plain(tmp_path: Path) -> None:
    out = _demo(cwd=tmp_path)
    _check(out)
    assert "real PHP" not in out.splitlines()[-1]


@pytest.mark.php
def test_demo_beside_php(tmp_path: Path, php: str) -> None:
    out = _demo("--php", cwd=tmp_path)
    _check(out, columns=True)
    assert "differ" not in out
    assert "real PHP printed the same as phpstreams in 7/7 steps" in out


def test_demo_without_the_source_tree(tmp_path: Path) -> None:
    """What a wheel holds (the phpstreams package alone), run from another folder."""
    site = tmp_path / "site"
    package = Path(phpstreams.__file__).resolve().parent
    shutil.copytree(package, site / "phpstreams", ignore=shutil.ignore_patterns("__pycache__"))
    cwd = tmp_path / "elsewhere"
    cwd.mkdir()
    out = _demo(cwd=cwd, env={"PYTHONPATH": str(site)})
    _check(out)
    where = subprocess.run(
        [sys.executable, "-c", "import phpstreams; print(phpstreams.__file__)"],
        capture_output=True, text=True, cwd=cwd, env={**os.environ, "PYTHONPATH": str(site)},
    ).stdout
    assert where.startswith(str(site))
