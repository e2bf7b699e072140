#!/usr/bin/env python3
"""phpstreams vs bare Python sockets vs PHP 8.2: the benchmark suite, in one interleaved run.

    python bench/run.py                       # every workload, ~1.5 minutes, text tables
    python bench/run.py --quick               # smoke run, a few seconds, no targets
    python bench/run.py --markdown | --json   # the tables as Markdown / one JSON document
    python bench/run.py --only fgets,select   # some workloads (names or groups, see --list)
    python bench/run.py --against /tmp/baseline   # + a "baseline" side: another copy

Every workload runs in three forms -- phpstreams, the same work with bare Python
``socket``/``ssl``/``select``, the same PHP code in ``php -n`` -- (four with --against),
each side in its own process, against a loopback server in its own process, for N
interleaved rounds after one warm-up each. Every run's work is verified (what the side
saw and what the server counted) before its time is kept. Progress goes to stderr,
the tables (or JSON) to stdout. Exit status 1 when a side did incomplete work or
failed; a ratio below its target is reported, never an error.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from _common import (  # noqa: E402
    BARE,
    BASELINE,
    BULK_BLOCK,
    PHP,
    PHPSTREAMS,
    REPO,
    Contender,
    Incomplete,
    Result,
    Server,
    Worker,
    environment,
    find_php,
    log,
    make_certs,
    make_line,
    measure,
    ratios,
    run_php,
    summarize,
)
from _workloads import raise_nofile  # noqa: E402

MIB = 1 << 20


@dataclass
class Workload:
    name: str
    group: str
    kind: str  # _workloads.SIDES[kind] and php/<kind>.php
    title: str
    work_text: str
    server: list[str]  # _server.py arguments
    params: dict[str, Any]  # the Python sides' arguments (besides the port)
    php_args: list[Any]  # php/<kind>.php's arguments after the port
    expected: dict[str, Any]  # what every side must observe
    server_delta: dict[str, int]  # how the server's counters must grow per run
    labels: dict[str, str]  # what each side runs
    unit: str
    work: float = 1.0  # units of work per run (rate = work / seconds)
    memory: bool = False  # the value is bytes per stream (lower is better)
    target: float | None = None  # informational phpstreams/bare goal (default runs only)
    php_target: float | None = None  # informational phpstreams/PHP goal (default runs only)
    rounds: int | None = None
    same_cpu: bool = False  # client and server pinned to one CPU (else: one CPU each)
    php_script: str | None = None  # php/<name>.php when it is not php/<kind>.php
    notes: list[str] = field(default_factory=list)


# The speed issue's goals (informational; a miss is reported, never an error):
# workload -> (phpstreams/bare, phpstreams/PHP).
TARGETS: dict[str, tuple[float | None, float | None]] = {
    "fgets_80": (1.0, 0.5),
    "fgets_4k": (1.0, 0.5),
    "get_line": (1.0, None),
    "fread": (1.0, 1.0),
    "get_contents": (1.0, None),
    "pingpong": (0.95, None),
    "connect": (0.9, None),
    "tls_handshake": (0.95, None),
    "tls_fread": (0.95, None),
    "memory_buffered": (2.0, None),  # bytes: at most 2x a bare socket with its buffer
}


def workloads(quick: bool, cafile: str, server_pem: str, streams: int) -> list[Workload]:
    out = _workloads(quick, cafile, server_pem, streams)
    for w in out:
        w.target, w.php_target = TARGETS.get(w.name, (None, None))
    return out


def _workloads(quick: bool, cafile: str, server_pem: str, streams: int) -> list[Workload]:
    def q(default: int, small: int) -> int:
        return small if quick else default

    out: list[Workload] = []
    for name, length, count in (
        ("fgets_80", 80, q(200_000, 5_000)),
        ("fgets_4k", 4096, q(20_000, 500)),
    ):
        out.append(
            Workload(
                name=name,
                group="fgets",
                kind="fgets",
                title=f"fgets($fp), {length}-byte lines",
                work_text=f"{count:,} lines",
                server=["lines", "--lines", str(count), "--line-length", str(length)],
                params={},
                php_args=[],
                expected={
                    "lines": count,
                    "bytes": count * length,
                    "last": make_line(count - 1, length).decode(),
                },
                server_delta={"accepted": 1, "completed": 1},
                labels={
                    PHPSTREAMS: "fgets($fp) loop",
                    BARE: 'sock.makefile("rb").readline() loop',
                    PHP: "fgets($fp) loop",
                },
                unit="lines/s",
                work=count,
            )
        )

    count = q(200_000, 5_000)
    get_line = 'stream_get_line($fp, 8192, "\\r\\n")'
    out.append(
        Workload(
            name="get_line",
            group="get_line",
            kind="get_line",
            title=f"{get_line}, 80-byte CRLF records",
            work_text=f"{count:,} records",
            server=["lines", "--lines", str(count), "--line-length", "80", "--ending", "crlf"],
            params={"length": 8192, "ending": "\r\n"},
            php_args=[8192, "\r\n"],
            expected={
                "records": count,
                "bytes": count * 78,
                "last": make_line(count - 1, 80, b"\r\n")[:-2].decode(),
            },
            server_delta={"accepted": 1, "completed": 1},
            labels={
                PHPSTREAMS: f"{get_line} loop",
                BARE: 'recv(8192) + split(b"\\r\\n") loop',
                PHP: f"{get_line} loop",
            },
            unit="records/s",
            work=count,
        )
    )

    size = q(200, 5) * 1_000_000
    out.append(
        Workload(
            name="fread",
            group="fread",
            kind="fread",
            title="fread($fp, 8192) until EOF",
            work_text=f"{size / 1e6:,.0f} MB",
            server=["bulk", "--bytes", str(size)],
            params={"length": 8192},
            php_args=[8192],
            expected={"bytes": size},
            server_delta={"accepted": 1, "completed": 1},
            labels={
                PHPSTREAMS: "fread($fp, 8192) loop",
                BARE: "sock.recv(8192) loop",
                PHP: "fread($fp, 8192) loop",
            },
            unit="MB/s",
            work=size / 1e6,
        )
    )

    size = q(100, 4) * MIB
    crc = 0  # of what the server sends: BULK_BLOCK (1 MiB) repeated
    for _ in range(size // MIB):
        crc = zlib.crc32(BULK_BLOCK, crc)
    out.append(
        Workload(
            name="get_contents",
            group="get_contents",
            kind="get_contents",
            title="stream_get_contents($fp): everything, one string",
            work_text=f"{size // MIB} MiB",
            server=["bulk", "--bytes", str(size)],
            params={},
            php_args=[],
            expected={"bytes": size, "crc32": crc},
            server_delta={"accepted": 1, "completed": 1},
            labels={
                PHPSTREAMS: "stream_get_contents($fp)",
                BARE: 'sock.recv(8192) loop + b"".join',
                PHP: "stream_get_contents($fp)",
            },
            unit="MB/s",
            work=size / 1e6,
        )
    )

    count = q(20_000, 500)
    out.append(
        Workload(
            name="pingpong",
            group="pingpong",
            kind="pingpong",
            title="request/response: fwrite a 64-byte line, fgets the echo",
            work_text=f"{count:,} round trips",
            server=["echo"],
            params={"count": count, "length": 64},
            php_args=[count, 64],
            expected={"round_trips": count, "bytes": count * 64},
            server_delta={"accepted": 1, "completed": 1, "echoed": count},
            labels={
                PHPSTREAMS: "fwrite($fp, $line); fgets($fp)",
                BARE: "sock.sendall(line); f.readline()",
                PHP: "fwrite($fp, $line); fgets($fp)",
            },
            unit="round trips/s",
            work=count,
            same_cpu=True,
            notes=[
                "client and server pinned to the same CPU: a cross-CPU wake-up costs "
                "~60-80 us per round trip on this VM and would dominate every side alike"
            ],
        )
    )

    count = q(200_000, 5_000)
    out.append(
        Workload(
            name="fwrite",
            group="fwrite",
            kind="fwrite",
            title="fwrite of 100-byte messages (the server drains)",
            work_text=f"{count:,} messages",
            server=["drain"],
            params={"count": count, "size": 100},
            php_args=[count, 100],
            expected={"messages": count, "bytes": count * 100},
            server_delta={"accepted": 1, "completed": 1, "received": count * 100},
            labels={
                PHPSTREAMS: "fwrite($fp, $msg) loop",
                BARE: "sock.sendall(msg) loop",
                PHP: "fwrite($fp, $msg) loop",
            },
            unit="messages/s",
            work=count,
        )
    )

    count = q(2_000, 100)
    out.append(
        Workload(
            name="connect",
            group="connect",
            kind="connect",
            title='connect + close: stream_socket_client("tcp://127.0.0.1:P") + fclose',
            work_text=f"{count:,} connects",
            server=["accept"],
            params={"count": count},
            php_args=[count],
            expected={"connects": count},
            server_delta={"accepted": count},
            labels={
                PHPSTREAMS: "stream_socket_client + fclose",
                BARE: "socket.create_connection + close",
                PHP: "stream_socket_client + fclose",
            },
            unit="connects/s",
            work=count,
        )
    )

    count = q(200, 10)
    out.append(
        Workload(
            name="tls_handshake",
            group="tls",
            kind="tls_handshake",
            title="TLS handshakes: ssl:// connect + fclose (peer verified: trustme CA as cafile)",
            work_text=f"{count:,} handshakes",
            server=["tlsaccept", "--cert", server_pem],
            params={"count": count, "cafile": cafile},
            php_args=[count, cafile],
            expected={"handshakes": count},
            server_delta={"accepted": count, "handshakes": count, "completed": count},
            labels={
                PHPSTREAMS: 'stream_socket_client("ssl://...", context cafile) + fclose',
                BARE: "ssl.create_default_context(cafile).wrap_socket(...) + close",
                PHP: 'stream_socket_client("ssl://...", context cafile) + fclose',
            },
            unit="handshakes/s",
            work=count,
        )
    )

    size = q(100, 5) * 1_000_000
    out.append(
        Workload(
            name="tls_fread",
            group="tls",
            kind="tls_fread",
            title="TLS bulk: fread($fp, 8192) on ssl:// until EOF (peer verified)",
            work_text=f"{size / 1e6:,.0f} MB",
            server=["tlsbulk", "--bytes", str(size), "--cert", server_pem],
            params={"length": 8192, "cafile": cafile},
            php_args=[8192, cafile],
            expected={"bytes": size},
            server_delta={"accepted": 1, "handshakes": 1, "completed": 1},
            labels={
                PHPSTREAMS: "ssl:// fread($fp, 8192) loop",
                BARE: "SSLSocket.recv(8192) loop",
                PHP: "ssl:// fread($fp, 8192) loop",
            },
            unit="MB/s",
            work=size / 1e6,
        )
    )

    for idle, calls in ((10, q(20_000, 500)), (100, q(5_000, 200)), (1000, q(1_000, 50))):
        out.append(
            Workload(
                name=f"select_{idle}",
                group="select",
                kind="select",
                title=f"stream_select over {idle:,} idle sockets + 1 ready one, timeout 0",
                work_text=f"{calls:,} calls",
                server=["hold"],
                params={"idle": idle, "calls": calls},
                php_args=[idle, calls],
                expected={"calls": calls, "ready": calls, "sockets": idle + 1},
                server_delta={"accepted": idle + 1, "completed": idle + 1, "received": 1},
                labels={
                    PHPSTREAMS: "r = list(all); stream_select(r, None, None, 0)",
                    BARE: "select.poll(), registered once; poll(0)",
                    PHP: "$r = $all; stream_select($r, $w, $e, 0)",
                },
                unit="calls/s",
                work=calls,
            )
        )

    # the speed issue's memory goal: "<= 2x a bare socket with its buffer" -- the bare
    # side of a buffered read is sock.makefile("rb") (as fgets_80's), whose
    # BufferedReader allocates its 8 KiB when it is made; a phpstreams (and PHP)
    # stream allocates its read buffer when it reads. Nothing is read on any side.
    for name, title, bare in (
        (
            "memory",
            "memory per open stream: VmRSS delta / streams, a fresh process per round",
            "socket.create_connection(...) kept in a list",
        ),
        (
            "memory_buffered",
            "memory per open stream against a bare socket with its reader: VmRSS delta",
            "socket.create_connection(...) + its makefile('rb'), kept in a list",
        ),
    ):
        out.append(
            Workload(
                name=name,
                group="memory",
                kind=name,
                title=title,
                work_text=f"{streams:,} streams",
                server=["hold"],
                params={"count": streams},
                php_args=[streams],
                expected={"streams": streams},
                server_delta={"accepted": streams + 10, "completed": streams + 10},
                labels={
                    PHPSTREAMS: "stream_socket_client(...) kept in a list",
                    BARE: bare,
                    PHP: "stream_socket_client(...) kept in an array",
                },
                unit="B/stream",
                memory=True,
                rounds=1 if quick else 3,
                php_script="memory.php",  # the same PHP streams for both
            )
        )
    return out


# -- running ----------------------------------------------------------------------------


@dataclass
class Side:
    name: str  # PHPSTREAMS, BASELINE, BARE
    library: str | None  # the copy to import phpstreams from
    worker: Worker | None = None
    pure: bool | None = None  # PHPSTREAMS_PURE_PYTHON=1 (True) or unset (False) in its worker

    def _worker(self) -> Worker:
        side = "bare" if self.library is None else "phpstreams"
        return Worker(side, self.library, pure=self.pure)

    def start(self) -> dict[str, Any]:
        self.worker = self._worker()
        return self.worker.hello

    def fresh(self, kind: str, params: dict[str, Any], cpus: set[int] | None) -> Result:
        """One run in a new process (memory: nothing of earlier runs in the heap)."""
        worker = self._worker()
        try:
            worker.pin(cpus)
            return worker.call(kind, **params)
        finally:
            worker.close()


def placement(w: Workload, pin: bool) -> tuple[set[int] | None, int | None, str]:
    """(the client's CPUs, the server's CPU, in words) for this workload."""
    cpus = sorted(os.sched_getaffinity(0))
    if not pin or len(cpus) < 2:
        return None, None, "placement left to the scheduler"
    server = cpus[0] if w.same_cpu else cpus[1]
    return {cpus[0]}, server, f"client on CPU {cpus[0]}, server on CPU {server}"


def python_run(
    side: Side, w: Workload, params: dict[str, Any], cpus: set[int] | None
) -> Callable[[], Result]:
    """One run of a Python side: in its worker, or in a fresh process (memory)."""
    if w.memory:
        return lambda: side.fresh(w.kind, params, cpus)
    worker = side.worker
    assert worker is not None
    return lambda: worker.call(w.kind, **params)


def run_workload(
    w: Workload, sides: list[Side], php: str | None, rounds: int, pin: bool
) -> dict[str, Any]:
    rounds = w.rounds or rounds
    client_cpus, server_cpu, where = placement(w, pin)
    log(f"== {w.name}: {w.title}; {w.work_text}, {rounds} rounds; {where}")
    with Server(*w.server, cpu=server_cpu) as server:
        port = server.port
        params = {"port": port, **w.params}
        contenders = []
        for side in sides:
            if side.worker is not None:
                side.worker.pin(client_cpus)
            label = w.labels[BARE if side.name == BARE else PHPSTREAMS]
            contenders.append(Contender(side.name, label, python_run(side, w, params, client_cpus)))
        if php is not None:

            def php_run() -> Result:
                script = w.php_script or f"{w.kind}.php"
                out = run_php(php, script, port, *w.php_args, cpus=client_cpus)
                return out.pop("seconds"), out

            contenders.append(Contender(PHP, f"php -n: {w.labels[PHP]}", php_run))
        if w.memory:
            metric = lambda seconds, observed: float(observed["bytes_per_stream"])  # noqa: E731
        else:
            metric = lambda seconds, observed: w.work / seconds  # noqa: E731
        measure(contenders, rounds, w.expected, metric, server, w.server_delta, not w.memory)
    sides_out = summarize(contenders, w.unit)
    return {
        "name": w.name,
        "group": w.group,
        "title": w.title,
        "work_text": w.work_text,
        "rounds": rounds,
        "unit": w.unit,
        "lower_is_better": w.memory,
        "target": w.target,
        "php_target": w.php_target,
        "placement": where,
        "sides": sides_out,
        "ratios": ratios(sides_out),
        "notes": w.notes,
    }


# -- output -----------------------------------------------------------------------------


def fmt_value(value: float | None) -> str:
    if value is None:
        return "-"
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:,.1f}"


def fmt_ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}x"


def column_names(against_label: str, has_baseline: bool) -> dict[str, str]:
    return {
        PHPSTREAMS: "current" if has_baseline else "phpstreams",
        BASELINE: against_label,
        BARE: "bare Python",
        PHP: "PHP 8.2",
    }


def short_names(has_baseline: bool) -> dict[str, str]:
    """The sides' names in ratio headers."""
    return {
        PHPSTREAMS: "current" if has_baseline else "phpstreams",
        BASELINE: "baseline",
        BARE: "bare",
        PHP: "PHP",
    }


