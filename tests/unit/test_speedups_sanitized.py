"""The C speedups under AddressSanitizer and UndefinedBehaviorSanitizer.

Builds core/_speedups.c with ``-fsanitize=address,undefined`` into a temporary
copy of the package and runs tests/unit/test_speedups.py and test_speedups_tls.py
against it in a child Python with libasan preloaded (a non-ASan python needs the
runtime first in the process). Any sanitizer report makes the child fail.
Skipped without gcc or libasan; about 45 s.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "phpstreams" / "core" / "_speedups.c"


def _libasan() -> str | None:
    if shutil.which("gcc") is None:
        return None
    found = subprocess.run(
        ["gcc", "-print-file-name=libasan.so"], capture_output=True, text=True, check=False
    ).stdout.strip()
    return found if found and os.path.isabs(found) and os.path.exists(found) else None


LIBASAN = _libasan()


@pytest.mark.skipif(LIBASAN is None or not SOURCE.exists(), reason="needs gcc and libasan")
def test_speedups_under_asan_and_ubsan(tmp_path: Path) -> None:
    assert LIBASAN is not None
    tree = tmp_path / "tree"
    shutil.copytree(
        ROOT / "phpstreams",
        tree / "phpstreams",
        ignore=shutil.ignore_patterns("*.so", "__pycache__"),
    )
    suffix = sysconfig.get_config_var("EXT_SUFFIX")
    target = tree / "phpstreams" / "core" / f"_speedups{suffix}"
    include = sysconfig.get_paths()["include"]
    subprocess.run(
        [
            "gcc", "-shared", "-fPIC", "-g", "-O1", "-fno-omit-frame-pointer",
            "-fsanitize=address,undefined", "-fno-sanitize-recover=undefined",
            "-Wall", "-Wextra", "-Wno-unused-parameter", "-Wno-missing-field-initializers",
            "-Werror", f"-I{include}", str(SOURCE), "-o", str(target),
        ],
        check=True,
    )  # fmt: skip
    env = dict(os.environ)
    env.pop("PHPSTREAMS_PURE_PYTHON", None)
    env.update(
        PYTHONPATH=str(tree),
        LD_PRELOAD=LIBASAN,
        # CPython's own allocations are not ours to report: no leak check, and
        # pymalloc off so that every object's memory is ASan's to watch
        ASAN_OPTIONS="detect_leaks=0:abort_on_error=0:exitcode=86",
        UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:exitcode=87",
        PYTHONMALLOC="malloc",
        HYPOTHESIS_PROFILE="sanitized",
    )
    check = (
        "import phpstreams, phpstreams.core._speedups as m, sys;"
        f"assert m.__file__ == {str(target)!r}, m.__file__; assert phpstreams.SPEEDUPS"
    )
    subprocess.run([sys.executable, "-c", check], env=env, check=True, cwd=tmp_path)
    result = subprocess.run(
        [
            sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
            "--rootdir", str(ROOT), "-c", str(ROOT / "pyproject.toml"),
            str(ROOT / "tests" / "unit" / "test_speedups.py"),
            str(ROOT / "tests" / "unit" / "test_speedups_tls.py"),
        ],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    report = result.stdout[-4000:] + result.stderr[-4000:]
    assert result.returncode == 0, report
    assert "ERROR: AddressSanitizer" not in report
    assert "runtime error:" not in report
    assert " passed" in result.stdout
