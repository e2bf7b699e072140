"""Too many open files: PHP 8.2 and phpstreams run out of descriptors the same way.

Each side runs in its own subprocess whose RLIMIT_NOFILE is lowered before exec
(``resource.setrlimit`` in ``preexec_fn``), with the same steps: a listener
(backlog 512, so the queue never fills first), then clients connected to it
until one fails; then, with no descriptor left, fsockopen, stream_socket_server,
stream_socket_accept, a UDP client, stream_socket_pair, an ssl:// client and a
unix client; then it closes two streams and checks that it recovers (accept and
connect succeed again), fills up once more through accept, and finally closes
everything.  Each step records its return value (resources as "resource"),
$errno/$errstr and every diagnostic (an error handler collects them); the two
records must be equal.  How many clients fit differs (the interpreters start with
different descriptors open), so that count is not compared: each side checks
that it was stopped by the limit (open descriptors == the limit) and that after
closing everything it is back to where it started (no leak).

PHP's own texts here are not errno 24 everywhere: a failed socket() in PHP's
connect loop leaves errno 0 and "Unknown error", stream_socket_server says
"(Success)"; accept and stream_socket_pair name errno 24.  phpstreams follows.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

LIMIT = 64

PHP_SCRIPT = r"""<?php
$diags = [];
set_error_handler(function ($no, $str) use (&$diags) { $diags[] = [$no, $str]; return true; });
function fds() { return count(scandir('/proc/self/fd')) - 3; }  // minus . .. and the dir's own
function res($r) { return is_resource($r) ? "resource" : $r; }
function take() { global $diags; $d = $diags; $diags = []; return $d; }
$ctx = stream_context_create(["socket" => ["backlog" => 512]]);
$srv = stream_socket_server("tcp://127.0.0.1:0", $e, $s,
    STREAM_SERVER_BIND | STREAM_SERVER_LISTEN, $ctx);
$addr = stream_socket_get_name($srv, false);
$port = (int)substr($addr, strrpos($addr, ":") + 1);
$unix = getenv("UNIX_PATH");
$usrv = stream_socket_server("unix://$unix", $e, $s);
$out = ["before" => fds(), "port" => $port];
$fps = [];
for ($i = 0; $i < 1000; $i++) {
    $fp = stream_socket_client("tcp://$addr", $errno, $errstr, 1);
    if ($fp === false) { break; }
    $fps[] = $fp;
}
$out["clients"] = $i;
$out["client"] = [res($fp), $errno, $errstr, take()];
$r = fsockopen("127.0.0.1", $port, $errno, $errstr, 1);
$out["fsockopen"] = [res($r), $errno, $errstr, take()];
$r = stream_socket_server("tcp://127.0.0.1:0", $errno, $errstr);
$out["server"] = [res($r), $errno, $errstr, take()];
$r = stream_socket_accept($srv, 0.5);
$out["accept"] = [res($r), take()];
$r = stream_socket_client("udp://127.0.0.1:9", $errno, $errstr);
$out["udp"] = [res($r), $errno, $errstr, take()];
$r = stream_socket_pair(STREAM_PF_UNIX, STREAM_SOCK_STREAM, 0);
$out["pair"] = [res($r), take()];
$r = stream_socket_client("ssl://$addr", $errno, $errstr, 1);
$out["ssl"] = [res($r), $errno, $errstr, take()];
$r = stream_socket_client("unix://$unix", $errno, $errstr, 1);
$out["unix"] = [res($r), $errno, $errstr, take()];
$cases = [
    "unix_server" => ["stream_socket_server", "unix://$unix.2", STREAM_SERVER_BIND | STREAM_SERVER_LISTEN],
    "udg_server" => ["stream_socket_server", "udg://$unix.3", STREAM_SERVER_BIND],
    "udp_server" => ["stream_socket_server", "udp://127.0.0.1:0", STREAM_SERVER_BIND],
    "ssl_server" => ["stream_socket_server", "ssl://127.0.0.1:0", STREAM_SERVER_BIND | STREAM_SERVER_LISTEN],
    "udg_client" => ["stream_socket_client", "udg://$unix.3", STREAM_CLIENT_CONNECT],
    "tcp6_client" => ["stream_socket_client", "tcp://[::1]:9", STREAM_CLIENT_CONNECT],
];
foreach ($cases as $name => [$func, $url, $flags]) {
    $r = $func === "stream_socket_server"
        ? stream_socket_server($url, $errno, $errstr, $flags)
        : stream_socket_client($url, $errno, $errstr, 1, $flags);
    $out[$name] = [res($r), $errno, $errstr, take()];
}
$r = fsockopen("unix://$unix", -1, $errno, $errstr, 1);
$out["fsockopen_unix"] = [res($r), $errno, $errstr, take()];
$r = fsockopen("udp://127.0.0.1", 9, $errno, $errstr, 1);
$out["fsockopen_udp"] = [res($r), $errno, $errstr, take()];
fclose(array_pop($fps));
$out["full"] = fds() + 1;  // the one just closed is the directory's now
fclose(array_pop($fps));
$a = stream_socket_accept($srv, 0.5);
$out["accept_after"] = [res($a), take()];
$c = stream_socket_client("tcp://$addr", $errno, $errstr, 1);
$out["client_after"] = [res($c), $errno, $errstr, take()];
$b = stream_socket_accept($srv, 0.5);
$out["accept_full"] = [res($b), take()];
fwrite($fps[0], "ping\n");  // accept is FIFO: $a is the first client's peer
$out["io_after"] = [fgets($a), take()];
foreach ($fps as $fp) { fclose($fp); }
fclose($a); fclose($c);
$out["after"] = fds();
echo json_encode($out, JSON_UNESCAPED_SLASHES), "\n";
"""

PY_SCRIPT = r"""
import json, os, sys
from phpstreams import *

