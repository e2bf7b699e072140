"""The scenario language: plain Python data describing a sequence of PHP calls.

A scenario is rendered twice (a PHP script, a Python script) by the renderers;
nothing here knows about either language.  Argument values are either Python
literals or one of the small node classes below (``var``, ``ref``, ``const``,
``arr``, ``pint``, ``cat``, ``handler``, ``without``); placeholders such as
``{port}`` inside strings are filled from the peer of each run (see
``_placeholders``).

Error handlers: ``handler(name, kind)`` is a user error handler, rendered as a
PHP closure and as a Python function; passed to ``set_error_handler`` (a plain
``call``), it records every diagnostic it receives (``handled`` in the step's
record: name, errno, errstr and ``error_reporting()`` inside the handler) and
then, by ``kind``: ``capture`` returns true, ``fallthrough`` returns false
(PHP's standard handling follows), ``void`` returns nothing (null: handled),
``throw`` throws ``RuntimeException(message)``.  ``last_error()`` is a step
recording ``error_get_last()`` as ``[type, message]`` (or null).

Output: a call made with ``output=True`` records what it printed to PHP's
output (``out``: ``ob_start()`` around it in PHP, ``sys.stdout`` captured in
Python) -- fpassthru(), php://output; ``masked=True`` records no return value
(an fstat() whose inode differs by run).  ``show(value)`` records a value (PHP
``$st["mode"]``), for results only part of which is comparable.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Union

from ._classes import UserClass, user_class

__all__ = [
    "HANDLER_KINDS",
    "PEER_KINDS",
    "Arg",
    "Arr",
    "BitOr",
    "Call",
    "Cat",
    "Const",
    "Handler",
    "LastError",
    "Loop",
    "PInt",
    "RefArg",
    "Same",
    "Scenario",
    "SetVar",
    "Show",
    "Sleep",
    "Step",
    "UserClass",
    "Var",
    "Without",
    "arr",
    "bor",
    "call",
    "cat",
    "const",
    "handler",
    "last_error",
    "loop",
    "pint",
    "ref",
    "same",
    "scenario",
    "setvar",
    "show",
    "sleep",
    "user_class",
    "var",
    "without",
]

PEER_KINDS = frozenset(
    {
        "refused",
        "listen",
        "echo",
        "banner",
        "lines",
        "silent",
        "blackhole",
        "udp_echo",
        "unix_echo",
        "ipv6_echo",
        "none",
    }
)

PLACEHOLDERS = ("host", "port", "port2", "path", "tmp")


@dataclass(frozen=True)
class Var:
    """A variable set by an earlier ``assign`` (or ``setvar``, or a ``ref``).

    ``var("pair")[0]`` reads an element (PHP ``$pair[0]``).
    """

    name: str
    keys: tuple[int | str, ...] = ()

    def __getitem__(self, key: int | str) -> Var:
        return Var(self.name, (*self.keys, key))


@dataclass(frozen=True)
class RefArg:
    """A by-reference slot: PHP ``$name``, Python ``Ref()``; recorded after the call."""

    name: str


@dataclass(frozen=True)
class Const:
    """A PHP constant by name (exported under the same name by phpstreams)."""

    name: str

    def __or__(self, other: Const | BitOr | int) -> BitOr:
        return BitOr((self, other))


@dataclass(frozen=True)
class BitOr:
    """Bitwise or of constants and ints."""

    parts: tuple[Const | BitOr | int, ...]

    def __or__(self, other: Const | BitOr | int) -> BitOr:
        return BitOr((*self.parts, other))


@dataclass(frozen=True)
class Arr:
    """A PHP array passed by reference (a Python list mutated in place).

    ``items`` is None for PHP ``null``.  Only the values are recorded after the
    call: a Python list cannot keep PHP's keys (api.md), so keys are not compared.
    """

    name: str
    items: tuple[Arg, ...] | None


@dataclass(frozen=True)
class Without:
    """``base & ~removed & ~...``: an error level with some types taken out
    (``without(const("E_ALL"), const("E_WARNING"))`` is ``E_ALL & ~E_WARNING``)."""

    base: Const | BitOr | int
    removed: tuple[Const | BitOr | int, ...]


HANDLER_KINDS = frozenset({"capture", "fallthrough", "void", "throw"})


@dataclass(frozen=True)
class Handler:
    """A user error handler (see the module docstring): the same ``name`` is the
    same callable (PHP ``===``, Python ``is``) wherever it is used."""

    name: str
    kind: str = "capture"
    message: str = ""


@dataclass(frozen=True)
class PInt:
    """An int placeholder (``pint("port") + 65536``), resolved per run."""

    name: str
    offset: int = 0

    def __add__(self, other: int) -> PInt:
        return PInt(self.name, self.offset + other)

    def __sub__(self, other: int) -> PInt:
        return PInt(self.name, self.offset - other)


@dataclass(frozen=True)
class Cat:
    """String concatenation of parts (strings may hold placeholders; PInts become digits)."""

    parts: tuple[str | PInt, ...]


Arg = Union[
    None,
    bool,
    int,
    float,
    str,
    bytes,
    "list[Arg]",
    "dict[str, Arg]",
    Var,
    RefArg,
    Const,
    BitOr,
    Arr,
    PInt,
    Cat,
    Without,
    Handler,
]


@dataclass(frozen=True)
class Call:
    func: str
    args: tuple[Arg, ...]
    kwargs: tuple[tuple[str, Arg], ...] = ()
    assign: str | None = None
    silenced: bool = False
    timed: bool = False
    output: bool = False
    masked: bool = False  # the return value is not recorded (``{"masked": true}``)

    @property
    def label(self) -> str:
        return self.func


@dataclass(frozen=True)
class Loop:
    """Repeat ``call`` until its result is ``until`` (PHP ``===``), at most ``max`` times."""

    call: Call
    until: Arg = False
    max: int = 50

    @property
    def label(self) -> str:
        return f"loop {self.call.func}"


@dataclass(frozen=True)
class Sleep:
    seconds: float

    @property
    def label(self) -> str:
        return "sleep"


@dataclass(frozen=True)
class SetVar:
    """``$name = value``; when ``name`` is used as a ``ref`` it sets the Ref's value."""

    name: str
    value: Arg

    @property
    def label(self) -> str:
        return f"set ${self.name}"


