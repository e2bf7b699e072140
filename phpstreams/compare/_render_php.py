"""Render a scenario into a standalone PHP 8.2 script.

Theory of operation: the script starts with a small runtime (``_PRELUDE``) that
encodes values exactly as ``_pyruntime.encode`` does on the Python side and
collects diagnostics with ``set_error_handler``.  Every step is rendered inline
at top level (so by-reference variables are plain globals) and prints one
``@@REC <json>`` line; ``@@END`` marks a script that ran to completion.

Diagnostics: the engine's recorder (``__rec``, installed with
``set_error_handler`` at the bottom of the handler stack, several times over so
that a scenario restoring one handler too many still has it) records
``[type, message]`` for every error that would be shown (``error_reporting()``
includes the type: not under ``@``, not masked) and always returns false, so
PHP's standard handling then records the error for ``error_get_last()`` exactly
as it would without any handler; ``display_errors`` is off, so nothing is
printed (a fatal error is written to stderr at shutdown).  A silenced step
records ``last`` = ``error_get_last()`` (cleared before the call).  The Python
runtime produces the same fields from ``warnings.catch_warnings`` and
``silence()`` + ``error_get_last()``.

User error handlers (``handler(...)`` nodes): a scenario's ``set_error_handler``
call is rendered as ``__seh(...)``, which makes the real ``set_error_handler``
call with the scenario's arguments (its TypeErrors, deprecations and return
value are PHP's), then re-installs the handler wrapped in a trampoline at
``E_ALL``: the trampoline applies the installation's levels mask itself and
hands a type outside the mask, or a ``false`` from the handler, to the recorder
-- what PHP does with its standard handling -- so the recorder still sees what
PHP would show.  The previous handler it returns is the scenario's callable
(the recorder reads as null: no handler).  Everything else -- when the handler
runs, ``error_reporting()`` inside it, ``@``, an exception it throws, nesting
and ``restore_error_handler()`` -- is real PHP.  A scenario handler records
``[name, errno, errstr, error_reporting()]`` in the step's ``handled`` list.
"""

from __future__ import annotations

import math
import re

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

__all__ = ["php_literal", "render_php"]

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")

_PRELUDE = r"""<?php
declare(strict_types=0);
ini_set('display_errors', '0');
register_shutdown_function(function (): void {
    $l = error_get_last();
    if ($l && ($l['type'] & (E_ERROR | E_PARSE | E_CORE_ERROR | E_COMPILE_ERROR))) {
        fwrite(STDERR, "PHP Fatal error: {$l['message']} in {$l['file']}:{$l['line']}\n");
    }
});
function __s(string $s): string {
    return preg_replace_callback('/[^\x20-\x5b\x5d-\x7e]/', function ($m) {
        return $m[0] === "\\" ? "\\\\" : sprintf('\x%02x', ord($m[0]));
    }, $s);
}
function __enc($v) {
    if ($v === null || is_bool($v) || is_int($v)) { return $v; }
    if (is_float($v)) { return ['f' => var_export($v, true)]; }
    if (is_string($v)) { return ['s' => __s($v)]; }
    if (is_resource($v) || gettype($v) === 'resource (closed)') {
        return ['resource' => get_resource_type($v)];
    }
    if (is_array($v)) {
        $o = [];
        foreach ($v as $k => $x) { $o[] = [is_int($k) ? $k : __s($k), __enc($x)]; }
        return ['a' => $o];
    }
    if ($v instanceof Closure && isset($GLOBALS['__HN'][$v])) {
        return ['handler' => $GLOBALS['__HN'][$v]];
    }
    if (is_object($v)) { return ['object' => (new ReflectionClass($v))->getShortName()]; }
    return ['unknown' => gettype($v)];
}
$__D = [];
$__H = [];
$__HC = [];
$__HN = new WeakMap();
$__TR = new WeakMap();
function __rec(int $no, string $str): bool {
    if (error_reporting() & $no) { $GLOBALS['__D'][] = [$no, __s($str)]; }
    return false;
}
$__REC = function (int $no, string $str): bool { return __rec($no, $str); };
for ($__k = 0; $__k < 8; $__k++) { set_error_handler($__REC); }
function __handler(string $name, string $kind, string $msg): Closure {
    if (!isset($GLOBALS['__HC'][$name])) {
        $h = function (int $no, string $str, string $f = '', int $l = 0) use ($name, $kind, $msg) {
            $GLOBALS['__H'][] = [$name, $no, __s($str), error_reporting()];
            if ($kind === 'throw') { throw new RuntimeException($msg); }
            if ($kind === 'void') { return; }
            return $kind === 'capture';
        };
        $GLOBALS['__HC'][$name] = $h;
        $GLOBALS['__HN'][$h] = $name;
    }
    return $GLOBALS['__HC'][$name];
}
function __tramp($cb, int $levels): Closure {
    $t = function (int $no, string $str, string $f = '', int $l = 0) use ($cb, $levels): bool {
        if (!($levels & $no)) { return __rec($no, $str); }
        $r = $cb($no, $str, $f, $l);
        return $r === false ? __rec($no, $str) : true;
    };
    $GLOBALS['__TR'][$t] = $cb;
    return $t;
}
function __untramp($h) {
    if ($h === $GLOBALS['__REC']) { return null; }
    if ($h instanceof Closure && isset($GLOBALS['__TR'][$h])) { return $GLOBALS['__TR'][$h]; }
    return $h;
}
function __seh(...$a) {
    $first = array_key_exists(0, $a) ? 0 : 'callback';
    $cb = $a[$first] ?? null;
    if (!array_key_exists($first, $a) || ($cb !== null && !is_callable($cb))) {
        return set_error_handler(...$a);
    }
    $b = $a;
    $b[$first] = $cb === null ? $GLOBALS['__REC'] : __tramp($cb, E_ALL);
    $prev = set_error_handler(...$b);
    restore_error_handler();
    $levels = array_key_exists(1, $a) ? $a[1] : ($a['error_levels'] ?? E_ALL);
    set_error_handler($cb === null ? $GLOBALS['__REC'] : __tramp($cb, (int) $levels));
    return __untramp($prev);
}
function __start(bool $silenced): void {
    $GLOBALS['__D'] = [];
    $GLOBALS['__H'] = [];
    if ($silenced) { error_clear_last(); }
}
function __it($ret, ?Throwable $e, array $refs, array $arrs, ?float $el, bool $silenced): array {
    $it = ['ret' => $e === null ? __enc($ret) : null, 'diag' => $GLOBALS['__D']];
    if ($GLOBALS['__H']) { $it['handled'] = $GLOBALS['__H']; }
    if ($e !== null) {
        $it['exc'] = [(new ReflectionClass($e))->getShortName(), __s($e->getMessage())];
    }
    if ($refs) {
        $r = [];
        foreach ($refs as $n) { $r[$n] = __enc($GLOBALS[$n] ?? null); }
        $it['refs'] = $r;
    }
    if ($arrs) {
        $a = [];
        foreach ($arrs as $n) {
            $x = $GLOBALS[$n] ?? null;
            $a[$n] = __enc(is_array($x) ? array_values($x) : $x);
        }
        $it['arrs'] = $a;
    }
    if ($el !== null) { $it['elapsed'] = round($el, 3); }
    if ($silenced) {
        $l = error_get_last();
        $it['last'] = $l ? [$l['type'], __s($l['message'])] : null;
    }
    $GLOBALS['__D'] = [];
    $GLOBALS['__H'] = [];
    return $it;
}
function __emit(array $rec): void {
    echo '@@REC ', json_encode($rec, JSON_THROW_ON_ERROR | JSON_UNESCAPED_SLASHES), "\n";
}
"""


