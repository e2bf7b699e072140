"""The transport layer: sockets, name resolution, deadlines. Knows nothing of PHP.

Everything here raises plain stdlib exceptions (``OSError`` with an errno,
``socket.gaierror`` with the host in ``filename``, ``TimeoutError``); the facade
translates them, in one place, into PHP's errno/errstr and warnings.
"""

from ._net import (
    Deadline,
    accept,
    bind_inet,
    bind_unix,
    connect_inet,
    connect_unix,
    resolve,
    wait_fd,
)

__all__ = [
    "Deadline",
    "accept",
    "bind_inet",
    "bind_unix",
    "connect_inet",
    "connect_unix",
    "resolve",
    "wait_fd",
]
