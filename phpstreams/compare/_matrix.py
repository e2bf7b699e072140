"""``compat_matrix.md``, generated from a real run of every catalogue.

Theory of operation: every :class:`Outcome` is listed under each PHP function it
exercises (``_functions.functions_of``); its row shows the scenario's doc line,
what PHP and phpstreams did at that function's call (the first differing call,
else the first call: return value or exception, and how many diagnostics) and
the verdict.  The known differences come from ``_known``, the same list that
decides the command line's exit status, so the file and CI cannot disagree.
Nothing here runs anything: it renders outcomes, so it is tested on fakes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from ._diff import show_value
from ._functions import called_functions, functions_of
from ._known import KNOWN_DIFFERENCES, KnownDifference
from ._outcome import Outcome, RunInfo, summarize

__all__ = ["REGENERATE", "render_matrix", "short_result"]

REGENERATE = "python -m phpstreams matrix"
_VERDICT = {"identical": "✓", "differs": "✗", "known": "✗ known", "skipped": "skipped"}
_MAX_VALUE = 48
# Sections in the PHP manual's spirit: connecting, reading, writing, stream control,
# select and raw socket calls, TLS, contexts, the rest; unlisted functions follow, sorted.
_ORDER = (
    "fsockopen pfsockopen stream_socket_client stream_socket_server stream_socket_accept "
    "stream_socket_pair stream_socket_get_name stream_get_transports stream_is_local "
    "fread fgets fgetc stream_get_line stream_get_contents feof "
    "fwrite fputs fflush stream_set_write_buffer set_file_buffer "
    "stream_get_meta_data socket_get_status stream_set_timeout socket_set_timeout "
    "stream_set_blocking socket_set_blocking stream_set_chunk_size stream_set_read_buffer "
    "stream_select stream_socket_recvfrom stream_socket_sendto stream_socket_shutdown "
    "stream_socket_enable_crypto "
    "stream_context_create stream_context_get_options stream_context_set_option "
    "stream_context_get_params stream_context_set_params stream_context_get_default "
    "stream_context_set_default "
    "fclose is_resource get_resource_type get_resource_id ini_get ini_set ini_restore "
    "set_error_handler restore_error_handler error_reporting error_get_last error_clear_last"
).split()


def _cell(text: str) -> str:
    """Markdown table cell text: pipes escaped (also inside code spans), one line."""
    return text.replace("|", "\\|").replace("\n", " ")


def _code(text: str) -> str:
    if not text or "`" in text:
        return _cell(text)
    return "`" + _cell(text) + "`"


def _records_for(records: Sequence[dict[str, Any]], function: str) -> list[dict[str, Any]]:
    return [r for r in records if r.get("fn") in (function, f"loop {function}")]


def _describe(record: dict[str, Any] | None) -> str:
    if record is None:
        return "(not reached)"
    if "loop" in record:
        iterations = record["loop"]
        if not iterations:
            return "loop: no call"
        calls = "1 call" if len(iterations) == 1 else f"{len(iterations)} calls"
        return f"{calls}, last: {_describe(iterations[-1])}"
    if record.get("exc"):
        shown = f"throws {record['exc'][0]}"
    else:
        value = show_value(record.get("ret"))
        shown = value if len(value) <= _MAX_VALUE else value[: _MAX_VALUE - 1] + "…"
    extra = []
    for kind, message in record.get("diag", []):
        label = {2: "E_WARNING", 8: "E_NOTICE", 8192: "E_DEPRECATED"}.get(kind, f"E_{kind}")
        extra.append(f"{label} {message}")  # the warning's text, not a count
    return " + ".join([shown, *extra])


def short_result(outcome: Outcome, function: str) -> tuple[str, str]:
    """(PHP, phpstreams) in a few words, at ``function``'s first differing call or first call."""
    if outcome.result.skipped:
        return "skipped", "skipped"
    php = _records_for(outcome.records("php"), function)
    py = _records_for(outcome.records("python"), function)
    indices = [r.get("i") for r in php or py]
    chosen = next(
        (i for i in indices if isinstance(i, int) and outcome.step_status(i) != "same"),
        indices[0] if indices else None,
    )

    def pick(records: list[dict[str, Any]]) -> dict[str, Any] | None:
        return next((r for r in records if r.get("i") == chosen), None)

    return _describe(pick(php)), _describe(pick(py))


