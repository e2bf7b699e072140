"""PHP's stream filters, sans I/O: php-src main/streams/filter.c and the
filtered paths of main/streams/streams.c.

Theory of operation: a filter turns an input *brigade* (a list of *buckets*,
each a string of bytes) into an output brigade and says what became of it --
``PSFS_PASS_ON`` (output is ready), ``PSFS_FEED_ME`` (it kept what it was
given and wants more) or ``PSFS_ERR_FATAL``. A stream has two chains of them,
read and write (``Stream.read_filters``/``write_filters``: a :class:`Chain`,
None while empty, so that the unfiltered hot paths test one attribute).

* Reading (:func:`fill_filtered`, _php_stream_fill_read_buffer): every chunk
  the transport yields runs down the read chain, the last filter's output is
  appended to the read buffer, and reads go on until ``size`` bytes are
  buffered, the end is met, or a read yields nothing (then the chain is
  flushed: ``PSFS_FLAG_FLUSH_CLOSE`` at EOF, else ``PSFS_FLAG_FLUSH_INC``).
* Writing (:func:`write_filtered`, _php_stream_write_filtered): the data runs
  down the write chain and whatever comes out is written; fwrite() returns
  the bytes the *first* filter consumed. fflush() flushes the chain
  (FLUSH_INC), fclose() closes it (FLUSH_CLOSE) before the socket goes.
* Appending a read filter winds the bytes already buffered through it
  (php_stream_filter_append_ex); prepending does not. Removing a filter
  flushes it (FLUSH_CLOSE) into the buffer or onto the wire
  (_php_stream_filter_flush) and leaves buffered bytes as they are.

The filters themselves: :mod:`._filters_builtin` (string.*, convert.*,
dechunk, consumed), :mod:`._filters_zlib` (zlib.*); user filters are made by
the facade (``phpstreams.php.filters``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .diagnostics import active_function, notice
from .errors import strerror
from .ref import Ref

if TYPE_CHECKING:
    from .stream import Stream

__all__ = [
    "FACTORIES",
    "PSFS_ERR_FATAL",
    "PSFS_FEED_ME",
    "PSFS_FLAG_FLUSH_CLOSE",
    "PSFS_FLAG_FLUSH_INC",
    "PSFS_FLAG_NORMAL",
    "PSFS_PASS_ON",
    "Brigade",
    "Bucket",
    "Chain",
    "Filter",
    "append_filter",
    "close_filters",
    "create_filter",
    "fill_filtered",
    "flush_filter",
    "flush_writes",
    "prepend_filter",
    "remove_filter",
    "write_filtered",
]

PSFS_ERR_FATAL = 0
PSFS_FEED_ME = 1
PSFS_PASS_ON = 2
PSFS_FLAG_NORMAL = 0
PSFS_FLAG_FLUSH_INC = 1
PSFS_FLAG_FLUSH_CLOSE = 2


class Bucket:
    """php_stream_bucket: a string of bytes, in at most one brigade."""

    __slots__ = ("brigade", "data")

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.brigade: Brigade | None = None

    def unlink(self) -> None:
        """php_stream_bucket_unlink."""
        if self.brigade is not None:
            self.brigade.buckets.remove(self)
            self.brigade = None


class Brigade:
    """php_stream_bucket_brigade: an ordered list of buckets."""

    __slots__ = ("buckets",)

    def __init__(self, *data: bytes) -> None:
        self.buckets: list[Bucket] = []
        for chunk in data:
            self.append(Bucket(chunk))

    def append(self, bucket: Bucket) -> None:
        """php_stream_bucket_append (a bucket already the tail stays where it is)."""
        if self.buckets and self.buckets[-1] is bucket:
            return
        bucket.unlink()
        self.buckets.append(bucket)
        bucket.brigade = self

    def prepend(self, bucket: Bucket) -> None:
        bucket.unlink()
        self.buckets.insert(0, bucket)
        bucket.brigade = self

    def pop(self) -> Bucket | None:
        """The head bucket, unlinked (php_stream_bucket_make_writeable); None if empty."""
        if not self.buckets:
            return None
        bucket = self.buckets.pop(0)
        bucket.brigade = None
        return bucket

    def data(self) -> bytes:
        return b"".join(b.data for b in self.buckets)

    def __bool__(self) -> bool:
        return bool(self.buckets)


class Filter:
    """php_stream_filter: one filter instance (subclasses implement ``filter``)."""

    name = ""

    def __init__(self) -> None:
        self.chain: Chain | None = None
        self.resource: Any = None  # the facade's "stream filter" resource, if any

    def filter(
        self, stream: Stream, inp: Brigade, out: Brigade, consumed: Ref | None, flags: int
    ) -> int:
        """php_stream_filter_ops.filter; ``consumed.value`` gets the bytes used."""
        raise NotImplementedError

    def close(self) -> None:
        """php_stream_filter_ops.dtor."""


class Chain:
    """php_stream_filter_chain: a stream's read or write filters, head first."""

    __slots__ = ("filters", "reading", "stream")

    def __init__(self, stream: Stream, reading: bool) -> None:
        self.stream = stream
        self.reading = reading
        self.filters: list[Filter] = []

    # what Stream calls (core/stream.py does not import this module)

    def fill(self, size: int) -> bool:
        return fill_filtered(self.stream, size)

    def write(self, data: bytes | None, flags: int) -> tuple[int, int]:
        return write_filtered(self.stream, data, flags)

    def release(self) -> None:
        close_filters(self.stream)


