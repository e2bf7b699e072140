"""``python -m phpstreams demo``: PHP's mail-port story, ported to phpstreams, against
an embedded loopback SMTP server (aiosmtpd; implicit TLS in the 465 role, STARTTLS in
the 587 role; a throwaway CA made by trustme).  Each step shows the PHP line, its
Python port, the bytes exchanged and what PHP observes; ``--php`` runs the PHP
original in real PHP beside it.  The demo uses the library only through its public
names (``import phpstreams``).
"""

from __future__ import annotations

import os
import shutil
import sys
import textwrap
from typing import TextIO

from ._run import Addresses, find_php, run_php, run_python
from ._server import MailServer
from ._steps import PHP_HELPERS, PY_HELPERS, STEPS, Step

__all__ = ["run"]

_CODES = {"red": "31", "green": "32", "yellow": "33", "cyan": "36", "dim": "2", "bold": "1"}

SUMMARY = (
    "465 is implicit TLS: tls:// (or ssl://) from the first byte.",
    "fsockopen() takes no context and PHP 8.2 gives it none, not even the default "
    "one: it verifies against OpenSSL's default store (SSL_CERT_FILE, the system CAs).",
    "587 is STARTTLS: connect with tcp://, EHLO, STARTTLS, then "
    "stream_socket_enable_crypto(); tls:// on 587 fails the handshake.",
    "Peer verification is on by default: without the right cafile the upgrade "
    "returns false with PHP's warnings.",
    "An explicit context replaces the default one (it is not merged with it).",
    "The connect timeout covers the connect only: a plain tcp:// read on the TLS port "
    "waits for stream_set_timeout(), then fgets() is false and timed_out is true.",
)


class _Out:
    def __init__(self, stream: TextIO, colour: bool) -> None:
        self.stream = stream
        self.colour = colour
        self.width = max(60, min(shutil.get_terminal_size((100, 24)).columns, 160))

    def paint(self, text: str, colour: str) -> str:
        return f"\033[{_CODES[colour]}m{text}\033[0m" if self.colour and text else text

    def line(self, text: str = "", colour: str | None = None) -> None:
        print(self.paint(text, colour) if colour else text, file=self.stream)

    def para(self, text: str, indent: str = "  ") -> None:
        for row in textwrap.wrap(text, self.width - len(indent)):
            self.line(indent + row)

    def block(self, label: str, code: str, colour: str) -> None:
        self.line(f"  {label}", "bold")
        for row in code.splitlines():
            self.line("    " + self.paint(row, colour))

    def report(self, lines: list[str]) -> None:
        for row in lines:
            tone = _tone(row)
            for i, part in enumerate(row.split("\n")):
                text = ("    " if i == 0 else "      ") + part
                self.line(text, tone or None)


def _tone(row: str) -> str:
    if row.startswith(("Warning:", "Notice:", "Deprecated:", "Fatal error:")):
        return "red"
    if row.startswith("C: "):
        return "cyan"
    if row.startswith("S: "):
        return "yellow"
    if row.startswith("--"):
        return "dim"
    return ""


def _side_by_side(out: _Out, left: list[str], right: list[str]) -> None:
    col = (out.width - 7) // 2
    out.line(f"    {'phpstreams':<{col}} | real PHP 8.2 (php -n)", "bold")
    for i in range(max(len(left), len(right))):
        a = left[i] if i < len(left) else ""
        b = right[i] if i < len(right) else ""
        mark = " " if a == b else "!"
        wrapped_a = textwrap.wrap(a, col) or [""]
        wrapped_b = textwrap.wrap(b, col) or [""]
        for j in range(max(len(wrapped_a), len(wrapped_b))):
            wa = wrapped_a[j] if j < len(wrapped_a) else ""
            wb = wrapped_b[j] if j < len(wrapped_b) else ""
            row = f"  {mark if j == 0 else ' '} {wa:<{col}} | {wb}"
            out.line(row, "red" if mark == "!" and out.colour else None)


