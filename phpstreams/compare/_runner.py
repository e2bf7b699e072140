"""Run one scenario under real PHP and under phpstreams, and compare.

Theory of operation: each side gets a fresh peer (``_peers.start_peer``), its
placeholders, a rendered script in a private temporary folder and a subprocess
with a time limit.  The side's stdout is parsed into records (``@@REC`` lines,
``@@END`` once the script finished); anything else the script printed, a
non-zero exit, a missing ``@@END``, a time-out or any stderr text is itself a
difference, so a crash on either side is never hidden.  The records are then
normalized with that side's own placeholders and diffed (``_diff``).

Nothing here writes to the pytest process's warnings: subprocess pipes and
peers are closed deterministically.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._diff import diff_records, normalize_record
from ._peers import PeerUnavailable, start_peer
from ._placeholders import Placeholders
from ._render_php import render_php
from ._render_py import render_python
from ._scenario import Scenario

__all__ = [
    "PHP_ARGS",
    "PHPUnavailable",
    "ScenarioResult",
    "SideRun",
    "php_available",
    "php_command",
    "php_extension_available",
    "php_version",
    "require_php",
    "run_scenario",
    "run_scenarios",
]

# -n: ignore the machine's php.ini (openssl, json and pcre are compiled in).  The
# directives the scenarios read with ini_get (error_reporting: E_ALL already,
# memory_limit...) keep their `php -n` defaults, as phpstreams' ini_get does.
PHP_ARGS = (
    "-n",
    "-d", "display_errors=stderr",
    "-d", "log_errors=0",
    "-d", "html_errors=0",
)  # fmt: skip

_REPO_ROOT = Path(__file__).resolve().parents[2]
_INSTALL_HINT = "install it with `apt-get install -y php8.2-cli`"


class PHPUnavailable(RuntimeError):
    """No usable PHP 8.2 binary."""


@functools.lru_cache(maxsize=8)
def php_version(php: str = "php") -> str | None:
    """PHP_VERSION of the binary, or None when it cannot be run."""
    if shutil.which(php) is None:
        return None
    try:
        done = subprocess.run(
            [php, "-n", "-r", "echo PHP_VERSION;"],
            capture_output=True,
            text=True,
            timeout=20,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 and done.stdout.strip() else None


@functools.lru_cache(maxsize=16)
def php_extension_available(php: str, name: str) -> bool:
    """Whether ``php -n -d extension=<name>`` loads that shared extension."""
    try:
        done = subprocess.run(
            [*php_command(php, "-r", [name]), f"echo extension_loaded({name!r}) ? 1 : 0;"],
            capture_output=True,
            text=True,
            timeout=20,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0 and done.stdout.strip() == "1" and not done.stderr.strip()


def php_available(php: str = "php") -> bool:
    version = php_version(php)
    return version is not None and version.startswith("8.2.")


def require_php(php: str = "php") -> str:
    """The PHP version, or PHPUnavailable with a message saying what to do."""
    version = php_version(php)
    if version is None:
        raise PHPUnavailable(
            f"no runnable PHP binary {php!r}; the comparison needs PHP 8.2 ({_INSTALL_HINT})"
        )
    if not version.startswith("8.2."):
        raise PHPUnavailable(
            f"{php!r} is PHP {version}; the comparison needs PHP 8.2 ({_INSTALL_HINT})"
        )
    return version


@dataclass
class SideRun:
    """What one side (PHP or phpstreams) did."""

    side: str
    records: list[dict[str, Any]] = field(default_factory=list)
    stderr: str = ""
    returncode: int | None = None
    ended: bool = False
    timed_out: bool = False
    stray: list[str] = field(default_factory=list)
    script: str = ""
    placeholders: Placeholders = field(default_factory=Placeholders)
    skipped: str | None = None
    render_error: str | None = None

    def problems(self) -> list[str]:
        label = "PHP" if self.side == "php" else "phpstreams"
        if self.render_error is not None:
            return [f"{label} script could not be rendered: {self.render_error}"]
        out = []
        if self.timed_out:
            out.append(f"{label} script timed out")
        elif self.returncode != 0:
            out.append(f"{label} script exited with status {self.returncode}")
        elif not self.ended:
            out.append(f"{label} script stopped before its end")
        if self.stray:
            out.append(f"{label} script printed unexpected output: " + " | ".join(self.stray[:10]))
        if self.stderr.strip():
            out.append(f"{label} stderr:\n{self.stderr.rstrip()}")
        return out


@dataclass
class ScenarioResult:
    name: str
    identical: bool
    differences: list[str]
    php: SideRun
    python: SideRun
    skipped: str | None = None

    def report(self) -> str:
        if self.skipped:
            return f"{self.name}: skipped ({self.skipped})"
        if self.identical:
            return f"{self.name}: identical"
        return f"{self.name}: differs\n" + "\n".join("  " + d for d in self.differences)


def _parse(run: SideRun, stdout: str) -> None:
    for line in stdout.splitlines():
        if line.startswith("@@REC "):
            try:
                run.records.append(json.loads(line[6:]))
            except json.JSONDecodeError:
                run.stray.append(line)
        elif line == "@@END":
            run.ended = True
        elif line.strip():
            run.stray.append(line)


def php_command(exe: str, script: Path | str, extensions: Sequence[str] = ()) -> list[str]:
    """The php command line of a script: PHP_ARGS, then ``-d extension=<name>``
    for each shared extension the scenario needs (``-n`` loads none of them)."""
    loads = [arg for name in extensions for arg in ("-d", f"extension={name}")]
    return [exe, *PHP_ARGS, *loads, str(script)]


def _command(side: str, exe: str, script: Path, extensions: Sequence[str]) -> list[str]:
    if side == "php":
        return php_command(exe, script, extensions)
    return [exe, "-X", "utf8", str(script)]


def _environment(side: str) -> dict[str, str]:
    env = dict(os.environ)
    if side == "python":
        env.pop("PYTHONWARNINGS", None)
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(_REPO_ROOT), env.get("PYTHONPATH")]))
    return env


def run_side(sc: Scenario, side: str, exe: str) -> SideRun:
    """Start a fresh peer, render ``side``'s script, run it, parse its records."""
    run = SideRun(side)
    if side == "php":
        missing = [e for e in sc.php_extensions if not php_extension_available(exe, e)]
        if missing:
            run.skipped = f"php cannot load the {', '.join(missing)} extension"
            return run
    try:
        peer = start_peer(sc.peer)
    except PeerUnavailable as exc:
        run.skipped = str(exc)
        return run
    try:
        run.placeholders = peer.placeholders()
        render = render_php if side == "php" else render_python
        try:
            run.script = render(sc, run.placeholders)
        except (ValueError, TypeError) as exc:
            run.render_error = str(exc)
            return run
        with tempfile.TemporaryDirectory(prefix="phpsc-run-") as folder:
            script = Path(folder) / ("scenario.php" if side == "php" else "scenario.py")
            script.write_text(run.script, encoding="utf-8")
            with subprocess.Popen(
                _command(side, exe, script, sc.php_extensions),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                cwd=folder,
                env=_environment(side),
            ) as proc:
                try:
                    out, err = proc.communicate(timeout=sc.timeout)
                except subprocess.TimeoutExpired:
                    run.timed_out = True
                    proc.kill()
                    out, err = proc.communicate()
                run.returncode = proc.returncode
        run.stderr = err.decode("utf-8", "replace")
        _parse(run, out.decode("utf-8", "replace"))
        return run
    finally:
        peer.stop()


