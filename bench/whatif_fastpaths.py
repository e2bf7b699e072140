#!/usr/bin/env python3
"""What-if: SKETCHES of further hot-path changes the README suggests, measured against
the library as it is now. Nothing here changes phpstreams' files: the sketches are
patched into this process (or, with --pytest, into the test run's processes) only.

    python bench/whatif_fastpaths.py [--quick] [--rounds N]   # fgets + fread sides
    python bench/whatif_fastpaths.py --pytest [-- PYTEST ARGS] # the tests, sketched

The sketches (see the README, "Suggestions"), both falling back to the library's own
function for anything but their common case:

- ``fread-inline``: ``fread`` serves buffered bytes, or does PHP's fill of an EMPTY
  buffer (compact, recv of the free space, recv first and PHP's poll only on EAGAIN) in
  its own frame, instead of fread -> read -> _fill -> _recv; the recv'd ``bytes`` object
  becomes the buffer and, when it all fits, is returned as it is.
- ``fgets-lines``: ``fgets`` splits the buffered complete lines once per fill with one C
  call (``splitlines(keepends=True)``, used only where it splits exactly as "\n" does,
  i.e. no lone "\r") and then pops them, instead of one ``find()`` + slice per line. The
  cache is valid only while ``_buf`` is the same object and ``_pos`` where it left it, so
  any other read invalidates it without hooks. (A real version would keep it in a slot;
  the sketch keys a dict by the stream's id.)

They rely on SocketStream's private layout of this writing (an immutable ``bytes``
buffer ``_buf``, ``_pos``, PHP's ``_wpos``/``_buflen``, ``_filled``); if it changes, the
script says so and stops.
"""

from __future__ import annotations

import argparse
import errno
import os
import socket
import subprocess
import sys
import tempfile
import time
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import phpstreams  # noqa: E402
import phpstreams._io as _io  # noqa: E402
from phpstreams._resource import StreamResource  # noqa: E402
from phpstreams._stream import SocketStream  # noqa: E402

_TRANSIENT = (errno.EAGAIN, errno.EWOULDBLOCK, errno.EINTR)
_STATE_ERRORS = (errno.ENOTCONN, errno.EINVAL)  # not pending errors: a retry sees them again
_DONTWAIT = socket.MSG_DONTWAIT
LIB_FGETS, LIB_FREAD = _io.fgets, _io.fread


def _require_internals() -> None:
    probe = SocketStream(None, "tcp_socket/ssl", 60.0)
    need = ("_buf", "_pos", "_wpos", "_buflen", "_filled", "chunk_size", "no_buffer")
    missing = [a for a in need if not hasattr(probe, a)]
    if missing or type(probe._buf) is not bytes:
        raise SystemExit(
            f"whatif: SocketStream's layout is not the one the sketches were written for "
            f"({', '.join(missing) or '_buf is not bytes'}); they need updating"
        )


# -- fread-inline ------------------------------------------------------------------------


def fread_inline(stream: Any, length: int) -> Any:
    if stream.__class__ is StreamResource and length > 0:
        s = stream._stream
        if s is not None:
            buf, pos = s._buf, s._pos
            have = len(buf) - pos
            if have >= length:
                s._pos = pos + length
                return buf[pos : pos + length]
            sock = s.sock
            if (
                have == 0
                and s.__class__ is SocketStream  # plain socket: TLS reads go through SSL
                and sock is not None
                and not s.no_buffer
                and s.chunk_size != 1
            ):
                chunk, buflen, wpos = s.chunk_size, s._buflen, s._wpos
                if buflen - wpos < chunk:
                    wpos = 0  # PHP moves the (no) unread bytes to the front
                if buflen - wpos >= chunk:  # (the buffer need not grow)
                    try:
                        data = sock.recv(buflen - wpos, _DONTWAIT)
                    except OSError as exc:
                        if exc.errno in _TRANSIENT or exc.errno in _STATE_ERRORS:
                            # nothing changed yet: the library's own path (PHP's wait+recv;
                            # a listening socket's ENOTCONN/EINVAL comes back the same)
                            return LIB_FREAD(stream, length)
                        s._wpos, s._pos, s.eof = wpos, len(buf), True
                        return False
                    if s.blocked:
                        s.timed_out = False  # what PHP's successful wait does
                    n = len(data)
                    s._wpos = wpos + n
                    s._filled += n
                    if not n:
                        s._pos = len(buf)
                        s.eof = True
                        return data
                    s._buf = data
                    if n <= length:
                        s._pos = n
                        return data
                    s._pos = length
                    return data[:length]
    return LIB_FREAD(stream, length)


# -- fgets-lines -------------------------------------------------------------------------

_line_cache: dict[int, list[Any]] = {}  # id(stream) -> [buffer object, _pos, lines reversed]


def fgets_lines(stream: Any, length: int | None = None) -> Any:
    if length is None and stream.__class__ is StreamResource:
        s = stream._stream
        if s is not None:
            buf, pos = s._buf, s._pos
            c = _line_cache.get(id(s))
            if c is not None and c[0] is buf and c[1] == pos:
                lines = c[2]
                if lines:
                    line = lines.pop()
                    pos += len(line)
                    s._pos = c[1] = pos
                    return line
            end = buf.rfind(b"\n", pos) + 1
            if end:
                block = buf[pos:end]
                # splitlines also splits at a lone "\r": use it only where there is none
                if block.count(b"\r") == block.count(b"\r\n"):
                    lines = block.splitlines(True)
                    lines.reverse()
                    line = lines.pop()
                    pos += len(line)
                    s._pos = pos
                    _line_cache[id(s)] = [buf, pos, lines]
                    return line
    return LIB_FGETS(stream, length)


