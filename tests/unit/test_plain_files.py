"""Local files and php:// descriptors without php: fopen's modes and warnings,
buffered reads, positions, file_get_contents / file_put_contents (php-src
main/streams/plain_wrapper.c, ext/standard/file.c)."""

from __future__ import annotations

from pathlib import Path

import pytest

from phpstreams import (
    FILE_APPEND,
    LOCK_EX,
    LOCK_NB,
    LOCK_SH,
    LOCK_UN,
    PHPNotice,
    PHPWarning,
    Ref,
    fclose,
    feof,
    fgets,
    file_get_contents,
    file_put_contents,
    flock,
    fopen,
    fpassthru,
    fread,
    fseek,
    fstat,
    ftell,
    ftruncate,
    fwrite,
    rewind,
    stream_get_meta_data,
    stream_isatty,
    stream_supports_lock,
)
from phpstreams.core.stream import StreamResource


def opened(path: Path | str, mode: str) -> StreamResource:
    fp = fopen(str(path), mode)
    assert fp is not False
    return fp


def test_missing_file_warns(tmp_path: Path) -> None:
    path = tmp_path / "missing.txt"
    text = f"fopen({path}): Failed to open stream: No such file or directory"
    with pytest.warns(PHPWarning, match="^" + text.replace("(", r"\(").replace(")", r"\)") + "$"):
        assert fopen(str(path), "r") is False


def test_invalid_mode_and_empty_path(tmp_path: Path) -> None:
    with pytest.warns(PHPWarning, match="`z' is not a valid mode for fopen$"):
        assert fopen(str(tmp_path / "f"), "z") is False
    with pytest.raises(ValueError, match=r"^Path cannot be empty$"):
        fopen("", "r")


def test_x_on_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "f.txt"
    path.write_bytes(b"x")
    with pytest.warns(PHPWarning, match="Failed to open stream: File exists$"):
        assert fopen(str(path), "x") is False


def test_reads_are_buffered(tmp_path: Path) -> None:
    path = tmp_path / "f.txt"
    path.write_bytes(b"hello world\nline2\n")
    fp = opened(path, "r")
    meta = stream_get_meta_data(fp)
    assert (meta["wrapper_type"], meta["stream_type"], meta["mode"]) == ("plainfile", "STDIO", "r")
    assert fread(fp, 3) == b"hel"
    assert stream_get_meta_data(fp)["unread_bytes"] == 15
    assert ftell(fp) == 3
    assert fgets(fp) == b"lo world\n"
    assert fread(fp, 100) == b"line2\n"
    assert feof(fp) is True


def test_write_on_read_only_notice(tmp_path: Path) -> None:
    path = tmp_path / "f.txt"
    path.write_bytes(b"abc")
    fp = opened(path, "r")
    with pytest.warns(PHPNotice, match=r"^fwrite\(\): Write of 1 bytes failed with errno=9 "):
        assert fwrite(fp, "x") is False


def test_read_on_write_only_notice(tmp_path: Path) -> None:
    fp = opened(tmp_path / "w.txt", "w")
    with pytest.warns(PHPNotice, match=r"^fread\(\): Read of 8192 bytes failed with errno=9 "):
        assert fread(fp, 10) is False
    assert feof(fp) is False


def test_append_plus_positions(tmp_path: Path) -> None:
    path = tmp_path / "f.txt"
    path.write_bytes(b"hello")
    fp = opened(path, "a+")
    assert ftell(fp) == 0
    assert fread(fp, 2) == b"he"
    assert fwrite(fp, "APP") == 3
    assert ftell(fp) == 5  # PHP counts on from the read position
    rewind(fp)
    assert fread(fp, 100) == b"helloAPP"


def test_write_after_read_goes_to_the_position(tmp_path: Path) -> None:
    path = tmp_path / "f.txt"
    path.write_bytes(b"0123456789")
    fp = opened(path, "r+")
    fread(fp, 3)
    fwrite(fp, "ab")
    assert ftell(fp) == 5
    fclose(fp)
    assert path.read_bytes() == b"012ab56789"