def tables(doc: dict[str, Any]) -> list[tuple[str, list[str], list[list[str]]]]:
    """(title, head, rows) of the rates table, the stream_select growth, the memory."""
    results = doc["results"]
    present = [
        s for s in (PHPSTREAMS, BASELINE, BARE, PHP) if any(s in r["sides"] for r in results)
    ]
    has_baseline = BASELINE in present
    names = column_names(doc["options"]["against_label"], has_baseline)
    short = short_names(has_baseline)
    me = short[PHPSTREAMS]
    pairs = [(PHPSTREAMS, BARE), (PHPSTREAMS, PHP)]
    if has_baseline:
        pairs += [(BASELINE, BARE), (BASELINE, PHP), (PHPSTREAMS, BASELINE)]
    pairs = [(a, b) for a, b in pairs if a in present and b in present]
    show_target = not doc["options"]["quick"] and (PHPSTREAMS, BARE) in pairs
    out = []

    rate_rows = [r for r in results if not r["lower_is_better"]]
    if rate_rows:
        head = ["workload", "work", "unit", *[names[s] for s in present]]
        head += [f"{short[a]}/{short[b]}" for a, b in pairs]
        show_php_target = show_target and (PHPSTREAMS, PHP) in pairs
        if show_target:
            head.append(f"target {me}/bare")
        if show_php_target:
            head.append(f"target {me}/PHP")
        rows = []
        for r in rate_rows:
            row = [r["name"], r["work_text"], r["unit"]]
            row += [fmt_value(r["sides"][s]["value"]) if s in r["sides"] else "-" for s in present]
            row += [fmt_ratio(r["ratios"].get(f"{a}/{b}_paired")) for a, b in pairs]
            if show_target:
                target, got = r["target"], r["ratios"].get("phpstreams/bare_paired")
                row.append("-" if target is None or got is None else
                           f">= {target}x {'met' if got >= target else 'missed'}")  # fmt: skip
            if show_php_target:
                target, got = r.get("php_target"), r["ratios"].get("phpstreams/php_paired")
                row.append("-" if target is None or got is None else
                           f">= {target}x {'met' if got >= target else 'missed'}")  # fmt: skip
            rows.append(row)
        title = (
            f"Rates (medians of {rate_rows[0]['rounds']} interleaved rounds; higher is better; "
            "ratios: the median of the per-round ratios rate / rate)"
        )
        out.append((title, head, rows))

    by_name = {r["name"]: r for r in results}
    sel = [by_name[n] for n in ("select_10", "select_100", "select_1000") if n in by_name]
    if len(sel) >= 2:
        counts = [r["sides"][present[0]]["observed"]["sockets"] - 1 for r in sel]
        head = ["side", *[f"us/call, {n:,} idle" for n in counts]]
        head += [f"cost x ({counts[-1]:,} vs {counts[0]:,})", "us per extra idle socket"]
        rows = []
        for s in present:
            us = [1e6 / r["sides"][s]["value"] for r in sel]
            slope = (us[-1] - us[0]) / (counts[-1] - counts[0])
            rows.append(
                [names[s], *[f"{u:,.2f}" for u in us], f"{us[-1] / us[0]:,.1f}x", f"{slope:.3f}"]
            )
        out.append(
            ("stream_select: cost per call as the idle count grows (lower is better)", head, rows)
        )

    mem = [r for r in results if r["lower_is_better"]]
    for r in mem:
        head = ["workload", "streams", *[f"{names[s]} B/stream" for s in present]]
        head += [f"{short[a]}/{short[b]}" for a, b in pairs]
        row = [r["name"], r["work_text"].split()[0]]
        row += [fmt_value(r["sides"][s]["value"]) if s in r["sides"] else "-" for s in present]
        row += [fmt_ratio(r["ratios"].get(f"{a}/{b}_paired")) for a, b in pairs]
        if show_target:
            head.append(f"target {me}/bare")
            target, got = r.get("target"), r["ratios"].get("phpstreams/bare_paired")
            row.append("-" if target is None or got is None else
                       f"<= {target}x {'met' if got <= target else 'missed'}")  # fmt: skip
        title = (
            f"Memory per open stream (VmRSS delta / streams, median of {r['rounds']} "
            f"fresh process{'es' if r['rounds'] > 1 else ''} per side; lower is better; "
            "ratios: the median of the per-round ratios bytes / bytes)"
        )
        out.append((title, head, [row]))
    return out


