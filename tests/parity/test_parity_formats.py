"""Parity with real PHP 8.2: one case per scenario of the formats catalogue
(fscanf, fgetcsv, fputcsv on socket streams). Same machinery as the other
catalogue files (this folder's conftest.py)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from phpstreams.compare import Scenario
from phpstreams.compare.catalogue.formats import SCENARIOS

pytestmark = pytest.mark.php


@pytest.mark.parametrize("sc", SCENARIOS, ids=[sc.name for sc in SCENARIOS])
def test_parity_formats(sc: Scenario, check_parity: Callable[[Scenario], None]) -> None:
    check_parity(sc)