def apply_globally() -> None:
    """Both sketches, for good, in this process (used by --pytest's sitecustomize)."""
    _require_internals()
    for module in (phpstreams, _io):
        module.fgets = fgets_lines  # type: ignore[attr-defined]
        module.fread = fread_inline  # type: ignore[attr-defined]


# -- measuring ---------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--rounds", type=int, default=None)
    parser.add_argument("--pytest", action="store_true", help="run the tests with the sketches")
    parser.add_argument("pytest_args", nargs="*")
    args = parser.parse_args()
    _require_internals()
    if args.pytest:
        return run_pytest(args.pytest_args)

    import bench_fgets
    import bench_fread
    from _common import (
        Contender,
        Server,
        log,
        make_line,
        measure,
        summarize,
    )

    rounds = args.rounds or (3 if args.quick else 9)
    stream_socket_client, fclose = phpstreams.stream_socket_client, phpstreams.fclose

    def lines_loop(port: int, fgets: Any) -> tuple[float, dict[str, Any]]:
        _line_cache.clear()
        t0 = time.perf_counter()
        fp = stream_socket_client(f"tcp://127.0.0.1:{port}")
        assert fp is not False, "connect failed"
        n = total = 0
        last = b""
        while (line := fgets(fp)) is not False:
            n += 1
            total += len(line)
            last = line
        fclose(fp)
        t1 = time.perf_counter()
        return t1 - t0, {"lines": n, "bytes": total, "last": last.decode()}

    def bulk_loop(port: int, fread: Any) -> tuple[float, dict[str, Any]]:
        t0 = time.perf_counter()
        fp = stream_socket_client(f"tcp://127.0.0.1:{port}")
        assert fp is not False, "connect failed"
        total = reads = 0
        while data := fread(fp, 8192):
            total += len(data)
            reads += 1
        fclose(fp)
        t1 = time.perf_counter()
        return t1 - t0, {"bytes": total, "reads": reads}

    def one_run(c: Contender) -> int:
        c.run()
        return 1

    print("What-if (sketches patched in this process; the library's files are unchanged)")
    count = 20_000 if args.quick else 200_000
    expected: dict[str, Any] = {
        "lines": count,
        "bytes": count * 80,
        "last": make_line(count - 1, 80).decode(),
    }
    log(f"whatif fgets: {count} lines, {rounds} rounds")
    with Server("lines", "--lines", str(count), "--line-length", "80") as server:
        p = server.port
        sides = [
            Contender("library", "phpstreams as it is", lambda: lines_loop(p, LIB_FGETS)),
            Contender("fgets-lines", "sketch", lambda: lines_loop(p, fgets_lines)),
            Contender("bare", "makefile().readline()", lambda: bench_fgets.bare_side(p)),
        ]
        measure(sides, rounds, expected, server, 1, one_run)
    report("fgets, 80-byte lines", summarize(sides, count, "lines/s"))

    size = 20_000_000 if args.quick else 200_000_000
    log(f"whatif fread: {size} bytes, {rounds} rounds")
    with Server("bulk", "--bytes", str(size)) as server:
        p = server.port
        sides = [
            Contender("library", "phpstreams as it is", lambda: bulk_loop(p, LIB_FREAD)),
            Contender("fread-inline", "sketch", lambda: bulk_loop(p, fread_inline)),
            Contender("bare", "recv(8192)", lambda: bench_fread.bare_side(p)),
        ]
        measure(sides, rounds, {"bytes": size}, server, 1, one_run)
    report("fread(8192), bulk", summarize(sides, size / 1e6, "MB/s"))
    return 0


def report(title: str, sides: dict[str, Any]) -> None:
    bare = sides["bare"]["rate"]
    print(f"\n{title} (medians)")
    for name, side in sides.items():
        print(
            f"  {name:<14} {side['rate']:>12,.0f} {side['unit']:<8} "
            f"{side['rate'] / bare:5.2f}x bare   "
            f"(min {side['rate_min']:,.0f}, max {side['rate_max']:,.0f})"
        )


def run_pytest(pytest_args: list[str]) -> int:
    """The project's test suite, every process of it (the parity runner's Python
    scenarios too) with the sketches applied through a sitecustomize module."""
    repo = os.path.dirname(HERE)
    with tempfile.TemporaryDirectory(prefix="whatif-") as folder:
        with open(os.path.join(folder, "sitecustomize.py"), "w") as f:
            f.write(
                f"import sys\nsys.path.insert(0, {HERE!r})\n"
                "import whatif_fastpaths\nwhatif_fastpaths.apply_globally()\n"
            )
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [folder, env.get("PYTHONPATH")]))
        check = subprocess.run(
            [
                sys.executable,
                "-c",
                "import phpstreams, phpstreams._stream as s; "
                "assert phpstreams.fgets.__name__ == 'fgets_lines'; "
                "assert phpstreams.fread.__name__ == 'fread_inline'",
            ],
            env=env,
        )
        if check.returncode:
            print("whatif: the sketches did not load in a child process", file=sys.stderr)
            return 2
        print("whatif: running the test suite with the sketches applied", file=sys.stderr)
        return subprocess.run(
            [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *pytest_args],
            cwd=repo,
            env=env,
        ).returncode


if __name__ == "__main__":
    sys.exit(main())
