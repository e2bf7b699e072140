"""Shared machinery of the benchmark suite (``run.py``; not a benchmark itself).

- :class:`Server`: ``_server.py`` in its own process on 127.0.0.1, bounded, stopped on
  close(); its counters say what it really sent, received and accepted;
- :class:`Worker`: ``_worker.py`` in its own process, one per Python side (phpstreams
  from a chosen copy on PYTHONPATH, or bare), answering "run workload K once" requests;
- :func:`run_php`: one ``php -n bench/php/<kind>.php ...`` run, which times itself with
  ``hrtime()`` and prints one JSON line;
- :func:`measure`: the sides interleaved (A, B, C, A, B, C...) for N rounds after one
  unmeasured warm-up each, every run verified against the expected work (what the side
  saw, and the server's counters) before its value is kept;
- :func:`summarize` / :func:`ratios`: medians and the ratios between sides.
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import select
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

# Side names, in column order.
PHPSTREAMS, BASELINE, BARE, PHP = "phpstreams", "baseline", "bare", "php"

Result = tuple[float, dict[str, Any]]


def make_line(i: int, length: int, ending: bytes = b"\n") -> bytes:
    """Line ``i`` of the lines payload: its number, filler, the ending; ``length`` bytes."""
    head = b"%08d " % i
    return head + b"x" * (length - len(head) - len(ending)) + ending


def make_lines(count: int, length: int, ending: bytes = b"\n") -> bytes:
    if length < 9 + len(ending):
        raise ValueError("line too short for its number and ending")
    filler = b"x" * (length - 9 - len(ending)) + ending
    return b"".join(b"%08d " % i + filler for i in range(count))


def log(*parts: object) -> None:
    print(*parts, file=sys.stderr, flush=True)


class Incomplete(RuntimeError):
    """A side did not do (or the server did not see) the whole expected work."""


# -- the loopback server ------------------------------------------------------------


class Server:
    """``_server.py MODE ...`` as a subprocess; ``port`` once started; stops on close()."""

    def __init__(self, *args: str, cpu: int | None = None, max_seconds: float = 600.0) -> None:
        cmd = [sys.executable, os.path.join(HERE, "_server.py"), *args]
        cmd += ["--max-seconds", str(max_seconds)]
        if cpu is not None:
            cmd += ["--cpu", str(cpu)]
        self.proc = subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1
        )
        line = self._readline(30.0)
        if not line.strip().isdigit():
            self.close()
            raise RuntimeError(f"bench server did not start: {line!r}")
        self.port = int(line)

    def _readline(self, timeout: float) -> str:
        assert self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if not ready:
            raise RuntimeError("bench server did not answer")
        return self.proc.stdout.readline()

    def stats(self) -> dict[str, int]:
        assert self.proc.stdin is not None
        self.proc.stdin.write("stats\n")
        self.proc.stdin.flush()
        return json.loads(self._readline(10.0))  # type: ignore[no-any-return]

    def wait_for(self, want: dict[str, int], timeout: float = 10.0) -> dict[str, int]:
        """The counters once they equal ``want`` (or whatever they are after ``timeout``)."""
        end = time.monotonic() + timeout
        while True:
            stats = self.stats()
            if all(stats.get(k) == v for k, v in want.items()) or time.monotonic() > end:
                return stats
            time.sleep(0.005)

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


# -- the Python sides' processes ---------------------------------------------------------


class Worker:
    """``_worker.py SIDE``: a process that runs workloads on request.

    ``library``: the source tree to import phpstreams from (put first on PYTHONPATH and
    checked inside the worker against ``phpstreams.__file__``); None for the bare side.
    """

    def __init__(
        self, side: str, library: str | None = None, timeout: int = 120, pure: bool | None = None
    ) -> None:
        env = dict(os.environ)
        if pure is not None:  # the C speedups off (PHPSTREAMS_PURE_PYTHON=1) or on
            env.pop("PHPSTREAMS_PURE_PYTHON", None)
            if pure:
                env["PHPSTREAMS_PURE_PYTHON"] = "1"
        cmd = [sys.executable, os.path.join(HERE, "_worker.py"), side, "--timeout", str(timeout)]
        if library is not None:
            old = env.get("PYTHONPATH")
            env["PYTHONPATH"] = library + (os.pathsep + old if old else "")
            cmd += ["--expect-under", library]
        self.timeout = timeout
        self.side = side
        self.proc = subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1, env=env
        )
        self.hello = self._reply(60.0)
        if not self.hello.get("ok"):
            self.close()
            raise RuntimeError(f"{side} worker ({library or 'bare'}): {self.hello.get('error')}")

    def _reply(self, timeout: float) -> dict[str, Any]:
        assert self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        line = self.proc.stdout.readline() if ready else ""
        if not line:
            self.proc.kill()
            raise RuntimeError(f"{self.side} worker gave no answer (it exited or timed out)")
        return json.loads(line)  # type: ignore[no-any-return]

    def pin(self, cpus: set[int] | None) -> None:
        """Run on these CPUs only (None: leave the placement to the scheduler)."""
        if cpus is not None:
            os.sched_setaffinity(self.proc.pid, cpus)

    def call(self, kind: str, **params: Any) -> Result:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps({"kind": kind, "params": params}) + "\n")
        self.proc.stdin.flush()
        reply = self._reply(self.timeout + 10.0)
        if not reply["ok"]:
            raise RuntimeError(f"{self.side} worker failed on {kind}:\n{reply['error']}")
        return reply["seconds"], reply["observed"]

    def close(self) -> None:
        if self.proc.stdin is not None and not self.proc.stdin.closed:
            try:
                self.proc.stdin.close()
            except OSError:
                pass
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()


# -- PHP --------------------------------------------------------------------------------


def find_php(no_php: bool, php: str | None) -> str | None:
    """The php binary to run, None for no PHP side; a --php that cannot run stops here."""
    if no_php:
        return None
    if php:
        found = shutil.which(php)
        if found is None:
            raise SystemExit(f"--php {php}: not an executable (use --no-php to leave PHP out)")
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


def run_php(
    php: str, script: str, *args: object, cpus: set[int] | None = None, timeout: float = 120.0
) -> dict[str, Any]:
    """``php -n bench/php/SCRIPT args...``: the JSON line it prints (its own hrtime timing).

    ``cpus``: the CPUs it may run on (set before it starts), None for the scheduler's choice.
    """
    path = os.path.join(PHP_DIR, script)
    proc = subprocess.run(
        [php, "-n", path, *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=(lambda: os.sched_setaffinity(0, cpus)) if cpus is not None else None,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{script} failed ({proc.returncode}): {proc.stderr or proc.stdout}")
    lines = proc.stdout.strip().splitlines()
    if not lines:
        raise RuntimeError(f"{script} printed nothing: {proc.stderr}")
    return json.loads(lines[-1])  # type: ignore[no-any-return]


# -- TLS material -----------------------------------------------------------------------


def make_certs(folder: str) -> tuple[str, str]:
    """A fresh trustme CA and a server certificate for 127.0.0.1: (cafile, server pem)."""
    import trustme

    ca = trustme.CA()
    leaf = ca.issue_cert("127.0.0.1", "localhost")
    cafile = os.path.join(folder, "ca.pem")
    server_pem = os.path.join(folder, "server.pem")
    ca.cert_pem.write_to_path(cafile)
    leaf.private_key_and_cert_chain_pem.write_to_path(server_pem)
    return cafile, server_pem


# -- measuring --------------------------------------------------------------------------


@dataclass
class Contender:
    """One side. ``run()`` does the whole work once: (seconds, what it observed)."""

    name: str
    label: str
    run: Callable[[], Result]
    samples: list[float] = field(default_factory=list)  # the metric, one per round
    seconds: list[float] = field(default_factory=list)
    observed: dict[str, Any] = field(default_factory=dict)


def check(name: str, observed: dict[str, Any], expected: dict[str, Any]) -> None:
    wrong = {k: (observed.get(k), v) for k, v in expected.items() if observed.get(k) != v}
    if wrong:
        detail = ", ".join(f"{k}: got {g!r:.80}, expected {e!r:.80}" for k, (g, e) in wrong.items())
        raise Incomplete(f"{name}: incomplete work: {detail}")


def measure(
    contenders: list[Contender],
    rounds: int,
    expected: dict[str, Any],
    metric: Callable[[float, dict[str, Any]], float],
    server: Server | None = None,
    server_delta: dict[str, int] | None = None,
    warmup: bool = True,
) -> None:
    """Run the contenders interleaved, A B C, A B C..., ``rounds`` times; verify each run.

    One unmeasured (but verified) warm-up run per side comes first unless ``warmup`` is
    False. With a ``server``, its counters must grow by exactly ``server_delta`` for
    every run, with no errors and no connection left open: every side really did the
    work at the server, as often, and no side can skip work or stop early.
    """
    delta = server_delta or {}
    counters = server.stats() if server is not None else {}
    plan: list[int | None] = ([None] if warmup else []) + list(range(rounds))
    for r in plan:
        for c in contenders:
            seconds, observed = c.run()
            check(c.name, observed, expected)
            if server is not None:
                want = {k: counters.get(k, 0) + v for k, v in delta.items()}
                want["errors"] = counters.get("errors", 0)
                want["open"] = 0
                counters = server.wait_for(want)
                wrong = {k: (counters.get(k), v) for k, v in want.items() if counters.get(k) != v}
                if wrong:
                    raise Incomplete(f"{c.name}: server counters (got, expected): {wrong}")
            value = metric(seconds, observed)
            if r is None:
                log(f"  warm-up      {c.name:<12} {seconds * 1000:9.1f} ms")
                continue
            c.samples.append(value)
            c.seconds.append(seconds)
            c.observed = observed
            ms = seconds * 1000
            log(f"  round {r + 1:>2}/{rounds:<2} {c.name:<12} {ms:9.1f} ms  {value:,.6g}")


def summarize(contenders: list[Contender], unit: str) -> dict[str, Any]:
    """Per side: the per-round values, their median, min and max, the median seconds."""
    out: dict[str, Any] = {}
    for c in contenders:
        out[c.name] = {
            "label": c.label,
            "values": c.samples,
            "value": statistics.median(c.samples),
            "min": min(c.samples),
            "max": max(c.samples),
            "seconds": c.seconds,
            "median_seconds": statistics.median(c.seconds),
            "unit": unit,
            "observed": {k: v for k, v in c.observed.items() if k != "last"},
        }
    return out


def ratios(sides: dict[str, Any]) -> dict[str, float]:
    """a/b of the median values for every pair the tables show, and the paired medians.

    ``phpstreams/bare`` is phpstreams' median over bare's: for rates higher is better,
    for memory (bytes per stream) lower is better. ``*_paired`` (what the tables show):
    the median of the per-round ratios; the sides of one round ran back to back under
    the same machine load, so a load that drifts during a workload cancels out.
    """
    pairs = [(PHPSTREAMS, BARE), (PHPSTREAMS, PHP), (BASELINE, BARE), (BASELINE, PHP)]
    pairs.append((PHPSTREAMS, BASELINE))
    out: dict[str, float] = {}
    for a, b in pairs:
        if a in sides and b in sides:
            out[f"{a}/{b}"] = float(sides[a]["value"] / sides[b]["value"])
            per_round = zip(sides[a]["values"], sides[b]["values"], strict=True)
            out[f"{a}/{b}_paired"] = float(statistics.median(x / y for x, y in per_round))
    return out


def environment(php: str | None, workers: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """When and on what this ran, and which copies of phpstreams were measured."""

    def git(*args: str) -> str | None:  # read-only queries only
        try:
            proc = subprocess.run(
                ["git", "--no-optional-locks", "-C", REPO, *args],
                capture_output=True,
                text=True,
                timeout=10,
            )
        except (OSError, subprocess.SubprocessError):
            return None
        return proc.stdout.strip() if proc.returncode == 0 else None

    copies = {}
    for side, hello in workers.items():
        where = os.path.dirname(os.path.dirname(os.path.realpath(hello["phpstreams_file"])))
        entry: dict[str, Any] = {"from": where, "speedups": hello.get("speedups")}
        if os.path.samefile(where, REPO):
            entry["commit"] = git("rev-parse", "--short", "HEAD")
            status = git("status", "--porcelain", "--untracked-files=all", "--", "phpstreams")
            entry["uncommitted_changes"] = bool(status) if status is not None else None
        copies[side] = entry
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "python": f"Python {platform.python_version()}",
        "php": php_version(php),
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs",
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "phpstreams_copies": copies,
    }
