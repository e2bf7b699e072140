"""Fast tests of the comparison engine itself (renderers, encoder, normalizer, differ);
its loopback peers are tested in loopback/test_compare_peers.py."""

from __future__ import annotations

import json
import subprocess

import pytest

from phpstreams.compare import (
    call,
    cat,
    const,
    pint,
    ref,
    render_php,
    render_python,
    scenario,
    setvar,
    var,
)
from phpstreams.compare._diff import diff_records, normalize_record
from phpstreams.compare._placeholders import Placeholders
from phpstreams.compare._pyruntime import encode, escape
from phpstreams.compare._render_php import _PRELUDE, php_literal
from phpstreams.compare._render_py import py_literal
from phpstreams.compare._runner import PHP_ARGS
from phpstreams.compare._scenario import Arg, Scenario
from phpstreams.compare.catalogue.core import SCENARIOS

PH = Placeholders(port=4242, port2=4343, path="/tmp/t/echo.sock", tmp="/tmp/t")

VALUES: list[Arg] = [
    None, True, False, 0, -7, 2**40, 1.0, 0.1, -0.0, 1e30, float("inf"),
    "", "plain", "tab\there", "é", b"\x00\xff\\", [], [1, "a"], {"k": [True, None]},
]  # fmt: skip


def test_escape_keeps_printable_ascii_only() -> None:
    assert escape(b'a\\b"\n\x00\xff~') == 'a\\\\b"\\x0a\\x00\\xff~'


def test_encode_tags() -> None:
    assert encode(None) is None
    assert encode(True) is True
    assert encode(3) == 3
    assert encode(1.5) == {"f": "1.5"}
    assert encode("é") == {"s": "\\xc3\\xa9"}
    assert encode(b"x") == encode("x") == {"s": "x"}
    assert encode([b"a"]) == {"a": [[0, {"s": "a"}]]}
    assert encode({"k": 1}) == {"a": [["k", 1]]}
    assert encode(object()) == {"object": "object"}
    assert encode(object(), lambda _v: "stream") == {"resource": "stream"}


def test_scenario_catalogue_is_well_formed() -> None:
    names = [sc.name for sc in SCENARIOS]
    assert len(names) == len(set(names)) >= 60
    assert all(sc.doc for sc in SCENARIOS)


def test_placeholders_fill_and_unfill_with_derived_ints() -> None:
    ph = Placeholders(port=4242, port2=4343, tmp="/tmp/t", path="/tmp/t/echo.sock")
    assert ph.fill("{host}:{port} {{x}}") == "127.0.0.1:4242 {x}"
    assert ph.concat(cat("h:", pint() + 65536)) == "h:69778"
    assert ph.unfill("h:69778 h:4242 h:14242 /tmp/t/echo.sock /tmp/t/x") == (
        "h:{port+65536} h:{port} h:14242 {path} {tmp}/x"
    )
    with pytest.raises(ValueError, match="cannot fill"):
        Placeholders().fill("{port}")


def test_php_literals() -> None:
    assert php_literal('a$b"c\\{port}\0', PH) == '"a\\$b\\"c\\\\4242\\x00"'
    assert php_literal(b"\xff", PH) == '"\\xff"'
    assert php_literal({"ssl": {"verify_peer": False}}, PH) == '["ssl" => ["verify_peer" => false]]'
    assert php_literal(const("A") | const("B"), PH) == "(A | B)"
    assert php_literal(var("pair")[0], PH) == "$pair[0]"
    assert php_literal(float("nan"), PH) == "NAN"


def test_python_literals() -> None:
    assert py_literal("{port}", PH) == "'4242'"
    assert py_literal(ref("errno"), PH) == "rt.ref('errno')"
    assert py_literal(var("pair")[1], PH) == "rt.get('pair')[1]"
    assert py_literal(float("inf"), PH) == "float('inf')"


def _sample() -> Scenario:
    return scenario(
        "sample",
        peer="refused",
        ini={"default_socket_timeout": "2"},
        doc="sample",
        steps=[
            setvar("errstr", "unset"),
            call("fsockopen", "127.0.0.1", pint(), ref("errno"), ref("errstr"), 1.0,
                 assign="fp", silenced=True, timed=True),
            call("stream_socket_client", address="tcp://{host}:{port}", timeout=1.0),
        ],
    )  # fmt: skip


def test_render_php_shape() -> None:
    text = render_php(_sample(), PH)
    assert text.startswith("<?php")
    assert 'ini_set("default_socket_timeout", "2");' in text
    assert '@fsockopen("127.0.0.1", 4242, $errno, $errstr, 1.0)' in text
    assert 'stream_socket_client(address: "tcp://127.0.0.1:4242", timeout: 1.0)' in text
    assert text.rstrip().endswith('echo "@@END\\n";')


def test_render_python_compiles() -> None:
    text = render_python(_sample(), PH)
    compile(text, "scenario.py", "exec")
    assert "fsockopen('127.0.0.1', 4242, rt.ref('errno'), rt.ref('errstr'), 1.0)" in text
    assert "rt.setvar(0, 'set $errstr', 'errstr', 'unset', is_ref=True)" in text
    assert "stream_socket_client(address='tcp://127.0.0.1:4242', timeout=1.0)" in text


