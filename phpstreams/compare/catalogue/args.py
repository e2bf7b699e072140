"""Argument catalogue: PHP 8.2's coercive typing mode for every parameter of the
socket stream functions (``_args_io``: reads and writes, ``_args_sockets``:
stream control, select, client/server/accept, raw socket calls, fsockopen,
enable_crypto, ``_args_context``: contexts), and non-streams as the stream.

Every scenario names the PHP 8.2 behaviour it pins (``doc``); what PHP actually
does is whatever real PHP records when the scenario runs -- nothing here states
an expected output.  The I/O catalogue's ``args/...`` scenarios (lengths out of
range, closed resources) are its own; these add the conversions.
"""

from __future__ import annotations

from .._scenario import Scenario
from ._args_context import ARGS_CONTEXT
from ._args_io import ARGS_IO
from ._args_sockets import ARGS_SOCKETS

__all__ = ["SCENARIOS"]

SCENARIOS: list[Scenario] = [*ARGS_IO, *ARGS_SOCKETS, *ARGS_CONTEXT]
