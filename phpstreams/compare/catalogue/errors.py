"""Errors catalogue: set_error_handler / restore_error_handler (capture, fall
through, throw, levels masks, nesting, inside @), error_reporting masks and
error_get_last, around the socket functions' warnings, notices and coercion
deprecations (``_errors``).

Every scenario names the PHP 8.2 behaviour it pins (``doc``); what PHP actually
does is whatever real PHP records when the scenario runs -- nothing here states
an expected output.
"""

from __future__ import annotations

from .._scenario import Scenario
from ._errors import ERRORS

__all__ = ["SCENARIOS"]

SCENARIOS: list[Scenario] = list(ERRORS)
