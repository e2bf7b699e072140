"""Local files in every fopen() mode, file_get_contents/file_put_contents, and the
php:// descriptors (php-src main/streams/plain_wrapper.c, ext/standard/file.c,
php_fopen_wrapper.c). Paths are in the peer's private folder ``{tmp}``."""

from __future__ import annotations

from .._scenario import Scenario, Step, arr, call, const, ref, var
from ._files_helpers import SEEK_CUR, SEEK_END, F, files_scenario, fo, meta, stat_fields, tell

__all__ = ["CONTENTS", "FILES", "PHP_STREAMS"]

PATH = "{tmp}/f.txt"
TEXT = "hello world\nline2\nline3\n"


def put(text: str = TEXT, path: str = PATH) -> Step:
    return call("file_put_contents", path, text)


def get(path: str = PATH) -> Step:
    return call("file_get_contents", path)


def _file(name: str, doc: str, steps: list[Step], posix: bool = False) -> Scenario:
    return files_scenario(
        f"files/file/{name}",
        doc=doc,
        tags=("file",),
        steps=steps,
        php_extensions=("posix",) if posix else (),
    )


FILES: list[Scenario] = [
    _file(
        "r-missing",
        "fopen of a missing file: 'Failed to open stream: No such file or directory'",
        [
            call("fopen", "{tmp}/missing.txt", "r"),
            call("fopen", "{tmp}/no/dir/x", "w"),
            call("fopen", "file://{tmp}/missing.txt", "r"),
        ],
    ),
    _file(
        "r-reads-buffered",
        "r: plain files are buffered (fread 3 fills 8192), meta data plainfile/STDIO",
        [
            put(),
            fo(PATH, "r"),
            meta("f"),
            call("fread", F, 3),
            meta("f"),
            tell("f"),
            call("fgets", F),
            tell("f"),
            call("fread", F, 100),
            call("feof", F),
            tell("f"),
        ],
    ),
    _file(
        "r-write-notice",
        "writing to a file opened 'r': 'Write of 1 bytes failed with errno=9 Bad file descriptor'",
        [put(), fo(PATH, "r"), call("fwrite", F, "x"), call("fread", F, 5), tell("f")],
    ),
    _file(
        "w-read-notice",
        "reading a file opened 'w': 'Read of 8192 bytes failed with errno=9', false, no eof",
        [
            fo(PATH, "w"),
            call("fread", F, 10),
            call("feof", F),
            call("fgets", F),
            call("stream_get_contents", F),
            call("fwrite", F, "abc"),
            tell("f"),
            call("fclose", F),
            get(),
        ],
    ),
    _file(
        "w-truncates",
        "w truncates an existing file; w+ reads back what it wrote",
        [
            put(),
            fo(PATH, "w+"),
            *stat_fields("f", "size"),
            call("fwrite", F, "new"),
            call("rewind", F),
            call("fread", F, 10),
            call("fclose", F),
            get(),
        ],
    ),
    _file(
        "x-existing",
        "x on an existing file: 'File exists'; x on a new one creates it; x+ reads",
        [
            put(),
            call("fopen", PATH, "x"),
            call("fopen", PATH, "x+"),
            fo("{tmp}/new.txt", "x+"),
            call("fwrite", F, "fresh"),
            call("rewind", F),
            call("fread", F, 10),
            meta("f"),
        ],
    ),
    _file(
        "a-plus",
        "a+: ftell starts at 0, reads from the start, writes go to the end, ftell counts on",
        [
            put("hello"),
            fo(PATH, "a+"),
            tell("f"),
            call("fread", F, 2),
            call("fwrite", F, "APP"),
            tell("f"),
            call("fread", F, 10),
            call("rewind", F),
            call("fread", F, 100),
            meta("f"),
        ],
    ),
    _file(
        "a-write-only",
        "a: write-only, appends; reading fails with the EBADF notice",
        [
            put("abc"),
            fo(PATH, "a"),
            call("fwrite", F, "def"),
            tell("f"),
            call("fgetc", F),
            call("fclose", F),
            get(),
        ],
    ),
    _file(
        "c-plus",
        "c+: no truncation, position 0; a write after a read lands at the position",
        [
            put(TEXT),
            fo(PATH, "c+"),
            tell("f"),
            call("fread", F, 5),
            meta("f"),
            call("fwrite", F, "_"),
            tell("f"),
            call("rewind", F),
            call("fgets", F),
        ],
    ),
    _file(
        "r-plus-write-after-read",
        "r+: the read buffer is dropped before a write, which goes where ftell says",
        [
            put("0123456789"),
            fo(PATH, "r+"),
            call("fread", F, 3),
            call("fwrite", F, "ab"),
            tell("f"),
            call("fread", F, 2),
            call("fclose", F),
            get(),
        ],
    ),
    _file(
        "invalid-modes",
        "an invalid mode: 'Failed to open stream: `z' is not a valid mode for fopen'",
        [
            put(),
            call("fopen", PATH, "z"),
            call("fopen", PATH, ""),
            call("fopen", PATH, "+r"),
            fo(PATH, "rw"),
            meta("f"),
            fo(PATH, "rb"),
            meta("f"),
            fo(PATH, "rt"),
            meta("f"),
        ],
    ),
    _file(
        "empty-path",
        "fopen('') is a ValueError ('Path cannot be empty'), a NUL byte another",
        [
            call("fopen", "", "r"),
            call("fopen", "a\0b", "r"),
            call("file_get_contents", ""),
            call("file_put_contents", "", "x"),
        ],
    ),
    _file(
        "fseek",
        "fseek on a file: SEEK_SET past the end works, negative fails and keeps the position",
        [
            put("0123456789"),
            fo(PATH, "r"),
            call("fseek", F, 4),
            call("fread", F, 2),
            call("fseek", F, 2, SEEK_CUR),
            call("fread", F, 2),
            call("fseek", F, -3, SEEK_END),
            call("fread", F, 10),
            call("fseek", F, -1),
            tell("f"),
            call("fseek", F, 50),
            tell("f"),
            call("fread", F, 5),
            call("feof", F),
            call("rewind", F),
            call("feof", F),
            call("fgetc", F),
        ],
    ),
    _file(
        "ftruncate-fstat",
        "ftruncate on a file: the size changes, the position does not; fstat size and nlink",
        [
            put(TEXT),
            fo(PATH, "r+"),
            call("fread", F, 6),
            call("ftruncate", F, 3),
            *stat_fields("f", "size", "nlink", 7, 3),
            tell("f"),
            call("fread", F, 10),
            call("ftruncate", F, 20),
            *stat_fields("f", "size"),
            call("fclose", F),
            fo(PATH, "r"),
            call("ftruncate", F, 0),
        ],
    ),
    _file(
        "flock",
        "flock on a file: LOCK_EX, LOCK_SH|LOCK_NB, LOCK_UN succeed; stream_supports_lock",
        [
            put(),
            fo(PATH, "r"),
            call("stream_supports_lock", F),
            call("flock", F, const("LOCK_EX"), ref("wb")),
            call("flock", F, const("LOCK_SH") | const("LOCK_NB"), ref("wb")),
            call("flock", F, const("LOCK_UN")),
            call("flock", F, 8),
            call("fsync", F),
            call("fdatasync", F),
        ],
    ),
    _file(
        "flock-would-block",
        "a second descriptor's LOCK_EX|LOCK_NB on a locked file: false, $would_block 1",
        [
            put(),
            fo(PATH, "r", "a"),
            fo(PATH, "r", "b"),
            call("flock", var("a"), 2),
            call("flock", var("b"), const("LOCK_EX") | const("LOCK_NB"), ref("wb")),
            call("flock", var("a"), 3),
            call("flock", var("b"), 6, ref("wb")),
        ],
    ),
    _file(
        "isatty",
        "stream_isatty on a file: false; with buffered data, the two cast warnings",
        [
            put(),
            fo(PATH, "r"),
            call("stream_isatty", F),
            call("fgets", F),
            call("stream_isatty", F),
            call("posix_isatty", F),
        ],
        posix=True,
    ),
    _file(
        "fclose-twice",
        "fclose, then every call on the closed resource raises the TypeError",
        [
            put(),
            fo(PATH, "r"),
            call("fclose", F),
            call("fclose", F),
            call("fread", F, 1),
            call("ftell", F),
            call("rewind", F),
        ],
    ),
]


