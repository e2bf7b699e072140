"""Parity with real PHP 8.2: one case per scenario of the runtime-rules catalogues
(args: PHP's argument rules; errors: diagnostics, handlers, error_get_last; ini:
the settings that change behaviour). Same machinery as the other catalogue files
(this folder's conftest.py); with them, every catalogue is run by the suite
(test_every_catalogue_has_a_parity_test)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from phpstreams.compare import Scenario
from phpstreams.compare.catalogue import CATALOGUE_MODULES, load
from phpstreams.compare.catalogue.args import SCENARIOS as ARGS
from phpstreams.compare.catalogue.errors import SCENARIOS as ERRORS
from phpstreams.compare.catalogue.ini import SCENARIOS as INI

SCENARIOS = [*ARGS, *ERRORS, *INI]
TESTS = Path(__file__).resolve().parents[1]


@pytest.mark.php
@pytest.mark.parametrize("sc", SCENARIOS, ids=[sc.name for sc in SCENARIOS])
def test_parity_rules(sc: Scenario, check_parity: Callable[[Scenario], None]) -> None:
    check_parity(sc)


def test_every_catalogue_has_a_parity_test() -> None:
    """CI runs the catalogue through pytest: each catalogue module present is imported
    by a parity test, so no scenario goes unchecked against PHP."""
    registry = load()
    assert not registry.errors, registry.errors
    imported: set[str] = set()
    for path in TESTS.rglob("test_*.py"):
        text = path.read_text(encoding="utf-8")
        imported |= set(re.findall(r"phpstreams\.compare\.catalogue\.(\w+) import SCENARIOS", text))
    present = {name for name in CATALOGUE_MODULES if name in registry.catalogues}
    assert present <= imported, sorted(present - imported)
