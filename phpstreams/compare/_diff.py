"""Normalize the two runs' records and describe every difference in words.

Theory of operation: a record is the JSON a step printed (see the prelude in
``_render_php``).  Normalization makes run-specific details comparable: every
string has its run's actual ports and paths replaced by their placeholders
(``Placeholders.unfill``), floats get one canonical repr, masked refs become
``{"masked": true}``.  The differ then walks both record lists by step index and
compares field by field; ``elapsed`` is equal within ``ELAPSED_TOLERANCE``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from ._placeholders import Placeholders, literal_replacement

__all__ = ["ELAPSED_TOLERANCE", "diff_records", "normalize_record", "show_value"]

ELAPSED_TOLERANCE = 0.3
_EPHEMERAL = re.compile(r"(?<=:)\d{5}(?!\d)")
_TYPES = {1: "E_ERROR", 2: "E_WARNING", 8: "E_NOTICE", 8192: "E_DEPRECATED", 1024: "E_USER_NOTICE"}


def _canonical_float(text: str) -> str:
    try:
        value = float(text)
    except ValueError:
        return text
    if value != value:
        return "NAN"
    if value in (float("inf"), float("-inf")):
        return "INF" if value > 0 else "-INF"
    return repr(value)


def _strings(tree: Any, fix: Callable[[str], str]) -> Any:
    """Apply ``fix`` to every piece of text inside an encoded value."""
    if isinstance(tree, dict):
        if "s" in tree:
            return {"s": fix(tree["s"])}
        if "f" in tree:
            return {"f": _canonical_float(tree["f"])}
        if "a" in tree:
            return {
                "a": [[fix(k) if isinstance(k, str) else k, _strings(v, fix)] for k, v in tree["a"]]
            }
        return tree
    return tree


def _normalize_it(
    it: dict[str, Any], fix: Callable[[str], str], mask: frozenset[str]
) -> dict[str, Any]:
    out = dict(it)
    if "ret" in out:
        out["ret"] = _strings(out["ret"], fix)
    if "diag" in out:
        out["diag"] = [[kind, fix(msg)] for kind, msg in out["diag"]]
    if "handled" in out:
        out["handled"] = [[name, kind, fix(msg), lvl] for name, kind, msg, lvl in out["handled"]]
    if out.get("exc"):
        out["exc"] = [out["exc"][0], fix(out["exc"][1])]
    if out.get("last"):
        out["last"] = [out["last"][0], fix(out["last"][1])]
    if "out" in out:
        out["out"] = fix(out["out"])
    for field in ("refs", "arrs"):
        if field in out:
            out[field] = {
                name: {"masked": True} if name in mask else _strings(value, fix)
                for name, value in out[field].items()
            }
    if "loop" in out:
        out["loop"] = [_normalize_it(x, fix, mask) for x in out["loop"]]
    return out


def normalize_record(
    record: dict[str, Any], ph: Placeholders, mask: frozenset[str]
) -> dict[str, Any]:
    reverse = ph.reverse()
    ephemeral = "ephemeral_ports" in mask

    def fix(text: str) -> str:
        for pattern, label in reverse:
            text = pattern.sub(literal_replacement(label), text)
        if ephemeral:
            text = _EPHEMERAL.sub("{ephemeral}", text)
        return text

    return _normalize_it(record, fix, mask)


# -- display ---------------------------------------------------------------------


def show_value(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dict):
        if "s" in value:
            return f'"{value["s"]}"'
        if "f" in value:
            return f"float({value['f']})"
        if "resource" in value:
            return f"resource({value['resource']})"
        if "handler" in value:
            return f"handler({value['handler']})"
        if "object" in value:
            return f"object({value['object']})"
        if "masked" in value:
            return "<masked>"
        if "a" in value:
            pairs = value["a"]
            if [k for k, _ in pairs] == list(range(len(pairs))):
                return "[" + ", ".join(show_value(v) for _, v in pairs) + "]"
            return "[" + ", ".join(f"{show_key(k)} => {show_value(v)}" for k, v in pairs) + "]"
    return repr(value)


def show_key(key: Any) -> str:
    return str(key) if isinstance(key, int) else f'"{key}"'


def _show_diag(diag: Sequence[Any]) -> str:
    if not diag:
        return "(none)"
    return "; ".join(f'{_TYPES.get(kind, kind)} "{msg}"' for kind, msg in diag)


def _show_handled(handled: Sequence[Any]) -> str:
    if not handled:
        return "(none)"
    return "; ".join(
        f'{name}({_TYPES.get(kind, kind)} "{msg}", error_reporting {level})'
        for name, kind, msg, level in handled
    )


def _show_exc(exc: Any) -> str:
    return "(none)" if not exc else f'{exc[0]}: "{exc[1]}"'


def _show_last(last: Any) -> str:
    return "null" if not last else f'{_TYPES.get(last[0], last[0])} "{last[1]}"'


def _diff_it(where: str, php: dict[str, Any], py: dict[str, Any]) -> list[str]:
    out: list[str] = []
    php_exc, py_exc = php.get("exc"), py.get("exc")
    if php_exc != py_exc:
        out.append(f"{where}: exception PHP {_show_exc(php_exc)} / phpstreams {_show_exc(py_exc)}")
    elif php.get("ret") != py.get("ret"):
        shown_php, shown_py = show_value(php.get("ret")), show_value(py.get("ret"))
        out.append(f"{where}: return PHP {shown_php} / phpstreams {shown_py}")
    if php.get("diag", []) != py.get("diag", []):
        out.append(
            f"{where}: diagnostics differ: PHP {_show_diag(php.get('diag', []))}"
            f" / phpstreams {_show_diag(py.get('diag', []))}"
        )
    if php.get("handled", []) != py.get("handled", []):
        out.append(
            f"{where}: error handler calls differ: PHP {_show_handled(php.get('handled', []))}"
            f" / phpstreams {_show_handled(py.get('handled', []))}"
        )
    if "last" in php or "last" in py:
        if php.get("last") != py.get("last"):
            out.append(
                f"{where}: error_get_last() after @ differs: PHP {_show_last(php.get('last'))}"
                f" / phpstreams {_show_last(py.get('last'))}"
            )
    if php.get("out") != py.get("out"):
        out.append(f"{where}: output PHP {php.get('out')!r} / phpstreams {py.get('out')!r}")
    for field, label in (("refs", "$"), ("arrs", "array $")):
        php_vals, py_vals = php.get(field, {}), py.get(field, {})
        for name in sorted(set(php_vals) | set(py_vals)):
            a, b = php_vals.get(name), py_vals.get(name)
            if a != b:
                out.append(
                    f"{where}: {label}{name} PHP {show_value(a)} / phpstreams {show_value(b)}"
                )
    if "elapsed" in php or "elapsed" in py:
        a, b = php.get("elapsed"), py.get("elapsed")
        if a is None or b is None or abs(float(a) - float(b)) > ELAPSED_TOLERANCE:
            out.append(
                f"{where}: elapsed PHP {a} s / phpstreams {b} s (tolerance ±{ELAPSED_TOLERANCE} s)"
            )
    return out


def diff_records(php: Sequence[dict[str, Any]], py: Sequence[dict[str, Any]]) -> list[str]:
    """Human-readable differences between two normalized record lists."""
    out: list[str] = []
    php_by_i = {r.get("i"): r for r in php}
    py_by_i = {r.get("i"): r for r in py}
    for index in sorted(set(php_by_i) | set(py_by_i), key=lambda i: (i is None, i)):
        a, b = php_by_i.get(index), py_by_i.get(index)
        if a is None or b is None:
            present = a or b
            assert present is not None
            side = "phpstreams" if b is None else "PHP"
            out.append(f"step {index} {present.get('fn')}: missing in {side} (its script stopped)")
            continue
        where = f"step {index} {a.get('fn')}"
        if a.get("fn") != b.get("fn"):
            out.append(f"{where}: step label PHP {a.get('fn')!r} / phpstreams {b.get('fn')!r}")
            continue
        if "loop" in a or "loop" in b:
            la, lb = a.get("loop", []), b.get("loop", [])
            if len(la) != len(lb):
                out.append(f"{where}: loop ran {len(la)} times in PHP / {len(lb)} in phpstreams")
            for k, (x, y) in enumerate(zip(la, lb, strict=False)):
                out += _diff_it(f"{where} #{k}", x, y)
        else:
            out += _diff_it(where, a, b)
    return out
