"""Faults: peers that reset, close mid-line, half-close, send garbage instead of
TLS, hang up during the handshake, drip one byte every 10 ms; writes to dead peers.

The peers are in ``peers/_faults.py``: most wait for the client's ``go`` line
and then misbehave; the scenario sleeps after sending it, so the fault reached
the client's kernel before its next call, in the PHP run as in the phpstreams run.
A TCP reset while fwrite is blocked is not here: how much PHP has written by
then varies from run to run (TCP's buffer autotuning), so it is compared with
real PHP by tests/loopback/test_faults.py; the unix socket version is here.
"""

from __future__ import annotations

from collections.abc import Sequence

from .._scenario import Arg, Scenario, Step, call, const, scenario, sleep, var
from ..peers._faults import GO, UNIX_BIG_WRITE
from ._helpers import E, S, ssc

__all__ = ["FAULTS"]

FP = var("fp")
CTX = var("ctx")
_GO = GO.decode()
_UNIX_BIG = "x" * UNIX_BIG_WRITE  # more than a unix socket's buffer takes at once


def _scenario(
    name: str, *, peer: str, doc: str, steps: Sequence[Step], tls: bool = False
) -> Scenario:
    """``scenario(...)`` with a fault peer kind (set on the built scenario)."""
    tags = ("faults", "tls", "io") if tls else ("faults", "io")
    return scenario(name, peer=peer, doc=doc, steps=steps, tags=tags, timeout=30.0)


def tcp() -> Step:
    return ssc("tcp://127.0.0.1:{port}", 2.0)


def tls_open() -> list[Step]:
    """$ctx with the test CA, $fp = ssl://, then the peer's greeting line."""
    return [
        call("stream_context_create", {"ssl": {"cafile": "{cafile}"}}, assign="ctx"),
        call(
            "stream_socket_client",
            "ssl://127.0.0.1:{port}",
            E,
            S,
            5.0,
            const("STREAM_CLIENT_CONNECT"),
            CTX,
            assign="fp",
        ),
        call("fgets", FP),
    ]


def go() -> list[Step]:
    """Send the peer its trigger and give the fault the time to arrive."""
    return [call("fwrite", FP, _GO), sleep(0.2)]


def fwrite(data: Arg, *, timed: bool = False) -> Step:
    return call("fwrite", FP, data, timed=timed)


def meta() -> Step:
    return call("stream_get_meta_data", FP)


def feof() -> Step:
    return call("feof", FP)


def get_line(delimiter: str = "\n", *, timed: bool = False) -> Step:
    return call("stream_get_line", FP, 100, delimiter, timed=timed)


