"""Reliability catalogue: timeouts at every phase of a socket stream's life --
connect (a full accept queue drops the SYN), the TLS handshake (client and
server side, ssl:// tls:// fsockopen and stream_socket_enable_crypto), reads
(fgets, fread, stream_get_line, stream_get_contents on TLS and unix streams),
writes (a peer that never reads) and accept (``_reliability.py``,
``_reliability_io.py``; the peers are in ``peers/_reliability.py``).

Every scenario names the PHP 8.2 behaviour it pins (``doc``); what PHP actually
does is whatever real PHP records when the scenario runs.
"""

from __future__ import annotations

from .._scenario import Scenario
from ._reliability import CONNECT, HANDSHAKE
from ._reliability_io import ACCEPT, READ, WRITE

__all__ = ["SCENARIOS"]

SCENARIOS: list[Scenario] = [*CONNECT, *HANDSHAKE, *READ, *WRITE, *ACCEPT]
