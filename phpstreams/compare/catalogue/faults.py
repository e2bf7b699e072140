"""Faults catalogue: peers that reset, close mid-line, half-close, answer garbage
instead of TLS, hang up during the handshake or drip one byte every 10 ms, and
writes to dead peers -- plain TCP, unix and TLS (``_faults.py``; the peers are
in ``peers/_faults.py``).

Every scenario names the PHP 8.2 behaviour it pins (``doc``); what PHP actually
does is whatever real PHP records when the scenario runs.
"""

from __future__ import annotations

from .._scenario import Scenario
from ._faults import FAULTS

__all__ = ["SCENARIOS"]

SCENARIOS: list[Scenario] = [*FAULTS]
