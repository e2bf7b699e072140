"""PHP's stream filter functions: php-src ext/standard/streamsfuncs.c
(stream_filter_append/prepend/remove) and ext/standard/user_filters.c
(php_user_filter, stream_filter_register, the stream_bucket_* functions).

A user filter is a Python class deriving from :class:`php_user_filter`, named
to ``stream_filter_register`` by its class name as PHP code names it::

    class Upper(php_user_filter):
        def filter(self, in_, out, consumed, closing):
            while (bucket := stream_bucket_make_writeable(in_)) is not None:
                bucket.data = bucket.data.upper()
                consumed.value += bucket.datalen
                stream_bucket_append(out, bucket)
            return PSFS_PASS_ON

    stream_filter_register("upper", "Upper")

PHP's ``filter($in, $out, &$consumed, $closing)`` is spelled
``filter(self, in_, out, consumed, closing)``: ``consumed`` is a :class:`Ref`
(``.value`` an int, or None where PHP passes null), ``closing`` a bool.
"""

from __future__ import annotations

import contextvars
from typing import Any, Literal, final

from ..core import (
    _filters_builtin,  # noqa: F401  (registers string.*, convert.*...)
    _filters_zlib,  # noqa: F401  (registers zlib.*, first as in PHP)
)
from ..core import filters as core
from ..core.arguments import php_function
from ..core.diagnostics import defer, warning_here
from ..core.ref import Ref
from ..core.resources import Resource
from ..core.stream import Stream, StreamResource, require_stream
from .signatures import STUBS

__all__ = [
    "PSFS_ERR_FATAL",
    "PSFS_FEED_ME",
    "PSFS_FLAG_FLUSH_CLOSE",
    "PSFS_FLAG_FLUSH_INC",
    "PSFS_FLAG_NORMAL",
    "PSFS_PASS_ON",
    "STREAM_FILTER_ALL",
    "STREAM_FILTER_READ",
    "STREAM_FILTER_WRITE",
    "php_user_filter",
    "stdClass",
    "stream_bucket_append",
    "stream_bucket_make_writeable",
    "stream_bucket_new",
    "stream_bucket_prepend",
    "stream_filter_append",
    "stream_filter_prepend",
    "stream_filter_register",
    "stream_filter_remove",
    "stream_get_filters",
]

PSFS_PASS_ON = core.PSFS_PASS_ON
PSFS_FEED_ME = core.PSFS_FEED_ME
PSFS_ERR_FATAL = core.PSFS_ERR_FATAL
PSFS_FLAG_NORMAL = core.PSFS_FLAG_NORMAL
PSFS_FLAG_FLUSH_INC = core.PSFS_FLAG_FLUSH_INC
PSFS_FLAG_FLUSH_CLOSE = core.PSFS_FLAG_FLUSH_CLOSE
STREAM_FILTER_READ = 1
STREAM_FILTER_WRITE = 2
STREAM_FILTER_ALL = 3

_UNSET: Any = core.NO_PARAMS


@final
class FilterResource(Resource):
    """A ``stream filter`` resource (``Unknown`` once removed or its stream closed)."""

    __slots__ = ("filter",)

    def __init__(self, flt: core.Filter) -> None:
        super().__init__()
        self.filter: core.Filter | None = flt

    @property
    def _type(self) -> str:
        return "Unknown" if self.filter is None else "stream filter"


@final
class BrigadeResource(Resource):
    """A ``userfilter.bucket brigade``: the ``$in``/``$out`` of a user filter."""

    __slots__ = ("brigade",)

    def __init__(self, brigade: core.Brigade) -> None:
        super().__init__()
        self.brigade = brigade

    @property
    def _type(self) -> str:
        return "userfilter.bucket brigade"


@final
class BucketResource(Resource):
    """A ``userfilter.bucket``: the ``bucket`` property of a bucket object."""

    __slots__ = ("bucket",)

    def __init__(self, bucket: core.Bucket) -> None:
        super().__init__()
        self.bucket = bucket

    @property
    def _type(self) -> str:
        return "userfilter.bucket"