def _contents(name: str, doc: str, steps: list[Step]) -> Scenario:
    return files_scenario(f"files/contents/{name}", doc=doc, tags=("file",), steps=steps)


CONTENTS: list[Scenario] = [
    _contents(
        "get-offset-length",
        "file_get_contents offset (a negative one from the end) and length",
        [
            put("0123456789"),
            call("file_get_contents", PATH, False, None, 2, 3),
            call("file_get_contents", PATH, False, None, -4),
            call("file_get_contents", PATH, False, None, 100),
            call("file_get_contents", PATH, False, None, 0, 0),
            call("file_get_contents", PATH, False, None, -20),
            call("file_get_contents", PATH, False, None, 0, -1),
            call("file_get_contents", PATH, length=4),
        ],
    ),
    _contents(
        "get-missing",
        "file_get_contents of a missing file or a folder",
        [
            call("file_get_contents", "{tmp}/missing.txt"),
            call("file_get_contents", "{tmp}"),
            call("file_get_contents", "{tmp}/no/dir/x.txt"),
        ],
    ),
    _contents(
        "get-php-streams",
        "file_get_contents of php://memory, php://temp and php://input: ''",
        [
            call("file_get_contents", "php://memory"),
            call("file_get_contents", "php://temp"),
            call("file_get_contents", "php://input"),
            call("file_get_contents", "php://bogus"),
        ],
    ),
    _contents(
        "put-scalars-and-arrays",
        "file_put_contents of a string, int, float, bool, null and an array of them",
        [
            call("file_put_contents", PATH, "text"),
            get(),
            call("file_put_contents", PATH, 42),
            get(),
            call("file_put_contents", PATH, 1.5),
            get(),
            call("file_put_contents", PATH, True),
            get(),
            call("file_put_contents", PATH, False),
            get(),
            call("file_put_contents", PATH, None),
            get(),
            call("file_put_contents", PATH, ["a", "b", 3, 2.5, True, None, ""]),
            get(),
            call("file_put_contents", PATH, []),
            get(),
            call("file_put_contents", PATH, {"k": "v", "n": 7}),
            get(),
        ],
    ),
    _contents(
        "put-append-lock",
        "FILE_APPEND, LOCK_EX (opens with c, then truncates) and both",
        [
            put("one"),
            call("file_put_contents", PATH, "two", const("FILE_APPEND")),
            get(),
            call("file_put_contents", PATH, "three", const("LOCK_EX")),
            get(),
            call("file_put_contents", PATH, "four", const("FILE_APPEND") | const("LOCK_EX")),
            get(),
        ],
    ),
    _contents(
        "put-lock-not-regular",
        "LOCK_EX on php://memory: 'Exclusive locks may only be set for regular files'",
        [
            call("file_put_contents", "php://memory", "x", const("LOCK_EX")),
            call("file_put_contents", "php://memory", "xyz"),
            call("file_put_contents", "file://" + PATH, "via file://", const("LOCK_EX")),
            get(),
        ],
    ),
    _contents(
        "put-stream",
        "file_put_contents with a stream: copies from its position to its end",
        [
            fo("php://temp", "w+", "t"),
            call("fwrite", var("t"), "0123456789"),
            call("fseek", var("t"), 4),
            call("file_put_contents", PATH, var("t")),
            get(),
            call("file_put_contents", PATH, var("t")),
            get(),
            call("ftell", var("t")),
        ],
    ),
    _contents(
        "put-missing-dir",
        "file_put_contents into a missing folder: the open warning, false",
        [
            call("file_put_contents", "{tmp}/no/dir/x.txt", "x"),
            call("file_put_contents", "php://bogus", "x"),
        ],
    ),
]


