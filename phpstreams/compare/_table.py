"""Side-by-side text for one scenario: a row per call step, PHP on the left.

Theory of operation: a row shows what each side recorded for one step (the
normalized record: return value or exception, diagnostics, by-reference values,
``error_get_last()`` after ``@``, elapsed time, the calls of a scenario's error
handler).  Which rows differ is decided by
the engine's own differ, not re-computed here: a difference line ``step N ...``
marks row N (``!``, red), an excused one ``~`` (yellow).  Differences about the
whole script (exit status, stderr, stray output) follow the table, as do the
difference lines themselves, so nothing the differ said is hidden.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import Any

from ._diff import show_value
from ._outcome import Outcome
from ._placeholders import Placeholders
from ._porting import PortComparison, shown_diagnostics, shown_line
from ._render_php import call_text
from ._terminal import Style, side_by_side, wrap

__all__ = [
    "describe_step",
    "kind_name",
    "render_list",
    "render_outcome",
    "render_port",
    "render_summary",
]

_KINDS = {2: "Warning", 8: "Notice", 8192: "Deprecated", 1024: "User notice", 512: "User warning"}
_MARKS = {"same": (" ", None), "differs": ("!", "red"), "known": ("~", "yellow")}
_STATUS_COLOUR = {"identical": "green", "differs": "red", "known": "yellow", "skipped": "dim"}


def kind_name(kind: Any) -> str:
    return _KINDS.get(kind, str(kind)) if isinstance(kind, int) else str(kind)


def _iteration(it: dict[str, Any]) -> list[str]:
    out = []
    if it.get("exc"):
        out.append(f"throws {it['exc'][0]}: {it['exc'][1]}")
    elif "ret" in it:
        out.append(show_value(it["ret"]))
    out += [
        f"handler {name} got {kind_name(kind)}: {message} (error_reporting {level})"
        for name, kind, message, level in it.get("handled", [])
    ]
    out += [f"{kind_name(kind)}: {message}" for kind, message in it.get("diag", [])]
    for field in ("refs", "arrs"):
        out += [f"${name} = {show_value(value)}" for name, value in it.get(field, {}).items()]
    if "last" in it:
        last = it["last"]
        shown = "null" if not last else f"{kind_name(last[0])}: {last[1]}"
        out.append(f"error_get_last() = {shown}")
    if "elapsed" in it:
        out.append(f"took {it['elapsed']} s")
    return out


def describe_step(record: dict[str, Any] | None) -> list[str]:
    """What one side recorded for a step, one item per line."""
    if record is None:
        return ["(missing: the script stopped)"]
    if "loop" in record:
        out = []
        for k, it in enumerate(record["loop"]):
            out += [f"#{k} {line}" for line in _iteration(it)]
        return out or ["(no iteration)"]
    return _iteration(record) or [""]


def _widths(total: int, label_width: int) -> list[int]:
    """The mark and label column, then two equal value columns."""
    label_width += 2
    rest = max(20, total - label_width - 6)
    return [label_width, rest // 2, rest - rest // 2]


def _wrap_call(text: str, width: int) -> list[str]:
    """A call wrapped after its commas, continuation lines indented under the name."""
    pieces = [p + ", " for p in text.split(", ")]
    pieces[-1] = pieces[-1][:-2]
    lines: list[str] = [""]
    for piece in pieces:
        if lines[-1].strip() and len(lines[-1]) + len(piece.rstrip()) > width:
            lines[-1] = lines[-1].rstrip()
            lines.append("      ")
        lines[-1] += piece
    return [line.rstrip() for line in lines]


def _step_label(outcome: Outcome, index: Any, record: dict[str, Any]) -> str:
    """``3 fwrite($fp, "EHLO x\\r\\n")``: the step's call with its arguments."""
    steps = outcome.scenario.steps
    if isinstance(index, int) and 0 <= index < len(steps):
        placeholders = outcome.result.php.placeholders or Placeholders()
        try:
            return f"{index} {call_text(steps[index], placeholders)}"
        except (ValueError, TypeError, KeyError):
            pass
    return f"{index} {record.get('fn', '?')}"


