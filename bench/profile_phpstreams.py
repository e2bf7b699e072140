#!/usr/bin/env python3
"""Profiles the phpstreams side of one run.py workload with cProfile (stdlib) and prints
the top of the profile, so the hot paths can be read without any extra tool.

    python bench/profile_phpstreams.py fgets_80 [--top 25] [--sort tottime] [--quick]
    python bench/profile_phpstreams.py fread
    python bench/profile_phpstreams.py connect --pyspy       # sampling (pip install py-spy)
    python bench/profile_phpstreams.py --list

It runs exactly the function that ``run.py`` times for phpstreams (``_workloads.py``),
with the same server and the same default work, in this process: once unprofiled (the
plain time, for scale) and once under cProfile. phpstreams is imported as Python finds
it (this repository, or whatever PYTHONPATH puts first; the first line says which).
cProfile adds a fixed cost to every Python call, so it inflates call-heavy code: read
the profile for where the calls and the time go, not as absolute numbers. ``--pyspy``
instead re-runs the function ``--repeat`` times under py-spy (a sampling profiler, no
per-call cost) and prints the functions with the most samples, on their own ("self")
and with what they call ("total"), in % of the samples taken inside the measured
function (start-up and imports left out; ``--idle`` also counts time spent waiting).
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

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import _workloads
import run
from _common import Server, make_certs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workload", nargs="?", help="a run.py workload name (see --list)")
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sort", default="tottime", choices=("tottime", "cumulative", "ncalls"))
    parser.add_argument("--quick", action="store_true", help="run.py --quick's work")
    parser.add_argument("--pyspy", action="store_true", help="sample with py-spy instead")
    parser.add_argument("--idle", action="store_true", help="py-spy: count waiting time too")
    parser.add_argument("--repeat", type=int, default=10, help="py-spy: runs to sample")
    parser.add_argument("--by-line", action="store_true", help="py-spy: self samples per line")
    parser.add_argument("--plain", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="phpstreams-profile-") as tmp:
        cafile, server_pem = make_certs(tmp)
        known = {w.name: w for w in run.workloads(args.quick, cafile, server_pem, 200)}
        known.pop("memory")  # a memory measurement, nothing to profile
        if args.list or args.workload not in known:
            if not args.list:
                print(f"workload: one of {', '.join(known)}", file=sys.stderr)
            for w in known.values():
                print(f"{w.name:<14} {w.title} ({w.work_text})")
            return 0 if args.list else 2
        w = known[args.workload]
        if args.pyspy and not args.plain:
            return pyspy(args)
        func = _workloads.SIDES[w.kind]["phpstreams"]
        with Server(*w.server) as server:
            params = {"port": server.port, **w.params}
            if args.plain:  # the process py-spy samples
                for _ in range(args.repeat):
                    func(**params)
                return 0
            import phpstreams

            print(f"phpstreams from {phpstreams.__file__}")
            func(**params)  # warm-up
            plain, observed = func(**params)
            profiler = cProfile.Profile()
            profiler.enable()
            profiled, _ = func(**params)
            profiler.disable()
    shown = {k: v for k, v in observed.items() if k != "last"}
    print(
        f"{w.name}: phpstreams side {plain * 1000:.1f} ms plain, "
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
        cmd += ["--", sys.executable, os.path.abspath(__file__), args.workload, "--plain"]
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
        if "phpstreams_" not in stack:
            continue  # start-up, imports, the server's set-up: not the measured function
        samples += n
        frames = [_frame_name(f, args.by_line) for f in stack.split(";")]
        own[frames[-1]] += n
        for frame in set(frames):
            total[frame] += n
    print(
        f"{args.workload}: py-spy, {samples} samples at 1 kHz inside the measured function "
        f"({args.repeat} runs{', idle included' if args.idle else ', CPU only'})"
    )
    for title, counter in (("self", own), ("total (self + callees)", total)):
        print(f"\n  % {title}")
        for name, n in counter.most_common(args.top):
            print(f"  {100 * n / max(1, samples):5.1f}  {name}")
    return 0


def _frame_name(frame: str, by_line: bool = False) -> str:
    """'fgets (phpstreams/php/io.py:52)' -> 'fgets (io.py)' (or '... (io.py:52)' by line)."""
    name, _, where = frame.partition(" (")
    where = where.rstrip(")")
    path, _, line = where.rpartition(":") if by_line else (where.rsplit(":", 1)[0], "", "")
    if not path:
        return name
    return f"{name} ({os.path.basename(path)}{':' + line if line else ''})"


if __name__ == "__main__":
    sys.exit(main())