def _by_function(outcomes: Iterable[Outcome]) -> dict[str, list[Outcome]]:
    groups: dict[str, list[Outcome]] = {}
    for outcome in outcomes:
        for function in functions_of(outcome.scenario) or ("(no call)",):
            groups.setdefault(function, []).append(outcome)
    rank = {name: n for n, name in enumerate(_ORDER)}
    return dict(sorted(groups.items(), key=lambda kv: (rank.get(kv[0], len(rank)), kv[0])))


def _anchor(function: str) -> str:
    return function.lower().replace("(", "").replace(")", "").replace(" ", "-")


def _header(info: RunInfo, outcomes: Sequence[Outcome], catalogues: Sequence[str]) -> list[str]:
    counts = summarize(outcomes)
    line = (
        f"**{counts['total']} scenarios: {counts['identical']} identical, {counts['differ']} differ"
    )
    if counts["known"]:
        line += f" ({counts['known']} known differences)"
    if counts["skipped"]:
        line += f", {counts['skipped']} skipped"
    return [
        "# phpstreams compatibility matrix",
        "",
        f"Generated on {info.date} from a real run of every comparison scenario "
        f"(catalogues: {', '.join(catalogues) or 'none'}) against PHP {info.php_version} "
        f"with {info.openssl}, on Python {info.python} ({info.system}). "
        "Do not edit by hand; regenerate it with:",
        "",
        f"    {REGENERATE}",
        "",
        "Each scenario makes the same calls in real PHP and in phpstreams, each against a "
        "fresh loopback peer, and compares every call: return value, by-reference values, "
        "warnings and notices (exact text), exceptions and, for timed calls, the elapsed "
        "time (see `docs/compare.md`). A scenario appears under each function it "
        "exercises; the results shown are those of that function's call.",
        "",
        line + ".**",
    ]


def _exported_functions() -> list[str]:
    import phpstreams

    return [n for n in phpstreams.__all__ if hasattr(getattr(phpstreams, n), "__php_signature__")]


def _overview(groups: dict[str, list[Outcome]], every: Sequence[Outcome] = ()) -> list[str]:
    """One row per exported function. One no scenario is about, but which scenarios
    call along the way (setting up, observing), says in how many, and how many of those
    were identical; one no scenario calls at all is marked so."""
    out = ["", "| function | scenarios | identical | differ |", "|---|---|---|---|"]
    for function, outcomes in groups.items():
        same = sum(o.status == "identical" for o in outcomes)
        bad = sum(o.status in ("differs", "known") for o in outcomes)
        out.append(f"| [`{function}`](#{_anchor(function)}) | {len(outcomes)} | {same} | {bad} |")
    for function in sorted(set(_exported_functions()) - groups.keys()):
        calling = [o for o in every if function in called_functions(o.scenario)]
        if not calling:
            out.append(f"| `{function}` | 0 | no scenario yet | |")
            continue
        same = sum(o.status == "identical" for o in calling)
        bad = sum(o.status in ("differs", "known") for o in calling)
        out.append(f"| `{function}` | called in {len(calling)} | {same} | {bad} |")
    return out


def _function_section(function: str, outcomes: Sequence[Outcome], php_version: str) -> list[str]:
    out = [
        "",
        f"## {function}",
        "",
        f"| behaviour checked | scenario | PHP {php_version} | phpstreams | |",
        "|---|---|---|---|---|",
    ]
    for outcome in outcomes:
        php, py = short_result(outcome, function)
        doc = _cell(outcome.scenario.doc or "(no doc)")
        verdict = _VERDICT[outcome.status]
        out.append(f"| {doc} | `{outcome.name}` | {_code(php)} | {_code(py)} | {verdict} |")
    return out


