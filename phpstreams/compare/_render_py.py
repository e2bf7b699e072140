"""Render a scenario into a standalone Python script using phpstreams.

Each step becomes a nested function (the call, preceded by any by-reference
array set-up) handed to ``_pyruntime.Runtime``, which records it as the PHP
prelude does.  Variables live in ``rt.vars``, by-reference slots in ``rt.refs``
(``Ref`` objects), so scenario names never clash with Python names.
"""

from __future__ import annotations

import math

from ._placeholders import Placeholders
from ._scenario import (
    Arg,
    Arr,
    BitOr,
    Call,
    Cat,
    Const,
    Handler,
    LastError,
    Loop,
    PInt,
    RefArg,
    Same,
    Scenario,
    SetVar,
    Show,
    Sleep,
    Step,
    Var,
    Without,
)

__all__ = ["py_literal", "render_python"]


def py_literal(value: Arg, ph: Placeholders) -> str:
    """One argument value as Python source, placeholders resolved."""
    if value is None or isinstance(value, (bool, int, bytes)):
        return repr(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return f"float({repr(value)!r})"
        return repr(value)
    if isinstance(value, str):
        return repr(ph.fill(value))
    if isinstance(value, list):
        return "[" + ", ".join(py_literal(v, ph) for v in value) + "]"
    if isinstance(value, dict):
        return (
            "{"
            + ", ".join(f"{py_literal(k, ph)}: {py_literal(v, ph)}" for k, v in value.items())
            + "}"
        )
    if isinstance(value, Var):
        return f"rt.get({value.name!r})" + "".join(f"[{k!r}]" for k in value.keys)
    if isinstance(value, RefArg):
        return f"rt.ref({value.name!r})"
    if isinstance(value, Arr):
        return f"rt.vars[{value.name!r}]"
    if isinstance(value, Const):
        return value.name
    if isinstance(value, BitOr):
        return "(" + " | ".join(py_literal(p, ph) for p in value.parts) + ")"
    if isinstance(value, Without):
        removed = "".join(f" & ~{py_literal(p, ph)}" for p in value.removed)
        return f"({py_literal(value.base, ph)}{removed})"
    if isinstance(value, Handler):
        return f"rt.handler({value.name!r}, {value.kind!r}, {value.message!r})"
    if isinstance(value, PInt):
        return repr(ph.resolve_int(value))
    if isinstance(value, Cat):
        return repr(ph.concat(value))
    raise TypeError(f"cannot render {value!r}")


def _call_parts(step: Call, ph: Placeholders, fname: str) -> tuple[list[str], str]:
    values = [*step.args, *(v for _, v in step.kwargs)]
    lines = [f"def {fname}():"]
    for a in values:
        if isinstance(a, Arr):
            items = None if a.items is None else list(a.items)
            lines.append(f"    rt.vars[{a.name!r}] = {py_literal(items, ph)}")
    args = [py_literal(a, ph) for a in step.args]
    args += [f"{name}={py_literal(v, ph)}" for name, v in step.kwargs]
    lines.append(f"    return {step.func}({', '.join(args)})")
    refs = sorted({v.name for v in values if isinstance(v, RefArg)})
    arrs = [a.name for a in values if isinstance(a, Arr)]
    options = (
        f"assign={step.assign!r}, refs={refs!r}, arrs={arrs!r}, "
        f"timed={step.timed!r}, silenced={step.silenced!r}"
    )
    if step.output:
        options += ", output=True"
    if step.masked:
        options += ", masked=True"
    return lines, options


def _step(index: int, step: Step, ph: Placeholders, ref_names: frozenset[str]) -> list[str]:
    out = [f"# step {index}: {step.label}"]
    fname = f"_step{index}"
    if isinstance(step, Call):
        lines, options = _call_parts(step, ph, fname)
        out += [*lines, f"rt.call({index}, {step.label!r}, {fname}, {options})"]
    elif isinstance(step, Loop):
        lines, options = _call_parts(step.call, ph, fname)
        until = py_literal(step.until, ph)
        out += [
            *lines,
            f"rt.loop({index}, {step.label!r}, {fname}, "
            f"until={until}, max={int(step.max)}, {options})",
        ]
    elif isinstance(step, Sleep):
        out.append(f"rt.sleep({index}, {float(step.seconds)!r})")
    elif isinstance(step, SetVar):
        value = py_literal(step.value, ph)
        is_ref = step.name in ref_names
        out.append(f"rt.setvar({index}, {step.label!r}, {step.name!r}, {value}, is_ref={is_ref!r})")
    elif isinstance(step, LastError):
        out.append(f"rt.last_error({index})")
    elif isinstance(step, Show):
        out.append(f"rt.show({index}, lambda: {py_literal(step.value, ph)})")
    elif isinstance(step, Same):
        left, right = py_literal(step.left, ph), py_literal(step.right, ph)
        out.append(f"rt.same({index}, lambda: ({left}, {right}))")
    else:  # pragma: no cover - exhaustive
        raise TypeError(step)
    return out


def render_python(sc: Scenario, ph: Placeholders) -> str:
    lines = [
        f"# scenario {sc.name}",
        "from phpstreams import *  # noqa: F403",
        "from phpstreams.compare._pyruntime import Runtime",
        "",
        "rt = Runtime()",
    ]
    for user in sc.classes:  # the scenario's own classes (user filters...)
        lines += ["", user.python, ""]
    if sc.ini:
        lines.append(f"rt.ini({dict(sc.ini)!r})")
    refs = sc.ref_names()
    for index, step in enumerate(sc.steps):
        lines += _step(index, step, ph, refs)
    lines.append("rt.end()")
    return "\n".join(lines) + "\n"
