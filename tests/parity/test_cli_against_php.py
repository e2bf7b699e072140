"""The command line against real PHP: `phpstreams compare` on real scenarios (their
loopback peers) and on the examples/port pair.  The rest of the command line is
tested on fake runs in unit/test_cli.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from phpstreams.__main__ import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.php
@pytest.mark.usefixtures("php")
def test_compare_real_scenarios(capsys: pytest.CaptureFixture[str]) -> None:
    names = ["connect/refused", "fsockopen/refused", "parse/port-abc"]
    assert main(["compare", *names, "--no-color", "--width", "200"]) == 0
    out = capsys.readouterr().out
    assert "── connect/refused ─ identical" in out
    assert "stream_socket_client(): Unable to connect to" in out
    assert out.rstrip().splitlines()[-1].startswith("3 scenarios: 3 identical, 0 differ (")
    assert main(["compare", "connect/refused", "fsockopen/refused", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["summary"]["ok"] is True
    assert [s["status"] for s in document["scenarios"]] == ["identical", "identical"]


@pytest.mark.php
@pytest.mark.usefixtures("php")
def test_porting_mode_on_the_example(capsys: pytest.CaptureFixture[str]) -> None:
    pair = [str(ROOT / "examples" / "port" / name) for name in ("client.php", "client.py")]
    assert main(["compare", *pair, "--no-color", "--width", "220"]) == 0
    out = capsys.readouterr().out
    assert out.rstrip().splitlines()[-1].startswith("identical: same output")
    assert "refused: false, errno=111, errstr='Connection refused'" in out
    assert out.count("Warning: stream_socket_client(): Unable to connect to") == 2
    assert main(["compare", *reversed(pair), "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["identical"] is True
    assert document["php"]["diagnostics"] == document["phpstreams"]["diagnostics"]
    assert document["php"]["diagnostics"][0][0] == "Warning"
