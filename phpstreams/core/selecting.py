"""PHP's select over streams: php-src ext/standard/streamsfuncs.c (stream_select), on poll().

Theory of operation: each array is turned into descriptors (streams without a
socket are passed over, as PHP passes over fd -1). Before waiting, PHP looks at
its own read buffers: if any stream in the read array has buffered bytes, only
those are returned, the write and except arrays are emptied, and nothing waits.
Otherwise one poll() stands for select(): readable means POLLIN, POLLHUP or
POLLERR, writable POLLOUT or POLLERR, exceptional POLLPRI -- the sets Linux's
select() reports -- and the count returned is the number of descriptors ready
in each set, summed, as select() counts them. The arrays are mutated in place to
keep only their ready entries, in order (a dict keeps its keys, as PHP keeps them).
A signal interrupting the poll (its handler returned) fails the call as select()
fails PHP's: a warning naming the highest descriptor, false, the arrays as given.
A descriptor select() cannot hold (>= FD_SETSIZE) fails it before any wait, with
PHP's "You MUST recompile PHP" warning -- poll() could, but PHP cannot.

With the C speedups, ``_speedups.select_plain`` does the whole call when every
entry is a plain socket stream in a list or dict (the common case, mirrored
step for step); anything else -- TLS, a bad entry, a local stream, a high
descriptor, bad timeouts -- it hands back untouched, and the code below runs.
"""

from __future__ import annotations

from typing import Any, Literal

from ..transport.net import SELECT_EXCEPT as _EXCEPT
from ..transport.net import SELECT_READ as _READ
from ..transport.net import SELECT_WRITE as _WRITE
from ..transport.net import poll_interruptible, poll_many
from .diagnostics import warning
from .errors import strerror
from .local import LocalStream
from .sockops import PLAIN
from .speedups import native
from .stream import StreamResource
from .timeouts import select_wait_ms

__all__ = ["FD_SETSIZE", "StreamArray", "select_streams"]

FD_SETSIZE = 1024  # glibc's, which PHP's select() is built with

StreamArray = list[Any] | dict[Any, Any] | None


def _entries(array: StreamArray) -> list[tuple[Any, Any]]:
    if array is None:
        return []
    if isinstance(array, dict):
        return list(array.items())
    return list(enumerate(array))


def _invalid(value: object) -> str | None:
    """php_stream_from_zval_no_verify's TypeError text for an entry, if it is no stream."""
    if not isinstance(value, StreamResource):
        return "stream_select(): supplied argument is not a valid stream resource"
    if value.stream is None:
        return "stream_select(): supplied resource is not a valid stream resource"
    return None


def _fds(array: StreamArray, errors: list[str]) -> list[tuple[Any, Any, int]]:
    """(key, value, fd) for every entry that has a descriptor; bad entries are noted."""
    out = []
    for key, value in _entries(array):
        error = _invalid(value)
        if error is not None:
            errors.append(error)
            continue
        transport = value.stream.transport
        if transport is not None:
            out.append((key, value, transport.fd))
        elif isinstance(value.stream, LocalStream):  # php_stream_cast(AS_FD_FOR_SELECT)
            fd = value.stream.ops.cast_fd(value.stream)
            if fd is None:
                kind = value.stream.stream_type
                warning(
                    f"stream_select(): Cannot represent a stream of type {kind} "
                    "as a select()able descriptor"
                )
            else:
                out.append((key, value, fd))
    return out


def _keep(array: StreamArray, keys: set[Any]) -> None:
    if isinstance(array, dict):
        for key in [k for k in array if k not in keys]:
            del array[key]
    elif array is not None:
        array[:] = [value for index, value in enumerate(array) if index in keys]


