#!/usr/bin/env python3
"""A measuring process for one Python side, driven by ``_common.Worker``.

    PYTHONPATH=COPY python bench/_worker.py phpstreams --expect-under COPY
    python bench/_worker.py bare

The phpstreams side imports ``phpstreams`` (from whatever PYTHONPATH puts first) and
refuses to run unless ``phpstreams.__file__`` lies under ``--expect-under``; the bare
side never imports it. It prints one JSON "hello" line (which copy it measures), then
answers each JSON request line on stdin, ``{"kind": K, "params": {...}}``, with one JSON
line: ``{"ok": true, "seconds": S, "observed": {...}}`` (``_workloads.SIDES[K][side]``)
or ``{"ok": false, "error": ...}``. It ends on EOF of stdin; a request that runs longer
than ``--timeout`` seconds kills it (SIGALRM), so no run can hang the benchmark.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import _workloads


def hello(side: str, expect_under: str | None) -> dict[str, object]:
    soft, hard = _workloads.raise_nofile()
    info: dict[str, object] = {"ok": True, "side": side, "pid": os.getpid(), "nofile": soft}
    info["nofile_hard"] = hard
    if side == "phpstreams":
        import phpstreams

        where = os.path.realpath(os.path.dirname(phpstreams.__file__))
        info["phpstreams_file"] = phpstreams.__file__
        info["speedups"] = bool(getattr(phpstreams, "SPEEDUPS", False))
        if expect_under is not None:
            root = os.path.realpath(expect_under)
            if not where.startswith(root + os.sep):
                return {
                    "ok": False,
                    "error": f"phpstreams was imported from {where}, not from under {root}",
                }
    return info


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("side", choices=("phpstreams", "bare"))
    parser.add_argument("--expect-under", default=None)
    parser.add_argument("--timeout", type=int, default=120)
    args = parser.parse_args()
    out = sys.stdout
    try:
        info = hello(args.side, args.expect_under)
    except Exception:  # e.g. the library does not import: say so, and stop
        info = {"ok": False, "error": traceback.format_exc()}
    print(json.dumps(info), file=out, flush=True)
    if not info["ok"]:
        return 2
    for line in sys.stdin:
        request = json.loads(line)
        func = _workloads.SIDES[request["kind"]][args.side]
        signal.alarm(args.timeout)
        try:
            seconds, observed = func(**request["params"])
            reply = {"ok": True, "seconds": seconds, "observed": observed}
        except Exception:
            reply = {"ok": False, "error": traceback.format_exc()}
        signal.alarm(0)
        print(json.dumps(reply), file=out, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
