"""A scenario's run judged against the known differences, and the run's environment.

Theory of operation: the runner says *what* differs (``ScenarioResult.differences``,
one line each); an :class:`Outcome` sorts those lines into excused ones (a
``_known`` entry covers them) and unexpected ones, which alone fail a run.  It also
keeps the normalized records of both sides, which the table, the JSON document
and the matrix all display, so every view shows the same values the differ compared.
"""

from __future__ import annotations

import datetime
import platform
import re
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ._diff import normalize_record
from ._known import KNOWN_DIFFERENCES, KnownDifference, excuse_for
from ._runner import ScenarioResult, SideRun, php_version
from ._scenario import Scenario

__all__ = [
    "Outcome",
    "RunInfo",
    "evaluate",
    "outcome_dict",
    "php_constant",
    "run_info",
    "step_of",
    "summarize",
]

_STEP = re.compile(r"^step (\d+) ")


def step_of(difference: str) -> int | None:
    """The step index a difference line is about, or None (a whole-script problem)."""
    match = _STEP.match(difference)
    return int(match.group(1)) if match else None


@dataclass(frozen=True)
class Outcome:
    scenario: Scenario
    result: ScenarioResult
    catalogue: str = ""
    unexpected: tuple[str, ...] = ()
    excused: tuple[tuple[str, KnownDifference], ...] = ()

    @property
    def name(self) -> str:
        return self.scenario.name

    @property
    def status(self) -> str:
        """``identical``, ``known`` (every difference excused), ``differs`` or ``skipped``."""
        if self.result.skipped:
            return "skipped"
        if self.unexpected:
            return "differs"
        return "known" if self.excused else "identical"

    def records(self, side: str) -> list[dict[str, Any]]:
        """That side's records, normalized as the differ saw them (``php``/``python``)."""
        run: SideRun = self.result.php if side == "php" else self.result.python
        return [normalize_record(r, run.placeholders, self.scenario.mask) for r in run.records]

    def step_status(self, index: int) -> str:
        """``same``, ``known`` or ``differs`` for one step."""
        if any(step_of(d) == index for d in self.unexpected):
            return "differs"
        if any(step_of(d) == index for d, _ in self.excused):
            return "known"
        return "same"


def evaluate(
    sc: Scenario,
    result: ScenarioResult,
    catalogue: str = "",
    known: Iterable[KnownDifference] = KNOWN_DIFFERENCES,
) -> Outcome:
    entries = tuple(known)
    unexpected, excused = [], []
    for line in result.differences:
        entry = excuse_for(sc.name, line, entries)
        if entry is None:
            unexpected.append(line)
        else:
            excused.append((line, entry))
    return Outcome(sc, result, catalogue, tuple(unexpected), tuple(excused))


def summarize(outcomes: Sequence[Outcome]) -> dict[str, int]:
    counts = {"total": len(outcomes), "identical": 0, "differ": 0, "known": 0, "skipped": 0}
    for outcome in outcomes:
        status = outcome.status
        if status == "identical":
            counts["identical"] += 1
        elif status == "skipped":
            counts["skipped"] += 1
        else:
            counts["differ"] += 1
            counts["known"] += status == "known"
    return counts


def php_constant(name: str, php: str = "php") -> str | None:
    """A PHP constant's value as text (``OPENSSL_VERSION_TEXT``), None when unavailable."""
    try:
        done = subprocess.run(
            [php, "-n", "-r", f"echo defined('{name}') ? constant('{name}') : '';"],
            capture_output=True,
            text=True,
            timeout=20,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None


@dataclass(frozen=True)
class RunInfo:
    php_version: str
    openssl: str
    python: str = field(default_factory=platform.python_version)
    system: str = field(default_factory=platform.system)
    date: str = field(default_factory=lambda: datetime.date.today().isoformat())

    def as_dict(self) -> dict[str, str]:
        return {
            "php_version": self.php_version,
            "openssl": self.openssl,
            "python": self.python,
            "system": self.system,
            "date": self.date,
        }


def run_info(php: str = "php") -> RunInfo:
    return RunInfo(
        php_version=php_version(php) or "unknown",
        openssl=php_constant("OPENSSL_VERSION_TEXT", php) or "unknown",
    )


def _side_dict(outcome: Outcome, side: str) -> dict[str, Any]:
    run: SideRun = outcome.result.php if side == "php" else outcome.result.python
    return {
        "records": outcome.records(side),
        "exit_status": run.returncode,
        "timed_out": run.timed_out,
        "problems": run.problems() if not outcome.result.skipped else [],
    }


def outcome_dict(outcome: Outcome, functions: Sequence[str] = ()) -> dict[str, Any]:
    """One scenario in the ``--json`` document."""
    return {
        "name": outcome.name,
        "catalogue": outcome.catalogue,
        "doc": outcome.scenario.doc,
        "tags": sorted(outcome.scenario.tags),
        "functions": list(functions),
        "status": outcome.status,
        "skipped": outcome.result.skipped,
        "differences": list(outcome.result.differences),
        "unexpected": list(outcome.unexpected),
        "known": [
            {"difference": line, "case": entry.case, "reason": entry.reason}
            for line, entry in outcome.excused
        ],
        "php": _side_dict(outcome, "php"),
        "phpstreams": _side_dict(outcome, "python"),
    }
