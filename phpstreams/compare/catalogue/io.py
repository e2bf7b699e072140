"""I/O catalogue: reading, EOF, timeouts, blocking, writes, select, shutdown,
recvfrom/sendto, UDP and unix sockets, buffers and argument errors.

Every scenario names the PHP 8.2 behaviour it pins (``doc``); what PHP actually
does is whatever real PHP records when the scenario runs -- nothing here states
an expected output.  A few scenarios use peers added for this catalogue
(``partial``, ``close``, ``bulk``: see ``peers/_plain.py``).
"""

from __future__ import annotations

from .._scenario import Scenario
from ._io_lines import LINES
from ._io_misc import BUFFERS, ERRORS, UNIX
from ._io_raw import RAW, UDP
from ._io_select import SELECT
from ._io_timing import BLOCKING, EOF, TIMEOUTS
from ._io_write import SHUTDOWN, WRITES

__all__ = ["SCENARIOS"]

SCENARIOS: list[Scenario] = [
    *LINES,
    *EOF,
    *TIMEOUTS,
    *BLOCKING,
    *WRITES,
    *SHUTDOWN,
    *SELECT,
    *RAW,
    *UDP,
    *BUFFERS,
    *ERRORS,
    *UNIX,
]
