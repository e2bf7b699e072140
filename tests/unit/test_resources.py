"""Resources convert as PHP's do: (int)$fp is the id, (string)$fp "Resource id #N"
(php -n: the same before and after fclose), var_dump's form as repr."""

from __future__ import annotations

from phpstreams import (
    STREAM_PF_UNIX,
    STREAM_SOCK_STREAM,
    fclose,
    get_resource_id,
    stream_context_create,
    stream_socket_pair,
)


def test_int_and_str_of_a_stream() -> None:
    pair = stream_socket_pair(STREAM_PF_UNIX, STREAM_SOCK_STREAM, 0)
    assert pair is not False
    fp, other = pair
    rid = get_resource_id(fp)
    assert int(fp) == rid and int(other) == rid + 1
    assert str(fp) == f"Resource id #{rid}"
    assert repr(fp) == f"resource({rid}) of type (stream)"
    assert {int(fp): "a"}[rid] == "a"
    fclose(fp)
    fclose(other)
    assert int(fp) == rid and str(fp) == f"Resource id #{rid}"
    assert repr(fp) == f"resource({rid}) of type (Unknown)"


def test_int_and_str_of_a_context() -> None:
    ctx = stream_context_create()
    assert str(ctx) == f"Resource id #{int(ctx)}"
    assert repr(ctx) == f"resource({int(ctx)}) of type (stream-context)"
