"""The argument layer (core/arguments.py, core/coercion.py) and the stubs (php/signatures.py).

Plain tests need no PHP; the ``php`` tests run ONE generated PHP script (php -n)
holding every differential case, and compare each case with the engine:

* value coercion: user functions ``function p_3(?int $x) { return $x; }`` for
  each type, called with a matrix of values (null only for the nullable types:
  null to a user function's non-nullable parameter is a TypeError, to an
  internal function's a deprecation);
* internal functions (fread, fwrite, fsockopen, stream_select...): what
  zend_parse_parameters does -- the deprecations, the TypeError /
  ArgumentCountError / Error -- against the engine on a body that does nothing.
"""

from __future__ import annotations

import inspect
import json
import math
import os
import shutil
import struct
import subprocess
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import phpstreams
from phpstreams.core import diagnostics
from phpstreams.core.arguments import (
    REFERENCE_HINT,
    ArgumentCountError,
    Signature,
    literal_default,
    parse_stub,
    php_function,
)
from phpstreams.core.diagnostics import PHPDeprecated
from phpstreams.core.ref import Ref
from phpstreams.core.resources import ContextResource, Resource
from phpstreams.core.stream import StreamResource
from phpstreams.php.signatures import STUBS
from phpstreams.tls.x509 import OpenSSLCertificate


class Socket:
    """Stands for ext/sockets' Socket class."""


CLASSES = {"OpenSSLCertificate": OpenSSLCertificate, "Socket": Socket}
UNCHECKED = {"ini_set": ("value",)}  # Z_PARAM_ZVAL in php-src: the body checks
_UNSET = object()  # a default the engine does not check (a constant, UNKNOWN)


def make(signature: Signature, body: Callable[..., Any] | None = None, **options: Any) -> Any:
    """A Python function with the stub's parameters (and its defaults), decorated."""
    parts, defaults = [], {}
    for i, p in enumerate(signature.parameters):
        if p.variadic:
            parts.append(f"*{p.python_name}")
        elif p.default is None:
            parts.append(p.python_name)
        else:
            value = literal_default(p.default)
            defaults[f"_d{i}"] = _UNSET if type(value).__name__ == "_Unresolved" else value
            parts.append(f"{p.python_name}=_d{i}")
    ns: dict[str, Any] = {"_body": body or (lambda *a: "passed"), **defaults}
    names = ", ".join(("*" if p.variadic else "") + p.python_name for p in signature.parameters)
    exec(f"def {signature.name}({', '.join(parts)}):\n    return _body({names})", ns)
    options.setdefault("classes", CLASSES)
    options.setdefault("unchecked", UNCHECKED.get(signature.name, ()))
    return php_function(_stub_of(signature), **options)(ns[signature.name])


_STUB_TEXT: dict[str, str] = {}


def _stub_of(signature: Signature) -> str:
    return _STUB_TEXT[signature.name]


def stub(text: str) -> Signature:
    signature = parse_stub(text)
    _STUB_TEXT[signature.name] = text
    return signature


def decorated(name: str, **options: Any) -> Any:
    return make(stub(STUBS[name]), **options)


@pytest.fixture(scope="module")
def pair() -> Iterator[list[StreamResource]]:
    streams = phpstreams.stream_socket_pair(
        phpstreams.STREAM_PF_UNIX, phpstreams.STREAM_SOCK_STREAM, 0
    )
    assert streams is not False
    yield streams
    for s in streams:
        phpstreams.fclose(s)


@pytest.fixture
def collected() -> Iterator[list[tuple[int, str]]]:
    """Diagnostics caught by an error handler, as the PHP script catches them."""
    seen: list[tuple[int, str]] = []

    def handler(errno: int, errstr: str) -> bool:
        seen.append((errno, errstr))
        return True

    diagnostics.set_error_handler(handler)
    yield seen
    diagnostics.restore_error_handler()


# ----------------------------------------------------------------- the stubs


@pytest.mark.parametrize("name", sorted(STUBS))
def test_every_stub_parses(name: str) -> None:
    signature = parse_stub(STUBS[name])
    assert signature.name == name
    for p in signature.parameters:
        assert p.python_name.isidentifier()
        if p.type:
            assert p.type_text()
        if p.default is not None:
            value = literal_default(p.default)
            if type(value).__name__ == "_Unresolved":
                assert p.default == "UNKNOWN" or p.default.replace("|", " ").split()[0].isupper()
    assert [p for p in signature.parameters if p.variadic] in ([], list(signature.parameters[-1:]))


@pytest.mark.parametrize("name", sorted(STUBS))
def test_every_stub_decorates_and_counts(name: str) -> None:
    signature = stub(STUBS[name])
    function = decorated(name)
    assert function.__php_signature__ == signature
    assert inspect.signature(function) == inspect.signature(function.__wrapped__)
    assert function.__name__ == name
    with pytest.raises(ArgumentCountError, match=rf"^{name}\(\) expects "):
        if signature.variadic or signature.required:
            function(*[None] * (signature.required - 1))
        else:
            function(*[None] * (len(signature.parameters) + 1))


