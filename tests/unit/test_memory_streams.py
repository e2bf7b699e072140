"""php://memory and php://temp without sockets or php: the rules of
php-src main/streams/memory.c as phpstreams keeps them (positions, failed
seeks, NO_BUFFER, the maxmemory spill)."""

from __future__ import annotations

import pytest

from phpstreams import (
    LOCK_EX,
    SEEK_CUR,
    SEEK_END,
    PHPWarning,
    fclose,
    feof,
    fgets,
    flock,
    fopen,
    fread,
    fseek,
    fstat,
    fsync,
    ftell,
    ftruncate,
    fwrite,
    rewind,
    stream_copy_to_stream,
    stream_get_contents,
    stream_get_line,
    stream_get_meta_data,
    stream_isatty,
    stream_set_timeout,
    stream_supports_lock,
)
from phpstreams.core.stream import StreamResource


def memory(mode: str = "w+") -> StreamResource:
    fp = fopen("php://memory", mode)
    assert fp is not False
    return fp


def temp(uri: str = "php://temp") -> StreamResource:
    fp = fopen(uri, "w+")
    assert fp is not False
    return fp


def test_round_trip_and_eof() -> None:
    m = memory()
    assert fwrite(m, "hello world\n") == 12
    assert ftell(m) == 12
    assert rewind(m) is True
    assert fread(m, 5) == b"hello"
    assert feof(m) is False
    assert fread(m, 100) == b" world\n"
    assert feof(m) is True  # reads are greedy: the short read met the end
    assert fread(m, 1) == b""


def test_meta_data_keys_and_modes() -> None:
    meta = stream_get_meta_data(memory())
    assert list(meta) == [
        "timed_out", "blocked", "eof", "wrapper_type", "stream_type", "mode",
        "unread_bytes", "seekable", "uri",
    ]  # fmt: skip
    assert (meta["wrapper_type"], meta["stream_type"], meta["mode"]) == ("PHP", "MEMORY", "w+b")
    assert stream_get_meta_data(memory("r"))["mode"] == "rb"
    assert stream_get_meta_data(memory("a"))["mode"] == "a+b"
    t = stream_get_meta_data(temp("php://temp/maxmemory:10"))
    assert list(t) == ["wrapper_type", "stream_type", "mode", "unread_bytes", "seekable", "uri"]
    assert t["uri"] == "php://temp/maxmemory:10"


def test_no_buffer_for_fread_but_fgets_fills() -> None:
    m = memory()
    fwrite(m, "abc\ndef\nghi")
    rewind(m)
    assert fread(m, 2) == b"ab"
    assert stream_get_meta_data(m)["unread_bytes"] == 0
    assert fgets(m) == b"c\n"
    assert stream_get_meta_data(m)["unread_bytes"] == 7
    assert ftell(m) == 4
    assert stream_get_line(m, 100, "\n") == b"def"


def test_failed_seek_leaves_position_minus_one() -> None:
    m = memory()
    fwrite(m, "abc")
    assert fseek(m, 10) == -1
    assert ftell(m) is False
    assert fwrite(m, "XY") == 2  # written at the end: fpos was left there
    assert ftell(m) == 1  # PHP: -1 + 2
    rewind(m)
    assert fread(m, 10) == b"abcXY"


def test_seek_whences() -> None:
    m = memory()
    fwrite(m, "0123456789")
    assert fseek(m, -3, SEEK_END) == 0
    assert fread(m, 10) == b"789"
    assert fseek(m, 2) == 0
    assert fseek(m, 3, SEEK_CUR) == 0
    assert ftell(m) == 5
    assert fseek(m, 1, SEEK_END) == -1
    assert fseek(m, -20, SEEK_END) == -1
    assert fseek(m, 0, 9) == -1


def test_truncate_and_readonly() -> None:
    m = memory()
    fwrite(m, "hello world")
    assert ftruncate(m, 5) is True
    assert ftell(m) == 11  # the position does not move
    assert ftruncate(m, 8) is True
    assert stream_get_contents(m, -1, 0) == b"hello\0\0\0"
    with pytest.raises(ValueError, match=r"Argument #2 \(\$size\) must be greater"):
        ftruncate(m, -1)
    r = memory("r")
    assert fwrite(r, "x") is False
    assert ftruncate(r, 0) is False
    stat = fstat(r)
    assert stat is not False and stat["mode"] == 0o100444


def test_fstat_of_memory() -> None:
    m = memory()
    fwrite(m, "12345")
    stat = fstat(m)
    assert stat is not False
    assert len(stat) == 26
    assert list(stat)[:13] == list(range(13))
    assert (stat["dev"], stat["size"], stat["rdev"], stat["blksize"]) == (12, 5, -1, -1)
    assert stat[7] == stat["size"]


def test_unsupported_operations() -> None:
    m = memory()
    with pytest.warns(PHPWarning, match=r"^fsync\(\): Can't fsync this stream!$"):
        assert fsync(m) is False
    assert flock(m, LOCK_EX) is False
    assert stream_supports_lock(m) is False
    assert stream_isatty(m) is False
    assert stream_set_timeout(m, 1) is False


def test_temp_spills_past_maxmemory() -> None:
    t = temp("php://temp/maxmemory:10")
    fwrite(t, "01234")
    before = fstat(t)
    assert before is not False and before["mode"] == 0o100666
    assert stream_supports_lock(t) is False
    fwrite(t, "56789a")
    after = fstat(t)
    assert after is not False and after["mode"] & 0o777 == 0o600 and after["size"] == 11
    assert stream_supports_lock(t) is True
    rewind(t)
    assert fread(t, 100) == b"0123456789a"
    fclose(t)


def test_temp_spill_keeps_the_position() -> None:
    t = temp("php://temp/maxmemory:10")
    fwrite(t, "01234567")
    rewind(t)
    fwrite(t, "abcde")  # spills: the file gets the 8 bytes, the write goes to 0
    assert ftell(t) == 5
    rewind(t)
    assert fread(t, 100) == b"abcde567"


def test_maxmemory_negative_is_a_value_error() -> None:
    with pytest.raises(ValueError, match=r"^fopen\(\): Argument #2 \(\$mode\) must be greater"):
        fopen("php://temp/maxmemory:-5", "w+")


def test_copy_between_memory_streams() -> None:
    m = memory()
    fwrite(m, "0123456789")
    rewind(m)
    fread(m, 3)
    t = temp()
    assert stream_copy_to_stream(m, t) == 7
    assert stream_copy_to_stream(m, t, 3, 2) == 3
    assert stream_copy_to_stream(m, t, 0) == 0
    with pytest.warns(PHPWarning, match="Failed to seek to position 100 in the stream"):
        assert stream_copy_to_stream(m, t, 5, 100) is False
    assert stream_get_contents(t, -1, 0) == b"3456789234"
    empty = memory()
    assert stream_copy_to_stream(empty, t) == 0
