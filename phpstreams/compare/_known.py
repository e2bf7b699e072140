"""Known differences from PHP 8.2: the one list the CLI, CI and the matrix all read.

Theory of operation: a known difference names the PHP behaviour phpstreams does not
reproduce on purpose, and why (almost always: PHP's answer is undefined, such as
uninitialised C memory).  It is handled in one of two ways:

- ``excuse=None``: the scenarios that meet it mask the value (``mask={"errno"}``), or
  no scenario checks it; the entry documents the difference and excuses nothing;
- ``excuse="regex"``: a difference line of a scenario matching ``scenarios`` (fnmatch
  patterns) is excused when the regex is found in it (``""`` excuses every line).
  Any other difference of the same scenario still fails, so a known difference
  cannot hide a new one.

``python -m phpstreams compare --all`` exits 1 on any difference not excused here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from fnmatch import fnmatchcase

__all__ = ["KNOWN_DIFFERENCES", "KnownDifference", "excuse_for"]


@dataclass(frozen=True)
class KnownDifference:
    case: str
    php: str
    phpstreams: str
    reason: str
    scenarios: tuple[str, ...] = ()
    excuse: str | None = None

    def covers(self, scenario_name: str) -> bool:
        return any(fnmatchcase(scenario_name, pattern) for pattern in self.scenarios)

    def excuses(self, scenario_name: str, difference: str) -> bool:
        if self.excuse is None or not self.covers(scenario_name):
            return False
        return re.search(self.excuse, difference) is not None


KNOWN_DIFFERENCES: tuple[KnownDifference, ...] = (
    KnownDifference(
        case="unknown transport (`foo://`, `sslv3://`...): `$errno` of stream_socket_client "
        "and fsockopen",
        php="uninitialised C variable: a different number on each run",
        phpstreams="`0`",
        reason="PHP's answer is undefined (stack garbage in stream_socket_client and fsockopen "
        "alike on 8.2.36); phpstreams reports 0, as for every other parse failure "
        "(the scenarios mask `$errno`)",
        scenarios=(
            "parse/unknown-transport",
            "parse/transport-case-sensitive",
            "parse/sslv2-not-registered",
            "parse/sslv3-not-registered",
            "parse/long-transport-name",
            "fsockopen/unknown-transport",
            "phpt/fsockopen_error",
            "phpt/tls_wrapper_with_tls_v1.3",
        ),
    ),
    KnownDifference(
        case="`fsockopen(..., timeout: -2)` ValueError text",
        php="`Argument #6 must be -1 or between 0 and <garbage>` (a different number each run)",
        phpstreams="`... between 0 and 18446744073709`",
        reason="PHP prints an uninitialised value; phpstreams prints the real bound "
        "(no scenario: PHP's text cannot be compared)",
    ),
    KnownDifference(
        case="peer name of an accepted unix-socket client",
        php="unreliable (uninitialised bytes seen)",
        phpstreams='`""`',
        reason="PHP's answer is undefined (no scenario: PHP's value cannot be compared)",
    ),
)


def excuse_for(
    scenario_name: str,
    difference: str,
    known: Iterable[KnownDifference] = KNOWN_DIFFERENCES,
) -> KnownDifference | None:
    """The known difference that excuses this difference line, if any."""
    for entry in known:
        if entry.excuses(scenario_name, difference):
            return entry
    return None
