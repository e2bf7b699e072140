"""PHP's timeout rules, in one place: seconds as PHP code passes them, turned
into what the engine waits for (seconds, or whole milliseconds for poll()).

php-src converts every timeout to a ``struct timeval`` through
``php_timeout_ull`` and polls with whole milliseconds; ``None`` here is PHP's
"no timeout" (wait forever).
"""

from __future__ import annotations

import functools
import math

from .ini import default_socket_timeout

__all__ = [
    "TIMEOUT_MAX",
    "accept_wait_ms",
    "client_timeout",
    "fsockopen_timeout",
    "read_timeout",
    "select_wait_ms",
    "stream_timeout",
]

# PHP_TIMEOUT_ULL_MAX / 1000000.0: the largest timeout PHP converts to a timeval.
TIMEOUT_MAX = 2**64 / 1e6


@functools.lru_cache(maxsize=8)
def _seconds(value: int) -> float:
    """float(value), one object per value: every stream keeps its timeouts."""
    return float(value)


def read_timeout() -> float | None:
    """A new socket stream's read timeout: default_socket_timeout as it is now."""
    seconds = default_socket_timeout()
    return None if seconds == -1 else _seconds(seconds)


def client_timeout(timeout: float | None) -> float | None:
    """The connect budget stream_socket_client uses (PHP 8.2.36, GH-11175).

    A negative or huge timeout means "no timeout given", which the transport
    turns into default_socket_timeout; a negative default waits forever.
    """
    if timeout is None or timeout < 0 or timeout >= TIMEOUT_MAX:
        seconds = _seconds(default_socket_timeout())
        return None if seconds < 0 else seconds
    return timeout


def fsockopen_timeout(function: str, timeout: float | None) -> float | None:
    """fsockopen's $timeout: -1 waits forever; any other value outside [0, max] is refused."""
    if timeout is None:
        timeout = float(default_socket_timeout())
    if timeout != -1.0 and not (0.0 <= timeout <= TIMEOUT_MAX):
        # PHP 8.2.36 prints an uninitialised number here; ours is the real bound.
        raise ValueError(
            f"{function}(): Argument #6 must be -1 or between 0 and {int(TIMEOUT_MAX)}"
        )
    return None if timeout == -1.0 else timeout


def accept_wait_ms(timeout: float | None) -> int:
    """stream_socket_accept's wait: a negative or huge timeout waits forever."""
    if timeout is None:
        timeout = float(default_socket_timeout())
    if timeout < 0 or timeout >= TIMEOUT_MAX or math.isnan(timeout):
        return -1
    return int(timeout * 1000)


def stream_timeout(seconds: int, microseconds: int | None) -> float | None:
    """stream_set_timeout's seconds and microseconds as the stream's timeout."""
    usec = 0
    if microseconds is not None:
        # C division: truncates toward zero
        seconds += int(microseconds / 1_000_000)
        usec = int(microseconds - int(microseconds / 1_000_000) * 1_000_000)
    ms = seconds * 1000 + int(usec / 1000)
    return None if (seconds == -1 or ms < 0) else ms / 1000


def select_wait_ms(seconds: int | None, microseconds: int | None) -> int:
    """stream_select's wait in whole milliseconds (rounded up, as select() sleeps
    at least the time asked); -1 for null seconds. Raises PHP's ValueErrors."""
    if seconds is None:
        if microseconds:
            raise ValueError(
                "stream_select(): Argument #5 ($microseconds) must be null when argument #4 "
                "($seconds) is null"
            )
        return -1
    if seconds < 0:
        raise ValueError(
            "stream_select(): Argument #4 ($seconds) must be greater than or equal to 0"
        )
    usec = microseconds or 0
    if usec < 0:
        raise ValueError(
            "stream_select(): Argument #5 ($microseconds) must be greater than or equal to 0"
        )
    return seconds * 1000 + (usec // 1_000_000) * 1000 + math.ceil(usec % 1_000_000 / 1000)
