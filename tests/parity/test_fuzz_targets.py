"""Differential fuzz against real PHP 8.2: connect targets and stream-function arguments.

Hypothesis generates the inputs (a fixed, derandomized sequence: CI sees the same
ones every run; ``pytest --long`` asks for many more): addresses for
stream_socket_client and hostname/port pairs for fsockopen -- every transport
prefix (tcp udp unix udg ssl tls tlsv1.0..1.3 sslv3 sslv2, odd cases and unknown
ones), brackets, colons, unicode, NUL bytes, huge, negative and garbage ports,
300-character host names -- and the arguments of fread, fgets, stream_get_line and
stream_set_timeout (every PHP type, numeric strings, NaN...).  All of them are
written into one JSON batch, run by ONE php process (a generated script) and by
phpstreams in one Python process; each case records the return value (false /
"resource" / the data), $errno, $errstr, every diagnostic and any exception.  The
two records must be equal case by case, and no case may raise anything but PHP's
TypeError/ValueError inside phpstreams (a Python traceback fails the test).

No real DNS, no address other than loopback, by two means:

* the inputs: hosts are IP literals (127/8, ::1, 0.0.0.0, the inet_aton forms
  glibc parses numerically), ``localhost`` (in /etc/hosts, "files" first), or
  strings that fail before any resolution (unknown transports, bracket and colon
  errors, labels longer than DNS allows, NUL-truncated literals); unix paths are
  relative, in a fresh empty folder;
* the run: both sides run inside a new network namespace (``unshare -n``) with
  only its own loopback up -- no route anywhere, and no other process's ports --
  where the only listener is the batch's own (``{L}``, accepts, reads the first
  bytes, closes).  Without a namespace (``unshare -n``, or ``-rn`` where
  user namespaces are allowed) the test skips.
``test_no_dns_traffic`` runs a sample under ``strace -f -e trace=network`` and
checks that neither side ever sends to port 53.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.php

DEFAULT_COUNT = 3000  # examples asked of Hypothesis: about 2,400 distinct cases
LONG_COUNT = 20000

# -- the inputs ---------------------------------------------------------------------

PREFIXES = [
    "",
    "tcp://",
    "udp://",
    "ssl://",
    "tls://",
    "tlsv1.0://",
    "tlsv1.1://",
    "tlsv1.2://",
    "tlsv1.3://",
    "sslv3://",
    "sslv2://",
    "TCP://",
    "Tls://",
    "SSL://",
    "foo://",
    "http://",
    "file://",
    "://",
    " tcp://",
    "tcp\u00e9://",
    "tcp\x00://",
    "t\x00cp://",
    "unix+tcp://",
]
# Not here: prefixes without "://" ("tcp:/", "tcp:", "unix:/", "tcp://tcp://"): PHP
# then takes the whole string for a host name and asks DNS (strace shows it).
UNIX_PREFIXES = ["unix://", "udg://", "UNIX://", "unix:///"]
SAFE_HOSTS = [
    "127.0.0.1",
    "127.0.0.2",
    "127.1.2.3",
    "127.255.255.254",
    "0.0.0.0",
    "localhost",
    "LocalHost",
    "[::1]",
    "[0:0:0:0:0:0:0:1]",
    "[::ffff:127.0.0.1]",
    "::1",
    "::",
    "[::]",
    # glibc's getaddrinfo parses these numerically (inet_aton): no lookup
    "127.1",
    "2130706433",
    "0x7f000001",
    "0177.0.0.1",
]
BROKEN_HOSTS = [
    "[::1",
    "::1]",
    "[]",
    "[[::1]]",
    "[127.0.0.1]",
    "[::1]x",
    "[",
    "]",
    "[::1]:",
    "[:::]",
    "[::1%]",
    "",
    ":",
    "::::",
    "[\x00]",
    "[\u00e9]",
]
LONG_LABEL = st.builds(
    lambda ch, n, tail: ch * n + tail,
    st.sampled_from(["a", "1", "x", "-"]),
    st.integers(64, 300),
    st.sampled_from(["", ".test", ".example.com", ".localhost"]),
)
NUL_LITERAL = st.builds(
    lambda host, junk: f"{host}\x00{junk}",
    st.sampled_from(["127.0.0.1", "localhost", "[::1]"]),
    st.text(max_size=8),
)
HOSTS = st.one_of(
    st.sampled_from(SAFE_HOSTS),
    st.sampled_from(BROKEN_HOSTS),
    st.ip_addresses(v=4, network="127.0.0.0/8").map(str),
    LONG_LABEL,
    NUL_LITERAL,
)
# a port: the listener ({L}) or a closed one, in every spelling atoi() reads
PORT_TEXT = st.one_of(
    st.sampled_from(["{L}", "+{L}", " {L}", "0{L}", "{L}abc", "{L} ", "{L}\x00", "{L}:{L}"]),
    st.integers(-(2**70), 2**70).map(str),
    st.integers(0, 70000).map(str),
    st.sampled_from(["", "abc", "-", "+", "0x50", "\u0663", "1e3", " ", "\x00", "65536", "-1"]),
)
TAILS = st.sampled_from(["", "", "", "/", "/path", "?q", "#x", " ", "\x00", "\u00e9"])
UNIX_PATHS = st.one_of(
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="/"),
        max_size=20,
    ),
    st.integers(90, 300).map(lambda n: "p" * n),
    st.sampled_from(["", "missing.sock", "a\x00b", "./nosuch", "sock\u00e9", "@abstract"]),
)
TIMEOUTS = st.sampled_from([["f", 1.0], ["f", 0.5], ["i", 2], ["s", "1.5"], ["b", True]])
FLAGS = st.sampled_from([["i", 4], ["i", 4], ["i", 4], ["i", 0], ["i", 6], ["s", "4"]])


@st.composite
def inet_address(draw: st.DrawFn) -> str:
    host = draw(HOSTS)
    parts = [draw(st.sampled_from(PREFIXES)), host]
    if draw(st.integers(0, 9)):
        parts += [":", draw(PORT_TEXT)]
    parts.append(draw(TAILS))
    return "".join(parts)


@st.composite
def unix_address(draw: st.DrawFn) -> str:
    return draw(st.sampled_from(UNIX_PREFIXES)) + draw(UNIX_PATHS)


FSOCK_PORTS = st.one_of(
    st.builds(lambda k: ["L", k], st.integers(-2, 2)),
    st.integers(-(2**63), 2**63 - 1).map(lambda n: ["i", n]),
    st.sampled_from(
        [
            ["i", -1],
            ["i", 0],
            ["i", 65536],
            ["s", "{L}"],
            ["s", "abc"],
            ["s", " 1"],
            ["f", 1.5],
            ["f", 80.0],
            ["n"],
            ["b", True],
            ["a", []],
        ]
    ),
)


@st.composite
def fsockopen_case(draw: st.DrawFn) -> dict[str, Any]:
    if draw(st.integers(0, 5)) == 0:
        host = draw(unix_address())
    else:
        host = draw(st.sampled_from(PREFIXES)) + draw(HOSTS)
        if draw(st.integers(0, 4)) == 0:
            host += ":" + draw(PORT_TEXT)
    return {"fn": "fsockopen", "host": host, "port": draw(FSOCK_PORTS), "timeout": draw(TIMEOUTS)}


@st.composite
def client_case(draw: st.DrawFn) -> dict[str, Any]:
    address = draw(unix_address()) if draw(st.integers(0, 5)) == 0 else draw(inet_address())
    return {
        "fn": "stream_socket_client",
        "address": address,
        "timeout": draw(TIMEOUTS),
        "flags": draw(FLAGS),
    }


# every PHP type an int/string/float parameter may be handed, as ["tag", value]
VALUES = st.one_of(
    st.integers(-(2**24), 2**24).map(lambda n: ["i", n]),
    st.sampled_from([["i", 0], ["i", 1], ["i", -1], ["i", 8192], ["i", 3], ["i", 9]]),
    st.sampled_from(
        [
            ["f", 4.5],
            ["f", 1.0],
            ["f", -0.0],
            ["f", 1e20],
            ["f", "nan"],
            ["f", "inf"],
            ["f", 3.0],
            ["f", 2.9999999],
        ]
    ),
    st.sampled_from(
        [
            ["s", "10"],
            ["s", " 10"],
            ["s", "10 "],
            ["s", "1e1"],
            ["s", "0x1A"],
            ["s", "10abc"],
            ["s", ""],
            ["s", "abc"],
            ["s", "\u0663"],
            ["s", "\x0010"],
            ["s", "99999999999999999999"],
            ["s", "-5"],
            ["s", "4.5"],
        ]
    ),
    st.sampled_from([["n"], ["b", True], ["b", False], ["a", []], ["a", [1]]]),
)
ENDINGS = st.one_of(
    st.sampled_from(
        [
            ["s", "\n"],
            ["s", ""],
            ["s", "\x00"],
            ["s", "\r\n"],
            ["s", "ta"],
            ["s", "zzz"],
            ["n"],
            ["i", 1],
            ["a", []],
        ]
    ),
    st.text(max_size=5).map(lambda t: ["s", t]),
)


@st.composite
def argument_case(draw: st.DrawFn) -> dict[str, Any]:
    fn = draw(st.sampled_from(["fread", "fgets", "stream_get_line", "stream_set_timeout"]))
    args: list[Any] = [draw(VALUES)]
    if fn == "fgets" and draw(st.booleans()):
        args = []
    if fn == "stream_get_line" and draw(st.booleans()):
        args.append(draw(ENDINGS))
    if fn == "stream_set_timeout" and draw(st.booleans()):
        args.append(draw(VALUES))
    return {"fn": fn, "args": args}


def generate(count: int) -> list[dict[str, Any]]:
    """``count`` cases (fewer if Hypothesis runs out of new ones), derandomized."""
    found: list[dict[str, Any]] = []
    seen: set[str] = set()
    strategy = st.one_of(client_case(), client_case(), fsockopen_case(), argument_case())

    @settings(
        max_examples=count,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(case: dict[str, Any]) -> None:
        key = json.dumps(case, sort_keys=True)
        if key not in seen:
            seen.add(key)
            found.append(case)

    collect()
    return found


# -- the two batch runners ----------------------------------------------------------------

PHP_BATCH = r"""<?php
$port = getenv("FUZZ_L");
$cases = json_decode(file_get_contents($argv[1]), true);
$diags = [];
set_error_handler(function ($no, $str) use (&$diags) { $diags[] = [$no, $str]; return true; });
function value($v) {
    global $port;
    switch ($v[0]) {
        case "i": return $v[1];
        case "f": return is_string($v[1]) ? ($v[1] === "nan" ? NAN : INF) : (float)$v[1];
        case "s": return str_replace("{L}", $port, $v[1]);
        case "n": return null;
        case "b": return $v[1];
        case "a": return $v[1];
        case "L": return (int)$port + $v[1] * 65536;
    }
}
function enc($r) {
    if (is_resource($r)) { return "resource"; }
    if (is_string($r)) { return ["bytes", bin2hex($r)]; }
    return $r;
}
$out = [];
foreach ($cases as $case) {
    $diags = [];
    $errno = null; $errstr = null; $r = null; $exc = null; $rest = null;
    try {
        if ($case["fn"] === "stream_socket_client") {
            $r = stream_socket_client(str_replace("{L}", $port, $case["address"]), $errno, $errstr,
                value($case["timeout"]), value($case["flags"]));
        } elseif ($case["fn"] === "fsockopen") {
            $r = fsockopen(str_replace("{L}", $port, $case["host"]), value($case["port"]),
                $errno, $errstr, value($case["timeout"]));
        } else {
            [$a, $b] = stream_socket_pair(STREAM_PF_UNIX, STREAM_SOCK_STREAM, 0);
            fwrite($b, "alpha\nbeta\x00gamma\r\ndelta, and a longer tail without a newline");
            fclose($b);
            $args = array_map('value', $case["args"]);
            $r = $case["fn"]($a, ...$args);
        }
    } catch (\Throwable $t) {
        $exc = [get_class($t), $t->getMessage()];
    }
    if (isset($a) && is_resource($a)) { $rest = bin2hex(stream_get_contents($a)); fclose($a); }
    unset($a);
    $row = [enc($r), $errno, $errstr, $diags, $exc, $rest];
    if (is_resource($r)) { fclose($r); }
    $out[] = $row;
}
echo json_encode($out, JSON_UNESCAPED_SLASHES | JSON_INVALID_UTF8_SUBSTITUTE | JSON_PRESERVE_ZERO_FRACTION), "\n";
"""

PY_BATCH = r"""
import json, math, os, sys, traceback
import phpstreams as p

