"""Parity with real PHP 8.2 for the ``faults`` catalogue (``phpstreams compare
'faults/*'``): resets, closes mid-line, half-closes, garbage instead of TLS,
hang-ups in the handshake, dripping peers, writes to dead peers. One case per
scenario, run one after another (the peers time their faults: no parallel load);
without php 8.2 the cases skip, or fail when PHPSTREAMS_REQUIRE_PHP=1."""

from __future__ import annotations

import pytest

from phpstreams.compare import Scenario, php_version, run_scenario
from phpstreams.compare.catalogue.faults import SCENARIOS

pytestmark = pytest.mark.php


@pytest.mark.usefixtures("php")
@pytest.mark.parametrize("sc", SCENARIOS, ids=[sc.name for sc in SCENARIOS])
def test_faults_parity(sc: Scenario) -> None:
    result = run_scenario(sc)
    if result.skipped:
        pytest.skip(result.skipped)
    if not result.identical:
        pytest.fail(
            f"{sc.name} ({sc.doc}) differs from PHP {php_version()}:\n"
            + "\n".join(result.differences),
            pytrace=False,
        )