def _step(
    out: _Out, number: int, step: Step, where: Addresses, php: str | None, server: MailServer
) -> tuple[bool, bool | None]:
    out.line()
    out.line(f"== Step {number}/{len(STEPS)}: {step.title}", "bold")
    out.para(where.fill(step.intro))
    out.block("PHP:", where.fill(step.php), "cyan")
    out.block("Python (phpstreams):", where.fill(step.py), "yellow")
    before = len(server.inbox)
    lines, names = run_python(step, where)
    try:
        ok = bool(eval(step.expect, dict(names)))
    except NameError:
        ok = False
    same: bool | None = None
    if php is None:
        out.line("  What PHP observes (run through phpstreams):", "bold")
        out.report(lines)
    else:
        php_lines = run_php(php, step, where, setup=number > 2)
        same = php_lines == lines
        out.line("  What PHP observes -- phpstreams beside real PHP:", "bold")
        _side_by_side(out, lines, php_lines)
        out.line(
            "    identical output" if same else "    ! the outputs differ (rows marked !)",
            "green" if same else "red",
        )
    if step.shows_inbox:
        for message in server.inbox[before:]:
            tls = "over TLS" if message.over_tls else "in plain text"
            out.line(
                f"  Server received a message {tls} on port {message.port}: "
                f"from {message.mail_from} to {', '.join(message.rcpt_tos)}",
                "bold",
            )
            for row in message.content.rstrip("\r\n").split("\r\n"):
                out.line(f"    | {row}")
    if ok:
        out.line(f"  => OK: {step.verdict}", "green")
    else:
        out.line(f"  => UNEXPECTED: {step.surprise}", "red")
    return ok, same


def _pause(out: _Out) -> None:
    out.stream.flush()
    try:
        input("  [Enter for the next step] ")
    except EOFError:
        pass


def run(step: bool = False, php: bool = False, no_color: bool = False) -> int:
    """Run the walkthrough; 0 when every step showed what it should."""
    stream = sys.stdout
    colour = (
        not no_color
        and "NO_COLOR" not in os.environ
        and os.environ.get("TERM") != "dumb"
        and stream.isatty()
    )
    out = _Out(stream, colour)
    php_path = find_php() if php else None
    with MailServer() as server:
        where = Addresses(server.implicit_port, server.starttls_port, server.cafile)
        out.line("phpstreams demo: PHP's mail ports, ported to Python", "bold")
        out.para(
            f"An SMTP server (aiosmtpd) is listening on 127.0.0.1: port "
            f"{where.implicit_port} plays 465 (implicit TLS), port {where.starttls_port} "
            f"plays 587 (STARTTLS). Its certificate (for localhost/127.0.0.1) is signed "
            f"by a CA made for this run: {where.cafile}"
        )
        if php and php_path is None:
            out.line("  --php: php is not on PATH; showing phpstreams only.", "yellow")
        elif php_path is not None:
            out.line(f"  --php: each step also runs in real PHP ({php_path} -n).")
        out.line("  Helper used below (reads one SMTP reply, multi-line included):")
        out.block("PHP:", PHP_HELPERS, "cyan")
        out.block("Python:", PY_HELPERS, "yellow")
        out.para(
            "C: lines are what the client sent, S: lines what it received; "
            "then every warning and the values PHP observes."
        )
        results = []
        for number, item in enumerate(STEPS, 1):
            if step and number > 1:
                _pause(out)
            results.append(_step(out, number, item, where, php_path, server))
    good = sum(ok for ok, _ in results)
    out.line()
    out.line("== What you saw", "bold")
    for point in SUMMARY:
        wrapped = textwrap.wrap(point, out.width - 4)
        out.line("  - " + wrapped[0])
        for row in wrapped[1:]:
            out.line("    " + row)
    out.line()
    verdict = f"{good}/{len(results)} steps behaved as PHP 8.2 does"
    if php_path is not None:
        same = sum(bool(s) for _, s in results)
        verdict += f"; real PHP printed the same as phpstreams in {same}/{len(results)} steps"
    out.line(verdict, "green" if good == len(results) else "red")
    return 0 if good == len(results) else 1