def select_streams(
    read: StreamArray,
    write: StreamArray,
    except_: StreamArray,
    seconds: int | None,
    microseconds: int | None,
) -> int | Literal[False]:
    """stream_select: the arrays are mutated in place; None stands for null;
    False when select() itself failed (warned)."""
    if _select_plain is not None:
        try:
            wait_ms = select_wait_ms(seconds, microseconds)
        except ValueError:
            wait_ms = None  # raised below, in PHP's order
        # (a waiting poll that a signal cannot interrupt is poll_many's alone)
        if wait_ms is not None and (wait_ms == 0 or poll_interruptible()):
            done = _select_plain(read, write, except_, wait_ms)
            if done.__class__ is int:
                return done
            if done is not NotImplemented:
                code, max_fd = done
                warning(
                    f"stream_select(): Unable to select [{code}]: {strerror(code)} "
                    f"(max_fd={max_fd})"
                )
                return False
    # PHP: a bad entry throws a TypeError but the call goes on without it; an
    # exception thrown later (here, the ValueError) chains it as its previous one.
    errors: list[str] = []
    sets = [_fds(read, errors), _fds(write, errors), _fds(except_, errors)]
    if not any(sets):
        raise ValueError("No stream arrays were passed") from (
            TypeError(errors[0]) if errors else None
        )
    max_fd = max(fd for entries in sets for _, _, fd in entries)
    if max_fd >= FD_SETSIZE:
        # PHP: stream_select is select(2): PHP_SAFE_MAX_FD refuses a descriptor
        # its fd_set cannot hold (php-src main/network.c _php_emit_fd_setsize_warning)
        warning(
            "stream_select(): You MUST recompile PHP with a larger value of FD_SETSIZE.\n"
            f"It is set to {FD_SETSIZE}, but you have descriptors numbered at least as high "
            f"as {max_fd}.\n --enable-fd-setsize={(max_fd + 1024) & ~1023} is recommended, "
            "but you may want to set it\nto equal the maximum number of open files supported "
            "by your system,\nin order to avoid seeing this error again at a later date."
        )
        if errors:
            raise TypeError(errors[0])
        return False
    timeout_ms = select_wait_ms(seconds, microseconds)

    # PHP: data in a read stream's own buffer counts as readable, and wins alone.
    try:
        count = _select(read, write, except_, sets, timeout_ms)
    except OSError as exc:
        # PHP: select() failed (a signal whose handler returned: EINTR): a
        # warning naming the highest descriptor, false, the arrays untouched
        if errors:
            raise TypeError(errors[0]) from None
        code = exc.errno or 0
        warning(f"stream_select(): Unable to select [{code}]: {strerror(code)} (max_fd={max_fd})")
        return False
    if errors:
        # PHP: the arrays are rewritten, then the pending TypeError is thrown
        raise TypeError(errors[0])
    return count


_select_plain = native.select_plain if native is not None else None


def _select(
    read: StreamArray,
    write: StreamArray,
    except_: StreamArray,
    sets: list[list[tuple[Any, Any, int]]],
    timeout_ms: int,
) -> int:
    buffered = set()
    for key, value, _ in sets[0]:
        stream = value.stream
        if stream.ops is not PLAIN:
            stream.absorb_pending()  # TLS: what OpenSSL decrypted counts as buffered
        if stream.unread_bytes():
            buffered.add(key)
    if buffered:
        _keep(read, buffered)
        _keep(write, set())
        _keep(except_, set())
        return len(buffered)

    interest: dict[int, int] = {}
    for entries, mask in zip(sets, (_READ, _WRITE, _EXCEPT), strict=True):
        for _, _, fd in entries:
            interest[fd] = interest.get(fd, 0) | mask
    events = poll_many(interest, timeout_ms)

    count = 0
    for array, entries, mask in zip(
        (read, write, except_), sets, (_READ, _WRITE, _EXCEPT), strict=True
    ):
        ready_fds = {fd for _, _, fd in entries if events.get(fd, 0) & mask}
        count += len(ready_fds)
        _keep(array, {key for key, _, fd in entries if fd in ready_fds})
    return count
