"""The command line: `phpstreams compare` (scenarios, porting mode), `phpstreams matrix`.

Most tests run the real command line on fake runs (a fake registry, a fake
``run_scenario`` returning canned records, diffed by the real differ), so they need
no php.  The ``php``-marked one lints the prepend file with php; real scenarios and
the examples/port pair run against PHP in parity/test_cli_against_php.py.
"""

from __future__ import annotations

import functools
import importlib
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from phpstreams.__main__ import build_parser, main
from phpstreams.compare import _cli
from phpstreams.compare._functions import functions_of
from phpstreams.compare._known import KNOWN_DIFFERENCES, KnownDifference, excuse_for
from phpstreams.compare._matrix import REGENERATE, render_matrix, short_result
from phpstreams.compare._outcome import Outcome, RunInfo, evaluate, summarize
from phpstreams.compare._porting import PREPEND, PortComparison, PortSide, is_port_pair
from phpstreams.compare._runner import ScenarioResult, SideRun, compare_runs
from phpstreams.compare._scenario import Scenario, call, const, loop, ref, scenario, var
from phpstreams.compare._table import render_outcome, render_port, render_summary
from phpstreams.compare._terminal import Progress, Style, side_by_side, wrap
from phpstreams.compare.catalogue import Registry, _import, load

REFUSED = "fsockopen(): Unable to connect to 127.0.0.1:1 (Connection refused)"

# -- fakes ------------------------------------------------------------------------------


def _refused(name: str, doc: str = "refused: errno 111, one warning") -> Scenario:
    return scenario(
        name,
        doc=doc,
        steps=[
            call("fsockopen", "127.0.0.1", 1, ref("errno"), ref("errstr"), 1.0, assign="fp"),
            call("is_resource", var("fp")),
        ],
    )


def _records(errno: int = 111, warning: str = REFUSED) -> list[dict[str, Any]]:
    return [
        {
            "i": 0,
            "fn": "fsockopen",
            "ret": False,
            "diag": [[2, warning]],
            "refs": {"errno": errno, "errstr": {"s": "Connection refused"}},
        },
        {"i": 1, "fn": "is_resource", "ret": False, "diag": []},
    ]


SAME = _refused("fake/same")
DIFFERS = _refused("fake/differs", doc="errno | pipes are escaped")
SKIPPED = _refused("fake/skipped")
SELECT = scenario(
    "select/fake",
    doc="select on nothing",
    steps=[
        call("stream_socket_client", "tcp://{host}:{port}", assign="fp"),
        loop(call("stream_select", None, None, None, 0)),
    ],
)
REGISTRY = Registry({"core": (SAME, DIFFERS, SKIPPED), "io": (SELECT,)})
INFO = RunInfo(
    "8.2.36", "OpenSSL 3.0.99 1 Jan 2099", python="3.11.0", system="Linux", date="2024-02-29"
)


def _side(side: str, records: list[dict[str, Any]]) -> SideRun:
    return SideRun(side, records=records, returncode=0, ended=True)


def fake_run(sc: Scenario, php: str = "php", python: str = sys.executable) -> ScenarioResult:
    if sc.name == "fake/skipped":
        return ScenarioResult(sc.name, False, [], SideRun("php"), SideRun("python"), "no IPv6")
    if sc.name == "select/fake":
        records = [
            {"i": 0, "fn": "stream_socket_client", "ret": {"resource": "stream"}, "diag": []},
            {"i": 1, "fn": "loop stream_select", "loop": [{"ret": 0, "diag": []}]},
        ]
        return compare_runs(sc, _side("php", records), _side("python", records))
    py_errno = 0 if sc.name == "fake/differs" else 111
    return compare_runs(sc, _side("php", _records()), _side("python", _records(py_errno)))