def _known_section(
    known: Sequence[KnownDifference], outcomes: Sequence[Outcome], php_version: str
) -> list[str]:
    out = [
        "",
        "## Known differences",
        "",
        "Listed in `phpstreams/compare/_known.py`, which `python -m phpstreams compare` also "
        "reads: a difference not listed there fails the run.",
        "",
        f"| case | PHP {php_version} | phpstreams | why | scenarios |",
        "|---|---|---|---|---|",
    ]
    for entry in known:
        names = [o.name for o in outcomes if entry.covers(o.name)]
        if entry.excuse is None:
            where = ", ".join(f"`{n}` (masked)" for n in names) or "none"
        else:
            excused = [o.name for o in outcomes if any(e is entry for _, e in o.excused)]
            where = ", ".join(f"`{n}`" for n in excused) or "none differed in this run"
        out.append(
            f"| {_cell(entry.case)} | {_cell(entry.php)} | {_cell(entry.phpstreams)} "
            f"| {_cell(entry.reason)} | {where} |"
        )
    return out


def _declaration(function: Any) -> str:
    """PHP's declaration of a public function, from the argument layer's signature."""
    signature = getattr(function, "__php_signature__", None)
    if signature is None:
        return "(not a PHP function)"
    params = []
    for p in signature.parameters:
        text = f"{p.type} " if p.type else ""
        text += ("&" if p.by_ref else "") + ("..." if p.variadic else "") + f"${p.name}"
        if p.default is not None:
            text += f" = {p.default}"
        params.append(text)
    returns = f": {signature.returns}" if signature.returns else ""
    return f"{signature.name}({', '.join(params)}){returns}"


def _arguments_section(outcomes: Sequence[Outcome]) -> list[str]:
    """Every exported function: its PHP 8.2 declaration, as the one argument layer
    applies it, and the scenarios of the runtime-rules groups that call it."""
    import phpstreams

    rules = [o for o in outcomes if o.name.split("/", 1)[0] in ("args", "errors", "ini")]
    by_function = _by_function(rules)
    names = sorted(n for n in phpstreams.__all__ if n[0].islower() and n != "silence")
    out = [
        "",
        "## Argument rules, function by function",
        "",
        "Every function takes its arguments as PHP 8.2 does in coercive typing mode "
        "(`phpstreams/core/arguments.py`, from php-src's stubs: `phpstreams/php/signatures.py`): "
        "exact types pass as they are; numeric strings, bools and integral floats convert; a "
        "fractional float or `null` for a non-nullable scalar converts with PHP's "
        "E_DEPRECATED; anything else is PHP's TypeError; a by-reference parameter needs a "
        "`Ref`. The scenarios of the `args`, `errors` and `ini` groups compare these rules "
        "with PHP.",
        "",
        "| function | PHP 8.2 declaration | rule scenarios | ✓ |",
        "|---|---|---|---|",
    ]
    for name in names:
        members = by_function.get(name, [])
        same = sum(o.status == "identical" for o in members)
        shown = str(len(members)) if members else "none yet"
        declaration = _code(_declaration(getattr(phpstreams, name)))
        out.append(f"| `{name}` | {declaration} | {shown} | {same} |")
    return out


def _unexpected_section(outcomes: Sequence[Outcome]) -> list[str]:
    bad = [o for o in outcomes if o.status == "differs"]
    if not bad:
        return []
    out = ["", "## Differences found in this run", ""]
    for outcome in bad:
        out.append(f"- `{outcome.name}`:")
        out += [f"  - {_cell(line.splitlines()[0])}" for line in outcome.unexpected]
    return out


def render_matrix(
    outcomes: Sequence[Outcome],
    info: RunInfo,
    catalogues: Sequence[str] = (),
    known: Sequence[KnownDifference] = KNOWN_DIFFERENCES,
) -> str:
    groups = _by_function(outcomes)
    lines = _header(info, outcomes, catalogues) + _overview(groups, outcomes)
    for function, members in groups.items():
        lines += _function_section(function, members, info.php_version)
    lines += _arguments_section(outcomes)
    lines += _unexpected_section(outcomes)
    lines += _known_section(known, outcomes, info.php_version)
    return "\n".join(lines) + "\n"
