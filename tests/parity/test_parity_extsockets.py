"""Parity with real PHP 8.2 (with the sockets extension): one case per scenario
of the extsockets catalogue (socket_import_stream and the option calls). Same
machinery as the other catalogue files (this folder's conftest.py)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from phpstreams.compare import Scenario
from phpstreams.compare.catalogue.extsockets import SCENARIOS

pytestmark = pytest.mark.php


@pytest.mark.parametrize("sc", SCENARIOS, ids=[sc.name for sc in SCENARIOS])
def test_parity_extsockets(sc: Scenario, check_parity: Callable[[Scenario], None]) -> None:
    check_parity(sc)
