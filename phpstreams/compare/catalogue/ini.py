"""ini catalogue: ini_get / ini_set / ini_restore of the directives phpstreams
knows, against ``php -n`` defaults, and the directives' effect on the socket
functions (``_ini``).

Every scenario names the PHP 8.2 behaviour it pins (``doc``); what PHP actually
does is whatever real PHP records when the scenario runs -- nothing here states
an expected output.
"""

from __future__ import annotations

from .._scenario import Scenario
from ._ini import INI

__all__ = ["SCENARIOS"]

SCENARIOS: list[Scenario] = list(INI)