class stdClass:
    """The object PHP 8.2's stream_bucket_* functions return: properties
    ``bucket`` (a ``userfilter.bucket`` resource), ``data`` and ``datalen``."""

    def __init__(self, bucket: BucketResource) -> None:
        self.bucket = bucket
        self.data = bucket.bucket.data
        self.datalen = len(self.data)


class php_user_filter:
    """PHP's ``php_user_filter``: the base class of user filters.

    Attributes as PHP sets them: ``filtername``, ``params`` (None when
    stream_filter_append was given none) and ``stream`` (the stream
    resource, during ``filter()`` only). PHP creates the object without
    calling a constructor; so does phpstreams.
    """

    filtername: str = ""
    params: Any = ""
    stream: Any = None

    def filter(self, in_: Any, out: Any, consumed: Ref, closing: bool) -> int:
        """``public function filter($in, $out, &$consumed, bool $closing): int``."""
        return PSFS_ERR_FATAL

    def onCreate(self) -> bool:
        return True

    def onClose(self) -> None:
        return None


_user_filters: dict[str, str] = {}  # filter name (or pattern) -> class name


def _user_class(name: str) -> type[php_user_filter] | None:
    """zend_lookup_class among php_user_filter's subclasses (case-insensitive)."""
    wanted = name.lstrip("\\").lower()
    pending = list(php_user_filter.__subclasses__())
    while pending:
        cls = pending.pop()
        if cls.__name__.lower() == wanted:
            return cls
        pending.extend(cls.__subclasses__())
    return None


class _UserFilter(core.Filter):
    """userfilter_ops: a php_user_filter object as a filter."""

    def __init__(self, obj: php_user_filter, owner: StreamResource | None) -> None:
        super().__init__()
        self.obj = obj
        self.owner = owner
        self.name = obj.filtername

    def filter(
        self,
        stream: Stream,
        inp: core.Brigade,
        out: core.Brigade,
        consumed: Ref | None,
        flags: int,
    ) -> int:
        """userfilter_filter."""
        obj = self.obj
        obj.stream = self.owner
        box = Ref(None if consumed is None else consumed.value)
        failure: Exception | None = None
        try:
            result = obj.filter(
                BrigadeResource(inp), BrigadeResource(out), box, bool(flags & PSFS_FLAG_FLUSH_CLOSE)
            )
        except Exception as exc:  # PHP: the call fails, the filter goes on as ERR_FATAL
            failure, result = exc, PSFS_ERR_FATAL
        finally:
            obj.stream = None
        status = _php_int(result)
        if consumed is not None:
            consumed.value = _php_int(box.value)
        if inp:
            warning_here("Unprocessed filter buckets remaining on input brigade")
            inp.buckets.clear()
        if status != PSFS_PASS_ON:
            out.buckets.clear()
        if failure is not None:
            defer(failure)  # PHP: thrown once the stream function returns
        return status

    def close(self) -> None:
        """userfilter_dtor: onClose()."""
        self.obj.onClose()


def _php_int(value: Any) -> int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value)
    return 0 if value is None else 1


# the stream a filter is being made for (user filters keep it as $this->stream)
_owner: contextvars.ContextVar[StreamResource | None] = contextvars.ContextVar(
    "phpstreams_filter_owner", default=None
)


def _user_factory(name: str, params: Any) -> core.Filter | None:
    """user_filter_factory_create."""
    owner = _owner.get()
    if owner is not None and owner.persistent_key is not None:
        warning_here("Cannot use a user-space filter with a persistent stream")
        return None
    entry = _user_entry(name)
    if entry is None:
        return None
    cls = _user_class(entry)
    if cls is None:
        warning_here(
            f'User-filter "{name}" requires class "{entry}", but that class is not defined'
        )
        return None
    obj = cls.__new__(cls)
    obj.filtername = name
    obj.params = None if params is _UNSET else params
    if obj.onCreate() is False:
        return None
    return _UserFilter(obj, owner)


def _user_entry(name: str) -> str | None:
    """The class registered for ``name``, or for its nearest wildcard."""
    if name in _user_filters:
        return _user_filters[name]
    stem = name
    while "." in stem:
        stem = stem[: stem.rindex(".")]
        if stem + ".*" in _user_filters:
            return _user_filters[stem + ".*"]
    return None


