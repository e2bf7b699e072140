"""The parity runner shared by the catalogue files (test_parity_*.py).

Each catalogue file parametrizes one test over its scenarios with ``sc``; the
module fixture ``parity_results`` starts exactly the selected cases of that
file on a small thread pool (2 workers), in collection order, and each case
waits for its own result through ``check_parity``.  Without php 8.2 the cases
skip, or fail when PHPSTREAMS_REQUIRE_PHP=1 (the ``php`` fixture).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor

import pytest

from phpstreams.compare import (
    KNOWN_DIFFERENCES,
    Scenario,
    ScenarioResult,
    php_version,
    run_scenario,
)

_WORKERS = 2


@pytest.fixture(scope="module")
def parity_results(
    request: pytest.FixtureRequest, php: str
) -> Iterator[dict[str, Future[ScenarioResult]]]:
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


def _check(sc: Scenario, parity_results: dict[str, Future[ScenarioResult]]) -> None:
    future = parity_results.get(sc.name)
    result = future.result() if future is not None else run_scenario(sc)
    if result.skipped:
        pytest.skip(result.skipped)
    if not result.identical:
        # The one list of known differences (compare/_known.py), as the CLI reads it:
        # a difference line none of them excuses fails the case.
        excuses = [
            next((entry for entry in KNOWN_DIFFERENCES if entry.excuses(sc.name, line)), None)
            for line in result.differences
        ]
        if excuses and None not in excuses:
            cases = sorted({entry.case for entry in excuses if entry is not None})
            pytest.xfail(f"known difference against PHP {php_version()}: " + "; ".join(cases))
        pytest.fail(
            f"{sc.name} ({sc.doc}) differs from PHP {php_version()}:\n"
            + "\n".join(result.differences),
            pytrace=False,
        )


@pytest.fixture
def check_parity(
    parity_results: dict[str, Future[ScenarioResult]],
) -> Callable[[Scenario], None]:
    """``check_parity(sc)``: skip or fail the case as its scenario's result says."""
    return lambda sc: _check(sc, parity_results)