def test_output_show_and_masked_calls() -> None:
    from phpstreams.compare._scenario import show

    sc = scenario(
        "engine/output",
        peer="none",
        steps=[
            call("fopen", "php://memory", "w+", assign="m"),
            call("fpassthru", var("m"), output=True),
            call("fstat", var("m"), assign="st", masked=True),
            show([var("st")["mode"]]),
        ],
    )
    php = render_php(sc, PH)
    assert "ob_start();" in php and "$__it['out'] = __s($__o);" in php
    assert "$__it['ret'] = ['masked' => true];" in php
    assert "$__r = [$st[\"mode\"]];" in php
    py = render_python(sc, PH)
    compile(py, "scenario.py", "exec")
    assert "output=True" in py and "masked=True" in py
    assert "rt.show(3, lambda: [rt.get('st')['mode']])" in py
    php_out = [{"i": 1, "fn": "fpassthru", "ret": 3, "diag": [], "out": "abc"}]
    py_out = [{"i": 1, "fn": "fpassthru", "ret": 3, "diag": [], "out": "abd"}]
    assert diff_records(php_out, py_out) == ["step 1 fpassthru: output PHP 'abc' / phpstreams 'abd'"]

def test_normalize_masks_and_maps_placeholders() -> None:
    record = {
        "i": 0, "fn": "f", "ret": {"s": "127.0.0.1:4242"}, "diag": [[2, "x 127.0.0.1:51234"]],
        "refs": {"errno": 21983, "errstr": {"s": "at /tmp/t/echo.sock"}}, "elapsed": 1.0,
    }  # fmt: skip
    out = normalize_record(record, PH, frozenset({"errno", "ephemeral_ports"}))
    assert out["ret"] == {"s": "127.0.0.1:{port}"}
    assert out["diag"] == [[2, "x 127.0.0.1:{ephemeral}"]]
    assert out["refs"] == {"errno": {"masked": True}, "errstr": {"s": "at {path}"}}
    assert normalize_record({"ret": {"f": "1.0E+30"}}, PH, frozenset())["ret"] == {"f": "1e+30"}


def test_diff_reports_each_field() -> None:
    php = [
        {"i": 0, "fn": "fsockopen", "ret": False, "diag": [[2, "w"]], "refs": {"errno": 111}},
        {"i": 1, "fn": "fread", "ret": None, "diag": [], "exc": ["TypeError", "bad"]},
        {"i": 2, "fn": "x", "ret": 1, "diag": [], "elapsed": 1.0},
        {"i": 3, "fn": "y", "ret": 1, "diag": []},
    ]
    py = [
        {
            "i": 0,
            "fn": "fsockopen",
            "ret": {"resource": "stream"},
            "diag": [],
            "refs": {"errno": 0},
        },
        {"i": 1, "fn": "fread", "ret": False, "diag": []},
        {"i": 2, "fn": "x", "ret": 1, "diag": [], "elapsed": 1.25},
    ]
    diffs = diff_records(php, py)
    assert diffs == [
        "step 0 fsockopen: return PHP false / phpstreams resource(stream)",
        'step 0 fsockopen: diagnostics differ: PHP E_WARNING "w" / phpstreams (none)',
        "step 0 fsockopen: $errno PHP 111 / phpstreams 0",
        'step 1 fread: exception PHP TypeError: "bad" / phpstreams (none)',
        "step 3 y: missing in phpstreams (its script stopped)",
    ]
    assert diff_records(php, php) == []


@pytest.mark.php
@pytest.mark.usefixtures("php")
def test_php_and_python_encoders_agree() -> None:
    script = _PRELUDE + "\n".join(
        f'echo json_encode(__enc({php_literal(v, PH)})), "\\n";' for v in VALUES
    )
    done = subprocess.run(
        ["php", *PHP_ARGS], input=script, capture_output=True, text=True, timeout=30, check=True
    )
    assert done.stderr == ""
    php = [json.loads(line) for line in done.stdout.splitlines()]
    py = [json.loads(json.dumps(encode(v))) for v in VALUES]
    norm = [normalize_record({"ret": x}, PH, frozenset())["ret"] for x in php]
    assert norm == [normalize_record({"ret": x}, PH, frozenset())["ret"] for x in py]


def test_a_scenario_names_the_php_extensions_it_loads() -> None:
    from phpstreams.compare._runner import php_command
    from phpstreams.compare._scenario import call, scenario

    sc = scenario("x/y", steps=[call("f")], php_extensions=("sockets", "posix"))
    assert sc.php_extensions == ("sockets", "posix")
    command = php_command("php", "s.php", sc.php_extensions)
    assert command[: len(PHP_ARGS) + 1] == ["php", *PHP_ARGS]
    assert command[len(PHP_ARGS) + 1 :] == [
        "-d",
        "extension=sockets",
        "-d",
        "extension=posix",
        "s.php",
    ]
    with pytest.raises(ValueError, match="not an extension name"):
        scenario("x/z", steps=[], php_extensions=("a b",))


def test_user_classes_are_rendered_on_both_sides() -> None:
    from phpstreams.compare._scenario import call, scenario, user_class

    cls = user_class(
        "Up",
        php="class Up extends php_user_filter {}",
        python="class Up(php_user_filter):\n    pass",
    )
    sc = scenario("x/classes", steps=[call("stream_filter_register", "up", "Up")], classes=[cls])
    php_text = render_php(sc, PH)
    assert "class Up extends php_user_filter {}" in php_text
    assert php_text.index("class Up") < php_text.index("stream_filter_register")
    py_text = render_python(sc, PH)
    compile(py_text, "scenario.py", "exec")
    assert py_text.index("class Up(php_user_filter):") < py_text.index("stream_filter_register")
    with pytest.raises(ValueError):
        user_class("not a name", php="", python="")
