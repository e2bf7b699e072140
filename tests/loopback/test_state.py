"""Diagnostics, ini settings, resources, contexts and persistence as PHP 8.2 has them."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest

import phpstreams
from phpstreams import (
    E_NOTICE,
    E_WARNING,
    STREAM_CLIENT_CONNECT,
    STREAM_CLIENT_PERSISTENT,
    PHPNotice,
    PHPWarning,
    Ref,
    error_clear_last,
    error_get_last,
    fclose,
    feof,
    fread,
    fsockopen,
    get_resource_id,
    get_resource_type,
    ini_get,
    ini_set,
    is_resource,
    pfsockopen,
    silence,
    stream_context_create,
    stream_context_get_default,
    stream_context_get_options,
    stream_context_get_params,
    stream_context_set_default,
    stream_context_set_option,
    stream_context_set_params,
    stream_socket_client,
    stream_socket_server,
)

Server = Callable[..., Any]  # the server fixture (conftest.py): makes LoopbackServers
PHPDiagnostics = Callable[[], AbstractContextManager[list[tuple[str, str]]]]


def test_public_names() -> None:
    assert phpstreams.STREAM_CRYPTO_METHOD_TLS_CLIENT == 121
    assert phpstreams.STREAM_CRYPTO_METHOD_SSLv23_CLIENT == 57
    assert phpstreams.STREAM_CRYPTO_METHOD_SSLv23_SERVER == 120
    assert (phpstreams.STREAM_SHUT_RD, phpstreams.STREAM_SHUT_WR, phpstreams.STREAM_SHUT_RDWR) == (
        0,
        1,
        2,
    )
    assert (E_WARNING, E_NOTICE) == (2, 8)
    assert issubclass(PHPWarning, RuntimeWarning) and issubclass(PHPNotice, PHPWarning)
    for name in phpstreams.__all__:
        assert hasattr(phpstreams, name), name


def test_error_get_last_and_silence(refused_port: int) -> None:
    assert error_get_last() is None
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with silence():
            assert fsockopen("127.0.0.1", refused_port, None, None, 1) is False
    last = error_get_last()
    assert last is not None
    assert last["type"] == E_WARNING
    assert (
        last["message"]
        == f"fsockopen(): Unable to connect to 127.0.0.1:{refused_port} (Connection refused)"
    )
    assert last["file"] == __file__
    assert list(last) == ["type", "message", "file", "line"]
    error_clear_last()
    assert error_get_last() is None


def test_every_occurrence_is_shown(refused_port: int, php_diagnostics: PHPDiagnostics) -> None:
    with php_diagnostics() as diags:
        for _ in range(3):
            fsockopen("127.0.0.1", refused_port, None, None, 1)
    assert len(diags) == 3


def test_ini(php_diagnostics: PHPDiagnostics) -> None:
    assert ini_get("default_socket_timeout") == "60"
    assert ini_get("no.such.setting") is False
    assert ini_set("no.such.setting", "1") is False
    assert ini_set("default_socket_timeout", 5) == "60"
    assert ini_get("default_socket_timeout") == "5"
    assert ini_set("default_socket_timeout", True) == "5"
    assert ini_get("default_socket_timeout") == "1"
    with php_diagnostics() as diags:
        ini_set("default_socket_timeout", "abc")
        ini_set("default_socket_timeout", 2.5)
    assert diags == [
        (
            "E_WARNING",
            'Invalid "default_socket_timeout" setting. Invalid quantity "abc": no valid leading '
            'digits, interpreting as "0" for backwards compatibility',
        ),
        (
            "E_WARNING",
            'Invalid "default_socket_timeout" setting. Invalid quantity "2.5": unknown multiplier '
            '"5", interpreting as "2" for backwards compatibility',
        ),
    ]
    assert ini_get("default_socket_timeout") == "2.5"


def test_resources(server: Server) -> None:
    srv = server()
    fp = fsockopen("127.0.0.1", srv.port)
    assert fp is not False
    assert bool(fp) is True
    assert is_resource(fp) and get_resource_type(fp) == "stream"
    rid = get_resource_id(fp)
    assert repr(fp) == f"resource({rid}) of type (stream)"
    assert fclose(fp) is True
    assert not is_resource(fp)
    assert get_resource_type(fp) == "Unknown"
    assert repr(fp) == f"resource({rid}) of type (Unknown)"
    assert bool(fp) is True
    for call in (lambda: fclose(fp), lambda: fread(fp, 1), lambda: feof(fp)):
        with pytest.raises(
            TypeError, match=r"\(\): supplied resource is not a valid stream resource$"
        ):
            call()
    with pytest.raises(
        TypeError, match=r"^fread\(\): supplied resource is not a valid stream resource$"
    ):
        fread(fp, 1)
    with pytest.raises(
        TypeError,
        match=r"^get_resource_type\(\): Argument #1 \(\$resource\) must be of type resource, string given$",
    ):
        get_resource_type("x")  # type: ignore[arg-type]


def test_read_length_errors(server: Server) -> None:
    srv = server()
    fp = fsockopen("127.0.0.1", srv.port)
    assert fp is not False
    with pytest.raises(
        ValueError, match=r"^fread\(\): Argument #2 \(\$length\) must be greater than 0$"
    ):
        fread(fp, 0)
    with pytest.raises(
        ValueError, match=r"^fgets\(\): Argument #2 \(\$length\) must be greater than 0$"
    ):
        phpstreams.fgets(fp, 0)
    assert phpstreams.fwrite(fp, "") == 0


def test_persistent_streams(server: Server) -> None:
    srv = server()
    a = pfsockopen("127.0.0.1", srv.port)
    b = pfsockopen("127.0.0.1", srv.port)
    assert a is not False and a is b
    assert get_resource_type(a) == "persistent stream"
    c = stream_socket_client(
        f"tcp://127.0.0.1:{srv.port}",
        None,
        None,
        5,
        STREAM_CLIENT_CONNECT | STREAM_CLIENT_PERSISTENT,
    )
    d = stream_socket_client(
        f"tcp://127.0.0.1:{srv.port}",
        None,
        None,
        5,
        STREAM_CLIENT_CONNECT | STREAM_CLIENT_PERSISTENT,
    )
    assert c is not False and c is d and c is not a
    fclose(a)
    assert not is_resource(b)  # PHP: fclose kills it for every holder
    e = pfsockopen("127.0.0.1", srv.port)
    assert e is not False and e is not a and is_resource(e)


def test_dead_persistent_stream_is_replaced(server: Server) -> None:
    def close_at_once(conn: object) -> None:
        conn.close()  # type: ignore[attr-defined]

    srv = server(close_at_once)
    a = pfsockopen("127.0.0.1", srv.port)
    assert a is not False
    import time

    time.sleep(0.1)
    b = pfsockopen("127.0.0.1", srv.port)
    assert b is not False and b is not a
    assert not is_resource(a)


def test_context_create_and_options() -> None:
    ctx = stream_context_create({"ssl": {"verify_peer": False, 0: "dropped"}, "socket": ["packed"]})
    assert get_resource_type(ctx) == "stream-context"
    assert stream_context_get_options(ctx) == {"ssl": {"verify_peer": False}}
    assert stream_context_set_option(ctx, "ssl", "peer_name", "x") is True
    assert stream_context_set_option(ctx, {"socket": {"bindto": "0:0"}}) is True
    assert stream_context_get_options(ctx) == {
        "ssl": {"verify_peer": False, "peer_name": "x"},
        "socket": {"bindto": "0:0"},
    }
    form = r'^Options should have the form \["wrappername"\]\["optionname"\] = \$value$'
    with pytest.raises(ValueError, match=form):
        stream_context_create(["x"])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=form):
        stream_context_create({"a": 1})
    with pytest.raises(TypeError, match=r"^Invalid stream/context parameter$"):
        stream_context_create({}, {"options": 1})


def test_context_set_option_argument_errors() -> None:
    ctx = stream_context_create()
    prefix = r"^stream_context_set_option\(\): "
    with pytest.raises(ValueError, match=prefix + r"Argument #3 \(\$option_name\) cannot be null"):
        stream_context_set_option(ctx, "ssl")
    with pytest.raises(ValueError, match=prefix + r"Argument #4 \(\$value\) must be provided"):
        stream_context_set_option(ctx, "ssl", "x")
    with pytest.raises(ValueError, match=prefix + r"Argument #3 \(\$option_name\) must be null"):
        stream_context_set_option(ctx, {}, "x")
    with pytest.raises(ValueError, match=prefix + r"Argument #4 \(\$value\) cannot be provided"):
        stream_context_set_option(ctx, {}, None, 1)
    with pytest.raises(
        TypeError, match=prefix + r"Argument #1 \(\$context\) must be of type resource, int given$"
    ):
        stream_context_set_option(5, "a", "b", 1)


def test_context_params_and_default() -> None:
    ctx = stream_context_create({"ssl": {"a": 1}}, {"notification": "callback"})
    assert stream_context_get_params(ctx) == {
        "notification": "callback",
        "options": {"ssl": {"a": 1}},
    }
    assert stream_context_set_params(ctx, {"options": {"x": {"y": 1}}, "foo": 1}) is True
    assert stream_context_get_options(ctx) == {"ssl": {"a": 1}, "x": {"y": 1}}
    default = stream_context_get_default()
    assert stream_context_set_default({"socket": {"backlog": 4}}) is default
    try:
        srv = stream_socket_server("tcp://127.0.0.1:0")
        assert srv is not False
        assert stream_context_get_options(srv) == {"socket": {"backlog": 4}}
    finally:
        default.options.clear()


def test_fsockopen_stream_has_fresh_empty_context(server: Server) -> None:
    srv = server()
    fp = fsockopen("127.0.0.1", srv.port)
    assert fp is not False
    assert stream_context_get_options(fp) == {}


def test_ref_box() -> None:
    r = Ref()
    assert r.value is None
    assert repr(Ref(5)) == "Ref(5)"