def _php(name: str, doc: str, steps: list[Step]) -> Scenario:
    return files_scenario(f"files/php/{name}", doc=doc, tags=("php",), steps=steps)


PHP_STREAMS: list[Scenario] = [
    _php(
        "stdio-meta",
        "php://stdin (/dev/null: not seekable, ftell false), php://stdout and stderr (pipes)",
        [
            fo("php://stdin", "r", "i"),
            meta("i"),
            tell("i"),
            call("fseek", var("i"), 0),
            call("fread", var("i"), 5),
            call("feof", var("i")),
            fo("php://stdout", "w", "o"),
            meta("o"),
            tell("o"),
            fo("php://stderr", "wb", "e"),
            meta("e"),
            *stat_fields("i", "mode", "size"),
        ],
    ),
    _php(
        "fd",
        "php://fd/N dups descriptor N; bad forms and missing descriptors warn",
        [
            fo("php://fd/1", "w", "o"),
            meta("o"),
            call("fopen", "php://fd/99", "r"),
            call("fopen", "php://fd/x", "r"),
            call("fopen", "php://fd/", "r"),
            call("fopen", "php://fd/-1", "r"),
            call("fopen", "php://bogus", "r"),
        ],
    ),
    _php(
        "input",
        "php://input in the CLI: empty, seekable, no fstat, not writable",
        [
            fo("php://input", "r", "i"),
            meta("i"),
            call("fread", var("i"), 10),
            call("feof", var("i")),
            call("fseek", var("i"), 0),
            tell("i"),
            call("fseek", var("i"), 5),
            tell("i"),
            call("fstat", var("i")),
            call("fwrite", var("i"), "x"),
            call("ftruncate", var("i"), 0),
        ],
    ),
    _php(
        "output",
        "php://output: writes go to PHP's output; no reading, seeking or fstat",
        [
            fo("php://output", "w", "o"),
            meta("o"),
            tell("o"),
            call("fwrite", var("o"), "to the output\n", output=True),
            tell("o"),
            call("fread", var("o"), 5),
            call("fstat", var("o")),
            call("fseek", var("o"), 0),
            call("fflush", var("o")),
            call("stream_isatty", var("o")),
            call("ftruncate", var("o"), 0),
            call("fclose", var("o")),
        ],
    ),
]