# name or wildcard pattern -> factory(filtername, params) -> Filter | None.
# Params: _NO_PARAMS when the caller gave none (PHP's NULL zval pointer).
Factory = Callable[[str, Any], "Filter | None"]
FACTORIES: dict[str, Factory] = {}
NO_PARAMS: Any = object()


def create_filter(name: str, params: Any, warn: Callable[[str], None]) -> Filter | None:
    """php_stream_filter_create: an exact name, then ``a.b.*``, ``a.*``..."""
    factory = FACTORIES.get(name)
    made: Filter | None = None
    if factory is not None:
        made = factory(name, params)
    elif "." in name:
        stem = name
        while "." in stem and made is None:
            stem = stem[: stem.rindex(".")]
            factory = FACTORIES.get(stem + ".*")
            if factory is not None:
                made = factory(name, params)
    if made is None:
        if factory is None:
            warn(f'Unable to locate filter "{name}"')
        else:
            warn(f'Unable to create or locate filter "{name}"')
    return made


# -- the read buffer ------------------------------------------------------------


def _feed_bucket(stream: Stream, data: bytes) -> None:
    """One output bucket into the read buffer, PHP's buffer compacted or grown."""
    n = len(data)
    if stream._buflen and stream._buflen - stream._wpos < n:
        stream._wpos = stream.unread_bytes()
    if stream._buflen - stream._wpos < n:
        stream._buflen += n
    stream.feed(data)


def _run(
    stream: Stream, filters: list[Filter], inp: Brigade, flags: int, consumed: Ref | None
) -> tuple[int, Brigade]:
    """Wind a brigade through filters; the last status and brigade."""
    status = PSFS_ERR_FATAL
    for index, flt in enumerate(filters):
        out = Brigade()
        status = flt.filter(stream, inp, out, consumed if index == 0 else None, flags)
        if status != PSFS_PASS_ON:
            break
        inp = out
    return status, inp


def fill_filtered(stream: Stream, size: int) -> bool:
    """_php_stream_fill_read_buffer with read filters; False on failure."""
    chain = stream.read_filters
    while chain is not None and not stream.eof and stream.unread_bytes() < size:
        data = stream.ops.read(stream, stream.chunk_size)
        if data is None and stream.unread_bytes() == 0:
            return False
        inp = Brigade()
        if data:
            inp.append(Bucket(data))
            flags = PSFS_FLAG_NORMAL
        else:
            flags = PSFS_FLAG_FLUSH_CLOSE if stream.eof else PSFS_FLAG_FLUSH_INC
        status, out = _run(stream, list(chain.filters), inp, flags, None)
        if status == PSFS_PASS_ON:
            for bucket in out.buckets:
                _feed_bucket(stream, bucket.data)
        elif status == PSFS_ERR_FATAL:
            stream.eof = True
            return False
        if not data:
            break
        chain = stream.read_filters
    return True


# -- writes -----------------------------------------------------------------------


def write_filtered(stream: Stream, data: bytes | None, flags: int) -> tuple[int, int]:
    """_php_stream_write_filtered: (bytes the first filter consumed, or -1, and 0)."""
    chain = stream.write_filters
    if chain is None:
        return 0, 0
    inp = Brigade() if data is None else Brigade(data)
    consumed = Ref(0)
    status, out = _run(stream, list(chain.filters), inp, flags, consumed)
    if status == PSFS_ERR_FATAL:
        return -1, 0
    result = int(consumed.value or 0)
    if status == PSFS_PASS_ON:
        for bucket in out.buckets:
            if bucket.data:
                written, error = stream.raw_write(bucket.data)
                if error:
                    # php_sockop_write's notice; the bucket is dropped
                    notice(
                        f"{active_function()}(): Send of {len(bucket.data) - written} bytes "
                        f"failed with errno={error} {strerror(error)}"
                    )
                    if written == 0:
                        result = -1
    return result, 0


def flush_writes(stream: Stream, closing: bool) -> None:
    """_php_stream_flush: the write chain flushed (fflush) or closed (fclose)."""
    if stream.write_filters is not None:
        write_filtered(stream, None, PSFS_FLAG_FLUSH_CLOSE if closing else PSFS_FLAG_FLUSH_INC)