@pytest.fixture
def fake_cli(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command line on fake runs: no php, no sockets."""
    monkeypatch.setattr(_cli, "load", lambda: REGISTRY)
    monkeypatch.setattr(_cli, "run_scenario", fake_run)
    monkeypatch.setattr(_cli, "require_php", lambda php="php": "8.2.36")
    monkeypatch.setattr(_cli, "run_info", lambda php="php": INFO)


def _outcome(sc: Scenario, known: tuple[KnownDifference, ...] = ()) -> Outcome:
    return evaluate(sc, fake_run(sc), REGISTRY.catalogue_of(sc.name) or "", known)


# -- argument parsing --------------------------------------------------------------------


def test_parser_compare_options() -> None:
    args = build_parser().parse_args(["compare", "connect/*", "-j", "4", "--json", "--no-color"])
    assert (args.command, args.targets, args.jobs, args.json, args.no_color) == (
        "compare", ["connect/*"], 4, True, True,
    )  # fmt: skip
    assert build_parser().parse_args(["compare", "--all"]).jobs == 2
    assert build_parser().parse_args(["matrix"]).output == "compat_matrix.md"
    assert build_parser().parse_args(["demo"]).command == "demo"


@pytest.mark.parametrize("argv", [["compare", "-j", "0"], ["compare", "--full", "--brief"]])
def test_parser_rejects(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        build_parser().parse_args(argv)
    assert exc.value.code == 2
    capsys.readouterr()


def test_nothing_to_compare_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare"]) == 2
    assert "--all" in capsys.readouterr().err


def test_unknown_scenario_is_a_usage_error(
    fake_cli: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["compare", "nope/*"]) == 2
    assert "no scenario matches nope/*" in capsys.readouterr().err
    assert main(["compare", "missing.php", "missing.py"]) == 2
    assert "one .php, one .py" in capsys.readouterr().err


def test_missing_php_says_how_to_install(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare", "connect/refused", "--php", "/nonexistent/php"]) == 2
    assert "apt-get install -y php8.2-cli" in capsys.readouterr().err


def test_wrong_php_version(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    php = tmp_path / "php"
    php.write_text("#!/bin/sh\necho 7.4.33\n")
    php.chmod(0o755)
    assert main(["compare", "connect/refused", "--php", str(php)]) == 2
    assert "is PHP 7.4.33; the comparison needs PHP 8.2" in capsys.readouterr().err
    assert main(["matrix", "--php", str(php), "-o", str(tmp_path / "m.md")]) == 2
    assert not (tmp_path / "m.md").exists()


# -- --list, tables, --json ------------------------------------------------------------------


def test_list(fake_cli: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare", "--list", "fake"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == ["fake/same", "fake/differs", "fake/skipped"]
    assert lines[0].endswith("[core] refused: errno 111, one warning")
    assert main(["compare", "--list", "--json", "select/*"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed == [{"name": "select/fake", "catalogue": "io", "doc": "select on nothing"}]


def test_compare_prints_tables_and_summary(
    fake_cli: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["compare", "fake/*", "--width", "160"]) == 1
    out = capsys.readouterr().out
    assert "\033[" not in out  # not a terminal: no colour
    assert "── fake/same ─ identical" in out
    assert "── fake/differs ─ differs" in out
    differing = [line for line in out.splitlines() if line.startswith("! 0 fsockopen")]
    assert len(differing) == 1 and "false" in differing[0]
    assert "  ! step 0 fsockopen: $errno PHP 111 / phpstreams 0" in out
    assert "skipped: no IPv6" in out
    assert (
        out.rstrip().splitlines()[-1].startswith("3 scenarios: 1 identical, 1 differ, 1 skipped (")
    )


def test_compare_all_tables_only_for_differences(
    fake_cli: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["compare", "--all"]) == 1
    out = capsys.readouterr().out
    assert "fake/differs" in out and "fake/same" not in out
    assert main(["compare", "--all", "--brief"]) == 1
    out = capsys.readouterr().out
    assert "✓ fake/same (identical)" in out
    assert "✗ fake/differs (differs)" in out


def test_json_document(fake_cli: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare", "--all", "--json"]) == 1
    document = json.loads(capsys.readouterr().out)
    assert set(document) == {
        "environment",
        "catalogues",
        "catalogue_errors",
        "summary",
        "scenarios",
    }
    assert document["environment"]["php_version"] == "8.2.36"
    assert document["environment"]["openssl"].startswith("OpenSSL")
    assert document["catalogues"] == {"core": 3, "io": 1}
    assert document["summary"] == {
        "total": 4, "identical": 2, "differ": 1, "known": 0, "skipped": 1,
        "unexpected": 1, "ok": False,
    }  # fmt: skip
    by_name = {s["name"]: s for s in document["scenarios"]}
    differs = by_name["fake/differs"]
    assert differs["status"] == "differs"
    assert differs["functions"] == ["fsockopen"]
    assert differs["unexpected"] == ["step 0 fsockopen: $errno PHP 111 / phpstreams 0"]
    assert differs["php"]["records"][0]["refs"]["errno"] == 111
    assert differs["phpstreams"]["records"][0]["refs"]["errno"] == 0
    assert by_name["fake/skipped"]["skipped"] == "no IPv6"
    assert by_name["select/fake"]["functions"] == ["stream_select"]


# -- known differences -------------------------------------------------------------------------


def test_known_difference_excuses_only_its_lines() -> None:
    errno = KnownDifference("c", "p", "s", "undefined", scenarios=("fake/*",), excuse=r"\$errno ")
    outcome = _outcome(DIFFERS, (errno,))
    assert outcome.status == "known" and not outcome.unexpected
    assert outcome.excused[0][1] is errno
    assert outcome.step_status(0) == "known" and outcome.step_status(1) == "same"
    # a masked (documentation-only) entry excuses nothing, another scenario is not covered
    masked = KnownDifference("c", "p", "s", "masked", scenarios=("fake/*",))
    assert _outcome(DIFFERS, (masked,)).status == "differs"
    other = KnownDifference("c", "p", "s", "r", scenarios=("connect/*",), excuse="")
    assert excuse_for("fake/differs", "step 0 fsockopen: anything", (other,)) is None
    narrow = KnownDifference("c", "p", "s", "r", scenarios=("fake/differs",), excuse="errstr")
    assert _outcome(DIFFERS, (narrow,)).unexpected  # the errno line is still unexpected


def test_known_difference_makes_the_run_pass(
    fake_cli: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    entry = KnownDifference("c", "p", "s", "PHP's errno is undefined", ("fake/differs",), "")
    monkeypatch.setattr(_cli, "evaluate", functools.partial(evaluate, known=(entry,)))
    assert main(["compare", "fake/differs", "fake/same"]) == 0
    out = capsys.readouterr().out
    assert "~ 0 fsockopen" in out
    assert "known difference: PHP's errno is undefined" in out
    assert (
        out.rstrip().splitlines()[-1].startswith("2 scenarios: 1 identical, 1 differ (1 known) (")
    )


def test_known_differences_list_is_sound() -> None:
    names = [sc.name for sc in load().scenarios()]
    assert KNOWN_DIFFERENCES
    for entry in KNOWN_DIFFERENCES:
        assert entry.case and entry.php and entry.phpstreams and entry.reason
        for pattern in entry.scenarios:  # a stale pattern would silently cover nothing
            assert any(KnownDifference("", "", "", "", (pattern,)).covers(n) for n in names), (
                pattern
            )


# -- rendering ----------------------------------------------------------------------------------------


def test_render_outcome_colours_differing_rows_only() -> None:
    outcome = _outcome(DIFFERS)
    plain = render_outcome(outcome, Style(colour=False), 120, "PHP 8.2.36")
    assert not any("\033[" in line for line in plain)
    assert any(line.startswith("  1 is_resource") for line in plain)
    coloured = render_outcome(outcome, Style(colour=True), 120, "PHP 8.2.36")
    assert any(line.startswith("\033[31m! 0 fsockopen") for line in coloured)
    assert any(line.startswith("  1 is_resource") for line in coloured)
    ascii_only = render_outcome(outcome, Style(colour=False, unicode=False), 120, "PHP")
    assert all(line.isascii() for line in ascii_only)


def test_side_by_side_wraps_without_losing_text() -> None:
    style = Style(colour=False)
    rows = side_by_side([["a"], [REFUSED], ["short"]], [3, 20, 10], style)
    assert rows[0] == "a   │ fsockopen(): Unable  │ short"
    assert "".join(r.split("│")[1].strip() + " " for r in rows).split() == REFUSED.split()
    assert wrap("", 10) == [""]
    assert wrap("x" * 25, 10) == ["x" * 10, "x" * 10, "x" * 5]


def test_summary_line() -> None:
    counts = {"total": 5, "identical": 3, "differ": 2, "known": 1, "skipped": 0}
    assert render_summary(counts, Style(False), 1.25) == (
        "5 scenarios: 3 identical, 2 differ (1 known) (1.2 s)"
    )
    assert summarize([_outcome(SAME), _outcome(DIFFERS), _outcome(SKIPPED)]) == {
        "total": 3, "identical": 1, "differ": 1, "known": 0, "skipped": 1,
    }  # fmt: skip


def test_progress_bar_draws_on_a_terminal_only() -> None:
    quiet = io.StringIO()
    bar = Progress(2, quiet)
    bar.advance("a")
    bar.close()
    assert quiet.getvalue() == ""
    drawn = io.StringIO()
    bar = Progress(2, drawn, enabled=True)
    bar.advance("connect/refused")
    bar.close()
    assert "] 1/2 connect/refused" in drawn.getvalue()
    assert drawn.getvalue().endswith("\r\033[K")


def test_style_follows_the_stream(monkeypatch: pytest.MonkeyPatch) -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert Style.for_stream(Tty()).colour
    assert not Style.for_stream(Tty(), no_color=True).colour
    assert not Style.for_stream(io.StringIO()).colour
    monkeypatch.setenv("NO_COLOR", "1")
    assert not Style.for_stream(Tty()).colour


# -- functions and the matrix -------------------------------------------------------------------


def test_functions_of_scenarios() -> None:
    assert functions_of(SELECT) == ("stream_select",)
    assert functions_of(SAME) == ("fsockopen",)
    parse = scenario("parse/x", steps=[call("stream_socket_client", "a"), call("is_resource", 1)])
    assert functions_of(parse) == ("stream_socket_client",)
    meta = scenario(
        "connect/meta-data-tcp",
        steps=[call("stream_socket_client", "a"), call("stream_get_meta_data", var("fp"))],
    )
    assert functions_of(meta) == ("stream_socket_client", "stream_get_meta_data")
    tls = scenario(
        "tls/wrong-name",
        steps=[call("stream_context_create", {}), call("stream_socket_client", "ssl://a")],
    )
    assert functions_of(tls) == ("stream_socket_client",)
    starttls = scenario(
        "starttls/tls-client",
        steps=[
            call("stream_socket_client", "a"),
            call("stream_socket_enable_crypto", var("fp"), True, const("X")),
        ],
    )
    assert functions_of(starttls) == ("stream_socket_enable_crypto",)


def test_every_catalogued_scenario_has_a_function() -> None:
    registry = load()
    assert "core" in registry.catalogues
    assert all(functions_of(sc) for sc in registry.scenarios())


def test_matrix_renderer_on_fake_results() -> None:
    known = (
        KnownDifference("`$errno` of X", "garbage", "`0`", "undefined", ("fake/differs",), ""),
        KnownDifference("doc only", "a", "b", "no scenario"),
    )
    outcomes = [_outcome(sc, known) for sc in (SAME, DIFFERS, SKIPPED, SELECT)]
    text = render_matrix(outcomes, INFO, ["core", "io"], known)
    assert text.startswith("# phpstreams compatibility matrix\n")
    assert "PHP 8.2.36 with OpenSSL 3.0.99 1 Jan 2099" in text
    assert "Generated on 2024-02-29" in text
    assert f"    {REGENERATE}\n" in text
    assert "| [`fsockopen`](#fsockopen) | 3 | 1 | 1 |" in text
    assert "## stream_select" in text
    assert (
        "| refused: errno 111, one warning | `fake/same` | `false + E_WARNING fsockopen(): Unable to connect to 127.0.0.1:1 (Connection refused)` "
        "| `false + E_WARNING fsockopen(): Unable to connect to 127.0.0.1:1 (Connection refused)` | ✓ |"
    ) in text
    assert "| errno \\| pipes are escaped | `fake/differs` |" in text
    assert "| ✗ known |" in text
    assert "| `fake/skipped` | `skipped` | `skipped` | skipped |" in text
    assert "| `select/fake` | `1 call, last: 0` | `1 call, last: 0` | ✓ |" in text
    assert "## Known differences" in text
    assert "| `$errno` of X | garbage | `0` | undefined | `fake/differs` |" in text
    assert "| doc only | a | b | no scenario | none |" in text
    assert "Differences found in this run" not in text
    plain = render_matrix([_outcome(DIFFERS)], INFO, ["core"], ())
    assert "## Differences found in this run" in plain
    assert "  - step 0 fsockopen: $errno PHP 111 / phpstreams 0" in plain


def test_short_result_shows_the_differing_call() -> None:
    assert short_result(_outcome(DIFFERS), "fsockopen") == ("false + E_WARNING fsockopen(): Unable to connect to 127.0.0.1:1 (Connection refused)",) * 2
    assert short_result(_outcome(DIFFERS), "is_resource") == ("false", "false")
    assert short_result(_outcome(SAME), "fclose") == ("(not reached)", "(not reached)")


# -- the registry ---------------------------------------------------------------------------------


def test_registry_select() -> None:
    chosen, unmatched = REGISTRY.select(["fake/s*", "select", "fake/same", "nope"])
    assert [sc.name for sc in chosen] == ["fake/same", "fake/skipped", "select/fake"]
    assert unmatched == ["nope"]
    assert REGISTRY.catalogue_of("select/fake") == "io"


def test_registry_absent_and_broken_modules(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _import("not_written_yet") == (None, None)

    def broken(name: str) -> object:
        raise ModuleNotFoundError("No module named 'trustme'", name="trustme")

    monkeypatch.setattr(importlib, "import_module", broken)
    scenarios, error = _import("tls")
    assert scenarios is None and error is not None and "trustme" in error


# -- porting mode ------------------------------------------------------------------------------


def test_port_pair_detection(tmp_path: Path) -> None:
    (tmp_path / "a.php").write_text("<?php\n")
    (tmp_path / "a.py").write_text("")
    php, py = str(tmp_path / "a.php"), str(tmp_path / "a.py")
    assert is_port_pair([php, py]) and is_port_pair([py, php])
    assert not is_port_pair([php, php])
    assert not is_port_pair([php, str(tmp_path / "missing.py")])
    assert not is_port_pair(["connect/*", py])


def test_render_port_marks_differences() -> None:
    php = PortSide("PHP", "a.php", ["one\n", "two"], [("Warning", "w1")], 0, recorded=True)
    py = PortSide("phpstreams", "a.py", ["one\n", "zwei\n"], [("Warning", "w1")], 0, recorded=True)
    comparison = PortComparison(php, py, "8.2.36", differences=["stdout line 2: ..."])
    lines = render_port(comparison, Style(colour=False), 100)
    assert any(line.startswith("  1") and line.count("one") == 2 for line in lines)
    assert any(line.startswith("! 2") and "two (no newline at end)" in line for line in lines)
    assert any(line.startswith("  1") and line.count("Warning: w1") == 2 for line in lines)
    assert lines[-1] == "differs (ports normalized to {port}):"  # shown once: in the table
    brief = render_port(comparison, Style(colour=False), 100, brief=True)
    assert brief[-1] == "  ! stdout line 2: ..." and not any("one" in line for line in brief)


def test_render_port_shows_the_script_line_of_each_diagnostic() -> None:
    # the lines differ between the two scripts: shown beside each, never compared
    php = PortSide("PHP", "a.php", [], [("Warning", "w1")], 0, recorded=True, lines=[7])
    py = PortSide("phpstreams", "a.py", [], [("Warning", "w1")], 0, recorded=True, lines=[12])
    lines = render_port(PortComparison(php, py, "8.2.36"), Style(colour=False), 120)
    row = next(line for line in lines if "Warning: w1" in line)
    assert row.startswith("  1") and "w1 (script line 7)" in row and "w1 (script line 12)" in row


def test_port_differences_are_aligned() -> None:
    from phpstreams.compare._porting import _differences

    php = PortSide("PHP", "a.php", ["extra\n", "one\n", "two\n"], [("Warning", "w")], 0, recorded=True, lines=[4])
    py = PortSide("phpstreams", "a.py", ["one\n", "two\n"], [("Warning", "w"), ("Warning", "x")], 0, recorded=True, lines=[4, 5])
    assert _differences(php, py) == [
        "stdout line 1: PHP 'extra' / phpstreams (none)",
        "after diagnostic 1: PHP (none) / phpstreams 'Warning: x (script line 5)'",
    ]


# -- with real PHP -----------------------------------------------------------------------------------


@pytest.mark.php
@pytest.mark.usefixtures("php")
def test_prepend_file_is_valid_php(tmp_path: Path) -> None:
    prepend = tmp_path / "prepend.php"
    prepend.write_text(PREPEND % {"file": "'/dev/null'"})
    done = subprocess.run(["php", "-n", "-l", str(prepend)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_broken_catalogue_fails_all_only(
    fake_cli: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = Registry({"core": (SAME,)}, {"tls": "ImportError: half written"})
    monkeypatch.setattr(_cli, "load", lambda: broken)
    assert main(["compare", "fake/same"]) == 0
    assert (
        "catalogue 'tls' could not be loaded: ImportError: half written" in capsys.readouterr().err
    )
    assert main(["compare", "--all"]) == 1
    captured = capsys.readouterr()
    assert "catalogues not loaded: tls" in captured.out
    assert main(["compare", "--all", "--json"]) == 1
    document = json.loads(capsys.readouterr().out)
    assert document["catalogue_errors"] == {"tls": "ImportError: half written"}
    assert document["summary"]["ok"] is False


def test_an_engine_failure_is_a_difference(
    fake_cli: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def explode(sc: Scenario, php: str = "php") -> ScenarioResult:
        raise OSError("too many open files")

    monkeypatch.setattr(_cli, "run_scenario", explode)
    assert main(["compare", "fake/same"]) == 1
    assert "! the comparison itself failed: OSError: too many open files" in capsys.readouterr().out


def test_compare_show_prints_both_scripts() -> None:
    import io
    from contextlib import redirect_stdout

    from phpstreams.__main__ import main as cli_main

    out = io.StringIO()
    with redirect_stdout(out):
        assert cli_main(["compare", "--show", "--no-color", "parse/tcp-scheme"]) == 0
    text = out.getvalue()
    assert "== parse/tcp-scheme: PHP" in text and "<?php" in text
    assert "== parse/tcp-scheme: Python" in text and "phpstreams" in text


def test_scenario_tables_show_calls_with_arguments() -> None:
    from phpstreams.compare._table import _wrap_call

    lines = _wrap_call('3 stream_socket_client("tcp://127.0.0.1:1", $errno, $errstr, 5.0)', 30)
    assert lines[0] == '3 stream_socket_client("tcp://127.0.0.1:1",'
    assert all(line.startswith("      ") for line in lines[1:])
    outcome = _outcome(DIFFERS)
    plain = render_outcome(outcome, Style(colour=False), 120, "PHP 8.2.36")
    assert any(line.startswith("! 0 fsockopen(") for line in plain)
