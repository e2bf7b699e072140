"""PHP's argument layer: arginfo stubs and zend_parse_parameters, for the facade.

A facade function declares its PHP signature with :func:`php_function`, giving
the php-src stub line (``phpstreams.php.signatures.STUBS``); its Python
parameters bear the stub's names (a Python keyword gets a trailing ``_``:
``$except`` is ``except_``), in the stub's order, with a default exactly where
the stub has one (literal defaults must agree; a constant is not checked)::

    @php_function(STUBS["fread"])
    def fread(stream: StreamResource, length: int) -> bytes | Literal[False]: ...

Theory of operation: at decoration time the stub is parsed (:func:`parse_stub`)
and a wrapper is generated for that one function, with a check per parameter
specialised to its type (``type(length) is int``), and compiled once; a call
whose arguments already have the exact Python types runs only those checks.
Any other call goes to the generated slow path, which does, in PHP's order:

1. what the engine checks when the call is sent (PHP's Error, a TypeError here):
   ``Unknown named parameter $foo``; a value that is no :class:`Ref` for an
   untyped by-reference parameter: ``fsockopen(): Argument #3 ($error_code)
   cannot be passed by reference`` (+ :data:`REFERENCE_HINT`);
2. the count: :class:`ArgumentCountError` ``fread() expects exactly 2 arguments,
   1 given`` / ``at least`` / ``at most``, or ``fread(): Argument #1 ($stream)
   not passed`` for a required parameter left out before one given by name;
3. each argument in turn, by its coercer (:mod:`.coercion`: PHP 8.2's coercive
   mode for an internal function, deprecations included); an error handler that
   throws on a deprecation stops the call there, as zpp fails then;
4. the body; then an exception an error handler threw during it is raised
   (diagnostics.raise_pending), as PHP does when the function returns.

Resources: a ``resource`` parameter (the stub's ``@param resource`` docblock,
written ``resource $stream`` in STUBS) is checked as Z_PARAM_RESOURCE does: any
resource passes, open or closed, of any kind; anything else is ``must be of type
resource, bool given`` (``resource or null`` when it is ``?resource``). Whether
it is a live stream (``supplied resource is not a valid stream resource``) or a
context is the body's check (``require_stream``...), made after zpp as in PHP.
``resource|string`` and untyped parameters are passed through (Z_PARAM_ZVAL).
A typed by-reference parameter (stream_select's ``?array &$read``) takes the
list or dict itself, mutated in place, or None.
"""

from __future__ import annotations

import functools
import inspect
import keyword
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, NoReturn, TypeVar

from . import diagnostics, trace
from .coercion import (
    REFERENCE_HINT,
    ArgumentCountError,
    Site,
    coerce_callable,
    coerce_object,
    coerce_reference,
    coerce_resource,
    coerce_scalar,
    coerce_string,
    coerce_variadic,
    count_error,
    text,
)
from .ref import Ref
from .resources import ContextResource
from .stream import StreamResource

__all__ = [
    "REFERENCE_HINT",
    "ArgumentCountError",
    "Parameter",
    "Signature",
    "parse_stub",
    "php_function",
]

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Parameter:
    """One stub parameter. ``default`` is its source text, None when required;
    ``UNKNOWN`` is an optional parameter without a default value."""

    name: str
    type: str
    by_ref: bool = False
    variadic: bool = False
    default: str | None = None

    @property
    def python_name(self) -> str:
        return self.name + "_" if keyword.iskeyword(self.name) else self.name

    @property
    def optional(self) -> bool:
        return self.default is not None or self.variadic

    @property
    def members(self) -> tuple[str, ...]:
        """The type's members; builtin names lowercase, ``null`` for ``?T``."""
        if not self.type:
            return ()
        found = [m.lower() if m.lower() in _BUILTIN else m for m in self.type.strip("?").split("|")]
        return (*found, "null") if self.type.startswith("?") else tuple(found)

    @property
    def nullable(self) -> bool:
        return "null" in self.members or "mixed" in self.members or not self.type

    def type_text(self) -> str:
        """The type as PHP's messages write it (zend_type_to_string's order)."""
        members = self.members
        if "mixed" in members:
            return "mixed"
        if members == ("resource", "null"):
            return "resource or null"
        classes = [m for m in members if m not in _BUILTIN]
        names = classes + [m for m in _ORDER if m in members]
        if "null" in members:
            return "|".join([*names, "null"]) if len(names) > 1 else "?" + names[0]
        return "|".join(names)