def test_facade_functions_match_their_stubs() -> None:
    """Every public function of the package has a stub with its parameter names."""
    for name in (
        n
        for n in phpstreams.__all__
        if n[0].islower() and n != "silence" and not isinstance(getattr(phpstreams, n), type)
    ):
        signature = parse_stub(STUBS[name])
        python = list(inspect.signature(getattr(phpstreams, name)).parameters)
        assert python == [p.python_name for p in signature.parameters], name


def test_parse_stub_forms() -> None:
    s = parse_stub(
        "function f(?array &$read, array|string|null $a, ?resource $context = null, "
        'string $sep = ",", int $flags = A | B, mixed &...$vars): int|false {}'
    )
    assert [p.name for p in s.parameters] == ["read", "a", "context", "sep", "flags", "vars"]
    read, a, context, sep, flags, variadic = s.parameters
    assert read.by_ref and read.members == ("array", "null") and read.type_text() == "?array"
    assert a.type_text() == "array|string|null" and context.type_text() == "resource or null"
    assert literal_default(sep.default or "") == "," and flags.default == "A | B"
    assert variadic.variadic and variadic.by_ref and variadic.optional
    assert s.returns == "int|false" and s.required == 2 and s.variadic
    assert parse_stub("function g(int|string $x) {}").parameters[0].type_text() == "string|int"
    assert parse_stub("function g(OpenSSLCertificate|string $x) {}").parameters[0].type_text() == (
        "OpenSSLCertificate|string"
    )
    with pytest.raises(ValueError):
        parse_stub("fread($stream)")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("null", None),
        ("true", True),
        ("FALSE", False),
        ("-1", -1),
        ("0777", 0o777),
        ("0x1F", 31),
        ("1.5", 1.5),
        ('""', ""),
        ("''", ""),
        (r'"\""', '"'),
        (r'"\\"', "\\"),
        (r'"\n"', "\n"),
        ("'it\\'s'", "it's"),
        ("[]", []),
    ],
)
def test_literal_defaults(text: str, value: object) -> None:
    assert literal_default(text) == value


# ----------------------------------------------------------- decoration checks


def test_names_must_match_the_stub() -> None:
    def fread(stream: Any, size: int) -> None: ...

    with pytest.raises(TypeError, match=r"^fread\(\): the Python parameters differ .*\$length"):
        php_function(STUBS["fread"])(fread)


def test_defaults_must_match_the_stub() -> None:
    def stream_set_timeout(stream: Any, seconds: int, microseconds: int | None = None) -> None: ...

    with pytest.raises(TypeError, match=r"\$microseconds defaults to None, the stub to 0"):
        php_function(STUBS["stream_set_timeout"])(stream_set_timeout)

    def fgets(stream: Any, length: int | None) -> None: ...

    with pytest.raises(TypeError, match=r"\$length has no default"):
        php_function(STUBS["fgets"])(fgets)


def test_class_types_need_their_class() -> None:
    def socket_strerror(error_code: int) -> str:
        return ""

    php_function(STUBS["socket_strerror"])(socket_strerror)

    def socket_export_stream(socket: Any) -> None: ...

    with pytest.raises(TypeError, match="classes="):
        php_function(STUBS["socket_export_stream"])(socket_export_stream)


def test_python_keywords_get_an_underscore(pair: list[StreamResource]) -> None:
    select = decorated("stream_select", body=lambda *a: a)
    assert list(inspect.signature(select).parameters) == [
        "read",
        "write",
        "except_",
        "seconds",
        "microseconds",
    ]
    args = select(None, None, except_=[], seconds=0)
    assert args == (None, None, [], 0, None)


# ------------------------------------------------------------- the fast path


def test_exact_types_pass_untouched(pair: list[StreamResource]) -> None:
    data = b"abc"
    fwrite = decorated("fwrite", body=lambda *a: a, binary=("data",))
    got = fwrite(pair[0], data, 2)
    assert got[0] is pair[0] and got[1] is data and got[2] == 2
    assert "_slow(" in fwrite.__php_source__ and "_type(stream) is _t0" in fwrite.__php_source__


def test_string_flavours(pair: list[StreamResource]) -> None:
    as_bytes = decorated("fwrite", body=lambda s, d, n: d, binary=("data",))
    as_text = decorated("fwrite", body=lambda s, d, n: d)
    assert as_bytes(pair[0], "é") == "é".encode()
    assert (
        as_bytes(pair[0], bytearray(b"x")) == b"x" and as_bytes(pair[0], memoryview(b"y")) == b"y"
    )
    assert as_bytes(pair[0], 1.0e20) == b"1.0E+20" and as_bytes(pair[0], 42) == b"42"
    assert as_text(pair[0], b"\xc3\xa9") == "é" and as_text(pair[0], b"\xff") == "\udcff"
    assert as_text(pair[0], -0.0) == "-0" and as_text(pair[0], 0.1 + 0.2) == "0.3"
    assert as_text(pair[0], True) == "1" and as_text(pair[0], False) == ""


