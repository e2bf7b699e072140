"""docs/porting.md's examples run (each against the loopback peer it starts)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "examples" / "porting"
EXPECTED = {
    "reading.py": "ok\nb'220 ready\\r\\n250 done\\r\\n'",
    "timeouts.py": "False True",
    "ipv6.py": "",
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_porting_example_runs(name: str) -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, name], cwd=FOLDER, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert EXPECTED[name] in done.stdout


def test_every_example_is_tested() -> None:
    found = {p.name for p in FOLDER.glob("*.py") if not p.name.startswith("_")}
    assert found == set(EXPECTED)