PLAIN: list[Scenario] = [
    _scenario(
        "faults/reset-during-fgets",
        peer="fault_reset_midread",
        doc="the peer sends part of a line, then resets while fgets waits for the rest: "
        "fgets returns the part, no warning; feof true; the next fwrite gives the errno=32 "
        "notice (the read took the reset)",
        steps=[
            tcp(),
            call("fwrite", FP, _GO),
            call("fgets", FP, timed=True),
            feof(),
            meta(),
            call("fread", FP, 10),
            fwrite("after\n"),
        ],
    ),
    _scenario(
        "faults/reset-during-fread",
        peer="fault_reset_midread",
        doc="fread takes the part sent before the reset; the next fread meets the reset: "
        "false or '' without a warning, eof",
        steps=[
            tcp(),
            call("fwrite", FP, _GO),
            call("fread", FP, 100, timed=True),
            sleep(0.2),
            call("fread", FP, 100),
            feof(),
            meta(),
        ],
    ),
    _scenario(
        "faults/reset-during-stream-get-line",
        peer="fault_reset_midread",
        doc="stream_get_line waiting for its delimiter when the reset comes: the part "
        "read is returned at EOF; then false",
        steps=[
            tcp(),
            call("fwrite", FP, _GO),
            get_line(timed=True),
            get_line(),
            feof(),
        ],
    ),
    _scenario(
        "faults/close-mid-line-fgets",
        peer="fault_close_midline",
        doc="the peer sends a line and part of another, then closes: fgets gives the line, "
        "the part, then false; feof true",
        steps=[
            tcp(),
            call("fgets", FP),
            call("fgets", FP),
            call("fgets", FP),
            feof(),
            meta(),
        ],
    ),
    _scenario(
        "faults/close-mid-line-stream-get-line",
        peer="fault_close_midline",
        doc="stream_get_line over a partial last line: the line, the part at EOF, then false",
        steps=[tcp(), get_line(), get_line(), get_line(), feof()],
    ),
    _scenario(
        "faults/close-mid-line-fgets-length",
        peer="fault_close_midline",
        doc="fgets with a length over a partial last line, then stream_get_contents",
        steps=[
            tcp(),
            call("fgets", FP, 6),
            call("fgets", FP),
            call("fgets", FP, 4),
            call("stream_get_contents", FP),
            feof(),
        ],
    ),
    _scenario(
        "faults/peer-half-close-keep-writing",
        peer="fault_halfclose",
        doc="the peer half-closes: the client reads its line, then EOF, and keeps writing "
        "(the peer still reads): every fwrite succeeds",
        steps=[
            tcp(),
            call("fgets", FP),
            call("fgets", FP),
            feof(),
            fwrite("still writing\n"),
            fwrite("and again\n"),
            meta(),
        ],
    ),
    _scenario(
        "faults/half-close-keep-reading",
        peer="fault_count",
        doc="stream_socket_shutdown(WR), then keep reading: the peer answers after the EOF "
        "it read; fgets gives the answer, then false; a later fwrite fails (errno=32)",
        steps=[
            tcp(),
            fwrite("12345"),
            call("stream_socket_shutdown", FP, const("STREAM_SHUT_WR")),
            call("fgets", FP),
            call("fgets", FP),
            feof(),
            fwrite("late"),
        ],
    ),
    _scenario(
        "faults/drip-fgets",
        peer="fault_drip",
        doc="a peer dripping one byte every 10 ms: fgets waits for the whole line; "
        "stream_get_line for its delimiter; the rest at EOF",
        steps=[
            tcp(),
            call("fgets", FP, timed=True),
            get_line("|", timed=True),
            get_line("|", timed=True),
            feof(),
        ],
    ),
    _scenario(
        "faults/dead-peer-writes",
        peer="fault_close_after_go",
        doc="the peer closed: the first fwrite still succeeds (the peer answers it with a "
        "reset), later ones give the errno=32 notice and false",
        steps=[
            tcp(),
            *go(),
            fwrite("first"),
            sleep(0.2),
            fwrite("second"),
            fwrite("third"),
            feof(),
            call("fread", FP, 10),
        ],
    ),
    _scenario(
        "faults/reset-peer-writes",
        peer="fault_reset_midwrite",
        doc="the peer reset while nothing was being written: the next fwrite gives the "
        "errno=104 notice, the one after errno=32",
        steps=[
            tcp(),
            *go(),
            sleep(0.3),
            fwrite("first"),
            fwrite("second"),
            feof(),
        ],
    ),
    _scenario(
        "faults/unix-peer-closes-during-fwrite",
        peer="fault_unix_stall_close",
        doc="a unix socket peer stops reading, then closes while a 1 MiB fwrite is blocked: "
        "the bytes written so far and the errno=32 notice; the next fwrite false, errno=32",
        steps=[
            ssc("unix://{path}", 2.0),
            call("fwrite", FP, _GO),
            fwrite(_UNIX_BIG, timed=True),
            fwrite("more"),
            call("fread", FP, 10),
            feof(),
        ],
    ),
    _scenario(
        "faults/unix-dead-peer-writes",
        peer="fault_unix_close",
        doc="a unix socket peer that closed: fwrite fails at once with the errno=32 notice; "
        "fread then gives ''",
        steps=[
            ssc("unix://{path}", 2.0),
            sleep(0.1),
            fwrite("first"),
            fwrite("second"),
            call("fread", FP, 10),
            feof(),
        ],
    ),
]

