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
    "smtp_ports.py": "220 mail.example ESMTP (TLS)\nFalse\n"
    "  stream_socket_client(): SSL operation failed with code 1. OpenSSL Error messages:\n"
    "error:0A00010B:SSL routines::wrong version number\n"
    "  stream_socket_client(): Failed to enable crypto\n",
    "peer_name.py": "False\n"
    "  stream_socket_client(): Peer certificate subjectAltName did not match expected name "
    "`127.0.0.1'\n  stream_socket_client(): Failed to enable crypto\n",
}
SECOND = {  # what each prints at its end
    "smtp_ports.py": "(Unknown error)\nFalse True\n",
    "peer_name.py": "(Unknown error)\n220 mail.example ESMTP (TLS)\n",
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_porting_example_runs(name: str) -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, name], cwd=FOLDER, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert EXPECTED[name] in done.stdout
    assert done.stdout.endswith(SECOND.get(name, "")), done.stdout
    assert not done.stderr, done.stderr  # the handler took every warning


def test_every_example_is_tested() -> None:
    found = {p.name for p in FOLDER.glob("*.py") if not p.name.startswith("_")}
    assert found == set(EXPECTED)