PHP_STREAMS.append(
    _php(
        "select",
        "stream_select: a file is selectable (readable at once); memory and output streams "
        "warn 'Cannot represent a stream of type ... as a select()able descriptor'",
        [
            put(),
            fo(PATH, "r"),
            call("stream_select", arr("r", [F]), arr("w", None), arr("e", None), 0),
            call("fgets", F),
            call("stream_select", arr("r", [F]), arr("w", None), arr("e", None), 0),
            fo("php://output", "w", "o"),
            call("stream_select", arr("r", [var("o"), F]), arr("w", None), arr("e", None), 0),
            fo("php://memory", "w+", "m"),
            call("stream_select", arr("r", [var("m")]), arr("w", None), arr("e", None), 0),
        ],
    )
)

FILES += [
    _file(
        "wrappers",
        "an unknown scheme warns, then opens a plain file of that name; file:// needs a "
        "local path ('Remote host file access not supported')",
        [
            put(),
            call("fopen", "foo://bar", "r"),
            call("fopen", "file://f.txt", "r"),
            fo("file://" + PATH, "r"),
            meta("f"),
            fo("FILE://localhost" + PATH, "r", "g"),
            call("fgets", var("g")),
        ],
    ),
    _file(
        "directory",
        "a folder opens for reading, but its reads fail with EISDIR (and set eof); "
        "for writing: 'Is a directory'",
        [
            fo("{tmp}", "r"),
            call("fread", F, 10),
            call("feof", F),
            meta("f"),
            call("fopen", "{tmp}/", "w"),
            call("file_put_contents", "{tmp}", "x"),
        ],
    ),
]