@dataclass(frozen=True)
class Signature:
    name: str
    parameters: tuple[Parameter, ...]
    returns: str = ""

    @property
    def required(self) -> int:
        return sum(not p.optional for p in self.parameters)

    @property
    def variadic(self) -> bool:
        return bool(self.parameters) and self.parameters[-1].variadic


_BUILTIN = {
    "int",
    "float",
    "string",
    "bool",
    "array",
    "object",
    "callable",
    "mixed",
    "resource",
    "null",
    "false",
    "true",
    "iterable",
    "void",
}
_ORDER = (
    "resource",
    "callable",
    "object",
    "array",
    "string",
    "int",
    "float",
    "bool",
    "false",
    "true",
)
_DECL = re.compile(r"\s*function\s+(\w+)\s*\((.*)\)\s*(?::\s*([^{]*?))?\s*\{\s*\}\s*\Z", re.S)
_PARAM = re.compile(
    r"(?:(?P<type>[?\w|\\]+)\s+)?(?P<ref>&)?(?P<var>\.\.\.)?\$(?P<name>\w+)"
    r"(?:\s*=\s*(?P<default>.+))?\Z",
    re.S,
)


def _split(text: str) -> list[str]:
    """The parameter list split at top-level commas (not in strings or brackets)."""
    parts, depth, quote, start, i = [], 0, "", 0, 0
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
        i += 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def parse_stub(text: str) -> Signature:
    """A php-src stub declaration, ``function fread($stream, int $length): ... {}``."""
    declaration = _DECL.match(text)
    if declaration is None:
        raise ValueError(f"not a stub declaration: {text!r}")
    parameters = []
    for part in _split(declaration.group(2)):
        match = _PARAM.match(part)
        if match is None:
            raise ValueError(f"cannot parse parameter {part!r} of {text!r}")
        default = match.group("default")
        parameters.append(
            Parameter(
                name=match.group("name"),
                type=match.group("type") or "",
                by_ref=bool(match.group("ref")),
                variadic=bool(match.group("var")),
                default=default.strip() if default else None,
            )
        )
    return Signature(declaration.group(1), tuple(parameters), (declaration.group(3) or "").strip())


class _Unresolved:
    """A default the engine does not evaluate (a constant, UNKNOWN)."""


_UNRESOLVED = _Unresolved()
_ESCAPES = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    "v": "\v",
    "f": "\f",
    "e": "\x1b",
    "0": "\0",
    "\\": "\\",
    '"': '"',
    "$": "$",
}


def literal_default(text: str) -> object:
    """The value of a stub default that is a literal; ``_UNRESOLVED`` otherwise."""
    lower = text.lower()
    if lower in ("null", "true", "false"):
        return {"null": None, "true": True, "false": False}[lower]
    if text == "[]":
        return []
    if re.fullmatch(r"-?(0x[0-9a-fA-F]+|0[0-7]+|[0-9]+)", text):
        body = text.lstrip("-")
        value = int(body, 16 if body[:2].lower() == "0x" else 8 if body[0] == "0" else 10)
        return -value if text[0] == "-" else value
    if re.fullmatch(r"-?[0-9]*\.[0-9]+([eE][+-]?[0-9]+)?", text):
        return float(text)
    if len(text) >= 2 and text[0] == text[-1] == "'":
        return re.sub(r"\\([\\'])", r"\1", text[1:-1])
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return re.sub(r'\\([ntrvfe0\\"$])', lambda m: _ESCAPES[m.group(1)], text[1:-1])
    return _UNRESOLVED


# ---------------------------------------------------------------- the call


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "<not passed>"


_MISSING = _Missing()


def _count_error(signature: Signature, given: int) -> NoReturn:
    high = -1 if signature.variadic else len(signature.parameters)
    count_error(signature.name, signature.required, high, given)


def _call_error(
    signature: Signature,
    defaults: tuple[object, ...],
    values: tuple[object, ...],
    extra: tuple[object, ...],
    named: Mapping[str, object],
) -> NoReturn:
    """Named arguments, then the count, as the engine checks them before zpp."""
    declared = [p for p in signature.parameters if not p.variadic]
    passed = [
        v is not _MISSING and not (p.optional and v is d)
        for p, v, d in zip(declared, values, defaults, strict=True)
    ]
    if named:
        if signature.variadic and signature.parameters[-1].by_ref:
            number = len(declared) + len(extra) + 1
            raise TypeError(f"{signature.name}(): Argument #{number} cannot be passed by reference")
        raise TypeError(f"Unknown named parameter ${next(iter(named))}")
    if extra and not signature.variadic:
        _count_error(signature, len(declared) + len(extra))
    last = max((i + 1 for i, given in enumerate(passed) if given), default=0)
    for i in range(last):
        if not passed[i] and not declared[i].optional:
            raise ArgumentCountError(
                f"{signature.name}(): Argument #{i + 1} (${declared[i].name}) not passed"
            )
    _count_error(signature, last)


