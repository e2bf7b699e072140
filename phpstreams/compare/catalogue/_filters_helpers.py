"""Shorthands and user filter classes shared by the filter catalogue (``_filters_*.py``)."""

from __future__ import annotations

from collections.abc import Sequence

from .._scenario import (
    Arg,
    Scenario,
    Step,
    UserClass,
    call,
    const,
    scenario,
    sleep,
    user_class,
    var,
)
from ._helpers import ssc

__all__ = [
    "FEED",
    "FP",
    "UPPER",
    "append",
    "eof_after",
    "filter_scenario",
    "meta",
    "prepend",
    "remove",
    "tcp",
]

FP = var("fp")


def filter_scenario(
    name: str,
    *,
    doc: str,
    steps: Sequence[Step],
    peer: str | None = "echo",
    classes: Sequence[UserClass] = (),
    tags: Sequence[str] = (),
) -> Scenario:
    return scenario(
        f"filters/{name}",
        peer=peer,
        doc=doc,
        steps=steps,
        classes=classes,
        tags=("filters", *tags),
        timeout=20.0,
    )


def tcp() -> Step:
    return ssc("tcp://127.0.0.1:{port}")


def append(name: str, mode: str | None = None, *params: Arg, assign: str | None = None) -> Step:
    args: list[Arg] = [FP, name]
    if mode is not None or params:
        args.append(const(mode) if mode else 0)
    args.extend(params)
    return call("stream_filter_append", *args, assign=assign)


def prepend(name: str, mode: str | None = None, *params: Arg, assign: str | None = None) -> Step:
    args: list[Arg] = [FP, name]
    if mode is not None or params:
        args.append(const(mode) if mode else 0)
    args.extend(params)
    return call("stream_filter_prepend", *args, assign=assign)


def remove(name: str) -> Step:
    return call("stream_filter_remove", var(name))


def meta() -> Step:
    return call("stream_get_meta_data", FP)


def eof_after(data: Arg) -> list[Step]:
    """Send ``data`` to the echo peer and half-close: it echoes, then closes."""
    return [
        call("fwrite", FP, data),
        call("stream_socket_shutdown", FP, const("STREAM_SHUT_WR")),
        sleep(0.15),
    ]


UPPER = user_class(
    "UpperFilter",
    php=r"""
class UpperFilter extends php_user_filter {
    public function filter($in, $out, &$consumed, $closing): int {
        while ($bucket = stream_bucket_make_writeable($in)) {
            $bucket->data = strtoupper($bucket->data);
            $consumed += $bucket->datalen;
            stream_bucket_append($out, $bucket);
        }
        return PSFS_PASS_ON;
    }
}
""",
    python=r"""
class UpperFilter(php_user_filter):
    def filter(self, in_, out, consumed, closing):
        while (bucket := stream_bucket_make_writeable(in_)) is not None:
            bucket.data = bucket.data.upper()
            consumed.value = (consumed.value or 0) + bucket.datalen
            stream_bucket_append(out, bucket)
        return PSFS_PASS_ON
""",
)

FEED = user_class(
    "HoldFilter",
    php=r"""
class HoldFilter extends php_user_filter {
    private $held = '';
    public function filter($in, $out, &$consumed, $closing): int {
        while ($bucket = stream_bucket_make_writeable($in)) {
            $this->held .= $bucket->data;
            $consumed += $bucket->datalen;
        }
        if (!$closing) {
            return PSFS_FEED_ME;
        }
        $bucket = stream_bucket_new($this->stream, '[' . $this->held . ']' . $this->filtername);
        stream_bucket_append($out, $bucket);
        return PSFS_PASS_ON;
    }
}
""",
    python=r"""
class HoldFilter(php_user_filter):
    held = b''
    def filter(self, in_, out, consumed, closing):
        while (bucket := stream_bucket_make_writeable(in_)) is not None:
            self.held += bucket.data
            consumed.value = (consumed.value or 0) + bucket.datalen
        if not closing:
            return PSFS_FEED_ME
        bucket = stream_bucket_new(self.stream, b'[' + self.held + b']' + self.filtername.encode())
        stream_bucket_append(out, bucket)
        return PSFS_PASS_ON
""",
)
