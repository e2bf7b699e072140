"""Parity with real PHP 8.2: one case per scenario of the phpt catalogue.

The scenarios transliterate php-src's own ``.phpt`` tests (the P0 rows of the
peer-suite inventory; ``docs/phpt-coverage.md``).  Same machinery as the core
catalogue (``test_parity_core``): a module fixture runs exactly the selected
scenarios on a 2-worker pool, each case checks its own result; without php 8.2
the cases skip, or fail when PHPSTREAMS_REQUIRE_PHP=1.
"""

from __future__ import annotations

from concurrent.futures import Future

import pytest
from test_parity_core import parity_results  # noqa: F401  (the module fixture, reused)
from test_parity_core import test_parity as check_parity

from phpstreams.compare import Scenario, ScenarioResult
from phpstreams.compare.catalogue.phpt import SCENARIOS

pytestmark = pytest.mark.php


@pytest.mark.parametrize("sc", SCENARIOS, ids=[sc.name for sc in SCENARIOS])
def test_parity_phpt(sc: Scenario, parity_results: dict[str, Future[ScenarioResult]]) -> None:  # noqa: F811
    check_parity(sc, parity_results)
