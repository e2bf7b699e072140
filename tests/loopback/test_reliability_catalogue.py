"""Parity with real PHP 8.2 for the ``reliability`` catalogue (``phpstreams compare
'reliability/*'``): timeouts at the connect, TLS handshake (client and server),
read, write and accept phases. One case per scenario, run one after another
(the timeouts are timed: no parallel load); without php 8.2 the cases skip, or
fail when PHPSTREAMS_REQUIRE_PHP=1."""

from __future__ import annotations

import pytest

from phpstreams.compare import Scenario, php_version, run_scenario
from phpstreams.compare.catalogue.reliability import SCENARIOS

pytestmark = pytest.mark.php


@pytest.mark.usefixtures("php")
@pytest.mark.parametrize("sc", SCENARIOS, ids=[sc.name for sc in SCENARIOS])
def test_reliability_parity(sc: Scenario) -> None:
    result = run_scenario(sc)
    if result.skipped:
        pytest.skip(result.skipped)
    if not result.identical:
        pytest.fail(
            f"{sc.name} ({sc.doc}) differs from PHP {php_version()}:\n"
            + "\n".join(result.differences),
            pytrace=False,
        )