def _bytes_literal(data: bytes) -> str:
    out = []
    for byte in data:
        ch = chr(byte)
        if ch in '\\"$':
            out.append("\\" + ch)
        elif 0x20 <= byte < 0x7F:
            out.append(ch)
        else:
            out.append(f"\\x{byte:02x}")
    return '"' + "".join(out) + '"'


def _var_name(name: str) -> str:
    if not _NAME.match(name):
        raise ValueError(f"not a usable variable name: {name!r}")
    return "$" + name


def php_literal(value: Arg, ph: Placeholders) -> str:
    """One argument value as PHP source, placeholders resolved."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "NAN"
        if math.isinf(value):
            return "INF" if value > 0 else "-INF"
        return repr(value)
    if isinstance(value, str):
        return _bytes_literal(ph.fill(value).encode("utf-8", "surrogateescape"))
    if isinstance(value, bytes):
        return _bytes_literal(value)
    if isinstance(value, list):
        return "[" + ", ".join(php_literal(v, ph) for v in value) + "]"
    if isinstance(value, dict):
        items = (f"{php_literal(k, ph)} => {php_literal(v, ph)}" for k, v in value.items())
        return "[" + ", ".join(items) + "]"
    if isinstance(value, Var):
        return _var_name(value.name) + "".join(f"[{php_literal(k, ph)}]" for k in value.keys)
    if isinstance(value, (RefArg, Arr)):
        return _var_name(value.name)
    if isinstance(value, Const):
        return value.name
    if isinstance(value, BitOr):
        return "(" + " | ".join(php_literal(p, ph) for p in value.parts) + ")"
    if isinstance(value, Without):
        removed = "".join(f" & ~{php_literal(p, ph)}" for p in value.removed)
        return f"({php_literal(value.base, ph)}{removed})"
    if isinstance(value, Handler):
        parts = (value.name, value.kind, value.message)
        return "__handler(" + ", ".join(php_literal(p, ph) for p in parts) + ")"
    if isinstance(value, PInt):
        return str(ph.resolve_int(value))
    if isinstance(value, Cat):
        return php_literal(ph.concat(value), ph)
    raise TypeError(f"cannot render {value!r}")


def _arrays(step: Call) -> list[Arr]:
    values = [*step.args, *(v for _, v in step.kwargs)]
    return [v for v in values if isinstance(v, Arr)]


def _call_block(step: Call, ph: Placeholders, indent: str) -> list[str]:
    args = [php_literal(a, ph) for a in step.args]
    args += [f"{name}: {php_literal(v, ph)}" for name, v in step.kwargs]
    # set_error_handler goes through the prelude's __seh (see the module docstring)
    func = "__seh" if step.func == "set_error_handler" else step.func
    expr = f"{'@' if step.silenced else ''}{func}({', '.join(args)})"
    lines = [
        f"{_var_name(a.name)} = {php_literal(list(a.items) if a.items is not None else None, ph)};"
        for a in _arrays(step)
    ]
    lines += [
        f"__start({php_literal(step.silenced, ph)});",
        "$__e = null; $__r = null; $__t = hrtime(true);",
        *(["ob_start();"] if step.output else []),
        f"try {{ $__r = {expr}; }} catch (\\Throwable $__x) {{ $__e = $__x; }}",
        *(["$__o = ob_get_clean();"] if step.output else []),
        "$__el = (hrtime(true) - $__t) / 1e9;",
    ]
    if step.assign:
        lines.append(f"if ($__e === null) {{ {_var_name(step.assign)} = $__r; }}")
    refs = sorted(
        {v.name for v in [*step.args, *(v for _, v in step.kwargs)] if isinstance(v, RefArg)}
    )
    arrs = [a.name for a in _arrays(step)]
    lines.append(
        f"$__it = __it($__r, $__e, {php_literal(list(refs), ph)}, {php_literal(list(arrs), ph)}, "
        f"{'$__el' if step.timed else 'null'}, {php_literal(step.silenced, ph)});"
    )
    if step.output:
        lines.append("$__it['out'] = __s($__o);")
    if step.masked:
        lines.append("if ($__e === null) { $__it['ret'] = ['masked' => true]; }")
    return [indent + line for line in lines]


def call_text(step: Step, ph: Placeholders) -> str:
    """The call a step makes, as the PHP script writes it: ``fwrite($fp, "EHLO x\\r\\n")``."""
    call = step.call if isinstance(step, Loop) else step
    if not isinstance(call, Call):
        return step.label
    args = [php_literal(a, ph) for a in call.args]
    args += [f"{name}: {php_literal(v, ph)}" for name, v in call.kwargs]
    return f"{'@' if call.silenced else ''}{call.func}({', '.join(args)})"


def _head(index: int, label: str) -> str:
    return f"['i' => {index}, 'fn' => {_bytes_literal(label.encode())}]"


def _step(index: int, step: Step, ph: Placeholders) -> list[str]:
    out = [f"// step {index}: {step.label}"]
    if isinstance(step, Call):
        out += _call_block(step, ph, "")
        out.append(f"__emit({_head(index, step.label)} + $__it);")
    elif isinstance(step, Loop):
        out.append("$__its = [];")
        out.append(f"for ($__k = 0; $__k < {int(step.max)}; $__k++) {{")
        out += _call_block(step.call, ph, "    ")
        out.append("    $__its[] = $__it;")
        until = php_literal(step.until, ph)
        out.append(f"    if ($__e !== null || __enc($__r) === __enc({until})) {{ break; }}")
        out.append("}")
        out.append(f"__emit({_head(index, step.label)} + ['loop' => $__its]);")
    elif isinstance(step, Sleep):
        out.append(f"usleep({round(step.seconds * 1_000_000)});")
        out.append(f"__emit({_head(index, step.label)});")
    elif isinstance(step, SetVar):
        out.append(f"{_var_name(step.name)} = {php_literal(step.value, ph)};")
        out.append(f"__emit({_head(index, step.label)});")
    elif isinstance(step, LastError):
        out.append("__start(false);")
        out.append("$__l = error_get_last();")
        out.append("$__r = $__l === null ? null : [$__l['type'], $__l['message']];")
        out.append(f"__emit({_head(index, step.label)} + __it($__r, null, [], [], null, false));")
    elif isinstance(step, Show):
        out.append("__start(false);")
        out.append(f"$__r = {php_literal(step.value, ph)};")
        out.append(f"__emit({_head(index, step.label)} + __it($__r, null, [], [], null, false));")
    elif isinstance(step, Same):
        out.append("__start(false);")
        out.append(f"$__r = ({php_literal(step.left, ph)} === {php_literal(step.right, ph)});")
        out.append(f"__emit({_head(index, step.label)} + __it($__r, null, [], [], null, false));")
    else:  # pragma: no cover - exhaustive
        raise TypeError(step)
    return out


def render_php(sc: Scenario, ph: Placeholders) -> str:
    lines = [_PRELUDE.rstrip("\n"), f"// scenario {sc.name}"]
    for user in sc.classes:  # the scenario's own classes (user filters...)
        lines.append(user.php)
    for name, value in sc.ini.items():
        lines.append(f"ini_set({php_literal(name, ph)}, {php_literal(value, ph)});")
    for index, step in enumerate(sc.steps):
        lines += _step(index, step, ph)
    lines.append('echo "@@END\\n";')
    return "\n".join(lines) + "\n"
