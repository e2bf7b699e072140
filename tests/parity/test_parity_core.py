"""Parity with real PHP 8.2: one case per scenario of the core catalogue.

The scenarios run on a small thread pool (2 workers), started by a module
fixture for exactly the selected cases, in collection order; each case waits
for its own result (``parity_results`` and ``check_parity`` in this folder's
conftest.py).  Without php 8.2 the cases skip, or fail when
PHPSTREAMS_REQUIRE_PHP=1.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from phpstreams.compare import Scenario
from phpstreams.compare.catalogue.core import SCENARIOS

pytestmark = pytest.mark.php


@pytest.mark.parametrize("sc", SCENARIOS, ids=[sc.name for sc in SCENARIOS])
def test_parity(sc: Scenario, check_parity: Callable[[Scenario], None]) -> None:
    check_parity(sc)