@dataclass(frozen=True)
class Same:
    """Records whether two values are identical (PHP ``===``, Python ``is``)."""

    left: Arg
    right: Arg

    @property
    def label(self) -> str:
        return "same"


@dataclass(frozen=True)
class Show:
    """Records a value (``show(var("st")["mode"])``)."""

    value: Arg

    @property
    def label(self) -> str:
        return "show"


@dataclass(frozen=True)
class LastError:
    """Records ``error_get_last()`` as ``[type, message]`` (file and line differ by side)."""

    @property
    def label(self) -> str:
        return "error_get_last"


Step = Union[Call, Loop, Sleep, SetVar, Same, Show, LastError]  # noqa: UP007 (a runtime alias on 3.10)


@dataclass(frozen=True)
class Scenario:
    name: str
    steps: tuple[Step, ...]
    peer: str | None = None
    ini: Mapping[str, str] = field(default_factory=dict)
    doc: str = ""
    tags: frozenset[str] = frozenset()
    # Names of refs/vars whose recorded value is masked on both sides (PHP
    # leaves some of them uninitialised), and "ephemeral_ports" to replace
    # port numbers nobody chose ("127.0.0.1:41234" -> "127.0.0.1:{ephemeral}").
    mask: frozenset[str] = frozenset()
    timeout: float = 30.0
    # PHP extensions the PHP side loads (`php -n -d extension=<name>`): -n loads
    # none of the shared ones, such as sockets or posix.
    php_extensions: tuple[str, ...] = ()
    classes: tuple[UserClass, ...] = ()

    def handlers(self) -> dict[str, Handler]:
        """Every handler the scenario uses, by name."""
        found: dict[str, Handler] = {}
        for step in self.steps:
            for value in _step_values(step):
                _collect_handlers(value, found)
        return found

    def ref_names(self) -> frozenset[str]:
        names: set[str] = set()
        for step in self.steps:
            for value in _step_values(step):
                _collect_refs(value, names)
        return frozenset(names)