def _plan(site: Site, p: Parameter, ns: dict[str, Any], i: int) -> tuple[str | None, Any]:
    """The fast check (a Python expression on ``{v}``) and the coercer of one parameter."""
    members = p.members
    nullable = "{v} is None or " if site.nullable else ""
    if p.by_ref:
        if "array" in members:
            return nullable + "_type({v}) is list", functools.partial(coerce_reference, site)
        optional = "{v} is None or " if p.optional else ""
        return optional + "_type({v}) is _Ref", functools.partial(coerce_reference, site)
    scalar = [m for m in members if m != "null"]
    if not scalar or "mixed" in scalar or ("resource" in scalar and len(scalar) > 1):
        return None, None
    if scalar == ["resource"]:
        ns[f"_t{i}"] = ContextResource if "context" in p.name else StreamResource
        return nullable + f"_type({{v}}) is _t{i}", functools.partial(coerce_resource, site)
    if scalar == ["callable"]:
        return nullable + "_callable({v})", functools.partial(coerce_callable, site)
    if scalar == ["object"]:
        return None, functools.partial(coerce_object, site)
    python = {
        "int": (int,),
        "float": (float,),
        "bool": (bool,),
        "array": (list, dict),
        "string": (bytes,) if site.binary else (str,),
    }
    exact = [t for m in scalar for t in python.get(m, ())]
    if len(exact) == 1:
        ns[f"_t{i}"] = exact[0]
        guard = f"_type({{v}}) is _t{i}"
    else:
        ns[f"_t{i}"] = frozenset(exact)
        guard = f"_type({{v}}) in _t{i}"
    if site.classes:
        ns[f"_k{i}"] = site.classes
        guard = f"_isinstance({{v}}, _k{i}) or {guard}"
    coerce = coerce_string if scalar == ["string"] else coerce_scalar
    return nullable + guard, functools.partial(coerce, site)


def _same_default(python: object, stub: object) -> bool:
    if stub is None or isinstance(stub, bool):
        return python is stub
    if isinstance(stub, int):
        return type(python) is int and python == stub
    if isinstance(stub, float):
        return type(python) in (int, float) and python == stub
    if isinstance(stub, str):
        return isinstance(python, (str, bytes, bytearray, memoryview)) and text(python) == stub
    return isinstance(python, (list, tuple, dict)) and len(python) == 0


def _check_python(signature: Signature, function: Callable[..., Any]) -> tuple[object, ...]:
    """The Python parameters must be the stub's; returns the Python defaults."""
    python = list(inspect.signature(function).parameters.values())
    problems = [] if len(python) == len(signature.parameters) else ["not as many parameters"]
    defaults: list[object] = []
    for p, q in zip(signature.parameters, python, strict=False):
        kind = q.VAR_POSITIONAL if p.variadic else q.POSITIONAL_OR_KEYWORD
        stub = literal_default(p.default) if p.default else _UNRESOLVED
        if q.name != p.python_name or q.kind is not kind:
            problems.append(f"${p.name} is {q}")
        elif not p.variadic and (q.default is q.empty) != (not p.optional):
            problems.append(f"${p.name} has {'no ' if q.default is q.empty else 'a '}default")
        elif p.optional and stub is not _UNRESOLVED and not _same_default(q.default, stub):
            problems.append(f"${p.name} defaults to {q.default!r}, the stub to {p.default}")
        if not p.variadic:
            defaults.append(_MISSING if q.default is q.empty else q.default)
    if problems:
        raise TypeError(
            f"{signature.name}(): the Python parameters differ from the stub: "
            + "; ".join(problems)
        )
    return tuple(defaults)