diags = []
set_error_handler(lambda no, text: diags.append([no, text]) or True)

def fds():
    return len(os.listdir("/proc/self/fd")) - 1  # minus the directory's own

def res(r):
    return "resource" if is_resource(r) else r

def take():
    d = diags[:]
    diags.clear()
    return d

ctx = stream_context_create({"socket": {"backlog": 512}})
e, s = Ref(), Ref()
srv = stream_socket_server("tcp://127.0.0.1:0", e, s,
    STREAM_SERVER_BIND | STREAM_SERVER_LISTEN, ctx)
addr = stream_socket_get_name(srv, False)
port = int(addr.rsplit(":", 1)[1])
unix = os.environ["UNIX_PATH"]
usrv = stream_socket_server(f"unix://{unix}", e, s)
errno, errstr = Ref(), Ref()
out = {"before": fds(), "port": port}
fps = []
for i in range(1000):
    fp = stream_socket_client(f"tcp://{addr}", errno, errstr, 1)
    if fp is False:
        break
    fps.append(fp)
out["clients"] = i
out["client"] = [res(fp), errno.value, errstr.value, take()]
r = fsockopen("127.0.0.1", port, errno, errstr, 1)
out["fsockopen"] = [res(r), errno.value, errstr.value, take()]
r = stream_socket_server("tcp://127.0.0.1:0", errno, errstr)
out["server"] = [res(r), errno.value, errstr.value, take()]
r = stream_socket_accept(srv, 0.5)
out["accept"] = [res(r), take()]
r = stream_socket_client("udp://127.0.0.1:9", errno, errstr)
out["udp"] = [res(r), errno.value, errstr.value, take()]
r = stream_socket_pair(STREAM_PF_UNIX, STREAM_SOCK_STREAM, 0)
out["pair"] = [res(r), take()]
r = stream_socket_client(f"ssl://{addr}", errno, errstr, 1)
out["ssl"] = [res(r), errno.value, errstr.value, take()]
r = stream_socket_client(f"unix://{unix}", errno, errstr, 1)
out["unix"] = [res(r), errno.value, errstr.value, take()]
cases = {
    "unix_server": ("server", f"unix://{unix}.2", STREAM_SERVER_BIND | STREAM_SERVER_LISTEN),
    "udg_server": ("server", f"udg://{unix}.3", STREAM_SERVER_BIND),
    "udp_server": ("server", "udp://127.0.0.1:0", STREAM_SERVER_BIND),
    "ssl_server": ("server", "ssl://127.0.0.1:0", STREAM_SERVER_BIND | STREAM_SERVER_LISTEN),
    "udg_client": ("client", f"udg://{unix}.3", STREAM_CLIENT_CONNECT),
    "tcp6_client": ("client", "tcp://[::1]:9", STREAM_CLIENT_CONNECT),
}
for name, (func, url, flags) in cases.items():
    if func == "server":
        r = stream_socket_server(url, errno, errstr, flags)
    else:
        r = stream_socket_client(url, errno, errstr, 1, flags)
    out[name] = [res(r), errno.value, errstr.value, take()]
