"""Small helpers shared by the tests."""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator

from phpstreams import PHPNotice, PHPWarning


@contextlib.contextmanager
def php_diagnostics() -> Iterator[list[tuple[str, str]]]:
    """Capture every PHP diagnostic as ("E_WARNING"|"E_NOTICE", text), in order."""
    seen: list[tuple[str, str]] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield seen
    for item in caught:
        if issubclass(item.category, PHPNotice):
            seen.append(("E_NOTICE", str(item.message)))
        elif issubclass(item.category, PHPWarning):
            seen.append(("E_WARNING", str(item.message)))
        else:
            warnings.warn_explicit(item.message, item.category, item.filename, item.lineno)


def warnings_of(diagnostics: list[tuple[str, str]]) -> list[str]:
    assert all(kind == "E_WARNING" for kind, _ in diagnostics), diagnostics
    return [text for _, text in diagnostics]