TLS: list[Scenario] = [
    _scenario(
        "faults/tls-reset-then-fwrite",
        peer="fault_tls_reset",
        tls=True,
        doc="TLS peer reset: fwrite returns 0 with 'SSL: Connection reset by peer', the "
        "next one 0 with 'SSL: Broken pipe' (PHPMailer's log); feof true",
        steps=[*tls_open(), *go(), fwrite("one\n"), fwrite("two\n"), feof(), meta()],
    ),
    _scenario(
        "faults/tls-reset-then-fread-fwrite",
        peer="fault_tls_reset",
        tls=True,
        doc="TLS peer reset: fread '' with 'SSL: Connection reset by peer'; the fwrites "
        "after it 0 with 'SSL: Broken pipe'",
        steps=[
            *tls_open(),
            *go(),
            call("fread", FP, 100),
            fwrite("one\n"),
            fwrite("two\n"),
            feof(),
            meta(),
        ],
    ),
    _scenario(
        "faults/tls-reset-then-feof-fwrite",
        peer="fault_tls_reset",
        tls=True,
        doc="TLS peer reset: feof's probe takes the reset silently (true); fwrite then 0 "
        "with 'SSL: Broken pipe'",
        steps=[*tls_open(), *go(), feof(), fwrite("one\n"), fwrite("two\n"), meta()],
    ),
    _scenario(
        "faults/tls-reset-during-fgets",
        peer="fault_tls_reset_midread",
        tls=True,
        doc="TLS peer sends part of a line, then resets while fgets waits: the part, with "
        "'SSL: Connection reset by peer'; then fwrite 'SSL: Broken pipe'",
        steps=[
            *tls_open(),
            call("fwrite", FP, _GO),
            call("fgets", FP, timed=True),
            feof(),
            meta(),
            fwrite("after\n"),
        ],
    ),
    _scenario(
        "faults/tls-reset-mid-record",
        peer="fault_tls_reset_midrecord",
        tls=True,
        doc="the TLS peer sends half a record, then resets while fgets waits for the rest: "
        "fgets false with 'SSL: Connection reset by peer'; fwrite then 'SSL: Broken pipe'",
        steps=[
            *tls_open(),
            call("fwrite", FP, _GO),
            call("fgets", FP, timed=True),
            feof(),
            meta(),
            fwrite("after\n"),
        ],
    ),
    _scenario(
        "faults/tls-no-close-notify-read-write",
        peer="fault_tls_drop",
        tls=True,
        doc="TLS ended without close_notify (the peer still reads): fread '' without a "
        "warning, eof; fwrites still succeed",
        steps=[
            *tls_open(),
            *go(),
            call("fread", FP, 100),
            feof(),
            fwrite("after eof\n"),
            fwrite("again\n"),
            call("fgets", FP),
            meta(),
        ],
    ),
    _scenario(
        "faults/tls-no-close-notify-write-first",
        peer="fault_tls_drop",
        tls=True,
        doc="TLS ended without close_notify, written to before any read: the fwrites "
        "succeed; then fgets false, feof true",
        steps=[*tls_open(), *go(), fwrite("one\n"), fwrite("two\n"), call("fgets", FP), feof()],
    ),
    _scenario(
        "faults/tls-no-close-notify-closed-writes",
        peer="fault_tls_dropclose",
        tls=True,
        doc="TLS ended without close_notify, the peer gone: the first fwrite succeeds, the "
        "next gives 0 with 'SSL: Broken pipe'",
        steps=[
            *tls_open(),
            *go(),
            fwrite("one\n"),
            sleep(0.2),
            fwrite("two\n"),
            feof(),
            meta(),
        ],
    ),
    _scenario(
        "faults/tls-no-close-notify-closed-read-writes",
        peer="fault_tls_dropclose",
        tls=True,
        doc="TLS ended without close_notify, the peer gone, and the EOF read first: the "
        "first fwrite succeeds, the next gives 0 without a warning (SSL_ERROR_ZERO_RETURN)",
        steps=[
            *tls_open(),
            *go(),
            call("fread", FP, 100),
            fwrite("one\n"),
            sleep(0.2),
            fwrite("two\n"),
            feof(),
            meta(),
        ],
    ),
    _scenario(
        "faults/tls-close-mid-line",
        peer="fault_tls_midline",
        tls=True,
        doc="TLS peer sends a line and part of another, then closes without close_notify: "
        "the line, the part, then false; stream_get_line likewise",
        steps=[
            *tls_open(),
            *go(),
            call("fgets", FP),
            get_line(),
            call("fgets", FP),
            feof(),
        ],
    ),
    _scenario(
        "faults/tls-garbage-after-handshake",
        peer="fault_tls_garbage",
        tls=True,
        doc="raw bytes that are no TLS record arrive after the handshake: fgets false with "
        "OpenSSL's error; feof true; fwrite after it",
        steps=[
            *tls_open(),
            *go(),
            call("fgets", FP),
            call("fgets", FP),
            call("fread", FP, 10),
            feof(),
            meta(),
            fwrite("after\n"),
            fwrite("again\n"),
        ],
    ),
    _scenario(
        "faults/tls-drip-fgets",
        peer="fault_tls_drip",
        tls=True,
        doc="a TLS peer dripping one byte per record every 10 ms: fgets waits for the whole "
        "line, stream_get_line for its delimiter",
        steps=[
            *tls_open(),
            call("fwrite", FP, _GO),
            call("fgets", FP, timed=True),
            get_line("|", timed=True),
            call("stream_set_timeout", FP, 0, 300000),
            get_line("|", timed=True),
            feof(),
        ],
    ),
    _scenario(
        "faults/tls-handshake-garbage",
        peer="fault_hs_garbage",
        tls=True,
        doc="the server answers the ClientHello with bytes that are no TLS record: the "
        "connect fails with OpenSSL's error, 'Failed to enable crypto', 'Unable to connect'",
        steps=[*tls_open()[:2], call("is_resource", FP)],
    ),
    _scenario(
        "faults/tls-handshake-partial-then-close",
        peer="fault_hs_partial",
        tls=True,
        doc="the server sends the first 40 bytes of its ServerHello, then closes: the "
        "handshake fails",
        steps=[*tls_open()[:2], call("is_resource", FP)],
    ),
    _scenario(
        "faults/tls-handshake-reset",
        peer="fault_hs_reset",
        tls=True,
        doc="the server resets the connection after the ClientHello: the handshake fails "
        "with 'SSL: Connection reset by peer'",
        steps=[*tls_open()[:2], call("is_resource", FP)],
    ),
    _scenario(
        "faults/starttls-garbage",
        peer="fault_hs_garbage",
        tls=True,
        doc="stream_socket_enable_crypto on a tcp:// stream whose peer answers garbage: "
        "false with OpenSSL's error; the stream stays usable as plain TCP",
        steps=[
            call("stream_context_create", {"ssl": {"cafile": "{cafile}"}}, assign="ctx"),
            call(
                "stream_socket_client",
                "tcp://127.0.0.1:{port}",
                E,
                S,
                5.0,
                const("STREAM_CLIENT_CONNECT"),
                CTX,
                assign="fp",
            ),
            call(
                "stream_socket_enable_crypto",
                FP,
                True,
                const("STREAM_CRYPTO_METHOD_TLS_CLIENT"),
            ),
            fwrite("plain text\n"),
            call("stream_set_timeout", FP, 0, 200000),
            call("fread", FP, 100),
            feof(),
        ],
    ),
]

FAULTS: list[Scenario] = [*PLAIN, *TLS]