PORT = os.environ["FUZZ_L"]
cases = json.load(open(sys.argv[1]))
diags = []
p.set_error_handler(lambda no, text: diags.append([no, text]) or True)


def value(v):
    tag = v[0]
    if tag == "f":
        return {"nan": math.nan, "inf": math.inf}.get(v[1], v[1]) if isinstance(v[1], str) else float(v[1])
    if tag == "s":
        return v[1].replace("{L}", PORT)
    if tag == "n":
        return None
    if tag == "L":
        return int(PORT) + v[1] * 65536
    return v[1]


def text(s):
    return s if not isinstance(s, str) else s.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def enc(r):
    if p.is_resource(r):
        return "resource"
    if isinstance(r, bytes):
        return ["bytes", r.hex()]
    return r


out = []
for case in cases:
    diags.clear()
    errno, errstr = p.Ref(), p.Ref()
    r = exc = rest = None
    a = None
    try:
        if case["fn"] == "stream_socket_client":
            r = p.stream_socket_client(case["address"].replace("{L}", PORT), errno, errstr,
                                       value(case["timeout"]), value(case["flags"]))
        elif case["fn"] == "fsockopen":
            r = p.fsockopen(case["host"].replace("{L}", PORT), value(case["port"]), errno, errstr,
                            value(case["timeout"]))
        else:
            a, b = p.stream_socket_pair(p.STREAM_PF_UNIX, p.STREAM_SOCK_STREAM, 0)
            p.fwrite(b, b"alpha\nbeta\x00gamma\r\ndelta, and a longer tail without a newline")
            p.fclose(b)
            r = getattr(p, case["fn"])(a, *[value(v) for v in case["args"]])
    except (TypeError, ValueError) as e:
        exc = [type(e).__name__, text(str(e))]
    except BaseException:
        exc = ["PYTHON-TRACEBACK", traceback.format_exc()]
    if a is not None and p.is_resource(a):
        rest = p.stream_get_contents(a).hex()
        p.fclose(a)
    row = [enc(r), errno.value, text(errstr.value), [[n, text(t)] for n, t in diags], exc, rest]
    if p.is_resource(r):
        p.fclose(r)
    out.append(row)
