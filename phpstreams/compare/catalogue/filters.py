"""Stream filter catalogue: the built-in filters on reads and writes, their
parameters and errors, the chain (append/prepend order, removal with data
buffered), filters with fgets/fread/stream_get_line, timeouts, TLS, and user
filters (php_user_filter) returning PASS_ON, FEED_ME and ERR_FATAL.

Scenarios declaring a user filter give its PHP and Python source side by side
(``user_class``); peers ``http_gzip``, ``gzip_raw`` and ``deflate_raw`` send
prepared compressed bytes (``peers/_filters.py``).
"""

from __future__ import annotations

from .._scenario import Scenario
from ._filters_builtin import BUILTIN
from ._filters_chain import CHAIN, ERRORS, USER

__all__ = ["SCENARIOS"]

SCENARIOS: list[Scenario] = [*BUILTIN, *CHAIN, *ERRORS, *USER]
