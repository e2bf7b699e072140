"""Parity with real PHP 8.2: one case per scenario of the stream filter catalogue.

Same machinery as the core catalogue (this folder's conftest.py): a module fixture
runs exactly the selected scenarios on a 2-worker pool, each case checks its
own result; without php 8.2 the cases skip, or fail when PHPSTREAMS_REQUIRE_PHP=1.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from phpstreams.compare import Scenario
from phpstreams.compare.catalogue.filters import SCENARIOS

pytestmark = pytest.mark.php


@pytest.mark.parametrize("sc", SCENARIOS, ids=[sc.name for sc in SCENARIOS])
def test_parity_filters(sc: Scenario, check_parity: Callable[[Scenario], None]) -> None:
    check_parity(sc)