def test_float_to_string_follows_ini_precision(pair: list[StreamResource]) -> None:
    as_text = decorated("fwrite", body=lambda s, d, n: d)
    phpstreams.ini_set("precision", "17")
    try:
        assert as_text(pair[0], 0.1) == "0.10000000000000001"
    finally:
        phpstreams.ini_set("precision", "14")
    assert as_text(pair[0], 0.1) == "0.1"


def test_deprecations_are_warnings(pair: list[StreamResource]) -> None:
    fread = decorated("fread", body=lambda s, n: n)
    with pytest.warns(
        PHPDeprecated, match="^Implicit conversion from float 4.5 to int loses precision$"
    ):
        assert fread(pair[0], 4.5) == 4
    with pytest.warns(PHPDeprecated, match='^Implicit conversion from float-string "4.5" to int'):
        assert fread(pair[0], "4.5") == 4
    with pytest.warns(
        PHPDeprecated,
        match=r"^fread\(\): Passing null to parameter #2 \(\$length\) of type int is deprecated$",
    ):
        assert fread(pair[0], None) == 0


def test_a_throwing_handler_stops_the_call(pair: list[StreamResource]) -> None:
    ran = []
    fwrite = decorated("fwrite", body=lambda *a: ran.append(a))

    def handler(errno: int, errstr: str) -> bool:
        raise RuntimeError(errstr)

    diagnostics.set_error_handler(handler)
    try:
        with pytest.raises(RuntimeError, match="Passing null to parameter #2"):
            fwrite(pair[0], None, "x")
    finally:
        diagnostics.restore_error_handler()
    assert ran == []


def test_handler_exception_raised_when_the_function_returns(pair: list[StreamResource]) -> None:
    done = []

    def body(stream: Any, length: int) -> str:
        diagnostics.warning("fread(): later")
        done.append(length)
        return "result"

    fread = decorated("fread", body=body)

    def handler(errno: int, errstr: str) -> bool:
        raise RuntimeError(errstr)

    diagnostics.set_error_handler(handler)
    try:
        with pytest.raises(RuntimeError, match="later"):
            fread(pair[0], 3)
    finally:
        diagnostics.restore_error_handler()
    assert done == [3]


# ----------------------------------------------------------- resources, refs


def test_resource_checks_are_zpp_only(pair: list[StreamResource]) -> None:
    fread = decorated("fread", body=lambda s, n: s)
    context = phpstreams.stream_context_create()
    assert fread(context, 1) is context  # any resource: the body checks the kind
    with pytest.raises(
        TypeError,
        match=r"^fread\(\): Argument #1 \(\$stream\) must be of type resource, bool given$",
    ):
        fread(False, 1)
    client = decorated("stream_socket_client", body=lambda *a: a[-1])
    assert client("x", context=context) is context and client("x") is None
    with pytest.raises(
        TypeError, match=r"Argument #6 \(\$context\) must be of type resource or null, int given"
    ):
        client("x", None, None, None, 4, 1)
    assert isinstance(context, ContextResource) and isinstance(pair[0], Resource)


def test_references(pair: list[StreamResource]) -> None:
    fsockopen = decorated("fsockopen", body=lambda *a: a)
    code = Ref()
    assert fsockopen("h", 1, code)[2] is code
    assert fsockopen("h")[2:4] == (None, None)
    for wrong in (5, [], "x"):
        with pytest.raises(TypeError) as caught:
            fsockopen("h", 1, wrong)
        assert str(caught.value) == (
            "fsockopen(): Argument #3 ($error_code) cannot be passed by reference" + REFERENCE_HINT
        )
    export = decorated("openssl_x509_export", body=lambda *a: a)
    with pytest.raises(TypeError, match=r"Argument #2 \(\$output\) cannot be passed by reference"):
        export("cert", None)
    scanf = decorated("fscanf", body=lambda *a: a)
    a, b = Ref(), Ref()
    assert scanf(pair[0], "%d", a, b)[2:] == (a, b)
    with pytest.raises(TypeError, match=r"^fscanf\(\): Argument #4 cannot be passed by reference"):
        scanf(pair[0], "%d", a, 5)


def test_select_arrays_are_mutated_in_place(pair: list[StreamResource]) -> None:
    def body(read: Any, write: Any, except_: Any, seconds: Any, microseconds: Any) -> int:
        read.clear()
        return 0

    select = decorated("stream_select", body=body)
    read = [pair[0]]
    assert select(read, None, {}, 0) == 0 and read == []
    with pytest.raises(
        TypeError,
        match=r"^stream_select\(\): Argument #1 \(\$read\) must be of type \?array, int given$",
    ):
        select(42, None, None, 0)
    with pytest.raises(
        TypeError, match=r"Argument #2 \(\$write\) must be of type \?array, Ref given"
    ):
        select([], Ref([]), None, 0)


def test_callables() -> None:
    handler = decorated("set_error_handler", body=lambda c, levels: c)
    assert handler(print) is print and handler(None) is None
    with pytest.raises(
        TypeError, match=r"must be a valid callback or null, no array or string given$"
    ):
        handler(42)
    with pytest.raises(
        TypeError,
        match=r'valid callback or null, function "nope" not found or invalid function name$',
    ):
        handler("nope")