print(json.dumps(out))
"""

# Inside the namespace: loopback up, the one listener, then PHP's run and phpstreams' run.
DRIVER = r"""
import json, os, socket, subprocess, sys, threading

subprocess.run(["ip", "link", "set", "lo", "up"], check=False, capture_output=True)
batch, php_script, py_script, strace = sys.argv[1:5]
listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(512)
port = listener.getsockname()[1]


def serve():
    while True:
        conn, _ = listener.accept()
        def handle(conn=conn):
            conn.settimeout(3)
            try:
                conn.recv(65536)  # a ClientHello, or the client's EOF
            except OSError:
                pass
            conn.close()
        threading.Thread(target=handle, daemon=True).start()


threading.Thread(target=serve, daemon=True).start()
env = {**os.environ, "FUZZ_L": str(port)}
prefix = ["strace", "-f", "-e", "trace=network", "-o"] if strace != "-" else []
results = {}
for side, argv in (("php", ["php", "-n", php_script, batch]),
                   ("py", [sys.executable, py_script, batch])):
    trace = f"{strace}.{side}"
    cmd = (prefix + [trace] if prefix else []) + argv
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600)
    results[side] = {"rc": done.returncode, "stdout": done.stdout, "stderr": done.stderr}
print(json.dumps(results))
"""


def _unshare() -> list[str] | None:
    """The command that runs a child in a new network namespace: ``unshare -n``
    (root), else ``unshare -rn`` (an unprivileged user namespace); None if neither."""
    if shutil.which("unshare") is None or shutil.which("ip") is None:
        return None
    for command in (["unshare", "-n"], ["unshare", "-rn"]):
        probe = subprocess.run([*command, "true"], capture_output=True, check=False)
        if probe.returncode == 0:
            return command
    return None


def run_batch(cases: list[dict[str, Any]], tmp: Path, strace: str = "-") -> tuple[Any, Any]:
    """Both sides' records for ``cases``, run in a fresh network namespace."""
    unshare = _unshare()
    if unshare is None:
        pytest.skip("no network namespace (unshare -n / -rn): the fuzz runs only isolated")
    (tmp / "batch.json").write_text(json.dumps(cases))
    (tmp / "batch.php").write_text(PHP_BATCH)
    (tmp / "batch.py").write_text(PY_BATCH)
    (tmp / "driver.py").write_text(DRIVER)
    work = tmp / "cwd"  # unix paths are relative: an empty folder of our own
    work.mkdir()
    done = subprocess.run(
        [
            *unshare,
            sys.executable,
            str(tmp / "driver.py"),
            str(tmp / "batch.json"),
            str(tmp / "batch.php"),
            str(tmp / "batch.py"),
            strace,
        ],
        capture_output=True,
        text=True,
        cwd=work,
        timeout=1200,
        check=False,
        env={**os.environ, "PYTHONPATH": os.environ.get("PYTHONPATH", os.getcwd())},
    )
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    php, py = results["php"], results["py"]
    assert php["rc"] == 0, php["stderr"] + php["stdout"][-2000:]
    assert py["rc"] == 0, py["stderr"][-5000:]
    assert "Traceback" not in py["stderr"], py["stderr"][-5000:]
    return json.loads(php["stdout"].splitlines()[-1]), json.loads(py["stdout"].splitlines()[-1])


