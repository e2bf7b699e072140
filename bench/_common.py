"""Shared machinery of the bench scripts (not a benchmark itself).

- :class:`Server`: ``_server.py`` in a subprocess on 127.0.0.1, bounded, stopped on exit;
- :func:`run_php`: one ``php -n bench/php/<name>.php ...`` run, which times itself with
  ``hrtime()`` and prints one JSON line;
- :func:`measure`: the contenders interleaved (A, B, C, A, B, C...) for N rounds, every
  run verified against the expected work, medians reported;
- :func:`render` / :func:`emit`: the table or the JSON document.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
PHP_DIR = os.path.join(HERE, "php")

# The bulk payload: a 1 MiB pattern the server repeats (a ``bytes`` literal, not random).
BULK_BLOCK = bytes(range(256)) * 4096

# Order of the columns everywhere.
PHPSTREAMS, BARE, PHP = "phpstreams", "bare", "php"


def make_line(i: int, length: int) -> bytes:
    """Line ``i`` of the lines payload: its number, filler, ``\\n``; exactly ``length`` bytes."""
    head = b"%08d " % i
    return head + b"x" * (length - len(head) - 1) + b"\n"


def make_lines(count: int, length: int) -> bytes:
    if length < 10:
        raise ValueError("line length must be at least 10")
    filler = b"x" * (length - 10) + b"\n"
    return b"".join(b"%08d " % i + filler for i in range(count))


# -- the loopback server ------------------------------------------------------------


class Server:
    """``_server.py MODE ...`` as a subprocess; ``port`` once started; stops on close()."""

    def __init__(self, mode: str, *args: str, max_seconds: float = 300.0) -> None:
        cmd = [sys.executable, os.path.join(HERE, "_server.py"), mode, *args]
        cmd += ["--max-seconds", str(max_seconds)]
        self.proc = subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line.strip().isdigit():
            self.close()
            raise RuntimeError(f"bench server did not start: {line!r}")
        self.port = int(line)

    def stats(self) -> dict[str, int]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write("stats\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())  # type: ignore[no-any-return]

    def wait_accepted(self, count: int, timeout: float = 5.0) -> dict[str, int]:
        """The server's stats once it has accepted ``count`` connections in all (or timeout)."""
        end = time.monotonic() + timeout
        while True:
            stats = self.stats()
            if stats["accepted"] >= count or time.monotonic() > end:
                return stats
            time.sleep(0.01)

    def close(self) -> None:
        if self.proc.stdin is not None and not self.proc.stdin.closed:
            try:
                self.proc.stdin.close()
            except OSError:
                pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# -- PHP --------------------------------------------------------------------------------


def find_php(args: argparse.Namespace) -> str | None:
    """The php binary to run, None for no PHP side; a --php that cannot run stops here."""
    if args.no_php:
        return None
    if args.php:
        found = shutil.which(str(args.php))
        if found is None:
            raise SystemExit(f"--php {args.php}: not an executable (use --no-php to leave PHP out)")
        return found
    return shutil.which("php")