def test_counts_and_names(pair: list[StreamResource]) -> None:
    fread = decorated("fread")
    with pytest.raises(
        ArgumentCountError, match=r"^fread\(\) expects exactly 2 arguments, 3 given$"
    ):
        fread(pair[0], 1, 2)
    with pytest.raises(
        ArgumentCountError, match=r"^fread\(\): Argument #1 \(\$stream\) not passed$"
    ):
        fread(length=1)
    with pytest.raises(
        ArgumentCountError, match=r"^fread\(\) expects exactly 2 arguments, 1 given$"
    ):
        fread(stream=pair[0])
    with pytest.raises(TypeError, match=r"^Unknown named parameter \$foo$"):
        fread(pair[0], 1, foo=2)
    fgets = decorated("fgets")
    with pytest.raises(
        ArgumentCountError, match=r"^fgets\(\) expects at least 1 argument, 0 given$"
    ):
        fgets()
    with pytest.raises(
        ArgumentCountError, match=r"^fgets\(\) expects at most 2 arguments, 3 given$"
    ):
        fgets(pair[0], 1, 2)
    with pytest.raises(
        ArgumentCountError,
        match=r"^stream_get_transports\(\) expects exactly 0 arguments, 1 given$",
    ):
        decorated("stream_get_transports")(1)


# =================================================================== vs PHP

TYPES = [
    "int",
    "float",
    "string",
    "bool",
    "?int",
    "?float",
    "?string",
    "?bool",
    "array",
    "?array",
    "int|string",
    "int|float",
    "float|string",
    "string|bool",
    "int|bool",
    "float|bool",
    "array|string",
    "int|float|bool",
    "string|int|float|bool|null",
    "mixed",
]
NAN = float("nan")
INF = float("inf")
VALUES: list[object] = [
    0,
    1,
    -1,
    42,
    2**63 - 1,
    -(2**63),
    0.0,
    -0.0,
    1.0,
    4.5,
    -4.5,
    0.5,
    1e20,
    1e-7,
    0.1 + 0.2,
    1e15 + 0.5,
    123456789.12345678,
    2.0**63,
    -(2.0**63),
    9.2e18,
    NAN,
    INF,
    -INF,
    1.5e-7,
    100.0,
    1 / 3,
    5e-324,
    0.0001,
    "",
    " ",
    "0",
    "1",
    "42",
    " 42",
    "42 ",
    " 42 ",
    "\n42\t",
    "4.5",
    " 4.5 ",
    "1e1",
    "1e3",
    "1.5e3",
    "-0",
    "+4",
    "-4",
    ".5",
    "5.",
    "0x10",
    "0b1",
    "1_000",
    "abc",
    "4abc",
    "4 abc",
    "1e1000",
    "-1e1000",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775808",
    "-9223372036854775809",
    "0.30000000000000004",
    "00012",
    "1e",
    ".",
    "e1",
    "\v4",
    "\f4",
    "4\0",
    "true",
    "null",
    "NAN",
    "INF",
    "0.0",
    "-.5e-3",
    True,
    False,
    None,
    [],
    [1, 2],
    {"a": 1},
]