def _masked(row: list[Any]) -> list[Any]:
    """PHP leaves $errno uninitialised for an unknown transport (whatever the stack
    held): it is not compared there (as the catalogue's UNKNOWN mask does)."""
    if isinstance(row[2], str) and row[2].startswith("Unable to find the socket transport"):
        return [row[0], None, *row[2:]]
    return row


def _describe(case: dict[str, Any], php: Any, py: Any) -> str:
    return f"{json.dumps(case)}\n   PHP:        {json.dumps(php)}\n   phpstreams: {json.dumps(py)}"


@pytest.mark.usefixtures("php")
def test_fuzz_targets_and_arguments(tmp_path: Path, long_run: bool) -> None:
    cases = generate(LONG_COUNT if long_run else DEFAULT_COUNT)
    assert len(cases) >= 2000, len(cases)
    php_rows, py_rows = run_batch(cases, tmp_path)
    assert len(php_rows) == len(py_rows) == len(cases)
    tracebacks = [
        (c, r)
        for c, r in zip(cases, py_rows, strict=True)
        if r[4] and r[4][0] == "PYTHON-TRACEBACK"
    ]
    assert not tracebacks, "\n".join(f"{json.dumps(c)}\n{r[4][1]}" for c, r in tracebacks[:5])
    differing = [
        (c, a, b)
        for c, a, b in zip(cases, php_rows, py_rows, strict=True)
        if _masked(a) != _masked(b)
    ]
    kinds: dict[str, int] = {}
    for case in cases:
        kinds[case["fn"]] = kinds.get(case["fn"], 0) + 1
    assert not differing, (
        f"{len(differing)} of {len(cases)} cases differ ({kinds}); the first ones:\n"
        + "\n".join(_describe(*d) for d in differing[:12])
    )


@pytest.mark.usefixtures("php")
def test_no_dns_traffic(tmp_path: Path) -> None:
    """Every connect target of the default batch under strace: no socket of either
    side ever addresses port 53 (the namespace would stop it, but none is tried)."""
    if shutil.which("strace") is None:
        pytest.skip("strace is not installed")
    targets = ("stream_socket_client", "fsockopen")
    cases = [c for c in generate(DEFAULT_COUNT) if c["fn"] in targets]
    trace = str(tmp_path / "trace")
    run_batch(cases, tmp_path, strace=trace)
    for side in ("php", "py"):
        log = Path(f"{trace}.{side}").read_text(errors="replace")
        assert "socket(" in log  # strace did trace the sockets
        dns = [line for line in log.splitlines() if "htons(53)" in line]
        assert not dns, f"{side}: DNS traffic:\n" + "\n".join(dns[:10])