def compare_runs(sc: Scenario, php: SideRun, py: SideRun) -> ScenarioResult:
    skipped = php.skipped or py.skipped
    if skipped:
        return ScenarioResult(sc.name, False, [], php, py, skipped=skipped)
    differences = php.problems() + py.problems()
    php_records = [normalize_record(r, php.placeholders, sc.mask) for r in php.records]
    py_records = [normalize_record(r, py.placeholders, sc.mask) for r in py.records]
    differences += diff_records(php_records, py_records)
    return ScenarioResult(sc.name, not differences, differences, php, py)


def run_scenario(sc: Scenario, php: str = "php", python: str = sys.executable) -> ScenarioResult:
    """Run ``sc`` under PHP, then under phpstreams, and compare the records."""
    require_php(php)
    php_run = run_side(sc, "php", php)
    if php_run.skipped:
        return compare_runs(sc, php_run, SideRun("python"))
    return compare_runs(sc, php_run, run_side(sc, "python", python))


def run_scenarios(
    scenarios: Iterable[Scenario],
    php: str = "php",
    python: str = sys.executable,
    workers: int = 2,
) -> dict[str, ScenarioResult]:
    """Run many scenarios on a small thread pool (each run has its own peers)."""
    chosen: Sequence[Scenario] = list(scenarios)
    require_php(php)
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="phpsc") as pool:
        results = pool.map(lambda sc: run_scenario(sc, php, python), chosen)
        return {sc.name: result for sc, result in zip(chosen, results, strict=True)}
