"""The transport layer: sockets, name resolution, deadlines, TLS sessions.

Knows nothing of PHP. Everything here raises plain stdlib exceptions (``OSError``
with an errno, ``socket.gaierror`` with the host in ``filename``,
``TimeoutError``, the ``ssl`` module's errors); the layers above translate them,
in one place (``phpstreams.core.errors``), into PHP's errno/errstr and warnings.

- :mod:`.net`: connect (one deadline over every resolved address), bind, accept, poll.
- :mod:`.socket`: :class:`~.socket.SocketTransport` and :class:`~.socket.TLSTransport`,
  the objects a stream reads and writes through.
- :mod:`.openssl`: the few OpenSSL calls Python's ``ssl`` does not expose (ctypes).
"""
