"""Local files and the php:// descriptors: php-src main/streams/plain_wrapper.c,
ext/standard/php_fopen_wrapper.c.

Theory of operation: a plain file stream is a descriptor (``FileHandle.fd``)
read and written with single read()/write() calls, as php_stdiop_read/write do,
under the generic read buffer (plain files are buffered: fread(3) fills 8192
bytes). Its position starts at the descriptor's offset (0 even in append mode:
O_APPEND moves it only when writing). A descriptor that is a pipe or a
character device (php://stdin on /dev/null, php://stdout on a pipe) is not
seekable: its position starts at -1 (ftell() is false) and fseek() is refused.

Opening (:func:`open_url`) returns the stream or the message PHP puts after
``Failed to open stream: `` -- the facade words the warning.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat as stat_module
import sys
from typing import final

from .diagnostics import active_function, notice, warning_here
from .errors import strerror
from .local import LocalOps, LocalStream, flock_fd
from .memory import MAX_MEMORY, READONLY, Memory, open_memory, open_temp
from .sockops import stat_fields
from .stream import Stream

__all__ = [
    "FILE",
    "OUTPUT",
    "FileHandle",
    "flock_fd",
    "open_url",
    "parse_fopen_mode",
    "write_output",
]

_TRANSIENT = (errno.EAGAIN, errno.EWOULDBLOCK)


def parse_fopen_mode(mode: str) -> int | None:
    """php_stream_parse_fopen_modes: the open() flags, None for an invalid mode."""
    first = {
        "r": 0,
        "w": os.O_TRUNC | os.O_CREAT,
        "a": os.O_CREAT | os.O_APPEND,
        "x": os.O_CREAT | os.O_EXCL,
        "c": os.O_CREAT,
    }.get(mode[:1])
    if first is None:
        return None
    if "+" in mode:
        flags = first | os.O_RDWR
    elif first:
        flags = first | os.O_WRONLY
    else:
        flags = os.O_RDONLY
    if "e" in mode:
        flags |= os.O_CLOEXEC
    if "n" in mode:
        flags |= os.O_NONBLOCK
    return flags


@final
class FileHandle:
    """php_stdio_stream_data: the descriptor and what fstat() said of it."""

    __slots__ = ("fd", "python")

    def __init__(self, fd: int, python: object = None) -> None:
        self.fd = fd
        # php://stdout / stderr / fd/1 / fd/2: Python's own stream on the same
        # descriptor, flushed before each write so that the output keeps its order
        self.python = python


class FileOps(LocalOps):
    """php_stream_stdio_ops."""

    __slots__ = ()

    def read(self, stream: Stream, size: int) -> bytes | None:
        """php_stdiop_read."""
        fd = _fd(stream)
        try:
            data = os.read(fd, size)
        except OSError as exc:
            code = exc.errno or 0
            if code in _TRANSIENT:
                return b""
            notice(
                f"{active_function()}(): Read of {size} bytes failed with "
                f"errno={code} {strerror(code)}"
            )
            if code != errno.EBADF:
                stream.eof = True
            return None
        if not data:
            stream.eof = True
        return data

    def write(self, stream: Stream, data: bytes) -> tuple[int, int]:
        """php_stdiop_write, looped as _php_stream_write_buffer does; failures
        are reported here (error -1: the facade adds nothing)."""
        fd = _fd(stream)
        python = stream.handle.python if isinstance(stream, LocalStream) else None
        if python is not None:
            with contextlib.suppress(Exception):
                python.flush()
        view = memoryview(data)
        written = 0
        while written < len(data):
            try:
                done = os.write(fd, view[written:])
            except OSError as exc:
                code = exc.errno or 0
                if code in _TRANSIENT:
                    return written, 0
                notice(
                    f"{active_function()}(): Write of {len(data) - written} bytes failed "
                    f"with errno={code} {strerror(code)}"
                )
                return written, -1
            if done <= 0:
                break
            written += done
        return written, 0

    def seek(self, stream: Stream, offset: int, whence: int) -> tuple[int, int] | None:
        """php_stdiop_seek (not called when the descriptor is not seekable)."""
        if isinstance(stream, LocalStream) and not stream.seekable:
            return None
        try:
            return 0, os.lseek(_fd(stream), offset, whence)
        except OSError:
            return -1, stream.position  # PHP: the position is left as it was

    def stat(self, stream: Stream) -> dict[str, int] | None:
        return stat_fields(_fd(stream))

    def truncate(self, stream: Stream, size: int) -> bool | None:
        try:
            os.ftruncate(_fd(stream), size)
        except OSError:
            return False
        return True

    def sync(self, stream: Stream, data_only: bool) -> bool | None:
        try:
            (os.fdatasync if data_only else os.fsync)(_fd(stream))
        except OSError:
            return False
        return True

    def lock(self, stream: Stream, operation: int) -> tuple[bool, int] | None:
        return flock_fd(_fd(stream), operation)

    def cast_fd(self, stream: Stream) -> int | None:
        return _fd(stream)

    def close(self, stream: Stream) -> None:
        os.close(_fd(stream))


def write_output(data: bytes) -> None:
    """PHPWRITE: PHP's output is Python's standard output, as bytes (decoded
    only when sys.stdout was replaced by a text-only stream)."""
    out = sys.stdout
    out.flush()
    binary = getattr(out, "buffer", None)
    if binary is None:
        out.write(data.decode("utf-8", "surrogateescape"))
        out.flush()
        return
    binary.write(data)
    binary.flush()


class OutputOps(LocalOps):
    """php_stream_output_ops (php://output): writes go to PHP's output."""

    __slots__ = ()

    def read(self, stream: Stream, size: int) -> bytes | None:
        stream.eof = True
        return None

    def write(self, stream: Stream, data: bytes) -> tuple[int, int]:
        write_output(data)
        return len(data), 0


class InputOps(LocalOps):
    """php_stream_input_ops (php://input): the CLI's request body is empty (a
    read-only memory stream below)."""

    __slots__ = ()

    def read(self, stream: Stream, size: int) -> bytes | None:
        return _input(stream).read(stream, size)

    def write(self, stream: Stream, data: bytes) -> tuple[int, int]:
        return 0, -1

    def seek(self, stream: Stream, offset: int, whence: int) -> tuple[int, int] | None:
        return _input(stream).seek(stream, offset, whence)


def _input(stream: Stream) -> Memory:
    handle = stream.handle if isinstance(stream, LocalStream) else None
    if not isinstance(handle, Memory):
        raise ValueError("not php://input")
    return handle


FILE = FileOps()
OUTPUT = OutputOps()
INPUT = InputOps()


def _fd(stream: Stream) -> int:
    handle = stream.handle if isinstance(stream, LocalStream) else None
    if not isinstance(handle, FileHandle):
        raise ValueError("not a plain file stream")
    return handle.fd


def from_fd(fd: int, mode: str, uri: str, wrapper_type: str) -> LocalStream:
    """_php_stream_fopen_from_fd: seekable unless a pipe or a character device."""
    st = os.fstat(fd)
    seekable = not (stat_module.S_ISFIFO(st.st_mode) or stat_module.S_ISCHR(st.st_mode))
    stream = LocalStream(
        FILE, "STDIO", mode, uri, FileHandle(fd), wrapper_type=wrapper_type, seekable=seekable
    )
    if seekable:
        try:
            stream.base = os.lseek(fd, 0, os.SEEK_CUR)
        except OSError:
            stream.seekable = False
    if not stream.seekable:
        stream.base = -1
    return stream


def _open_php(path: str, mode: str, uri: str) -> LocalStream | str | None:
    """php_stream_url_wrap_php; None after its own warning (an invalid php:// URL)."""
    lower = path.lower()
    if lower.startswith("temp"):
        rest, max_memory = path[4:], MAX_MEMORY
        if rest.lower().startswith("/maxmemory:"):
            digits = rest[11:]
            sign = -1 if digits[:1] == "-" else 1
            digits = digits.lstrip("+-")
            number = ""
            for ch in digits:
                if not ch.isdigit():
                    break
                number += ch
            max_memory = sign * int(number or "0")
            if max_memory < 0:
                raise ValueError(
                    f"{active_function()}(): Argument #2 ($mode) must be greater than or equal to 0"
                )
        return open_temp(mode, max_memory, uri)
    if lower == "memory":
        return open_memory(mode, uri)
    if lower == "output":
        return LocalStream(OUTPUT, "Output", "wb", uri, True, seekable=False)
    if lower == "input":
        return LocalStream(INPUT, "Input", "rb", uri, Memory(READONLY))
    if lower in ("stdin", "stdout", "stderr"):
        original = ("stdin", "stdout", "stderr").index(lower)
    elif lower.startswith("fd/"):
        text = path[3:]
        if not text or not (text.isdigit() or (text[0] in "+-" and text[1:].isdigit())):
            return "php://fd/ stream must be specified in the form php://fd/<orig fd>"
        original = int(text)
        limit = os.sysconf("SC_OPEN_MAX")
        if original < 0 or original >= limit:
            return f"The file descriptors must be non-negative numbers smaller than {limit}"
    else:
        warning_here("Invalid php:// URL specified")
        return "operation failed"
    try:
        fd = os.dup(original)
    except OSError as exc:
        code = exc.errno or 0
        return (
            f"Error duping file descriptor {original}; possibly it doesn't exist: "
            f"[{code}]: {strerror(code)}"
        )
    stream = from_fd(fd, mode, uri, "PHP")
    stream.handle.python = {1: sys.stdout, 2: sys.stderr}.get(original)
    return stream


_SCHEME = re.compile(r"([A-Za-z0-9+.\-]+)://")
# PHP's other built-in wrappers (stream_get_wrappers() of php -n), not implemented here
_UNSUPPORTED = frozenset({"https", "ftps", "compress.zlib", "glob", "data", "http", "ftp"})


def open_url(filename: str, mode: str) -> LocalStream | str | None:
    """php_stream_open_wrapper for fopen(): the stream, or why it failed
    (php_stream_locate_url_wrapper picks the wrapper by the URL's scheme)."""
    path = filename
    scheme = _SCHEME.match(filename)
    if scheme is not None:
        name = scheme.group(1).lower()
        if name == "php":
            return _open_php(filename[6:], mode, filename)
        if name == "file":
            rest = filename[7:]
            if rest[:10].lower() == "localhost/":
                rest = rest[9:]
            elif rest and rest[0] != "/":
                warning_here(f"Remote host file access not supported, {filename}")
                return "no suitable wrapper could be found"
            path = "/" + rest.lstrip("/")
        elif name in _UNSUPPORTED:
            return f"the {name}:// wrapper is not implemented by phpstreams"
        else:
            warning_here(
                f'Unable to find the wrapper "{scheme.group(1)}" - did you forget to enable it '
                "when you configured PHP?"
            )
    flags = parse_fopen_mode(mode)
    if flags is None:
        return f"`{mode}' is not a valid mode for fopen"
    try:
        fd = os.open(path, flags | os.O_CLOEXEC, 0o666)
    except OSError as exc:
        return strerror(exc.errno or 0)
    return from_fd(fd, mode, filename, "plainfile")
