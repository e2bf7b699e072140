"""stream_select with a descriptor select() cannot hold (>= FD_SETSIZE, 1024), in PHP
and in phpstreams: the same warning (the descriptor number aside: each process has
its own), false, the arrays left as given; below the limit the same streams select."""

from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PHP = r"""
$keep = [];
for ($i = 0; $i < (int) $argv[1]; $i++) { $keep[] = fopen("/dev/null", "r"); }
$srv = stream_socket_server("tcp://127.0.0.1:0");
$c = stream_socket_client("tcp://" . stream_socket_get_name($srv, false));
set_error_handler(function ($no, $text) { echo "W:", $text, "\n"; return true; });
$r = [$c]; $w = [$c]; $e = null;
var_export([stream_select($r, $w, $e, 0), count($r), count($w)]); echo "\n";
$r = [$srv, $keep[0]]; $w = null;
var_export([stream_select($r, $w, $e, 0), count($r)]); echo "\n";
"""

PYTHON = r"""
import sys
from phpstreams import *

keep = [fopen("/dev/null", "r") for _ in range(int(sys.argv[1]))]
srv = stream_socket_server("tcp://127.0.0.1:0")
c = stream_socket_client("tcp://" + stream_socket_get_name(srv, False))

def handler(no, text):
    print("W:" + text)
    return True

set_error_handler(handler)
def export(values):
    return "array (\n" + "".join(
        f"  {i} => {str(v).lower() if isinstance(v, bool) else v},\n" for i, v in enumerate(values)
    ) + ")"
r, w, e = [c], [c], None
print(export([stream_select(r, w, e, 0), len(r), len(w)]))
r, w = [srv, keep[0]], None
print(export([stream_select(r, w, e, 0), len(r)]))
"""

_NUMBER = re.compile(r"as high as \d+\.\n --enable-fd-setsize=\d+")


def _run(command: list[str], files: int) -> str:
    def raise_limit() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (4096, 4096))

    done = subprocess.run(
        [*command, str(files)], capture_output=True, text=True, timeout=60,
        preexec_fn=raise_limit, env=dict(os.environ, PYTHONPATH=str(ROOT)),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.php
@pytest.mark.usefixtures("php")
@pytest.mark.parametrize("files", [10, 1030])
def test_stream_select_past_fd_setsize_as_php(files: int) -> None:
    if resource.getrlimit(resource.RLIMIT_NOFILE)[1] not in (resource.RLIM_INFINITY,) and (
        resource.getrlimit(resource.RLIMIT_NOFILE)[1] < 4096
    ):
        pytest.skip("RLIMIT_NOFILE hard limit below 4096")
    php = _run(["php", "-n", "-r", PHP, "--"], files)
    ours = _run([sys.executable, "-c", textwrap.dedent(PYTHON)], files)
    if files > 1024:
        assert php.count("W:stream_select(): You MUST recompile PHP") == 2, php
        highs = [int(n) for n in re.findall(r"as high as (\d+)\.", ours)]
        assert len(highs) == 2 and all(n >= 1024 for n in highs), ours
        assert f"--enable-fd-setsize={(highs[0] + 1024) & ~1023} " in ours
    else:
        assert "W:" not in php, php
    assert _NUMBER.sub("as high as N.\n --enable-fd-setsize=M", ours) == _NUMBER.sub(
        "as high as N.\n --enable-fd-setsize=M", php
    )
