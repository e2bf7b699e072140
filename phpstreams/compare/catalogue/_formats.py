"""fscanf over loopback sockets: conversions, the by-reference form, the end of
the stream, timeouts and partial lines, format errors, and TLS."""

from __future__ import annotations

from collections.abc import Sequence

from .._scenario import Arg, Scenario, Step, call, const, ref, scenario, setvar, var
from ._helpers import E, S, ssc

__all__ = ["CA", "FP", "FSCANF", "formats_scenario", "put", "tcp", "tls_open"]

FP = var("fp")
CA: dict[str, Arg] = {"cafile": "{cafile}"}


def formats_scenario(
    name: str,
    *,
    peer: str | None,
    doc: str,
    steps: Sequence[Step],
    tags: Sequence[str] = (),
    timeout: float = 20.0,
) -> Scenario:
    """``scenario(...)`` named ``formats/<name>`` (the group), tagged ``formats``."""
    return scenario(
        f"formats/{name}", peer=peer, doc=doc, steps=steps, tags=("formats", *tags), timeout=timeout
    )


def tcp() -> Step:
    """stream_socket_client("tcp://127.0.0.1:{port}", $errno, $errstr, 1.0) into $fp."""
    return ssc("tcp://127.0.0.1:{port}")


def tls_open() -> list[Step]:
    """A TLS client verified with the test CA, and the server's greeting line read."""
    return [
        call("stream_context_create", {"ssl": CA}, assign="ctx"),
        call(
            "stream_socket_client",
            "ssl://127.0.0.1:{port}",
            E,
            S,
            5.0,
            const("STREAM_CLIENT_CONNECT"),
            var("ctx"),
            assign="fp",
        ),
        call("fgets", FP),
    ]


def put(data: Arg) -> Step:
    """fwrite($fp, data): the echo peer sends it back."""
    return call("fwrite", FP, data)


def fscanf(format: Arg, *refs: Arg, silenced: bool = False) -> Step:
    return call("fscanf", FP, format, *refs, silenced=silenced)


