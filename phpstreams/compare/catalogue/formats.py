"""Formats catalogue: fscanf, fgetcsv and fputcsv on socket streams (plain TCP
and TLS), over the echo peers -- the scenario writes the text, the peer sends it
back -- and ``pause_echo``, which sends it back in the TCP segments the scenario
marks (``peers/_plain.py``), so that a CSV record arrives cut where it says.

Every scenario names the PHP 8.2 behaviour it pins (``doc``); what PHP actually
does is whatever real PHP records when the scenario runs.
"""

from __future__ import annotations

from .._scenario import Scenario
from ._formats import FSCANF
from ._formats_csv import FGETCSV, FPUTCSV

__all__ = ["SCENARIOS"]

SCENARIOS: list[Scenario] = [*FSCANF, *FGETCSV, *FPUTCSV]