def text_table(head: list[str], rows: list[list[str]], left: int) -> str:
    widths = [max(len(row[i]) for row in [head, *rows]) for i in range(len(head))]
    lines = []
    for n, row in enumerate([head, *rows]):
        cells = [
            c.ljust(w) if i < left else c.rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown_table(head: list[str], rows: list[list[str]], left: int) -> str:
    lines = ["| " + " | ".join(head) + " |"]
    lines.append("|" + "|".join(" --- " if i < left else " ---: " for i in range(len(head))) + "|")
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def render(doc: dict[str, Any], markdown: bool) -> str:
    env = doc["environment"]
    lines = [f"{env['date']}  {env['python']}  {env['php'] or 'PHP: not run'}"]
    lines.append(f"{env['machine']}, load average {env['load_average']}")
    lines.append(f"{doc['seconds']:.0f} s in all")
    names = column_names(doc["options"]["against_label"], BASELINE in env["phpstreams_copies"])
    for side, copy in env["phpstreams_copies"].items():
        where = copy["from"]
        if copy.get("commit"):
            where += f" (commit {copy['commit']}" + (
                " + uncommitted changes)" if copy.get("uncommitted_changes") else ")"
            )
        flavour = {True: " [C speedups]", False: " [pure Python]"}.get(copy.get("speedups"), "")
        lines.append(f"{names[side]}: phpstreams imported from {where}{flavour}")
    for note in doc["notes"]:
        lines.append(f"note: {note}")
    if markdown:
        lines = [f"- {line}" for line in lines]
    for title, head, rows in tables(doc):
        lines += ["", f"**{title}**" if markdown else title, ""]
        left = 1 if head[0] == "side" else 3 if head[1] == "work" else 2
        lines.append(markdown_table(head, rows, left) if markdown else text_table(head, rows, left))
    placements: dict[str, list[str]] = {}
    for r in doc["results"]:
        placements.setdefault(r["placement"], []).append(r["name"])
    lines.append("")
    bullet = "- " if markdown else ""
    for where, which in placements.items():
        scope = "all workloads" if len(placements) == 1 else ", ".join(which)
        lines.append(f"{bullet}{where}: {scope}")
    for r in doc["results"]:
        for note in r["notes"]:
            lines.append(f"{bullet}{r['name']}: {note}")
    return "\n".join(lines)


# -- command line -----------------------------------------------------------------------


def php_has_openssl(php: str) -> bool:
    try:
        proc = subprocess.run(
            [php, "-n", "-r", 'echo extension_loaded("openssl") ? "yes" : "no";'],
            capture_output=True,
            text=True,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return proc.stdout.strip() == "yes"


def select_workloads(all_: list[Workload], only: str | None) -> list[Workload]:
    if not only:
        return all_
    wanted = [n.strip() for n in only.split(",") if n.strip()]
    known = {w.name for w in all_} | {w.group for w in all_}
    unknown = [n for n in wanted if n not in known]
    if unknown:
        raise SystemExit(f"--only: unknown {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    return [w for w in all_ if w.name in wanted or w.group in wanted]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: small work, 2 rounds")
    out = parser.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="one JSON document on stdout")
    out.add_argument("--markdown", action="store_true", help="the tables as Markdown")
    parser.add_argument("--only", metavar="NAME[,NAME]", help="workload names or groups")
    parser.add_argument("--list", action="store_true", help="list the workloads and stop")
    parser.add_argument("--load", metavar="FILE", help="print the tables of a saved --json run")
    parser.add_argument("--rounds", type=int, default=None, help="interleaved rounds (9; quick 2)")
    parser.add_argument("--php", default=None, help="the php binary (default: php on PATH)")
    parser.add_argument("--no-php", action="store_true", help="leave the PHP side out")
    parser.add_argument(
        "--no-pin", action="store_true",
        help="do not pin the client and the server to CPUs (default: one CPU each)",
    )  # fmt: skip
    parser.add_argument(
        "--phpstreams", metavar="PATH", default=REPO,
        help="the source tree whose phpstreams/ is measured (default: this repository)",
    )  # fmt: skip
    parser.add_argument(
        "--against", metavar="PATH",
        help="also measure the phpstreams/ package of this source tree, as side 'baseline'",
    )  # fmt: skip
    parser.add_argument("--against-label", default=None, help="its column title")
    parser.add_argument(
        "--against-pure", action="store_true",
        help="the baseline is the measured tree itself with PHPSTREAMS_PURE_PYTHON=1 "
        "(C speedups against pure Python, one run)",
    )  # fmt: skip
    parser.add_argument(
        "--streams", type=int, default=None, help="memory: streams (10000; quick 200)"
    )
    args = parser.parse_args()

    if args.against_pure:
        args.against = args.against or args.phpstreams
    if args.against_label is None:
        args.against_label = "pure Python" if args.against_pure else "baseline"
    if args.load:
        with open(args.load) as f:
            print(render(json.load(f), args.markdown))
        return 0
    started = time.monotonic()
    notes: list[str] = []
    for tree in filter(None, (args.phpstreams, args.against)):
        if not os.path.isfile(os.path.join(tree, "phpstreams", "__init__.py")):
            raise SystemExit(f"{tree}: no phpstreams/ package in this source tree")

    # stream_select over 1,001 sockets and 10,000 open streams need file descriptors
    soft, hard = raise_nofile()
    streams = args.streams or (200 if args.quick else 10_000)
    if soft < streams + 200:
        scaled = max(10, soft - 200)
        notes.append(
            f"memory: RLIMIT_NOFILE is {soft} (hard {hard}), too low for {streams:,} streams; "
            f"scaled down to {scaled:,}"
        )
        streams = scaled
    rounds = max(1, args.rounds) if args.rounds is not None else (2 if args.quick else 9)
    php = find_php(args.no_php, args.php)
    if php is None:
        notes.append("PHP side not run (" + ("--no-php" if args.no_php else "no php on PATH") + ")")
    php_tls = php is not None and php_has_openssl(php)
    if php is not None and not php_tls:
        notes.append("PHP side of the TLS workloads not run: php -n has no openssl extension")

    with tempfile.TemporaryDirectory(prefix="phpstreams-bench-") as tmp:
        try:
            cafile, server_pem = make_certs(tmp)
        except ImportError:
            cafile = server_pem = ""
        chosen = select_workloads(workloads(args.quick, cafile, server_pem, streams), args.only)
        if args.list:
            for w in chosen:
                print(f"{w.name:<14} {w.group:<13} {w.title} ({w.work_text})")
            return 0
        too_many = [w for w in chosen if w.group == "select" and w.params["idle"] + 100 > soft]
        for w in too_many:
            notes.append(f"{w.name} not run: RLIMIT_NOFILE is {soft} (hard {hard})")
        chosen = [w for w in chosen if w not in too_many]
        if not cafile:
            notes.append("TLS workloads not run: trustme is not installed (pip install trustme)")
            chosen = [w for w in chosen if w.group != "tls"]

        sides = [Side(PHPSTREAMS, os.path.abspath(args.phpstreams), pure=False)]
        if args.against:
            sides.append(Side(BASELINE, os.path.abspath(args.against), pure=args.against_pure))
        sides.append(Side(BARE, None))
        hellos: dict[str, dict[str, Any]] = {}
        results = []
        status = 0
        try:
            for side in sides:
                hello = side.start()
                if side.library is not None:
                    hellos[side.name] = hello
                    log(f"{side.name}: phpstreams from {hello['phpstreams_file']}")
            for w in chosen:
                php_here = php if (w.group != "tls" or php_tls) else None
                results.append(run_workload(w, sides, php_here, rounds, not args.no_pin))
        except (Incomplete, RuntimeError) as exc:
            log(f"FAILED: {exc}")
            status = 1
        finally:
            for side in sides:
                if side.worker is not None:
                    side.worker.close()
    if status:
        return status

    doc = {
        "environment": environment(php, hellos),
        "options": {
            "quick": args.quick,
            "rounds": rounds,
            "against": args.against,
            "against_label": args.against_label,
            "phpstreams": os.path.abspath(args.phpstreams),
        },
        "notes": notes,
        "seconds": round(time.monotonic() - started, 1),
        "results": results,
    }
    if args.json:
        print(json.dumps(doc, indent=2))
    else:
        print(render(doc, args.markdown))
    log(f"done in {doc['seconds']:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