def _create(name: str, params: Any, owner: StreamResource) -> core.Filter | None:
    """php_stream_filter_create, for the stream ``owner``."""
    token = _owner.set(owner)
    try:
        return core.create_filter(name, params, warning_here)
    finally:
        _owner.reset(token)


def _apply(
    append: bool, stream: StreamResource, filter_name: str, mode: int, params: Any
) -> FilterResource | Literal[False]:
    """apply_filter_to_stream."""
    function = "stream_filter_append" if append else "stream_filter_prepend"
    s = require_stream(function, stream)
    if mode & STREAM_FILTER_ALL == 0:
        stream_mode = getattr(s, "mode", "r+")
        if "r" in stream_mode or "+" in stream_mode:
            mode |= STREAM_FILTER_READ
        if "w" in stream_mode or "+" in stream_mode or "a" in stream_mode:
            mode |= STREAM_FILTER_WRITE
    made: core.Filter | None = None
    for reading in (True, False):
        if not mode & (STREAM_FILTER_READ if reading else STREAM_FILTER_WRITE):
            continue
        made = _create(filter_name, params, stream)
        if made is None:
            return False
        if append:
            attached = core.append_filter(s, reading, made, warning_here)
        else:
            attached = core.prepend_filter(s, reading, made)
        if not attached:
            made.close()
            return False
    if made is None:
        return False
    resource = FilterResource(made)
    made.resource = resource
    return resource


@php_function(STUBS["stream_filter_append"])
def stream_filter_append(
    stream: StreamResource, filter_name: str, mode: int = 0, params: Any = _UNSET
) -> FilterResource | Literal[False]:
    """PHP's ``stream_filter_append()``: a filter at the end of the read and/or write chain.

    ``function stream_filter_append(resource $stream, string $filter_name, int $mode = 0,
        mixed $params = UNKNOWN)``

    Returns a ``stream filter`` resource (the write filter's, when both chains got
    one), or ``False``. Mode 0 (or any mode without the READ/WRITE bits) means the
    stream's own mode: both chains on a socket (``r+``).
    See https://www.php.net/manual/en/function.stream-filter-append.php
    """
    return _apply(True, stream, filter_name, mode, params)


@php_function(STUBS["stream_filter_prepend"])
def stream_filter_prepend(
    stream: StreamResource, filter_name: str, mode: int = 0, params: Any = _UNSET
) -> FilterResource | Literal[False]:
    """PHP's ``stream_filter_prepend()``: a filter at the head of the chain(s).

    ``function stream_filter_prepend(resource $stream, string $filter_name, int $mode = 0,
        mixed $params = UNKNOWN)``

    Returns a ``stream filter`` resource or ``False``; bytes already buffered are
    not filtered (PHP winds them through appended read filters only).
    See https://www.php.net/manual/en/function.stream-filter-prepend.php
    """
    return _apply(False, stream, filter_name, mode, params)


@php_function(STUBS["stream_filter_remove"])
def stream_filter_remove(stream_filter: Resource) -> bool:
    """PHP's ``stream_filter_remove()``: flushes the filter into the stream, then removes it.

    ``function stream_filter_remove(resource $stream_filter): bool``

    Returns ``bool`` in Python (PHP's ``false`` is ``False``).
    See https://www.php.net/manual/en/function.stream-filter-remove.php
    """
    flt = stream_filter.filter if isinstance(stream_filter, FilterResource) else None
    if flt is None or not isinstance(stream_filter, FilterResource):
        raise TypeError(
            "stream_filter_remove(): supplied resource is not a valid stream filter resource"
        )
    if not core.flush_filter(flt, True):
        warning_here("Unable to flush filter, not removing")
        return False
    stream_filter.filter = None
    core.remove_filter(flt)
    return True


@php_function(STUBS["stream_get_filters"])
def stream_get_filters() -> list[str]:
    """PHP's ``stream_get_filters()``: the names and patterns registered, PHP's first.

    ``function stream_get_filters(): array``

    Returns ``list[str]`` in Python.
    See https://www.php.net/manual/en/function.stream-get-filters.php
    """
    return list(core.FACTORIES)


