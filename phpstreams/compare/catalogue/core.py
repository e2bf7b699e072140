"""Core catalogue: address parsing, connecting, servers, contexts, resources.

Every scenario names the PHP 8.2 behaviour it pins (``doc``); what PHP actually
does is whatever real PHP records when the scenario runs -- nothing here states
an expected output.  Scenarios whose PHP output contains uninitialised C memory
mask that value (``mask={"errno"}``).
"""

from __future__ import annotations

from .._scenario import Scenario
from ._connect import CONNECT
from ._context import CONTEXT
from ._fsockopen import FSOCKOPEN
from ._parse import PARSE
from ._server import SERVER

__all__ = ["SCENARIOS"]

SCENARIOS: list[Scenario] = [*PARSE, *CONNECT, *FSOCKOPEN, *SERVER, *CONTEXT]
