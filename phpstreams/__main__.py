"""``python -m phpstreams``: the command line.

``demo`` walks through PHP's mail ports (465 implicit TLS, 587 STARTTLS), ported to
phpstreams, against an embedded loopback SMTP server (``--php``: real PHP beside it).
``explain`` shows how PHP reads an address, a crypto method or a context;
``trace`` runs a ported script printing each PHP call it makes; ``apidoc`` prints
docs/api.md from the code's signatures and docstrings. ``compare`` runs
comparison scenarios (or a .php script and its
.py port) in real PHP 8.2 and in phpstreams, side by side; ``matrix`` regenerates
compat_matrix.md from a run of every scenario.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("phpstreams")
    except PackageNotFoundError:  # run from a source tree that is not installed
        pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
        found = (
            re.search(r'^version = "([^"]+)"', pyproject.read_text(), re.M)
            if (pyproject.exists())
            else None
        )
        return found.group(1) if found else "unknown"


def build_parser() -> argparse.ArgumentParser:
    from phpstreams.compare._cli import add_commands

    parser = argparse.ArgumentParser(
        prog="phpstreams", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    from phpstreams import SPEEDUPS

    flavour = "C speedups" if SPEEDUPS else "pure Python"
    parser.add_argument(
        "--version", action="version", version=f"phpstreams {_version()} ({flavour})"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser(
        "demo", help="walk through PHP's 465/587 mail ports against a loopback SMTP server"
    )
    demo.add_argument("--step", action="store_true", help="wait for Enter between steps")
    demo.add_argument("--php", action="store_true", help="run each step in real PHP beside it")
    demo.add_argument("--no-color", action="store_true", help="plain text even on a terminal")
    trace = commands.add_parser(
        "trace", help="run a ported script, printing each PHP call it makes as PHP writes it"
    )
    trace.add_argument("-o", "--output", metavar="FILE", help="write the trace to FILE")
    trace.add_argument("script", help="the Python script (a port to phpstreams)")
    trace.add_argument("args", nargs=argparse.REMAINDER, help="the script's arguments")
    explain = commands.add_parser(
        "explain", help="how PHP reads an address, a crypto method or a context"
    )
    explain.add_argument(
        "what", help="fsockopen, stream_socket_client, stream_socket_server, crypto-method, context"
    )
    explain.add_argument("values", nargs="*", help="its arguments, as you would give them to PHP")
    commands.add_parser("apidoc", help="print docs/api.md, generated from the code")
    add_commands(commands)
    return parser


def _trace(script: str, args: list[str], output: str | None) -> int:
    """Run the script in a fresh interpreter with PHPSTREAMS_TRACE=1 (decided at import)."""
    import os
    import subprocess

    env = dict(os.environ, PHPSTREAMS_TRACE="1")
    root = str(Path(__file__).resolve().parent.parent)  # this copy of phpstreams
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    if output:
        Path(output).write_text("")
        env["PHPSTREAMS_TRACE_FILE"] = str(Path(output).resolve())
    return subprocess.call([sys.executable, script, *args], env=env)


def main(argv: list[str] | None = None) -> int:
    from phpstreams.compare._cli import run_command

    args = build_parser().parse_args(argv)
    if args.command == "trace":
        return _trace(args.script, args.args, args.output)
    if args.command == "explain":
        from phpstreams.teach.explain import explain

        return explain(args.what, args.values, sys.stdout, sys.stderr)
    if args.command == "apidoc":
        from phpstreams.teach.apidoc import api_markdown

        sys.stdout.write(api_markdown())
        return 0
    if args.command == "demo":
        from phpstreams.demo import run

        try:
            return run(step=args.step, php=args.php, no_color=args.no_color)
        except KeyboardInterrupt:
            print("interrupted", file=sys.stderr)
            return 130
    try:
        return run_command(args, sys.stdout, sys.stderr)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
