"""stream_select beyond select()'s 1024-descriptor limit."""

from __future__ import annotations

import resource

import pytest

from phpstreams import (
    STREAM_PF_UNIX,
    STREAM_SOCK_STREAM,
    fclose,
    fwrite,
    stream_select,
    stream_socket_pair,
)

COUNT = 1100


@pytest.mark.skipif(
    resource.getrlimit(resource.RLIMIT_NOFILE)[0] < 2 * COUNT + 100,
    reason="the open-file limit is too low for 2,200 sockets",
)
def test_select_over_a_thousand_streams() -> None:
    pairs = []
    try:
        for _ in range(COUNT):
            pair = stream_socket_pair(STREAM_PF_UNIX, STREAM_SOCK_STREAM, 0)
            assert pair is not False
            pairs.append(pair)
        # descriptors above 1024 are the ones select.select() could not watch
        assert max(p[0].stream.fileno() for p in pairs) > 1024  # type: ignore[union-attr]
        for index in (0, 700, COUNT - 1):
            assert fwrite(pairs[index][1], "x") == 1
        read = [p[0] for p in pairs]
        assert stream_select(read, None, None, 1) == 3
        assert read == [pairs[0][0], pairs[700][0], pairs[COUNT - 1][0]]
        write = [p[0] for p in pairs]
        assert stream_select(None, write, None, 0) == COUNT
    finally:
        for a, b in pairs:
            fclose(a)
            fclose(b)
