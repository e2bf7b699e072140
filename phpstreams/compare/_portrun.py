"""Porting mode's Python side: run a script as ``python script.py`` would, recording diagnostics.

Usage (by ``_porting``): ``python -m phpstreams.compare._portrun DIAG_FILE SCRIPT [ARG...]``.

Every ``PHPWarning``/``PHPNotice`` the script emits is recorded in order, as
``["Warning"|"Notice", text]`` (the PHP prepend file records ``[$type, $message]``
the same way); other warnings are shown on stderr as usual and not compared.  An
uncaught exception is recorded as ``["Uncaught", "Class: message"]`` and exits
with status 255, as PHP does.  The list is written to DIAG_FILE as JSON at the end.
"""

from __future__ import annotations

import json
import os
import runpy
import sys
import traceback
import warnings
from typing import Any

__all__ = ["main"]


def _exit_status(exc: SystemExit) -> int:
    if exc.code is None:
        return 0
    if isinstance(exc.code, int):
        return exc.code
    print(exc.code, file=sys.stderr)
    return 1


def _line(item: warnings.WarningMessage, script: str) -> int:
    """The script line that raised the diagnostic (0 when it came from elsewhere)."""
    same = os.path.abspath(item.filename) == os.path.abspath(script)
    return item.lineno if same else 0


def main(argv: list[str]) -> int:
    diag_file, script, *args = argv
    from phpstreams import PHPNotice, PHPWarning

    seen: list[list[Any]] = []
    uncaught: list[str] | None = None
    status = 0
    sys.argv = [script, *args]
    sys.path[0] = os.path.dirname(os.path.abspath(script))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            runpy.run_path(script, run_name="__main__")
        except SystemExit as exc:
            status = _exit_status(exc)
        except BaseException as exc:  # PHP: an uncaught exception ends the script, status 255
            traceback.print_exc()
            uncaught = ["Uncaught", f"{type(exc).__name__}: {exc}"]
            status = 255
    for item in caught:
        if issubclass(item.category, PHPNotice):
            seen.append(["Notice", str(item.message), _line(item, script)])
        elif issubclass(item.category, PHPWarning):
            seen.append(["Warning", str(item.message), _line(item, script)])
        else:
            warnings.showwarning(item.message, item.category, item.filename, item.lineno)
    if uncaught is not None:
        seen.append(uncaught)
    sys.stdout.flush()
    with open(diag_file, "w", encoding="utf-8") as out:
        json.dump(seen, out)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
