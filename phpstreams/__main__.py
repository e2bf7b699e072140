"""``python -m phpstreams``: the command line.

``demo`` runs PHP's STARTTLS flow, ported to phpstreams, against a loopback SMTP server
it starts itself.  ``compare`` runs comparison scenarios (or a .php script and its .py
port) in real PHP 8.2 and in phpstreams, side by side; ``matrix`` regenerates
compat_matrix.md from a run of every scenario.
"""

from __future__ import annotations

import argparse
import runpy
import sys
from pathlib import Path


def _demo() -> int:
    example = Path(__file__).resolve().parent.parent / "examples" / "smtp_starttls.py"
    if not example.exists():
        print("the demo ships in the source tree's examples/ folder", file=sys.stderr)
        return 2
    namespace = runpy.run_path(str(example))
    return int(namespace["main"]())


def build_parser() -> argparse.ArgumentParser:
    from phpstreams.compare._cli import add_commands

    parser = argparse.ArgumentParser(
        prog="phpstreams", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("demo", help="run the STARTTLS flow against a loopback SMTP server")
    add_commands(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    from phpstreams.compare._cli import run_command

    args = build_parser().parse_args(argv)
    if args.command == "demo":
        return _demo()
    try:
        return run_command(args, sys.stdout, sys.stderr)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