def php_literal(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value) if value != -(2**63) else "PHP_INT_MIN"
    if isinstance(value, float):
        if math.isnan(value):
            return "NAN"
        if math.isinf(value):
            return "INF" if value > 0 else "-INF"
        return "-0.0" if value == 0 and math.copysign(1, value) < 0 else repr(value)
    if isinstance(value, (str, bytes)):
        data = value.encode() if isinstance(value, str) else value
        return '"' + "".join(f"\\x{b:02x}" for b in data) + '"'
    if isinstance(value, list):
        return "[" + ", ".join(php_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return (
            "[" + ", ".join(f"{php_literal(k)} => {php_literal(v)}" for k, v in value.items()) + "]"
        )
    raise TypeError(value)


def tag(value: object) -> str:
    """A value as the PHP script prints it: type and exact bits."""
    if value is None:
        return "N"
    if isinstance(value, bool):
        return f"b:{int(value)}"
    if isinstance(value, int):
        return f"i:{value}"
    if isinstance(value, float):
        return "d:nan" if math.isnan(value) else "d:" + struct.pack(">d", value).hex()
    if isinstance(value, str):
        return "s:" + value.encode("utf-8", "surrogateescape").hex()
    if isinstance(value, bytes):
        return "s:" + value.hex()
    return "a:" + json.dumps(value, separators=(",", ":"))


class Marker:
    def __init__(self, php: str) -> None:
        self.php = php

    def __repr__(self) -> str:
        return self.php


STREAM, CONTEXT, REF = Marker("$fp"), Marker("$ctx"), Marker("$ref")
S, C = STREAM, CONTEXT

# (function, positional arguments, named arguments)
CALLS: list[tuple[str, list[object], dict[str, object]]] = [
    *[
        ("fread", [S, v], {})
        for v in (4.5, "4abc", None, "x", [], True, 1e20, NAN, "4.5", " 8 ", C)
    ],
    ("fread", [S], {}),
    ("fread", [S, 1, 2], {}),
    ("fread", [], {}),
    ("fread", [False, 1], {}),
    ("fread", [None, 1], {}),
    ("fread", [], {"length": 1}),
    ("fread", [S], {"foo": 1}),
    ("fread", [], {"stream": S}),
    ("fread", [False, "x", 3], {}),
    ("fread", [False], {"length": "x", "foo": 1}),
    ("fgets", [S, "x"], {}),
    ("fgets", [S, None], {}),
    ("fgets", [], {}),
    ("fgets", [S, 1, 2], {}),
    ("fgets", [], {"length": 1}),
    *[
        ("fwrite", [S, v], {})
        for v in (4.5, 1e20, -0.0, 0.1 + 0.2, None, True, False, 42, [], "abc", C)
    ],
    ("fwrite", [S, "x", 1.5], {}),
    ("fwrite", [S, None, "x"], {}),
    ("fputs", [False, "x"], {}),
    ("fputs", [], {}),
    ("fputs", [S, "x", "y"], {}),
    ("stream_set_timeout", [S, 1.5], {}),
    ("stream_set_timeout", [S, 4.5, "x"], {}),
    ("stream_set_timeout", [S], {}),
    ("stream_set_timeout", [S, 1, 2, 3], {}),
    ("socket_set_timeout", [False, 1], {}),
    ("socket_set_timeout", [S, 1], {"foo": 1}),
    *[("stream_set_chunk_size", [S, v], {}) for v in ("4.5", None, "abc", 10.0, "1e3", [], 1e30)],
    *[("stream_set_blocking", [S, v], {}) for v in (None, [], "0", 0.0, 1, "abc", NAN)],
    ("socket_set_blocking", [False, True], {}),
    ("set_file_buffer", [False, 1], {}),
    ("socket_get_status", [False], {}),
    ("stream_set_write_buffer", [S, "x"], {}),
    ("stream_set_read_buffer", [S, None], {}),
    ("stream_socket_client", [None, REF, REF, 1.0], {}),
    ("stream_socket_client", ["", REF, REF, 1, 4, 1], {}),
    ("stream_socket_client", ["", REF, REF, "abc"], {}),
    ("stream_socket_client", ["", REF, REF, 1, None], {}),
    ("stream_socket_client", ["", REF, REF, 1, 4, False], {}),
    ("stream_socket_client", ["", 5], {}),
    ("stream_socket_client", [], {"flags": 1}),
    ("stream_socket_client", [[]], {}),
    ("fsockopen", [[]], {}),
    ("fsockopen", ["", None], {}),
    ("fsockopen", ["", -1, REF, REF, "abc"], {}),
    ("fsockopen", ["", -1, REF, REF, []], {}),
    ("fsockopen", [], {"port": 1}),
    ("fsockopen", ["", 1, 5], {}),
    ("fsockopen", ["", "80x"], {}),
    ("fsockopen", [[], 1, 5], {}),
    ("fsockopen", [], {"error_code": 5}),
    ("fsockopen", ["", 1, REF, "msg"], {}),
    ("stream_socket_server", ["", REF, REF, "x"], {}),
    ("stream_socket_server", ["", REF, REF, 12, 5], {}),
    ("stream_select", [42, None, None, 0], {}),
    ("stream_select", ["a", None, None, 0], {}),
    ("stream_select", [[], None, None, "a"], {}),
    ("stream_select", [[], None, None, 0, "x"], {}),
    ("stream_select", [[], None, None, 0.5], {}),
    ("stream_select", [[], None, None], {}),
    ("stream_select", [None, None, True, None], {}),
    ("stream_context_create", [1], {}),
    ("stream_context_create", [None], {}),
    ("stream_context_create", [S], {}),
    ("stream_context_create", [[], "x"], {}),
    ("stream_context_set_default", [None], {}),
    ("stream_context_get_default", [1], {}),
    ("stream_context_set_option", [C, 42, "b", 1], {}),
    ("stream_context_set_option", [C, None, "b", 1], {}),
    ("stream_context_set_option", [False, "a", "b", 1], {}),
    ("stream_context_set_option", [C, "a", [], 1], {}),
    ("stream_context_get_options", [False], {}),
    ("stream_context_get_options", [None], {}),
    ("stream_context_get_params", [1], {}),
    ("stream_context_set_params", [C, "x"], {}),
    ("stream_context_set_params", [C, None], {}),
    ("stream_context_set_params", [C, S], {}),
    ("get_resource_type", [1], {}),
    ("get_resource_id", [None], {}),
    ("get_resource_id", [], {}),
    ("is_resource", [], {}),
    ("is_resource", [1, 2], {}),
    ("error_reporting", ["x"], {}),
    ("error_reporting", [32767.5], {}),
    ("error_reporting", [None, 1], {}),
    ("set_error_handler", [42], {}),
    ("set_error_handler", ["nope"], {}),
    ("set_error_handler", [[]], {}),
    ("set_error_handler", [[1, 2]], {}),
    ("set_error_handler", [True], {}),
    ("set_error_handler", [1.5], {}),
    ("set_error_handler", [None, "x"], {}),
    ("set_error_handler", [], {}),
    ("restore_error_handler", [1], {}),
    ("error_get_last", [1], {}),
    ("error_clear_last", [1], {}),
    ("ini_get", [None], {}),
    ("ini_get", [[]], {}),
    ("ini_get", [5], {}),
    ("ini_set", [None, "1"], {}),
    ("ini_set", ["x"], {}),
    ("ini_restore", [[]], {}),
    ("openssl_x509_parse", [[]], {}),
    ("openssl_x509_parse", [None], {}),
    ("openssl_x509_parse", [1], {}),
    ("openssl_x509_parse", ["x", "y"], {}),
    ("openssl_x509_fingerprint", ["x", None], {}),
    ("openssl_x509_export", ["x", 5], {}),
    ("openssl_x509_export", ["x", REF, []], {}),
    ("stream_is_local", [[]], {}),
    ("stream_is_local", [1.5], {}),
    ("stream_is_local", [], {}),
    ("stream_socket_get_name", [S, None], {}),
    ("stream_socket_get_name", [S, []], {}),
    ("stream_get_line", [S, "1.5"], {}),
    ("stream_get_line", [S, 10, None], {}),
    ("stream_get_line", [S], {}),
    ("stream_get_contents", [S, "x"], {}),
    ("stream_get_contents", [S, None, None], {}),
    ("stream_get_contents", [S, 1.5, 0], {}),
    ("stream_get_meta_data", [1], {}),
    ("stream_get_transports", [1], {}),
    ("stream_socket_enable_crypto", [S, True, None, False], {}),
    ("stream_socket_enable_crypto", [S, True, "x"], {}),
    ("stream_socket_enable_crypto", [S, []], {}),
    ("stream_socket_sendto", [S, "x", 0, None], {}),
    ("stream_socket_sendto", [S, [], 0], {}),
    ("stream_socket_recvfrom", [S, "x"], {}),
    ("stream_socket_recvfrom", [S, 1, 0, 5], {}),
    ("stream_socket_accept", [S, "x"], {}),
    ("stream_socket_accept", [S, 0.0, 5], {}),
    ("stream_socket_shutdown", [S, "x"], {}),
    ("stream_socket_pair", ["a", 1, 0], {}),
    ("stream_socket_pair", [1, 1], {}),
    ("fclose", [1], {}),
    ("feof", [], {}),
    ("fflush", [[]], {}),
    ("fgetc", [S, 1], {}),
    ("flock", [S, "x"], {}),
    ("flock", [S, 3, 5], {}),
    ("fseek", [S, 1.5], {}),
    ("fseek", [S, 0, "x"], {}),
    ("ftruncate", [S, None], {}),
    ("ftell", [None], {}),
    ("rewind", [], {}),
    ("fstat", [1], {}),
    ("fsync", [False], {}),
    ("fdatasync", [S, 1], {}),
    ("stream_supports_lock", [None], {}),
    ("stream_isatty", ["x"], {}),
    ("fpassthru", [[]], {}),
    ("fscanf", [S], {}),
    ("fscanf", [S, "%d", 5], {}),
    ("fscanf", [S, "%d", REF, 5], {}),
    ("fscanf", [S, []], {}),
    ("fputcsv", [S, "x"], {}),
    ("fputcsv", [S, [], None], {}),
    ("fgetcsv", [S, "x"], {}),
    ("stream_copy_to_stream", [S, False], {}),
    ("stream_copy_to_stream", [S, S, "x"], {}),
    ("fopen", [[], "r"], {}),
    ("fopen", ["php://memory", "r", False, 1], {}),
    ("file_get_contents", ["php://memory", "x"], {}),
    ("file_get_contents", ["php://memory", False, S, None], {}),
    ("file_put_contents", ["php://memory", "x", "y"], {}),
    ("stream_filter_append", [S, []], {}),
    ("stream_filter_prepend", [S, "string.rot13", "x"], {}),
    ("stream_filter_remove", [1], {}),
    ("stream_get_filters", [1], {}),
    ("stream_filter_register", [None, "x"], {}),
    ("stream_filter_register", ["x", []], {}),
    ("stream_bucket_make_writeable", [1], {}),
    ("stream_bucket_append", [S, 1], {}),
    ("stream_bucket_prepend", [S, None], {}),
    ("stream_bucket_new", [S, []], {}),
    ("socket_import_stream", [1], {}),
    ("socket_export_stream", [1], {}),
    ("socket_export_stream", [None], {}),
    ("socket_last_error", [1], {}),
    ("socket_clear_error", ["x"], {}),
    ("socket_strerror", ["x"], {}),
    ("socket_strerror", [None], {}),
    ("socket_set_option", [None, 1, 1, 1], {}),
    ("socket_get_option", [1, 1, 1], {}),
]
NEEDS_SOCKETS = {
    n
    for n in STUBS
    if n.startswith("socket_")
    and n not in ("socket_set_blocking", "socket_set_timeout", "socket_get_status")
}


def _php_args(name: str, args: list[object], named: dict[str, object]) -> tuple[str, str]:
    """Set-up statements and the argument list of one PHP call."""
    signature = parse_stub(STUBS[name])
    setup, parts = [], []
    items = [(None, v) for v in args] + list(named.items())
    for i, (key, value) in enumerate(items):
        param = None
        if key is None and i < len(signature.parameters):
            param = signature.parameters[i]
        elif key is None and signature.variadic:
            param = signature.parameters[-1]
        elif key is not None:
            param = next((p for p in signature.parameters if p.name == key), None)
        if value is REF or (param is not None and param.by_ref and "array" in param.members):
            setup.append(f"$v{i} = {'null' if value is REF else _lit(value)};")
            text = f"$v{i}"
        else:
            text = _lit(value)
        parts.append(text if key is None else f"{key}: {text}")
    return " ".join(setup), ", ".join(parts)


def _lit(value: object) -> str:
    return value.php if isinstance(value, Marker) else php_literal(value)


def php_script(sockets: bool) -> str:
    lines = [
        "<?php",
        "$GLOBALS['diag'] = [];",
        "set_error_handler(function($no, $str) { $GLOBALS['diag'][] = [$no, $str]; return true; });",
        "function tag($v) {",
        '  if (is_int($v)) return "i:$v";',
        "  if (is_float($v)) return is_nan($v) ? 'd:nan' : 'd:' . bin2hex(pack('E', $v));",
        "  if (is_bool($v)) return $v ? 'b:1' : 'b:0';",
        "  if (is_null($v)) return 'N';",
        "  if (is_string($v)) return 's:' . bin2hex($v);",
        "  if (is_array($v)) return 'a:' . json_encode($v);",
        "  return 'other';",
        "}",
        "function run($id, $f) {",
        "  $GLOBALS['diag'] = []; $exc = null; $res = null;",
        "  try { $res = tag($f()); } catch (Throwable $e) {",
        "    $exc = [get_class($e), preg_replace('/, called in .*$/s', '', $e->getMessage())]; }",
        "  $out = ['id' => $id, 'result' => $res, 'diag' => $GLOBALS['diag'], 'exc' => $exc];",
        '  echo json_encode($out, JSON_INVALID_UTF8_SUBSTITUTE), "\\n";',
        "}",
    ]
    for t, type_ in enumerate(TYPES):
        lines.append(f"function p_{t}({type_} $x) {{ return $x; }}")
    for t, type_ in enumerate(TYPES):
        for v, value in enumerate(VALUES):
            if value is None and not ("?" in type_ or "null" in type_ or type_ == "mixed"):
                continue
            lines.append(f"run('v:{t}:{v}', fn() => p_{t}({php_literal(value)}));")
    for c, (name, args, named) in enumerate(CALLS):
        if name in NEEDS_SOCKETS and not sockets:
            continue
        setup, arguments = _php_args(name, args, named)
        lines.append(
            f"run('c:{c}', function() {{ $fp = fopen('php://memory', 'r+'); $ctx = stream_context_create(); "
            f"{setup} $fn = '{name}'; $fn({arguments}); return null; }});"
        )
    lines.append(REFLECTION)
    for name in sorted(STUBS):
        if name not in NEEDS_SOCKETS or sockets:
            lines.append(f"reflect('{name}');")
    return "\n".join(lines) + "\n"


# What PHP 8.2 itself says of each function (its arginfo, generated from the stubs).
REFLECTION = r"""
function reflect($name) {
  if (!function_exists($name)) return;  // an extension php -n did not load
  $f = new ReflectionFunction($name);
  $params = [];
  foreach ($f->getParameters() as $p) {
    $default = null;
    if ($p->isOptional() && !$p->isVariadic() && $p->isDefaultValueAvailable()) {
      $default = $p->isDefaultValueConstant() ? ['constant', $p->getDefaultValueConstantName()]
                                              : ['value', $p->getDefaultValue()];
    }
    $params[] = ['name' => $p->getName(), 'type' => $p->hasType() ? (string) $p->getType() : null,
                 'by_ref' => $p->isPassedByReference(), 'variadic' => $p->isVariadic(),
                 'optional' => $p->isOptional(), 'default' => $default];
  }
  $returns = $f->hasReturnType() ? (string) $f->getReturnType() : '';
  echo json_encode(['id' => "r:$name", 'params' => $params, 'returns' => $returns]), "\n";
}
"""


def _php_or_skip() -> None:
    from phpstreams.compare import require_php
    from phpstreams.compare._runner import PHPUnavailable

    try:
        require_php()
    except PHPUnavailable as exc:
        if os.environ.get("PHPSTREAMS_REQUIRE_PHP") == "1":
            pytest.fail(f"PHPSTREAMS_REQUIRE_PHP=1 but {exc}")
        pytest.skip(str(exc))


@pytest.fixture(scope="module")
def php_results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    _php_or_skip()
    php = shutil.which("php") or "php"
    probe = subprocess.run(
        [
            php,
            "-n",
            "-d",
            "extension=sockets",
            "-r",
            "exit(function_exists('socket_strerror') ? 0 : 1);",
        ],
        capture_output=True,
        timeout=30,
        check=False,
    )
    sockets = probe.returncode == 0
    script = tmp_path_factory.mktemp("arguments") / "cases.php"
    script.write_text(php_script(sockets))
    command = [
        php,
        "-n",
        *(["-d", "extension=sockets"] if sockets else []),
        *(["-d", "extension=posix"] if sockets else []),  # posix_isatty; shipped beside sockets
        "-d",
        "display_errors=stderr",
        str(script),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    results = {}
    for line in done.stdout.splitlines():
        record = json.loads(line)
        results[record["id"]] = record
    assert results, done.stderr
    return results


def engine_outcome(call: Callable[[], object], seen: list[tuple[int, str]]) -> dict[str, Any]:
    seen.clear()
    try:
        result, exc = call(), None
    except ArgumentCountError as e:
        result, exc = None, ["ArgumentCountError", str(e)]
    except TypeError as e:
        text = str(e).removesuffix(REFERENCE_HINT)
        php_error = text.startswith("Unknown named parameter") or text.endswith(
            "cannot be passed by reference"
        )
        result, exc = None, ["Error" if php_error else "TypeError", text]
    return {"result": result, "diag": [list(d) for d in seen], "exc": exc}


@pytest.mark.php
@pytest.mark.parametrize("t", range(len(TYPES)), ids=TYPES)
def test_value_coercion_matches_php(
    t: int, php_results: dict[str, dict[str, Any]], collected: list[tuple[int, str]]
) -> None:
    type_ = TYPES[t]
    flavours = [{}, {"binary": ("x",)}] if "string" in type_ else [{}]
    failures = []
    compared = 0
    for options in flavours:
        function = make(stub(f"function p_{t}({type_} $x) {{}}"), body=lambda x: x, **options)
        for v, value in enumerate(VALUES):
            php = php_results.get(f"v:{t}:{v}")
            if php is None:
                continue
            compared += 1
            got = engine_outcome(lambda f=function, value=value: f(value), collected)
            got["result"] = None if got["exc"] else tag(got["result"])
            want = {k: php[k] for k in ("result", "diag", "exc")}
            if got != want:
                failures.append(f"{type_} {value!r} {options}: engine {got} php {want}")
    assert compared and not failures, "\n".join(failures)


_RESOURCE_FORMS = ("resource", "?resource", "resource|string")


@pytest.mark.php
@pytest.mark.parametrize("name", sorted(STUBS))
def test_stub_is_php_82s_arginfo(name: str, php_results: dict[str, dict[str, Any]]) -> None:
    php = php_results.get(f"r:{name}")
    if php is None:
        pytest.skip("php has no such function here (ext/sockets or ext/posix not loadable)")
    signature = parse_stub(STUBS[name])
    assert signature.returns == php["returns"]
    assert [p.name for p in signature.parameters] == [q["name"] for q in php["params"]]
    for p, q in zip(signature.parameters, php["params"], strict=True):
        assert (p.by_ref, p.variadic, p.optional) == (q["by_ref"], q["variadic"], q["optional"]), p
        assert (None if p.type in _RESOURCE_FORMS or not p.type else p.type) == q["type"], p
        if q["default"] is None:
            assert p.default in (None, "UNKNOWN"), p
        elif q["default"][0] == "constant":
            assert p.default == q["default"][1], p
        else:
            value = literal_default(p.default or "")
            if type(value).__name__ == "_Unresolved":  # a constant expression
                value = eval(p.default or "", vars(phpstreams))
            assert value == q["default"][1] and type(value) is type(q["default"][1]), p


def _py_value(value: object, pair: list[StreamResource], context: ContextResource) -> object:
    if value is STREAM:
        return pair[0]
    if value is CONTEXT:
        return context
    if value is REF:
        return Ref()
    return value


@pytest.mark.php
@pytest.mark.parametrize("c", range(len(CALLS)), ids=[f"{n}{a!r}{k or ''}" for n, a, k in CALLS])
def test_zpp_matches_php(
    c: int,
    php_results: dict[str, dict[str, Any]],
    pair: list[StreamResource],
    collected: list[tuple[int, str]],
) -> None:
    name, args, named = CALLS[c]
    php = php_results.get(f"c:{c}")
    if php is None:
        pytest.skip("php has no such function here (ext/sockets or ext/posix not loadable)")
    exc = php["exc"]
    if exc is not None and (
        exc[0] not in ("TypeError", "ArgumentCountError", "Error") or "supplied resource" in exc[1]
    ):
        exc = None  # the body's own error (ValueError, a stream check): zpp let it through
    want = {"diag": [d for d in php["diag"] if d[0] == diagnostics.E_DEPRECATED], "exc": exc}
    function = decorated(name)
    context = phpstreams.stream_context_create()
    positional = [_py_value(v, pair, context) for v in args]
    keywords = {k: _py_value(v, pair, context) for k, v in named.items()}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = engine_outcome(lambda: function(*positional, **keywords), collected)
    assert {"diag": got["diag"], "exc": got["exc"]} == want