FSCANF: list[Scenario] = [
    formats_scenario(
        "fscanf/int-string-float",
        peer="echo",
        doc="%d %s %f: an int, a string and a float from one line; the next line next",
        steps=[
            tcp(),
            put("42 hello 3.5\n-7 x 1e3\n"),
            fscanf("%d %s %f"),
            fscanf("%d %s %f"),
        ],
    ),
    formats_scenario(
        "fscanf/by-reference",
        peer="echo",
        doc="the by-reference form: the count of conversions, the variables assigned",
        steps=[
            tcp(),
            put("12 apples 0.25\n"),
            fscanf("%d %s %f", ref("n"), ref("what"), ref("price")),
        ],
    ),
    formats_scenario(
        "fscanf/by-reference-partial",
        peer="echo",
        doc="a mismatch stops the scan: the count so far; a variable not reached keeps its value",
        steps=[
            tcp(),
            setvar("b", "unchanged"),
            put("12 abc\n"),
            fscanf("%d %d", ref("a"), ref("b")),
        ],
    ),
    formats_scenario(
        "fscanf/blank-line",
        peer="echo",
        doc="a line that ends before the first conversion: null (array form), -1 "
        "(by reference); a literal mismatch first: an array of nulls",
        steps=[
            tcp(),
            put("\n   \nx\n"),
            fscanf("%d"),
            fscanf("%d", ref("n")),
            fscanf("y%d"),
        ],
    ),
    formats_scenario(
        "fscanf/end-of-stream",
        peer="lines",
        doc="the peer's lines then its FIN: each fscanf takes one line (the last one "
        "has no newline), then false",
        steps=[
            tcp(),
            fscanf("%s %s"),
            fscanf("%s %s"),
            fscanf("%s"),
            fscanf("%s"),
            fscanf("%[a-z-]"),
            fscanf("%s"),
            call("feof", FP),
        ],
    ),
    formats_scenario(
        "fscanf/integer-bases",
        peer="echo",
        doc="%i reads 0x/0 prefixes, %o octal, %x/%X hex (0x allowed), %D decimal; "
        "overflow clamps to PHP_INT_MAX",
        steps=[
            tcp(),
            put("0x1f 017 10 777 ff 0XAB 12 99999999999999999999 -99999999999999999999\n"),
            fscanf("%i %i %i %o %x %X %D %d %d"),
        ],
    ),
    formats_scenario(
        "fscanf/unsigned",
        peer="echo",
        doc="%u: a negative value or one above PHP_INT_MAX comes back as a decimal string",
        steps=[
            tcp(),
            put("5 -5 18446744073709551615 9223372036854775808\n"),
            fscanf("%u %u %u %u"),
        ],
    ),
    formats_scenario(
        "fscanf/floats",
        peer="echo",
        doc="%f %e %E %g: signs, exponents, a bad exponent given back to the next conversion",
        steps=[
            tcp(),
            put("-1.5 .5 2e3 1E-2 7e+x\n"),
            fscanf("%f %e %E %g %g%s"),
        ],
    ),
    formats_scenario(
        "fscanf/char-sets",
        peer="echo",
        doc="%[...] and %[^...]: key=value pairs; a set matching nothing stops the scan",
        steps=[
            tcp(),
            put("host=example.org;port=25\n---\n"),
            fscanf("%[^=]=%[^;];%[a-z]=%d"),
            fscanf("%[a-z]%s"),
        ],
    ),
    formats_scenario(
        "fscanf/widths-c-n",
        peer="echo",
        doc="widths on %s and %d, %c (one character, white space not skipped: PHP "
        "gives '' at a space) and %n (characters consumed)",
        steps=[
            tcp(),
            put("abcdef 123456 xy z\n"),
            fscanf("%3s%2s%n %2d%d %c%c%c%n"),
        ],
    ),
    formats_scenario(
        "fscanf/xpg-positions",
        peer="echo",
        doc="%N$ positions: values land in the slots they name; a slot no specifier "
        "names stays null",
        steps=[
            tcp(),
            put("a b c\nx y\n"),
            fscanf("%3$s %1$s %2$s"),
            fscanf("%4$s %2$s"),
        ],
    ),
    formats_scenario(
        "fscanf/suppression",
        peer="echo",
        doc="%* skips a field; in the by-reference form it still counts as a conversion",
        steps=[
            tcp(),
            put("1 2 3\n1 2 3\n"),
            fscanf("%*d %d %*d"),
            fscanf("%*d %d", ref("n")),
        ],
    ),
    formats_scenario(
        "fscanf/literals-and-percent",
        peer="echo",
        doc="literal characters must match; %% matches a percent sign; white space in "
        "the format skips any white space",
        steps=[
            tcp(),
            put("rate: 50%  done\nrate= 5\n"),
            fscanf("rate: %d%% %s"),
            fscanf("rate: %d"),
        ],
    ),
    formats_scenario(
        "fscanf/format-errors",
        peer="echo",
        doc="PHP's ValueErrors for bad formats -- each after its line was read, so the "
        "next fscanf reads the next line",
        steps=[
            tcp(),
            put("1\n2\n3\n4\n5\n6\n7\n8\n9\n"),
            fscanf("%z"),
            fscanf("%[abc"),
            fscanf("%1$d %d"),
            fscanf("%0$d"),
            fscanf("%1$d %1$d"),
            fscanf("%d%"),
            fscanf("%d"),
        ],
    ),
    formats_scenario(
        "fscanf/variable-count-errors",
        peer="echo",
        doc="by reference: too few or too many variables, an out-of-range %N$ (PHP's "
        "ValueErrors); the line is consumed all the same",
        steps=[
            tcp(),
            put("1 2\n1 2\n1 2\n4\n"),
            fscanf("%d %d", ref("a")),
            fscanf("%d", ref("a"), ref("b")),
            fscanf("%3$d", ref("a"), ref("b")),
            fscanf("%d", ref("a")),
        ],
    ),
    formats_scenario(
        "fscanf/timeout",
        peer="echo",
        doc="nothing to read within the timeout: false, timed_out; a partial line "
        "that times out is scanned as it is",
        steps=[
            tcp(),
            call("stream_set_timeout", FP, 0, 300000),
            fscanf("%d"),
            call("stream_get_meta_data", FP),
            put("12 ab"),
            fscanf("%d %s"),
            call("stream_get_meta_data", FP),
        ],
    ),
    formats_scenario(
        "fscanf/line-split-across-segments",
        peer="pause_echo",
        doc="a line arriving in three TCP segments: fscanf waits for its end; a "
        "non-blocking stream with nothing there: false",
        steps=[
            tcp(),
            put("12 \x1fthirty\x1f 4.5\n"),
            fscanf("%d %s %f"),
            call("stream_set_blocking", FP, False),
            fscanf("%d"),
        ],
    ),
    formats_scenario(
        "fscanf/nul-byte",
        peer="echo",
        doc="the line is a C string for the scanner: a NUL byte ends it (a NUL in the format too)",
        steps=[
            tcp(),
            put(b"1\x002\n3 4\n"),
            fscanf("%d%d"),
            fscanf(b"%d\x00%d"),
        ],
    ),
    formats_scenario(
        "fscanf/arguments",
        peer="echo",
        doc="format coerced from an int; null is deprecated (an empty format: an empty "
        "array); a closed stream: File-Handle TypeError; a non-Ref variable",
        steps=[
            tcp(),
            put("42\nabc\n"),
            fscanf(42),
            fscanf(None),
            call("fclose", FP),
            fscanf("%d"),
            call("fscanf", 42, "%d"),
        ],
    ),
    formats_scenario(
        "fscanf/tls",
        peer="tls_echo",
        doc="fscanf on a TLS stream: the greeting read, then two records scanned",
        tags=("tls",),
        steps=[
            *tls_open(),
            put("250 OK\n"),
            fscanf("%d %s", ref("code"), ref("text")),
            put("id=7\n"),
            fscanf("id=%d"),
        ],
    ),
]
