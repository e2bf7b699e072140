"""Fixtures shared by every test folder (unit/, loopback/, parity/).

The folders have no ``__init__.py``: pytest's default "prepend" import mode puts
each folder on sys.path, so test file names must be unique across the folders,
and test files never import each other; what they share is a fixture here or in
their folder's own conftest.py (loopback/: peers and TLS; parity/: the runner).
"""

from __future__ import annotations

import contextlib
import os
import warnings
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager

import pytest

from phpstreams import PHPNotice, PHPWarning

Diagnostics = list[tuple[str, str]]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--long",
        action="store_true",
        default=False,
        help="run the load and fuzz tests with their bigger counts (minutes, not seconds)",
    )


@pytest.fixture(scope="session")
def long_run(request: pytest.FixtureRequest) -> bool:
    """True under ``pytest --long``: the load and fuzz tests use their bigger counts."""
    return bool(request.config.getoption("--long"))


@pytest.fixture(autouse=True)
def _fresh_php_state() -> Iterator[None]:
    """Each test starts as a fresh PHP process would: no last error, no error
    handler, default ini, no persistent stream."""
    from phpstreams import error_clear_last, ini_restore, restore_error_handler
    from phpstreams.core import persistent
    from phpstreams.core.ini import DIRECTIVES

    error_clear_last()
    yield
    for _ in range(20):
        restore_error_handler()
    for name in DIRECTIVES:
        ini_restore(name)
    persistent.clear()


@contextlib.contextmanager
def _php_diagnostics() -> Iterator[Diagnostics]:
    seen: Diagnostics = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield seen
    for item in caught:
        if issubclass(item.category, PHPNotice):
            seen.append(("E_NOTICE", str(item.message)))
        elif issubclass(item.category, PHPWarning):
            seen.append(("E_WARNING", str(item.message)))
        else:
            warnings.warn_explicit(item.message, item.category, item.filename, item.lineno)


def _warnings_of(diagnostics: Diagnostics) -> list[str]:
    assert all(kind == "E_WARNING" for kind, _ in diagnostics), diagnostics
    return [text for _, text in diagnostics]


@pytest.fixture
def php_diagnostics() -> Callable[[], AbstractContextManager[Diagnostics]]:
    """``with php_diagnostics() as diags:`` captures every PHP diagnostic as
    ("E_WARNING"|"E_NOTICE", text), in order; other warnings pass through."""
    return _php_diagnostics


@pytest.fixture
def warnings_of() -> Callable[[Diagnostics], list[str]]:
    """``warnings_of(diags)``: the texts, asserting that every one is an E_WARNING."""
    return _warnings_of


@pytest.fixture(scope="session")
def php() -> str:
    """The real PHP 8.2 (its version): skips the test without it, or fails it when
    PHPSTREAMS_REQUIRE_PHP=1."""
    from phpstreams.compare import require_php
    from phpstreams.compare._runner import PHPUnavailable

    try:
        return require_php()
    except PHPUnavailable as exc:
        if os.environ.get("PHPSTREAMS_REQUIRE_PHP") == "1":
            pytest.fail(f"PHPSTREAMS_REQUIRE_PHP=1 but {exc}")
        pytest.skip(str(exc))