def test_seek_truncate_stat(tmp_path: Path) -> None:
    path = tmp_path / "f.txt"
    path.write_bytes(b"0123456789")
    fp = opened(path, "r+")
    assert fseek(fp, -1) == -1
    assert fseek(fp, 50) == 0
    assert ftell(fp) == 50
    assert ftruncate(fp, 3) is True
    stat = fstat(fp)
    assert stat is not False and stat["size"] == 3 and stat[7] == 3
    assert stream_isatty(fp) is False


def test_locks(tmp_path: Path) -> None:
    path = tmp_path / "f.txt"
    path.write_bytes(b"x")
    a, b = opened(path, "r"), opened(path, "r")
    assert stream_supports_lock(a) is True
    assert flock(a, LOCK_EX) is True
    would_block = Ref()
    assert flock(b, LOCK_SH | LOCK_NB, would_block) is False
    assert would_block.value == 1
    assert flock(a, LOCK_UN) is True
    assert flock(b, LOCK_SH | LOCK_NB, would_block) is True
    assert would_block.value == 0
    with pytest.raises(ValueError, match="must be one of LOCK_SH, LOCK_EX, or LOCK_UN"):
        flock(a, 0)


def test_file_get_and_put_contents(tmp_path: Path) -> None:
    path = str(tmp_path / "g.txt")
    assert file_put_contents(path, ["a", "b", 3, True, None]) == 4
    assert file_put_contents(path, "more", FILE_APPEND | LOCK_EX) == 4
    assert file_get_contents(path) == b"ab31more"
    assert file_get_contents(path, False, None, 2, 3) == b"31m"
    assert file_get_contents(path, False, None, -2) == b"re"
    assert file_get_contents(path, False, None, 100) == b""
    with pytest.raises(ValueError, match=r"Argument #5 \(\$length\) must be greater"):
        file_get_contents(path, False, None, 0, -1)
    with pytest.warns(PHPWarning, match="Exclusive locks may only be set for regular files"):
        assert file_put_contents("php://memory", "x", LOCK_EX) is False


def test_file_put_contents_from_a_stream(tmp_path: Path) -> None:
    t = opened("php://temp", "w+")
    fwrite(t, "0123456789")
    fseek(t, 4)
    path = str(tmp_path / "s.txt")
    assert file_put_contents(path, t) == 6
    assert file_get_contents(path) == b"456789"


def test_fpassthru_writes_to_stdout(
    tmp_path: Path, capfdbinary: pytest.CaptureFixture[bytes]
) -> None:
    path = tmp_path / "p.txt"
    path.write_bytes(b"first\nsecond\n")
    fp = opened(path, "r")
    fgets(fp)
    assert fpassthru(fp) == 7
    assert capfdbinary.readouterr().out == b"second\n"


def test_php_descriptors() -> None:
    out = opened("php://output", "w")
    meta = stream_get_meta_data(out)
    assert (meta["stream_type"], meta["mode"], meta["seekable"]) == ("Output", "wb", False)
    with pytest.warns(PHPWarning, match=r"^fopen\(\): Invalid php:// URL specified$"):
        with pytest.warns(PHPWarning, match="Failed to open stream: operation failed$"):
            assert fopen("php://bogus", "r") is False
    with pytest.warns(PHPWarning, match="must be specified in the form php://fd/<orig fd>$"):
        assert fopen("php://fd/x", "r") is False
    inp = opened("php://input", "r")
    assert fread(inp, 10) == b""
    assert feof(inp) is True
    assert fstat(inp) is False


def test_fpassthru_to_a_text_only_stdout(monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import sys

    text = io.StringIO()
    monkeypatch.setattr(sys, "stdout", text)
    m = opened("php://memory", "w+")
    fwrite(m, "abc")
    rewind(m)
    assert fpassthru(m) == 3
    assert text.getvalue() == "abc"


def test_stream_select_on_local_streams(tmp_path: Path) -> None:
    from phpstreams import stream_select

    path = tmp_path / "s.txt"
    path.write_bytes(b"x\n")
    fp = opened(path, "r")
    read: list[object] = [fp]
    assert stream_select(read, None, None, 0) == 1
    assert read == [fp]
    m = opened("php://memory", "w+")
    with pytest.warns(PHPWarning, match="Cannot represent a stream of type MEMORY as a select"):
        with pytest.raises(ValueError, match=r"^No stream arrays were passed$"):
            stream_select([m], None, None, 0)
