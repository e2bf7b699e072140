"""Build of the optional C speedups (phpstreams/core/_speedups.c); the rest is pyproject.toml.

As markupsafe and PyYAML do: the extension is optional, and a failed compile
(no compiler, no Python headers) warns and leaves the pure-Python package,
which behaves the same. PHPSTREAMS_NO_EXTENSION=1 skips the extension.
"""

from __future__ import annotations

import os
import platform
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext


class TolerantBuildExt(build_ext):
    """build_ext that warns and carries on when the extension cannot be built."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as exc:  # any failure: the pure-Python package instead
            self._skipped(exc)

    def build_extension(self, ext: Extension) -> None:
        try:
            super().build_extension(ext)
        except Exception as exc:
            self._skipped(exc)

    def _skipped(self, exc: BaseException) -> None:
        sys.stderr.write(
            "WARNING: the phpstreams C speedups could not be built "
            f"({exc.__class__.__name__}: {exc}); installing the pure-Python version, "
            "which behaves the same, only slower.\n"
        )


def extensions() -> list[Extension]:
    if os.environ.get("PHPSTREAMS_NO_EXTENSION", "") not in ("", "0"):
        return []
    if platform.python_implementation() != "CPython" or os.name != "posix":
        return []
    return [
        Extension(
            "phpstreams.core._speedups",
            ["phpstreams/core/_speedups.c"],
            optional=True,
        )
    ]


setup(ext_modules=extensions(), cmdclass={"build_ext": TolerantBuildExt})
