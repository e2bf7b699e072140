#!/usr/bin/env python3
"""Runs bench_fgets.py, bench_fread.py, bench_connect.py and bench_tls_fread.py (each in
its own process, one after the other) and prints one table: each side's median rate, phpstreams/bare
with its target, and phpstreams/PHP.

    python bench/bench_all.py [--quick] [--json | --markdown] [--rounds N] [--no-php]
                              [--extra-baselines] [--fail-on-miss] [--save FILE]
    python bench/bench_all.py --load FILE [--markdown]     # a saved run's table

Exit status: 1 when a benchmark failed (e.g. a side received incomplete data);
with --fail-on-miss, also when a phpstreams/bare target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from _common import BARE, PHP, PHPSTREAMS, environment, find_php, log  # noqa: E402

BENCHES = ("fgets", "fread", "connect", "tls_fread")


def run_one(name: str, passthrough: list[str]) -> dict[str, Any]:
    script = os.path.join(HERE, f"bench_{name}.py")
    proc = subprocess.run(
        [sys.executable, script, "--json", *passthrough],
        stdout=subprocess.PIPE,
        text=True,
        timeout=600,
    )  # progress goes to our stderr as it comes
    if proc.returncode != 0:
        raise SystemExit(f"bench_{name}.py failed with exit status {proc.returncode}")
    return json.loads(proc.stdout)  # type: ignore[no-any-return]


def fmt_rate(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:,.0f}"


def fmt_ratio(value: float | None, target: float | None = None) -> str:
    if value is None:
        return "-"
    if target is not None and value < target <= round(value, 2):
        return f"{value:.3f}x"  # would print as the target yet misses it
    return f"{value:.2f}x"


def rows(results: list[dict[str, Any]]) -> tuple[list[str], list[list[str]]]:
    extra = sorted({n for r in results for n in r["sides"]} - {PHPSTREAMS, BARE, PHP})
    head = [
        "benchmark",
        "unit",
        PHPSTREAMS,
        BARE,
        *extra,
        "PHP 8.2",
        "phpstreams/bare",
        "target",
        "phpstreams/PHP",
    ]
    body = []
    for r in results:
        sides, ratios = r["sides"], r["ratios"]

        def rate(name: str, sides: dict[str, Any] = sides) -> float | None:
            return sides[name]["rate"] if name in sides else None

        vs_bare = ratios["phpstreams/bare"]
        verdict = "met" if vs_bare >= r["target"] else "MISSED"
        body.append(
            [
                f"{r['bench']} ({r['work_text']})",
                r["unit"],
                fmt_rate(rate(PHPSTREAMS)),
                fmt_rate(rate(BARE)),
                *[fmt_rate(rate(n)) for n in extra],
                fmt_rate(rate(PHP)),
                fmt_ratio(vs_bare, r["target"]),
                f">= {r['target']}x {verdict}",
                fmt_ratio(ratios["phpstreams/php"]),
            ]
        )
    return head, body


def text_table(head: list[str], body: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in [head, *body]) for i in range(len(head))]
    out = []
    for n, row in enumerate([head, *body]):
        pairs = enumerate(zip(row, widths, strict=True))
        cells = [c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in pairs]
        out.append("  ".join(cells))
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def markdown_table(head: list[str], body: list[list[str]]) -> str:
    out = [
        "| " + " | ".join(head) + " |",
        "|" + "|".join(" --- " if i < 2 else " ---: " for i in range(len(head))) + "|",
    ]
    out += ["| " + " | ".join(row) + " |" for row in body]
    return "\n".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=None)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--php", default=None)
    parser.add_argument("--no-php", action="store_true")
    parser.add_argument("--extra-baselines", action="store_true")
    out = parser.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true")
    out.add_argument("--markdown", action="store_true")
    parser.add_argument("--fail-on-miss", action="store_true")
    parser.add_argument("--only", choices=BENCHES, action="append", help="run only this one")
    parser.add_argument("--save", metavar="FILE", help="also write the JSON document to FILE")
    parser.add_argument("--load", metavar="FILE", help="print a saved JSON document's table")
    args = parser.parse_args()

    passthrough: list[str] = []
    if args.rounds is not None:
        passthrough += ["--rounds", str(args.rounds)]
    for flag in ("quick", "no_php", "extra_baselines"):
        if getattr(args, flag):
            passthrough.append("--" + flag.replace("_", "-"))
    if args.php:
        passthrough += ["--php", args.php]

    if args.load:
        with open(args.load) as f:
            doc = json.load(f)
        env, results, missed = doc["environment"], doc["results"], doc["missed"]
    else:
        results = []
        for name in args.only or BENCHES:
            log(f"== bench_{name}.py")
            results.append(run_one(name, passthrough))
        env = environment(find_php(args))
        missed = [r["bench"] for r in results if r["ratios"]["phpstreams/bare"] < r["target"]]
    doc = {"environment": env, "results": results, "missed": missed}
    if args.save and not args.load:
        with open(args.save, "w") as f:
            json.dump(doc, f, indent=2)
            f.write("\n")

    if args.json:
        print(json.dumps(doc, indent=2))
    else:
        head, body = rows(results)
        print(f"{env['date']}  {env['python']}  {env['php'] or 'PHP: not run'}")
        if env.get("phpstreams_commit"):
            which = f"phpstreams {env['phpstreams_commit']}" + (
                " + uncommitted changes" if env["phpstreams_dirty"] else ""
            )
        else:
            which = f"phpstreams from {env.get('phpstreams_from')}"
        print(f"{env['machine']}, load average {env.get('load_average')}; {which}")
        print(
            "medians of interleaved rounds; rates: higher is better; "
            "ratios = phpstreams rate / other rate"
        )
        print()
        print(markdown_table(head, body) if args.markdown else text_table(head, body))
        if missed:
            print(f"\ntarget missed: {', '.join(missed)}")
    return 1 if (args.fail_on_miss and missed) else 0


if __name__ == "__main__":
    sys.exit(main())