def php_function(
    stub: str,
    *,
    binary: Iterable[str] = (),
    classes: Mapping[str, type] | None = None,
    unchecked: Iterable[str] = (),
) -> Callable[[F], F]:
    """Give a facade function PHP's argument handling for the stub declaration.

    ``binary``: the ``string`` parameters the body wants as ``bytes``.
    ``classes``: the Python class of each class name in the stub
    (``{"OpenSSLCertificate": OpenSSLCertificate}``).
    ``unchecked``: parameters the body checks itself, as php-src does with
    Z_PARAM_ZVAL where the arginfo has a type (ini_set's ``$value``).
    """
    signature = parse_stub(stub)
    binary, unchecked = frozenset(binary), frozenset(unchecked)
    classes = dict(classes or {})
    names = {p.name for p in signature.parameters}
    if not binary | unchecked <= names:
        raise TypeError(f"{signature.name}: no parameter {sorted(binary | unchecked - names)}")

    def site(i: int, p: Parameter) -> Site:
        wanted = [m for m in p.members if m not in _BUILTIN]
        if p.name not in unchecked and not set(wanted) <= classes.keys():
            raise TypeError(f"{signature.name}: give the class of {wanted} in classes=")
        return Site(
            signature.name,
            i + 1,
            p.name,
            p.members,
            p.type_text(),
            p.optional,
            p.variadic,
            tuple(classes[m] for m in wanted if m in classes),
            p.name in binary,
        )

    def decorate(function: F) -> F:
        defaults = _check_python(signature, function)
        ns: dict[str, Any] = {"_f": function, "_M": _MISSING, "_Ref": Ref, "_d": diagnostics}
        ns.update(_type=type, _isinstance=isinstance, _callable=callable)  # a $type shadows
        params: list[str] = []
        tests: list[str] = []
        sent: list[str] = []
        checks: list[str] = []
        required: list[str] = []
        for i, p in enumerate(signature.parameters):
            v = p.python_name
            params.append(v)
            if p.variadic:
                ns[f"_c{i}"] = functools.partial(coerce_variadic, site(i, p), p.by_ref)
                (sent if p.by_ref else checks).append(f"    {v} = _c{i}({v})")
                tests.append("False")  # always the slow path: rare functions
                continue
            ns[f"_D{i}"] = defaults[i]
            if defaults[i] is _MISSING:
                required.append(f"{v} is _M")
            guard, coerce = (None, None) if p.name in unchecked else _plan(site(i, p), p, ns, i)
            if coerce is None:
                tests.extend([f"{v} is not _M"] if defaults[i] is _MISSING else [])
                continue
            ns[f"_c{i}"] = coerce
            test = "False" if guard is None else guard.format(v=v)
            if defaults[i] is not _MISSING and not eval(f"lambda {v}: {test}", ns)(defaults[i]):
                test = f"{v} is _D{i} or {test}"
            tests.append(f"({test})" if " or " in test else test)
            if p.by_ref and "array" not in p.members:  # the engine's, when the call is sent
                sent.append(f"    if {v} is not _M and not ({test}):\n        {v} = _c{i}({v})")
            else:
                checks.append(f"    if not ({test}):\n        {v} = _c{i}({v})")
        ns["_error"] = functools.partial(_call_error, signature, defaults)
        variadic = signature.variadic
        declared = params[:-1] if variadic else params
        extra = params[-1] if variadic else "_extra"
        header = [f"{v}=_D{i}" for i, v in enumerate(declared)] + [f"*{extra}", "**_named"]
        arguments = ", ".join([*declared, extra, "_named"])
        bad = " or ".join(["_named", *([] if variadic else ["_extra"]), *required])
        fast = " and ".join(tests)
        slow = " or ".join(
            [f"not ({fast})"] * bool(tests) + ["_named"] + ["_extra"] * (not variadic)
        )
        values = "".join(f"{v}, " for v in declared)
        results = "".join(f"{v}, " for v in params) or "_"
        called = ", ".join([*declared, *([f"*{extra}"] if variadic else [])])
        source = "\n".join(
            [
                f"def _slow({arguments}):",
                *sent,
                f"    if {bad}:\n        _error(({values}), {extra}, _named)",
                *checks,
                f"    return {results if params else 'None'}",
                f"def {signature.name}({', '.join(header)}):",
                f"    if {slow}:\n        {results} = _slow({arguments})",
                f"    _r = _f({called})",
                "    if _d.pending_count:\n        _d.raise_pending()",
                "    return _r",
            ]
        )
        exec(compile(source, __file__, "exec"), ns)
        wrapper = ns[signature.name]
        functools.update_wrapper(wrapper, function)
        wrapper.__php_signature__ = signature
        wrapper.__php_source__ = source
        if trace.ENABLED:  # PHPSTREAMS_TRACE: decided here, once; off, the wrapper is as above
            return trace.traced(signature, wrapper)  # type: ignore[no-any-return]
        return wrapper  # type: ignore[no-any-return]

    return decorate
