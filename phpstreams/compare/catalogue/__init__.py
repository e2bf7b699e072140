"""Scenario catalogues: lists of scenarios, each pinning one PHP behaviour.

Every catalogue module (``core``, ``io``, ``tls``, ``phpt``, ``args``, ``errors``,
``ini``, ``faults``, ``files``, ``filters``, ``formats``, ``extsockets``,
``reliability``) exports ``SCENARIOS``.
:func:`load` gathers the ones present, lazily, so importing one catalogue never
imports the others: a module that does not exist is simply absent, while one that
exists but fails to import (or repeats a scenario name) is reported in
``Registry.errors`` rather than silently dropped.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase

from .._peers import REGISTERED_KINDS
from .._scenario import Scenario

__all__ = ["CATALOGUE_MODULES", "Registry", "load"]

CATALOGUE_MODULES = (
    "core",
    "io",
    "tls",
    "phpt",
    "args",
    "errors",
    "ini",
    "faults",
    "files",
    "filters",
    "formats",
    "extsockets",
    "reliability",
)
_GLOB = frozenset("*?[")


@dataclass(frozen=True)
class Registry:
    """The catalogues present, in ``CATALOGUE_MODULES`` order."""

    catalogues: dict[str, tuple[Scenario, ...]]
    errors: dict[str, str] = field(default_factory=dict)

    def scenarios(self) -> list[Scenario]:
        return [sc for scenarios in self.catalogues.values() for sc in scenarios]

    def catalogue_of(self, name: str) -> str | None:
        for catalogue, scenarios in self.catalogues.items():
            if any(sc.name == name for sc in scenarios):
                return catalogue
        return None

    def select(self, patterns: Sequence[str]) -> tuple[list[Scenario], list[str]]:
        """Scenarios matching any pattern, in catalogue order, and the patterns matching none.

        A pattern is a scenario name, a glob (``connect/*``) or a group (``connect``,
        the same as ``connect/*``).
        """
        every = self.scenarios()
        chosen: set[str] = set()
        unmatched = []
        for pattern in patterns:
            if _GLOB & set(pattern):
                hits = {sc.name for sc in every if fnmatchcase(sc.name, pattern)}
            else:
                hits = {sc.name for sc in every if sc.name == pattern}
                hits = hits or {sc.name for sc in every if sc.name.startswith(pattern + "/")}
            if not hits:
                unmatched.append(pattern)
            chosen |= hits
        return [sc for sc in every if sc.name in chosen], unmatched


def _import(name: str) -> tuple[tuple[Scenario, ...] | None, str | None]:
    full = f"{__name__}.{name}"
    try:
        module = importlib.import_module(full)
    except ModuleNotFoundError as exc:
        if exc.name == full:
            return None, None  # not written (yet): simply absent
        return None, f"{type(exc).__name__}: {exc}"
    except Exception as exc:  # a catalogue being written may be broken: report it
        return None, f"{type(exc).__name__}: {exc}"
    scenarios = getattr(module, "SCENARIOS", None)
    if not isinstance(scenarios, (list, tuple)) or not all(
        isinstance(sc, Scenario) for sc in scenarios
    ):
        return None, "SCENARIOS is not a list of scenarios"
    for sc in scenarios:
        if sc.peer is not None and sc.peer not in REGISTERED_KINDS:
            return None, f"scenario {sc.name!r}: unknown peer kind {sc.peer!r}"
    return tuple(scenarios), None


@functools.lru_cache(maxsize=1)
def load() -> Registry:
    """Import every catalogue module present (once per process)."""
    catalogues: dict[str, tuple[Scenario, ...]] = {}
    errors: dict[str, str] = {}
    owner: dict[str, str] = {}
    for name in CATALOGUE_MODULES:
        scenarios, error = _import(name)
        if error is not None:
            errors[name] = error
        if scenarios is None:
            continue
        kept = []
        for sc in scenarios:
            if sc.name in owner:
                errors.setdefault(name, "")
                errors[name] += f"scenario {sc.name!r} already in catalogue {owner[sc.name]}; "
                continue
            owner[sc.name] = name
            kept.append(sc)
        catalogues[name] = tuple(kept)
    return Registry(catalogues, {k: v.rstrip("; ") for k, v in errors.items()})