def php_version(php: str | None) -> str | None:
    if php is None:
        return None
    try:
        out = subprocess.run(
            [php, "-n", "-v"], capture_output=True, text=True, timeout=30, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return out.splitlines()[0] if out else None


def run_php(php: str, script: str, *args: object, timeout: float = 120.0) -> dict[str, Any]:
    """``php -n bench/php/SCRIPT args...``: the JSON line it prints (its own hrtime timing)."""
    path = os.path.join(PHP_DIR, script)
    proc = subprocess.run(
        [php, "-n", path, *map(str, args)], capture_output=True, text=True, timeout=timeout
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{script} failed ({proc.returncode}): {proc.stderr or proc.stdout}")
    lines = proc.stdout.strip().splitlines()
    if not lines:
        raise RuntimeError(f"{script} printed nothing: {proc.stderr}")
    return json.loads(lines[-1])  # type: ignore[no-any-return]


# -- measuring --------------------------------------------------------------------------


@dataclass
class Contender:
    """One side. ``run()`` does the whole work once: (seconds, what it observed)."""

    name: str
    label: str
    run: Callable[[], tuple[float, dict[str, Any]]]
    samples: list[float] = field(default_factory=list)
    observed: dict[str, Any] = field(default_factory=dict)


class Incomplete(RuntimeError):
    """A side did not receive the whole expected work."""


def check(name: str, observed: dict[str, Any], expected: dict[str, Any]) -> None:
    wrong = {k: (observed.get(k), v) for k, v in expected.items() if observed.get(k) != v}
    if wrong:
        detail = ", ".join(f"{k}: got {g!r}, expected {e!r}" for k, (g, e) in wrong.items())
        raise Incomplete(f"{name}: incomplete work: {detail}")


def log(*parts: object) -> None:
    print(*parts, file=sys.stderr, flush=True)


def measure(
    contenders: list[Contender],
    rounds: int,
    expected: dict[str, Any],
    server: Server | None = None,
    connections_per_run: int = 1,
    warmup: Callable[[Contender], int] | None = None,
) -> None:
    """Run the contenders interleaved, A B C, A B C..., ``rounds`` times; verify each run.

    ``warmup(c)`` runs once per side first (unmeasured) and returns how many connections
    it made. When ``server`` is given, its accept count must grow by exactly
    ``connections_per_run`` for every run as well (every side really reached the
    server, as often).
    """
    accepted = server.stats()["accepted"] if server is not None else 0
    if warmup is not None:
        for c in contenders:
            accepted += warmup(c)
    if server is not None:
        stats = server.wait_accepted(accepted)
        if stats["accepted"] != accepted:
            raise Incomplete(f"warm-up: server saw {stats}, expected {accepted} accepted")
    for r in range(rounds):
        for c in contenders:
            seconds, observed = c.run()
            check(c.name, observed, expected)
            if server is not None:
                accepted += connections_per_run
                stats = server.wait_accepted(accepted)
                if stats["accepted"] != accepted or stats.get("errors", 0):
                    raise Incomplete(f"{c.name}: server saw {stats}, expected {accepted} accepted")
            c.samples.append(seconds)
            c.observed = observed
            log(f"  round {r + 1}/{rounds} {c.name:<12} {seconds * 1000:9.1f} ms")


def summarize(contenders: list[Contender], work: float, unit: str) -> dict[str, Any]:
    """Per side: samples, median seconds, median rate (``work`` units per second)."""
    out: dict[str, Any] = {}
    for c in contenders:
        rates = [work / s for s in c.samples]
        out[c.name] = {
            "label": c.label,
            "seconds": c.samples,
            "median_seconds": statistics.median(c.samples),
            "rate": statistics.median(rates),
            "rate_min": min(rates),
            "rate_max": max(rates),
            "unit": unit,
            "observed": c.observed,
        }
    return out


def ratios(sides: dict[str, Any]) -> dict[str, float | None]:
    """phpstreams/bare and phpstreams/PHP, as ratios of the median rates (higher is better)."""

    def ratio(a: str, b: str) -> float | None:
        if a in sides and b in sides:
            return float(sides[a]["rate"] / sides[b]["rate"])
        return None

    def paired(a: str, b: str) -> float | None:
        if a in sides and b in sides:
            return float(
                statistics.median(
                    y / x for x, y in zip(sides[a]["seconds"], sides[b]["seconds"], strict=True)
                )
            )
        return None

    return {
        "phpstreams/bare": ratio(PHPSTREAMS, BARE),
        "phpstreams/php": ratio(PHPSTREAMS, PHP),
        # the median of the per-round ratios (same round = same machine load)
        "phpstreams/bare_paired": paired(PHPSTREAMS, BARE),
        "phpstreams/php_paired": paired(PHPSTREAMS, PHP),
    }


def environment(php: str | None) -> dict[str, Any]:
    """When and on what this ran; which phpstreams (the git state when it is this repo's)."""

    def git(*args: str) -> str | None:
        try:
            return subprocess.run(
                ["git", "-C", REPO, *args], capture_output=True, text=True, timeout=10
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return None

    import phpstreams

    where = os.path.dirname(os.path.dirname(os.path.abspath(phpstreams.__file__)))
    in_repo = os.path.samefile(where, REPO)
    status = git("status", "--porcelain", "--untracked-files=no", "--", "phpstreams")
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "python": f"Python {platform.python_version()}",
        "php": php_version(php),
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs",
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "phpstreams_from": where,
        "phpstreams_commit": git("rev-parse", "--short", "HEAD") if in_repo else None,
        "phpstreams_dirty": (bool(status) if status is not None else None) if in_repo else None,
    }


# -- command line and output ------------------------------------------------------------


def base_parser(description: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--rounds", type=int, default=None, help="interleaved rounds (9; 3 quick)")
    parser.add_argument("--quick", action="store_true", help="a few-second smoke run")
    parser.add_argument("--json", action="store_true", help="print one JSON document on stdout")
    parser.add_argument("--php", default=None, help="the php binary (default: php on PATH)")
    parser.add_argument("--no-php", action="store_true", help="leave PHP out")
    parser.add_argument(
        "--extra-baselines",
        action="store_true",
        help="also run 'bare-timeout': the bare loop on a socket with a timeout, which "
        "polls before every recv/connect as PHP 8.2 does",
    )
    return parser


def rounds_of(args: argparse.Namespace) -> int:
    if args.rounds is not None:
        return max(1, int(args.rounds))
    return 3 if args.quick else 9


def render(result: dict[str, Any]) -> str:
    """One benchmark's result as a small text table."""
    lines = [f"{result['title']}  ({result['work_text']}, {result['rounds']} rounds, medians)"]
    unit = result["unit"]
    for name, side in result["sides"].items():
        lines.append(
            f"  {name:<14} {side['rate']:>14,.0f} {unit:<8} "
            f"(min {side['rate_min']:,.0f}, max {side['rate_max']:,.0f}; "
            f"{side['median_seconds'] * 1000:,.1f} ms)  {side['label']}"
        )
    r = result["ratios"]
    target = result["target"]
    parts = []
    if r["phpstreams/bare"] is not None:
        value = r["phpstreams/bare"]
        verdict = "met" if value >= target else "MISSED"
        # 3 decimals where 2 would print the target for a miss
        shown = f"{value:.3f}" if value < target <= round(value, 2) else f"{value:.2f}"
        parts.append(f"phpstreams/bare {shown}x (target >= {target}x: {verdict})")
    if r["phpstreams/php"] is not None:
        parts.append(f"phpstreams/PHP {r['phpstreams/php']:.2f}x")
    else:
        parts.append("PHP not run")
    lines.append("  " + "; ".join(parts))
    return "\n".join(lines)


def emit(result: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print(json.dumps(result, indent=2))
    else:
        print(render(result))
