"""``python -m phpstreams``: the command line.

``demo`` walks through PHP's mail ports (465 implicit TLS, 587 STARTTLS), ported to
phpstreams, against an embedded loopback SMTP server (``--php``: real PHP beside it).
``compare`` runs comparison scenarios (or a .php script and its .py
port) in real PHP 8.2 and in phpstreams, side by side; ``matrix`` regenerates
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
        found = re.search(r'^version = "([^"]+)"', pyproject.read_text(), re.M) if (
            pyproject.exists()
        ) else None
        return found.group(1) if found else "unknown"


def build_parser() -> argparse.ArgumentParser:
    from phpstreams.compare._cli import add_commands

    parser = argparse.ArgumentParser(
        prog="phpstreams", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--version", action="version", version=f"phpstreams {_version()}")
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser(
        "demo", help="walk through PHP's 465/587 mail ports against a loopback SMTP server"
    )
    demo.add_argument("--step", action="store_true", help="wait for Enter between steps")
    demo.add_argument("--php", action="store_true", help="run each step in real PHP beside it")
    demo.add_argument("--no-color", action="store_true", help="plain text even on a terminal")
    add_commands(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    from phpstreams.compare._cli import run_command

    args = build_parser().parse_args(argv)
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