def render_outcome(outcome: Outcome, style: Style, width: int, php_label: str) -> list[str]:
    status = outcome.status
    title = f"{style.rule * 2} {outcome.name} {style.rule} "
    lines = [style.paint(title, "bold") + style.paint(status, _STATUS_COLOUR[status])]
    if outcome.scenario.doc:
        lines.append(f"   {outcome.scenario.doc}")
    if outcome.result.skipped:
        lines.append(f"   skipped: {outcome.result.skipped}")
        return lines
    php = {r.get("i"): r for r in outcome.records("php")}
    py = {r.get("i"): r for r in outcome.records("python")}
    indices = sorted(set(php) | set(py), key=lambda i: (i is None, i))
    labels = [_step_label(outcome, i, php.get(i) or py.get(i) or {}) for i in indices]
    widths = _widths(width, min(max(30, width // 3), max([len("step"), *map(len, labels)])))
    head = [["  step"], [php_label], ["phpstreams"]]
    lines += side_by_side(head, widths, style, ["bold"] * 3)
    for index, label in zip(indices, labels, strict=True):
        mark, colour = _MARKS[outcome.step_status(index) if isinstance(index, int) else "same"]
        first = _wrap_call(f"{mark} {label}", widths[0] - 2)
        cells = [first, describe_step(php.get(index)), describe_step(py.get(index))]
        lines += side_by_side(cells, widths, style, [colour, colour, colour])
    lines += _notes(outcome, style, width)
    return lines


def _note(mark: str, text: str, colour: str, style: Style, width: int) -> list[str]:
    """``  ! text``, wrapped under itself; stderr text keeps its own lines."""
    pieces = [p for line in text.split("\n") for p in wrap(line, width - 6)]
    return [style.paint(f"  {mark if n == 0 else ' '} {p}", colour) for n, p in enumerate(pieces)]


def _notes(outcome: Outcome, style: Style, width: int) -> list[str]:
    out = []
    for line in outcome.unexpected:
        out += _note("!", line, "red", style, width)
    for line, entry in outcome.excused:
        out += _note("~", line, "yellow", style, width)
        out += _note(" ", f"known difference: {entry.reason}", "yellow", style, width)
    return out


def render_summary(counts: dict[str, int], style: Style, elapsed: float | None = None) -> str:
    """``222 scenarios: 218 identical, 4 differ (1 known), 2 skipped``: the verdict."""
    unexpected = counts["differ"] - counts["known"]
    text = f"{counts['total']} scenarios: {counts['identical']} identical"
    text += f", {counts['differ']} differ"
    if counts["known"]:
        text += f" ({counts['known']} known)"
    if counts["skipped"]:
        text += f", {counts['skipped']} skipped"
    if elapsed is not None:
        text += f" ({elapsed:.1f} s)"
    return style.paint(text, "red" if unexpected else "green")


def render_list(entries: Sequence[tuple[str, str, str]], style: Style) -> list[str]:
    """``--list``: name, catalogue, doc line."""
    width = max((len(name) for name, _, _ in entries), default=0)
    return [
        f"{style.paint(name.ljust(width), 'bold')}  {style.paint(f'[{cat}]', 'dim')} {doc}"
        for name, cat, doc in entries
    ]


def _aligned_pairs(
    left: Sequence[Any], right: Sequence[Any]
) -> list[tuple[int | None, int | None]]:
    """Rows aligned as difflib matches them: an extra line on one side is one row.
    Each row holds the indexes of its two items (None for none)."""
    pairs: list[tuple[int | None, int | None]] = []
    matcher = difflib.SequenceMatcher(None, list(left), list(right), autojunk=False)
    for _tag, i1, i2, j1, j2 in matcher.get_opcodes():
        for k in range(max(i2 - i1, j2 - j1)):
            a = i1 + k if i1 + k < i2 else None
            b = j1 + k if j1 + k < j2 else None
            pairs.append((a, b))
    return pairs


def _port_rows(
    title: str,
    left: Sequence[str],
    right: Sequence[str],
    style: Style,
    widths: list[int],
    numbered: bool = True,
    shown: tuple[Sequence[str], Sequence[str]] | None = None,
) -> list[str]:
    """Rows compared by ``left``/``right``, displayed as ``shown`` gives them
    (the same texts when None)."""
    lines = [style.paint(title, "bold")]
    if not left and not right:
        return [*lines, "   (none on either side)"]
    left_shown, right_shown = shown if shown is not None else (left, right)
    pairs = _aligned_pairs(left, right)
    for n, (i, j) in enumerate(pairs):
        same = i is not None and j is not None and left[i] == right[j]
        mark, colour = _MARKS["same" if same else "differs"]
        number = str(n + 1) if numbered else ""
        a = "" if i is None else left_shown[i]
        b = "" if j is None else right_shown[j]
        cells = [[f"{mark} {number}"], [a], [b]]
        lines += side_by_side(cells, widths, style, [colour, colour, colour])
    return lines


def render_port(
    comparison: PortComparison, style: Style, width: int, brief: bool = False
) -> list[str]:
    """Porting mode: the two stdout streams, then the two diagnostic lists, side by side
    (aligned); ``brief``: the verdict and each difference, once, without the tables."""
    php, py = comparison.php, comparison.python
    widths = _widths(width, 4)
    if brief:
        return _port_verdict(comparison, style, width)
    version = f"PHP {comparison.php_version}".rstrip()
    lines = side_by_side(
        [[""], [f"{version}: {php.script}"], [f"phpstreams: {py.script}"]],
        widths,
        style,
        ["bold"] * 3,
    )
    lines += _port_rows(
        "stdout", [shown_line(x) for x in php.stdout], [shown_line(x) for x in py.stdout],
        style, widths,
    )  # fmt: skip
    lines += _port_rows(
        "diagnostics",
        [f"{kind}: {message}" for kind, message in php.diagnostics],
        [f"{kind}: {message}" for kind, message in py.diagnostics],
        style,
        widths,
        shown=(shown_diagnostics(php), shown_diagnostics(py)),
    )
    statuses = [str(php.returncode)], [str(py.returncode)]
    lines += _port_rows("exit status", *statuses, style, widths, numbered=False)
    for side in (php, py):
        if side.stderr.strip():
            lines.append(style.paint(f"{side.label} stderr (not compared):", "dim"))
            lines += ["   " + line for line in side.stderr.rstrip().splitlines()]
    if comparison.identical:
        return lines + _port_verdict(comparison, style, width)
    # the rows marked ! above are the differences; the list repeats only what they cannot show
    return (
        lines
        + [
            style.paint(
                "differs"
                + (" (ports normalized to {port})" if comparison.ports_normalized else "")
                + ":",
                "red",
            )
        ]
        + [
            line
            for d in comparison.differences
            if not d.startswith(("stdout line", "after stdout", "before stdout", "exit status"))
            for line in _note("!", d, "red", style, width)
        ]
    )


def _port_verdict(comparison: PortComparison, style: Style, width: int) -> list[str]:
    lines: list[str] = []
    note = " (ports normalized to {port})" if comparison.ports_normalized else ""
    if comparison.identical:
        verdict = f"identical: same output, diagnostics and exit status{note}"
        lines.append(style.paint(verdict, "green"))
    else:
        lines.append(style.paint(f"differs{note}:", "red"))
        for difference in comparison.differences:
            lines += _note("!", difference, "red", style, width)
    return lines