r = fsockopen(f"unix://{unix}", -1, errno, errstr, 1)
out["fsockopen_unix"] = [res(r), errno.value, errstr.value, take()]
r = fsockopen("udp://127.0.0.1", 9, errno, errstr, 1)
out["fsockopen_udp"] = [res(r), errno.value, errstr.value, take()]
fclose(fps.pop())
out["full"] = fds() + 1
fclose(fps.pop())
a = stream_socket_accept(srv, 0.5)
out["accept_after"] = [res(a), take()]
c = stream_socket_client(f"tcp://{addr}", errno, errstr, 1)
out["client_after"] = [res(c), errno.value, errstr.value, take()]
b = stream_socket_accept(srv, 0.5)
out["accept_full"] = [res(b), take()]
fwrite(fps[0], "ping\n")  # accept is FIFO: a is the first client's peer
out["io_after"] = [fgets(a).decode(), take()]
for fp in fps:
    fclose(fp)
fclose(a)
fclose(c)
out["after"] = fds()
print(json.dumps(out))
"""


def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_NOFILE, (LIMIT, LIMIT))


def _run(argv: list[str], tmp: Path, name: str) -> dict[str, Any]:
    env = {**os.environ, "UNIX_PATH": str(tmp / f"{name}.sock")}
    done = subprocess.run(
        argv,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=_limited,
        env=env,
        check=False,
    )
    assert done.returncode == 0, f"{name}: rc {done.returncode}\n{done.stdout}\n{done.stderr}"
    assert "Traceback" not in done.stderr, done.stderr
    assert done.stderr == "", done.stderr
    text = done.stdout.strip().splitlines()[-1]
    port = json.loads(text)["port"]
    text = text.replace(str(tmp / f"{name}.sock"), "{path}").replace(
        f"127.0.0.1:{port}", "127.0.0.1:{port}"
    )
    result: dict[str, Any] = json.loads(text)
    return result


def _check_side(name: str, out: dict[str, Any]) -> None:
    assert out["full"] == LIMIT, f"{name}: stopped before the limit: {out}"
    assert out["after"] == out["before"], f"{name}: descriptors leaked: {out}"
    assert out["clients"] > 10, out


@pytest.mark.php
@pytest.mark.usefixtures("php")
def test_fd_exhaustion_same_as_php(tmp_path: Path) -> None:
    script = tmp_path / "fd.php"
    script.write_text(PHP_SCRIPT)
    php_out = _run(["php", "-n", str(script)], tmp_path, "php")
    py_out = _run([sys.executable, "-c", textwrap.dedent(PY_SCRIPT)], tmp_path, "py")
    _check_side("PHP", php_out)
    _check_side("phpstreams", py_out)
    counts = ("before", "clients", "after", "port")
    php_steps = {k: v for k, v in php_out.items() if k not in counts}
    py_steps = {k: v for k, v in py_out.items() if k not in counts}
    assert py_steps == php_steps
    # the limit really was what stopped each step
    assert php_out["accept"][1] == [
        [2, "stream_socket_accept(): Accept failed: Too many open files"]
    ]
