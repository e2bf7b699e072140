"""The one emitter: error handlers, error_reporting, @, error_get_last (no sockets).

The expected behaviours were read from php 8.2 -n (see the comments)."""

from __future__ import annotations

import asyncio
import warnings

import pytest

from phpstreams import (
    E_ALL,
    E_DEPRECATED,
    E_NOTICE,
    E_WARNING,
    PHPDeprecated,
    PHPNotice,
    PHPWarning,
    error_clear_last,
    error_get_last,
    error_reporting,
    ini_restore,
    restore_error_handler,
    set_error_handler,
    silence,
)
from phpstreams.core.diagnostics import deprecated, notice, raise_pending, warning


@pytest.fixture(autouse=True)
def _fresh_handlers():
    yield
    for _ in range(10):
        restore_error_handler()
    ini_restore("error_reporting")


def test_standard_handling_records_and_shows() -> None:
    with pytest.warns(PHPWarning, match="^f\\(\\): one$"):
        warning("f(): one")
    last = error_get_last()
    assert last is not None and last["type"] == E_WARNING and last["message"] == "f(): one"
    assert last["file"] == __file__
    with pytest.warns(PHPNotice):
        notice("n")
    with pytest.warns(PHPDeprecated):
        deprecated("d")
    assert error_get_last()["type"] == E_DEPRECATED  # type: ignore[index]


def test_silence_records_without_showing() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with silence():
            warning("quiet")
            # php: @var_dump(error_reporting()) -> int(4437)
            assert error_reporting() == 4437
    assert error_get_last()["message"] == "quiet"  # type: ignore[index]
    assert error_reporting() == E_ALL


def test_error_reporting_masks_display_but_error_get_last_records() -> None:
    # php: error_reporting(0); fopen("/nx","r"); error_get_last() is the warning
    assert error_reporting(0) == E_ALL
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warning("masked")
    assert error_get_last()["message"] == "masked"  # type: ignore[index]
    # php: error_reporting(null) reads without changing
    assert error_reporting(None) == 0
    assert error_reporting(E_ALL & ~E_WARNING) == 0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warning("still masked")
    with pytest.warns(PHPNotice):
        notice("shown")


def test_handler_gets_the_diagnostic_and_swallows_it() -> None:
    seen: list[tuple[int, str, str, int]] = []

    def handler(errno: int, errstr: str, errfile: str, errline: int) -> bool:
        seen.append((errno, errstr, errfile, errline))
        return True

    assert set_error_handler(handler) is None
    error_clear_last()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warning("w")
    assert seen[0][:3] == (E_WARNING, "w", __file__) and seen[0][3] > 0
    assert error_get_last() is None  # php: a handled error is not recorded
    assert set_error_handler(None) is handler
    assert restore_error_handler() is True
    assert restore_error_handler() is True
    assert restore_error_handler() is True  # php: always true, even with nothing to pop


def test_handler_takes_as_many_arguments_as_it_accepts() -> None:
    got: list[tuple[object, ...]] = []
    set_error_handler(lambda errno: got.append((errno,)))
    warning("x")
    set_error_handler(lambda *args: got.append(args))
    notice("y")
    assert got[0] == (E_WARNING,)
    assert len(got[1]) == 4 and got[1][:2] == (E_NOTICE, "y")


def test_handler_returning_false_falls_through() -> None:
    calls: list[str] = []
    set_error_handler(lambda no, text: calls.append(text) or False)
    with pytest.warns(PHPWarning, match="through"):
        warning("through")
    assert calls == ["through"] and error_get_last()["message"] == "through"  # type: ignore[index]


def test_handler_levels_mask_and_error_reporting() -> None:
    calls: list[int] = []
    set_error_handler(lambda no, text: calls.append(no), E_NOTICE)
    with pytest.warns(PHPWarning):
        warning("not for the handler")
    notice("for the handler")
    assert calls == [E_NOTICE]
    # php: the handler is called whatever error_reporting says, also inside @
    error_reporting(0)
    notice("masked, still handled")
    with silence():
        notice("silenced, still handled")
    assert calls == [E_NOTICE, E_NOTICE, E_NOTICE]


def test_handler_reads_4437_inside_silence() -> None:
    levels: list[int] = []
    set_error_handler(lambda no, text: levels.append(error_reporting()))
    with silence():
        warning("x")
    warning("y")
    assert levels == [4437, E_ALL]


def test_a_thrown_exception_waits_for_the_function_to_return() -> None:
    def handler(no: int, text: str) -> bool:
        raise RuntimeError(f"boom: {text}")

    set_error_handler(handler)
    warning("first")
    warning("second")  # php: dropped, the handler does not run again
    with pytest.raises(RuntimeError, match=r"^boom: first$"):
        raise_pending()
    assert error_get_last() is None  # neither was recorded
    raise_pending()  # nothing pending any more


def test_nested_handlers() -> None:
    order: list[str] = []
    first = set_error_handler(lambda no, text: order.append("outer"))
    assert first is None
    outer = set_error_handler(lambda no, text: order.append("inner"))
    warning("a")
    restore_error_handler()
    warning("b")
    assert order == ["inner", "outer"]
    assert outer is not None


def test_bad_callback_is_phps_type_error() -> None:
    with pytest.raises(TypeError, match=r"^set_error_handler\(\): Argument #1 \(\$callback\) must be a valid callback or null"):
        set_error_handler(42)  # type: ignore[arg-type]


def test_state_is_per_asyncio_task() -> None:
    async def task(name: str, reporting: int) -> tuple[str | None, int]:
        error_reporting(reporting)
        with silence():
            warning(name)
        await asyncio.sleep(0.01)
        last = error_get_last()
        return (None if last is None else last["message"]), error_reporting()

    async def main() -> list[tuple[str | None, int]]:
        return await asyncio.gather(*(task(f"t{i}", i) for i in range(8)))

    results = asyncio.run(main())
    assert results == [(f"t{i}", i) for i in range(8)]
    assert error_reporting() == E_ALL
