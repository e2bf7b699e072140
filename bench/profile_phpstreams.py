#!/usr/bin/env python3
"""Profiles the phpstreams side of one benchmark with cProfile (stdlib) and prints the
top of the profile, so the hot paths can be read without any extra tool.

    python bench/profile_phpstreams.py fgets   [--top 25] [--sort tottime]
    python bench/profile_phpstreams.py fread
    python bench/profile_phpstreams.py connect
    python bench/profile_phpstreams.py fgets --pyspy      # sampling profile (pip install py-spy)

It runs exactly the loop that bench_<name>.py times for phpstreams (same server, same
default work), once unprofiled (the plain time, for scale) and once under cProfile.
cProfile adds a fixed cost to every Python call, so it inflates call-heavy code: read
the profile for where the calls and the time go, not as absolute numbers. ``--pyspy``
instead re-runs the loop ``--repeat`` times under py-spy (a sampling profiler, no
per-call cost; needs ``pip install py-spy``) and prints the functions with the most
samples, on their own ("self") and with what they call ("total"), in % of the samples
taken inside the measured loop (start-up and imports are left out; ``--idle`` also
counts the time spent waiting in the kernel, e.g. for data).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import bench_connect
import bench_fgets
import bench_fread
from _common import Server


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bench", choices=("fgets", "fread", "connect"))
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sort", default="tottime", choices=("tottime", "cumulative", "ncalls"))
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--pyspy", action="store_true", help="sample with py-spy instead")
    parser.add_argument("--idle", action="store_true", help="py-spy: count waiting time too")
    parser.add_argument("--repeat", type=int, default=10, help="py-spy: loops to sample")
    parser.add_argument("--by-line", action="store_true", help="py-spy: self samples per line")
    parser.add_argument("--plain", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.pyspy:
        return pyspy(args)

    run: Callable[[], tuple[float, dict[str, Any]]]
    if args.bench == "fgets":
        lines = 20_000 if args.quick else 200_000
        server = Server("lines", "--lines", str(lines), "--line-length", "80")
        run = lambda: bench_fgets.phpstreams_side(server.port)  # noqa: E731
    elif args.bench == "fread":
        size = 20_000_000 if args.quick else 200_000_000
        server = Server("bulk", "--bytes", str(size))
        run = lambda: bench_fread.phpstreams_side(server.port)  # noqa: E731
    else:
        count = 200 if args.quick else 2000
        server = Server("accept")
        run = lambda: bench_connect.phpstreams_side(server.port, count)  # noqa: E731
    with server:
        if args.plain:  # the process py-spy samples
            for _ in range(args.repeat):
                run()
            return 0
        run()  # warm-up
        plain, observed = run()
        profiler = cProfile.Profile()
        profiler.enable()
        profiled, _ = run()
        profiler.disable()
    shown = {k: v for k, v in observed.items() if k != "last"}
    print(
        f"{args.bench}: phpstreams side {plain * 1000:.1f} ms plain, "
        f"{profiled * 1000:.1f} ms under cProfile; observed {shown}"
    )
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.strip_dirs().sort_stats(args.sort).print_stats(args.top)
    text = out.getvalue()
    # drop pstats' preamble up to the column header
    print(text[text.index("   ncalls") :] if "   ncalls" in text else text)
    return 0


def pyspy(args: argparse.Namespace) -> int:
    exe = shutil.which("py-spy")
    if exe is None:
        print("py-spy is not installed: pip install py-spy", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        raw = os.path.join(tmp, "stacks.txt")
        cmd = [exe, "record", "--format", "raw", "--rate", "1000", "--output", raw]
        if args.idle:
            cmd.append("--idle")
        cmd += ["--", sys.executable, os.path.abspath(__file__), args.bench, "--plain"]
        cmd += ["--repeat", str(args.repeat)] + (["--quick"] if args.quick else [])
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with open(raw) as f:
            lines = f.read().splitlines()
    own: Counter[str] = Counter()
    total: Counter[str] = Counter()
    samples = 0
    for line in lines:
        stack, _, count = line.rpartition(" ")
        if not stack:
            continue
        n = int(count)
        if "phpstreams_side" not in stack:
            continue  # start-up, imports, the server's set-up: not the measured loop
        samples += n
        frames = [_frame_name(f, args.by_line) for f in stack.split(";")]
        own[frames[-1]] += n
        for frame in set(frames):
            total[frame] += n
    print(
        f"{args.bench}: py-spy, {samples} samples at 1 kHz inside the measured loop "
        f"({args.repeat} loops{', idle included' if args.idle else ', CPU only'})"
    )
    for title, counter in (("self", own), ("total (self + callees)", total)):
        print(f"\n  % {title}")
        for name, n in counter.most_common(args.top):
            print(f"  {100 * n / samples:5.1f}  {name}")
    return 0


def _frame_name(frame: str, by_line: bool = False) -> str:
    """'fgets (phpstreams/_io.py:52)' -> 'fgets (_io.py)' (or '... (_io.py:52)' by line)."""
    name, _, where = frame.partition(" (")
    where = where.rstrip(")")
    path, _, line = where.rpartition(":") if by_line else (where.rsplit(":", 1)[0], "", "")
    if not path:
        return name
    return f"{name} ({os.path.basename(path)}{':' + line if line else ''})"


if __name__ == "__main__":
    sys.exit(main())
