"""``python -m phpstreams``: the command line.

``demo`` runs PHP's STARTTLS flow, ported to phpstreams, against a loopback SMTP server
it starts itself.
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="phpstreams", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("demo", help="run the STARTTLS flow against a loopback SMTP server")
    args = parser.parse_args(argv)
    if args.command == "demo":
        return _demo()
    return 2


if __name__ == "__main__":
    sys.exit(main())
