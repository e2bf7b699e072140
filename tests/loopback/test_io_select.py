"""stream_select beyond select()'s 1024-descriptor limit: refused, as PHP refuses it."""

from __future__ import annotations

import resource

import pytest

from phpstreams import (
    STREAM_PF_UNIX,
    STREAM_SOCK_STREAM,
    PHPWarning,
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
def test_select_refuses_descriptors_past_fd_setsize() -> None:
    pairs = []
    try:
        for _ in range(COUNT):
            pair = stream_socket_pair(STREAM_PF_UNIX, STREAM_SOCK_STREAM, 0)
            assert pair is not False
            pairs.append(pair)
        # PHP: select(2) cannot watch a descriptor >= FD_SETSIZE (1024): PHP refuses
        # the call (tests/parity/test_fd_setsize.py compares the text with PHP's)
        assert max(p[0].stream.fileno() for p in pairs) > 1024  # type: ignore[union-attr]
        for index in (0, 300, COUNT - 1):
            assert fwrite(pairs[index][1], "x") == 1
        read = [p[0] for p in pairs]
        with pytest.warns(PHPWarning, match=r"^stream_select\(\): You MUST recompile PHP"):
            assert stream_select(read, None, None, 1) is False
        assert read == [p[0] for p in pairs]  # as given
        # the streams with low descriptors still select
        low = [p[0] for p in pairs if p[0].stream.fileno() < 1000]  # type: ignore[union-attr]
        assert stream_select(low, None, None, 1) == 2
        assert low == [pairs[0][0], pairs[300][0]]
    finally:
        for a, b in pairs:
            fclose(a)
            fclose(b)
