"""``phpstreams compare`` and ``phpstreams matrix``: the comparison engine on the command line.

Theory of operation: ``compare`` has three modes, chosen from its arguments:
``--list`` (no PHP needed), porting mode (one ``.php`` and one ``.py`` file: see
``_porting``) and scenario mode (names, globs or ``--all``).  Scenario mode runs
the chosen scenarios on a thread pool (each run starts its own peers), judges
each result against the known differences (``_outcome``) and prints tables, a
JSON document or both's summary line.  Exit status: 0 when every difference is
a known one, 1 otherwise (or when a catalogue failed to load under ``--all``),
2 for usage errors and a missing or wrong PHP.  ``matrix`` runs everything and
renders ``compat_matrix.md`` (``_matrix``).
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from importlib import metadata
from pathlib import Path
from typing import Any, TextIO

from ._functions import functions_of
from ._matrix import render_matrix
from ._outcome import Outcome, evaluate, outcome_dict, run_info, summarize
from ._porting import compare_scripts, is_port_pair
from ._runner import PHPUnavailable, ScenarioResult, SideRun, require_php, run_scenario
from ._scenario import Scenario
from ._table import render_list, render_outcome, render_port, render_summary
from ._terminal import Progress, Style, terminal_width
from .catalogue import Registry, load

__all__ = ["add_commands", "run_command"]

USAGE_ERROR = 2


def _jobs(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    compare = commands.add_parser(
        "compare",
        help="run scenarios (or a .php script and its .py port) in PHP 8.2 and in phpstreams",
        description="Run comparison scenarios in real PHP 8.2 and in phpstreams and show, call "
        "by call, what each did. Given one .php and one .py file, run both scripts "
        "and compare their output and diagnostics (porting mode).",
    )
    compare.add_argument(
        "targets",
        nargs="*",
        metavar="SCENARIO",
        help="scenario names, globs ('connect/*') or groups ('connect'); or script.php script.py "
        "[ARG ...] (the scripts' arguments follow them)",
    )
    compare.add_argument("--all", action="store_true", help="run every scenario")
    compare.add_argument("--list", action="store_true", help="list scenarios with their doc line")
    compare.add_argument(
        "--show",
        action="store_true",
        help="print the generated PHP and Python scripts, run nothing",
    )
    _common(compare)
    compare.add_argument("--json", action="store_true", help="print one JSON document")
    compare.add_argument("--no-color", action="store_true", help="never colour the output")
    shown = compare.add_mutually_exclusive_group()
    shown.add_argument("--full", action="store_true", help="a table for every scenario")
    shown.add_argument("--brief", action="store_true", help="one line per scenario, no tables")
    compare.add_argument("--width", type=int, help="table width (default: the terminal's)")
    compare.add_argument(
        "--timeout", type=float, default=60.0, help="porting mode: seconds per script (60)"
    )
    compare.add_argument(
        "--php-extension",
        action="append",
        default=[],
        metavar="NAME",
        help="porting mode: load a PHP extension php -n leaves out (-d extension=NAME), "
        "e.g. sockets; repeatable",
    )
    compare.add_argument(
        "--keep-ports",
        action="store_true",
        help="porting mode: compare 5-digit ports as printed instead of reading {port}",
    )
    matrix = commands.add_parser(
        "matrix",
        help="regenerate compat_matrix.md from a run of every scenario",
        description="Run every scenario of every catalogue and write the compatibility matrix.",
    )
    matrix.add_argument(
        "-o", "--output", default="compat_matrix.md", help="where to write it ('-': stdout)"
    )
    _common(matrix)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-j", "--jobs", type=_jobs, default=2, help="scenarios run at once (default 2)"
    )
    parser.add_argument("--php", default="php", help="the PHP 8.2 binary (default: php)")


def run_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.command == "matrix":
        return _matrix(args, out, err)
    return _compare(args, out, err)


# -- running -------------------------------------------------------------------------


def _report_catalogue_errors(registry: Registry, err: TextIO) -> None:
    for name, error in registry.errors.items():
        print(f"phpstreams: catalogue {name!r} could not be loaded: {error}", file=err)


def _run_one(sc: Scenario, php: str) -> ScenarioResult:
    """run_scenario, with a failure of the engine itself reported as a difference."""
    try:
        return run_scenario(sc, php)
    except PHPUnavailable:
        raise
    except Exception as exc:
        problem = f"the comparison itself failed: {type(exc).__name__}: {exc}"
        return ScenarioResult(sc.name, False, [problem], SideRun("php"), SideRun("python"))


def run_outcomes(
    scenarios: Sequence[Scenario], registry: Registry, php: str, jobs: int, err: TextIO
) -> list[Outcome]:
    """Run the scenarios on ``jobs`` threads, drawing progress on ``err`` (a tty only)."""
    progress = Progress(len(scenarios), err)
    results: dict[str, ScenarioResult] = {}
    pool = ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="phpsc")
    try:
        futures: dict[Future[ScenarioResult], Scenario] = {
            pool.submit(_run_one, sc, php): sc for sc in scenarios
        }
        for future in as_completed(futures):
            sc = futures[future]
            results[sc.name] = future.result()
            progress.advance(sc.name)
    finally:
        progress.close()
        pool.shutdown(wait=True, cancel_futures=True)
    return [
        evaluate(sc, results[sc.name], registry.catalogue_of(sc.name) or "") for sc in scenarios
    ]


# -- compare --------------------------------------------------------------------------


def _compare(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    style = Style.for_stream(out, args.no_color)
    width = args.width or terminal_width(out)
    if args.list:
        return _list(args, out, err, style)
    if not args.all and is_port_pair(args.targets):
        return _port(args, out, err, style, width)
    if args.all == bool(args.targets):
        print(
            "phpstreams compare: name scenarios (or globs), or give --all, "
            "or one .php and one .py file; --list shows the scenarios",
            file=err,
        )
        return USAGE_ERROR
    registry = load()
    _report_catalogue_errors(registry, err)
    if args.all:
        scenarios = registry.scenarios()
    else:
        scenarios, unmatched = registry.select(args.targets)
        if unmatched:
            scripts = [t for t in unmatched if t.endswith((".php", ".py"))]
            hint = (
                " (porting mode takes two existing files: one .php, one .py)"
                if scripts
                else " (see --list)"
            )
            print(f"phpstreams compare: no scenario matches {', '.join(unmatched)}{hint}", file=err)
            return USAGE_ERROR
    if getattr(args, "show", False):
        return _show(scenarios, out, style)
    try:
        version = require_php(args.php)
    except PHPUnavailable as exc:
        print(f"phpstreams compare: {exc}", file=err)
        return USAGE_ERROR
    started = time.monotonic()
    outcomes = run_outcomes(scenarios, registry, args.php, args.jobs, err)
    elapsed = time.monotonic() - started
    broken = bool(registry.errors) and args.all
    if args.json:
        document = _document(outcomes, registry, args.php, broken)
        out.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    else:
        _print_outcomes(outcomes, args, out, style, width, f"PHP {version}")
        if registry.errors:
            missing = ", ".join(registry.errors)
            print(style.paint(f"catalogues not loaded: {missing}", "red"), file=out)
        print(render_summary(summarize(outcomes), style, elapsed), file=out)
    failed = any(o.status == "differs" for o in outcomes)
    return 1 if failed or broken else 0


def _show(scenarios: Sequence[Scenario], out: TextIO, style: Style) -> int:
    """The two scripts each scenario runs, with sample values for its peer's address
    (each run starts its own peer on its own ports)."""
    from ._placeholders import Placeholders
    from ._render_php import render_php
    from ._render_py import render_python

    sample = Placeholders(port=40001, port2=40002, path="/tmp/phpsc-peer.sock", tmp="/tmp/phpsc")
    for sc in scenarios:
        for label, render in (("PHP", render_php), ("Python", render_python)):
            print(
                style.paint(
                    f"== {sc.name}: {label} (peer {sc.peer}; port 40001 is a sample)", "bold"
                ),
                file=out,
            )
            try:
                print(render(sc, sample).rstrip("\n"), file=out)
            except (ValueError, TypeError) as exc:
                print(f"(cannot render: {exc})", file=out)
    return 0


def _print_outcomes(
    outcomes: Sequence[Outcome],
    args: argparse.Namespace,
    out: TextIO,
    style: Style,
    width: int,
    php_label: str,
) -> None:
    for outcome in outcomes:
        if args.brief or (args.all and not args.full and outcome.status == "identical"):
            if args.brief or outcome.status != "identical":
                _print_brief(outcome, out, style)
            continue
        print("\n".join(render_outcome(outcome, style, width, php_label)), file=out)
        print(file=out)


def _print_brief(outcome: Outcome, out: TextIO, style: Style) -> None:
    status = outcome.status
    mark = {"identical": style.same, "differs": style.differs, "known": "~", "skipped": "-"}
    colour = {"identical": "green", "differs": "red", "known": "yellow", "skipped": "dim"}
    print(style.paint(f"{mark[status]} {outcome.name} ({status})", colour[status]), file=out)
    for line in outcome.unexpected:
        print(style.paint(f"    {line.splitlines()[0]}", "red"), file=out)


def _document(
    outcomes: Sequence[Outcome], registry: Registry, php: str, broken: bool
) -> dict[str, Any]:
    counts = summarize(outcomes)
    unexpected = sum(o.status == "differs" for o in outcomes)
    return {
        "environment": {**run_info(php).as_dict(), "phpstreams": _version()},
        "catalogues": {name: len(scs) for name, scs in registry.catalogues.items()},
        "catalogue_errors": dict(registry.errors),
        "summary": {**counts, "unexpected": unexpected, "ok": not unexpected and not broken},
        "scenarios": [outcome_dict(o, functions_of(o.scenario)) for o in outcomes],
    }


def _version() -> str:
    try:
        return metadata.version("phpstreams")
    except metadata.PackageNotFoundError:
        return "unknown"


def _list(args: argparse.Namespace, out: TextIO, err: TextIO, style: Style) -> int:
    registry = load()
    _report_catalogue_errors(registry, err)
    if args.targets:
        scenarios, unmatched = registry.select(args.targets)
        if unmatched:
            print(f"phpstreams compare: no scenario matches {', '.join(unmatched)}", file=err)
            return USAGE_ERROR
    else:
        scenarios = registry.scenarios()
    entries = [(sc.name, registry.catalogue_of(sc.name) or "", sc.doc) for sc in scenarios]
    if args.json:
        listed = [{"name": n, "catalogue": c, "doc": d} for n, c, d in entries]
        out.write(json.dumps(listed, indent=2, ensure_ascii=False) + "\n")
    else:
        print("\n".join(render_list(entries, style)), file=out)
    return 0


def _port(args: argparse.Namespace, out: TextIO, err: TextIO, style: Style, width: int) -> int:
    try:
        require_php(args.php)
    except PHPUnavailable as exc:
        print(f"phpstreams compare: {exc}", file=err)
        return USAGE_ERROR
    first, second, *script_args = args.targets
    comparison = compare_scripts(
        first,
        second,
        php=args.php,
        timeout=args.timeout,
        keep_ports=args.keep_ports,
        args=script_args,
        php_extensions=args.php_extension,
    )
    if args.json:
        out.write(json.dumps(comparison.as_dict(), indent=2, ensure_ascii=False) + "\n")
    else:
        brief = bool(getattr(args, "brief", False))
        print("\n".join(render_port(comparison, style, width, brief)), file=out)
    return 0 if comparison.identical else 1


# -- matrix ---------------------------------------------------------------------------


def _matrix(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    style = Style.for_stream(out)
    registry = load()
    _report_catalogue_errors(registry, err)
    try:
        require_php(args.php)
    except PHPUnavailable as exc:
        print(f"phpstreams matrix: {exc}", file=err)
        return USAGE_ERROR
    started = time.monotonic()
    outcomes = run_outcomes(registry.scenarios(), registry, args.php, args.jobs, err)
    text = render_matrix(outcomes, run_info(args.php), list(registry.catalogues))
    if args.output == "-":
        out.write(text)
    else:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"wrote {args.output}", file=out)
    for outcome in outcomes:
        if outcome.status == "differs":
            _print_brief(outcome, out if args.output != "-" else err, style)
    summary = render_summary(summarize(outcomes), style, time.monotonic() - started)
    print(summary, file=out if args.output != "-" else err)
    failed = any(o.status == "differs" for o in outcomes)
    return 1 if failed or registry.errors else 0
