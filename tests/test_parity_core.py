"""Parity with real PHP 8.2: one case per scenario of the core catalogue.

The scenarios run on a small thread pool (2 workers), started by a module
fixture for exactly the selected cases, in collection order; each case waits
for its own result.  Without php 8.2 the cases skip, or fail when
PHPSTREAMS_REQUIRE_PHP=1.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor

import pytest

from phpstreams.compare import Scenario, ScenarioResult, php_version, require_php, run_scenario
from phpstreams.compare._runner import PHPUnavailable
from phpstreams.compare.catalogue.core import SCENARIOS

pytestmark = pytest.mark.php

_WORKERS = 2


def _php_or_skip() -> None:
    try:
        require_php()
    except PHPUnavailable as exc:
        if os.environ.get("PHPSTREAMS_REQUIRE_PHP") == "1":
            pytest.fail(f"PHPSTREAMS_REQUIRE_PHP=1 but {exc}")
        pytest.skip(str(exc))


@pytest.fixture(scope="module")
def parity_results(request: pytest.FixtureRequest) -> Iterator[dict[str, Future[ScenarioResult]]]:
    _php_or_skip()
    wanted = [
        item.callspec.params["sc"]
        for item in request.session.items
        if item.path == request.path and hasattr(item, "callspec") and "sc" in item.callspec.params
    ]
    pool = ThreadPoolExecutor(max_workers=_WORKERS, thread_name_prefix="parity")
    try:
        yield {sc.name: pool.submit(run_scenario, sc) for sc in wanted}
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


@pytest.mark.parametrize("sc", SCENARIOS, ids=[sc.name for sc in SCENARIOS])
def test_parity(sc: Scenario, parity_results: dict[str, Future[ScenarioResult]]) -> None:
    future = parity_results.get(sc.name)
    result = future.result() if future is not None else run_scenario(sc)
    if result.skipped:
        pytest.skip(result.skipped)
    if not result.identical:
        pytest.fail(
            f"{sc.name} ({sc.doc}) differs from PHP {php_version()}:\n"
            + "\n".join(result.differences),
            pytrace=False,
        )