# -- attaching and detaching ------------------------------------------------------


def _chain(stream: Stream, reading: bool) -> Chain:
    chain: Chain | None = stream.read_filters if reading else stream.write_filters
    if chain is None:
        chain = Chain(stream, reading)
        if reading:
            stream.read_filters = chain
        else:
            stream.write_filters = chain
    return chain


def _drop_if_empty(chain: Chain) -> None:
    if not chain.filters:
        if chain.reading and chain.stream.read_filters is chain:
            chain.stream.read_filters = None
        elif not chain.reading and chain.stream.write_filters is chain:
            chain.stream.write_filters = None


def prepend_filter(stream: Stream, reading: bool, flt: Filter) -> bool:
    """php_stream_filter_prepend_ex."""
    chain = _chain(stream, reading)
    chain.filters.insert(0, flt)
    flt.chain = chain
    return True


def append_filter(stream: Stream, reading: bool, flt: Filter, warn: Callable[[str], None]) -> bool:
    """php_stream_filter_append_ex: buffered bytes are wound through a new read filter."""
    chain = _chain(stream, reading)
    chain.filters.append(flt)
    flt.chain = chain
    unread = stream.unread_bytes()
    if not reading or unread <= 0:
        return True
    position = stream.position
    saved = (stream._buf, stream._pos, stream._wpos, stream._buflen, stream.filled)
    inp = Brigade(stream.take(unread))
    out = Brigade()
    consumed = Ref(0)
    status = flt.filter(stream, inp, out, consumed, PSFS_FLAG_NORMAL)
    if int(consumed.value or 0) > unread:
        status = PSFS_ERR_FATAL  # PHP: "no behaving filter should cause this"
    if status == PSFS_ERR_FATAL:  # PHP: the buffer stays as it was
        stream._buf, stream._pos, stream._wpos, stream._buflen, stream.filled = saved
        chain.filters.remove(flt)
        flt.chain = None
        _drop_if_empty(chain)
        warn("Filter failed to process pre-buffered data")
        return False
    stream._wpos = 0  # PHP: readpos = writepos = 0, the filter holds or replaced the data
    if status == PSFS_PASS_ON:
        for bucket in out.buckets:
            _feed_bucket(stream, bucket.data)
    _keep_position(stream, position)
    return True


def _keep_position(stream: Stream, position: int) -> None:
    """PHP's position counts bytes read, whatever a filter did to the buffer."""
    stream.filled += position - stream.position


def flush_filter(flt: Filter, finish: bool) -> bool:
    """_php_stream_filter_flush: the filter and those after it, flushed."""
    chain = flt.chain
    if chain is None:
        return False
    stream = chain.stream
    flags = PSFS_FLAG_FLUSH_CLOSE if finish else PSFS_FLAG_FLUSH_INC
    inp = Brigade()
    index = chain.filters.index(flt)
    for current in list(chain.filters[index:]):
        out = Brigade()
        status = current.filter(stream, inp, out, None, flags)
        if status == PSFS_FEED_ME:
            return True
        if status == PSFS_ERR_FATAL:
            return False
        inp = out
        flags = PSFS_FLAG_NORMAL
    if not inp.data():
        return True
    if chain.reading:
        _flush_into_buffer(stream, inp.data())
    else:
        for bucket in inp.buckets:
            stream.raw_write(bucket.data)
    return True


def _flush_into_buffer(stream: Stream, flushed: bytes) -> None:
    """The flushed bytes after the buffered ones, as _php_stream_filter_flush puts them.

    PHP: it moves the unread bytes to the front but leaves ``writepos`` where it
    was (``readpos = 0; writepos -= readpos``), so the last ``readpos`` bytes
    before ``writepos`` are read again before the flushed ones.
    """
    position = stream.position
    whole = stream._buf
    unread = stream.unread_bytes()
    readpos = stream._wpos - unread
    kept = stream.take(unread)
    stale = whole[max(0, len(whole) - readpos) :] if readpos > 0 else b""
    writepos = stream._wpos
    stream.feed(kept + stale + flushed)
    stream._wpos = writepos + len(flushed)
    stream._buflen = max(stream._buflen, stream._wpos)
    _keep_position(stream, position)


def remove_filter(flt: Filter) -> None:
    """php_stream_filter_remove with its dtor."""
    chain = flt.chain
    if chain is not None and flt in chain.filters:
        chain.filters.remove(flt)
        _drop_if_empty(chain)
    flt.chain = None
    flt.close()


def close_filters(stream: Stream) -> None:
    """_php_stream_free: every filter freed, the read chain's first (no flush)."""
    for chain in (stream.read_filters, stream.write_filters):
        while chain is not None and chain.filters:
            flt = chain.filters[0]
            if flt.resource is not None:
                flt.resource.filter = None
            remove_filter(flt)