def _step_values(step: Step) -> list[Arg]:
    if isinstance(step, Loop):
        step = step.call
    if isinstance(step, Call):
        return [*step.args, *(v for _, v in step.kwargs)]
    if isinstance(step, SetVar):
        return [step.value]
    if isinstance(step, Same):
        return [step.left, step.right]
    if isinstance(step, Show):
        return [step.value]
    return []


def _collect_refs(value: Arg, names: set[str]) -> None:
    if isinstance(value, RefArg):
        names.add(value.name)
    elif isinstance(value, list):
        for item in value:
            _collect_refs(item, names)
    elif isinstance(value, dict):
        for item in value.values():
            _collect_refs(item, names)
    elif isinstance(value, Arr) and value.items is not None:
        for item in value.items:
            _collect_refs(item, names)


def _collect_handlers(value: Arg, found: dict[str, Handler]) -> None:
    if isinstance(value, Handler):
        if found.setdefault(value.name, value) != value:
            raise ValueError(f"handler {value.name!r} defined twice differently")
    elif isinstance(value, list):
        for item in value:
            _collect_handlers(item, found)
    elif isinstance(value, dict):
        for item in value.values():
            _collect_handlers(item, found)
    elif isinstance(value, Arr) and value.items is not None:
        for item in value.items:
            _collect_handlers(item, found)


# -- builders: the hand-writable surface ---------------------------------------


def scenario(
    name: str,
    *,
    steps: Sequence[Step],
    peer: str | None = None,
    ini: Mapping[str, str] | None = None,
    doc: str = "",
    tags: Sequence[str] = (),
    mask: Sequence[str] = (),
    timeout: float = 30.0,
    php_extensions: Sequence[str] = (),
    classes: Sequence[UserClass] = (),
) -> Scenario:
    for extension in php_extensions:
        if not extension.isidentifier():
            raise ValueError(f"scenario {name!r}: not an extension name: {extension!r}")
    built = Scenario(
        name=name,
        steps=tuple(steps),
        peer=peer,
        ini=dict(ini or {}),
        doc=doc,
        tags=frozenset(tags),
        mask=frozenset(mask),
        timeout=timeout,
        php_extensions=tuple(php_extensions),
        classes=tuple(classes),
    )
    try:
        built.handlers()
    except ValueError as exc:
        raise ValueError(f"scenario {name!r}: {exc}") from None
    return built


def call(
    func: str,
    *args: Arg,
    assign: str | None = None,
    silenced: bool = False,
    timed: bool = False,
    output: bool = False,
    masked: bool = False,
    **kwargs: Arg,
) -> Call:
    return Call(
        func, tuple(args), tuple(kwargs.items()), assign, silenced, timed, output, masked
    )


def loop(step: Call, *, until: Arg = False, max: int = 50) -> Loop:
    return Loop(step, until, max)


def sleep(seconds: float) -> Sleep:
    return Sleep(seconds)


def setvar(name: str, value: Arg) -> SetVar:
    return SetVar(name, value)


def same(left: Arg, right: Arg) -> Same:
    return Same(left, right)


def show(value: Arg) -> Show:
    return Show(value)


def var(name: str) -> Var:
    return Var(name)


def ref(name: str) -> RefArg:
    return RefArg(name)


def const(name: str) -> Const:
    return Const(name)


def bor(*parts: Const | BitOr | int) -> BitOr:
    return BitOr(tuple(parts))


def arr(name: str, items: Sequence[Arg] | None) -> Arr:
    return Arr(name, None if items is None else tuple(items))


def pint(name: str = "port") -> PInt:
    if name not in ("port", "port2"):
        raise ValueError(f"pint(): no int placeholder {name!r}")
    return PInt(name)


def cat(*parts: str | PInt) -> Cat:
    return Cat(tuple(parts))


def without(base: Const | BitOr | int, *removed: Const | BitOr | int) -> Without:
    return Without(base, tuple(removed))


def handler(name: str, kind: str = "capture", message: str = "") -> Handler:
    if kind not in HANDLER_KINDS:
        raise ValueError(f"handler(): unknown kind {kind!r} (one of {sorted(HANDLER_KINDS)})")
    if not name.isidentifier():
        raise ValueError(f"handler(): not a usable name: {name!r}")
    return Handler(name, kind, message)


def last_error() -> LastError:
    return LastError()