@php_function(STUBS["stream_filter_register"])
def stream_filter_register(filter_name: str, class_: str) -> bool:
    """PHP's ``stream_filter_register()``: a user filter class under a name or ``x.*``.

    ``function stream_filter_register(string $filter_name, string $class): bool``

    Returns ``bool``; ``class_`` (PHP's ``$class``) names a subclass of
    :class:`php_user_filter`, looked up when a filter is created, as PHP does.
    See https://www.php.net/manual/en/function.stream-filter-register.php
    """
    if not filter_name:
        raise ValueError(
            "stream_filter_register(): Argument #1 ($filter_name) must be a non-empty string"
        )
    if not class_:
        raise ValueError(
            "stream_filter_register(): Argument #2 ($class) must be a non-empty string"
        )
    if filter_name in _user_filters or filter_name in core.FACTORIES:
        if filter_name not in _user_filters:
            _user_filters[filter_name] = class_  # PHP: the user map keeps it anyway
        return False
    _user_filters[filter_name] = class_
    core.FACTORIES[filter_name] = _user_factory
    return True


def _brigade(function: str, brigade: object) -> core.Brigade:
    if isinstance(brigade, BrigadeResource):
        return brigade.brigade
    raise TypeError(
        f"{function}(): supplied resource is not a valid userfilter.bucket brigade resource"
    )


@php_function(STUBS["stream_bucket_make_writeable"])
def stream_bucket_make_writeable(brigade: Resource) -> stdClass | None:
    """PHP's ``stream_bucket_make_writeable()``: the first bucket, taken off the brigade.

    ``function stream_bucket_make_writeable(resource $brigade): ?object``

    Returns a :class:`stdClass` bucket object, or None when the brigade is empty.
    See https://www.php.net/manual/en/function.stream-bucket-make-writeable.php
    """
    bucket = _brigade("stream_bucket_make_writeable", brigade).pop()
    return None if bucket is None else stdClass(BucketResource(bucket))


def _attach(function: str, brigade: Resource, bucket: object, append: bool) -> None:
    """php_stream_bucket_attach."""
    if not hasattr(bucket, "bucket"):
        raise ValueError(
            f'{function}(): Argument #2 ($bucket) must be an object that has a "bucket" property'
        )
    target = _brigade(function, brigade)
    holder = bucket.bucket
    if not isinstance(holder, BucketResource):
        raise TypeError(
            f"{function}(): supplied resource is not a valid userfilter.bucket resource"
        )
    data = getattr(bucket, "data", None)
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogateescape")
    if isinstance(data, (bytes, bytearray)):
        holder.bucket.data = bytes(data)
    if append:
        target.append(holder.bucket)
    else:
        target.prepend(holder.bucket)


@php_function(STUBS["stream_bucket_append"])
def stream_bucket_append(brigade: Resource, bucket: object) -> None:
    """PHP's ``stream_bucket_append()``: the bucket (with its ``data``) at the brigade's end.

    ``function stream_bucket_append(resource $brigade, object $bucket): void``

    See https://www.php.net/manual/en/function.stream-bucket-append.php
    """
    _attach("stream_bucket_append", brigade, bucket, True)


@php_function(STUBS["stream_bucket_prepend"])
def stream_bucket_prepend(brigade: Resource, bucket: object) -> None:
    """PHP's ``stream_bucket_prepend()``: the bucket at the brigade's head.

    ``function stream_bucket_prepend(resource $brigade, object $bucket): void``

    See https://www.php.net/manual/en/function.stream-bucket-prepend.php
    """
    _attach("stream_bucket_prepend", brigade, bucket, False)


@php_function(STUBS["stream_bucket_new"], binary=("buffer",))
def stream_bucket_new(stream: StreamResource, buffer: bytes) -> stdClass:
    """PHP's ``stream_bucket_new()``: a new bucket holding ``buffer``.

    ``function stream_bucket_new(resource $stream, string $buffer): object``

    Returns a :class:`stdClass` bucket object.
    See https://www.php.net/manual/en/function.stream-bucket-new.php
    """
    require_stream("stream_bucket_new", stream)
    return stdClass(BucketResource(core.Bucket(bytes(buffer))))
