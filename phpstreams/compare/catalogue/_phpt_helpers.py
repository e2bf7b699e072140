"""Shorthands shared by the php-src .phpt scenarios (``_phpt_*.py``).

Each scenario transliterates one php-src ``.phpt`` (its ``doc`` names the file)
into calls; what PHP does is whatever PHP 8.2 records when it runs, never the
test's ``--EXPECT--`` text (some are outdated).  Where the phpt runs its own
server in the same script (tcp4loop, shutdown, the meta-data tests...), so does
the scenario, on the ``free_port`` peer's ``{port}``/``{path}``: both roles are
then phpstreams in the Python run.  Where the phpt splits server and client
(``ServerClientTestCase``), the server is a Python peer (``peers/_plain.py``,
``peers/_tls_servers.py``) with the phpt's shape, and only the client is compared.  A
``-peer-client``/``-peer-server`` variant swaps in a foreign peer for one role.

Which P0 rows existing scenarios already pin, and why, is in
``docs/phpt-coverage.md``.
"""

from __future__ import annotations

from collections.abc import Sequence

from .._peers import SENDER_PAYLOAD
from .._scenario import Arg, Scenario, Step, call, const, ref, scenario, var

__all__ = [
    "BIND",
    "CA",
    "CONNECT",
    "FILE",
    "LOOP_DATA",
    "NET",
    "OPENSSL",
    "STREAMS",
    "E",
    "S",
    "accept",
    "client",
    "close",
    "meta",
    "phpt",
    "remote",
    "server",
]

NET = "ext/standard/tests/network"
STREAMS = "ext/standard/tests/streams"
FILE = "ext/standard/tests/file"
OPENSSL = "ext/openssl/tests"

E, S = ref("errno"), ref("errstr")
CA: dict[str, Arg] = {"cafile": "{cafile}"}
CONNECT = const("STREAM_CLIENT_CONNECT")
BIND = const("STREAM_SERVER_BIND")
LOOP_DATA = SENDER_PAYLOAD.decode()  # "ABCdef123\n", the loopback tests' payload


def phpt(
    name: str,
    path: str,
    doc: str,
    steps: Sequence[Step],
    *,
    peer: str | None = "free_port",
    tags: Sequence[str] = (),
    ini: dict[str, str] | None = None,
    mask: Sequence[str] = (),
    timeout: float = 20.0,
) -> Scenario:
    """``phpt/<name>``, its doc naming the php-src file.

    ``peer`` is any registered kind (the phpt ones are in ``peers/_plain.py``, TLS ones in
    ``peers/_tls*``).

    ``default_socket_timeout`` is 3 unless ``ini`` says otherwise: a read or accept
    that PHP completes at once then cannot stall a broken run for PHP's 60 s.
    """
    return scenario(
        f"phpt/{name}",
        peer=peer,
        doc=f"{path}: {doc}",
        steps=steps,
        tags=("phpt", *tags),
        ini={"default_socket_timeout": "3"} if ini is None else ini,
        mask=mask,
        timeout=timeout,
    )


def server(address: str, *rest: Arg, name: str = "server") -> Step:
    """$name = stream_socket_server(address, $errno, $errstr, <rest>)."""
    return call("stream_socket_server", address, E, S, *rest, assign=name)


def client(address: Arg, *rest: Arg, name: str = "client") -> Step:
    """$name = stream_socket_client(address, $errno, $errstr, <rest>)."""
    return call("stream_socket_client", address, E, S, *rest, assign=name)


def accept(srv: str = "server", name: str = "socket", timeout: Arg = 5.0) -> Step:
    return call("stream_socket_accept", var(srv), timeout, assign=name)


def meta(name: str) -> Step:
    return call("stream_get_meta_data", var(name))


def close(*names: str) -> list[Step]:
    return [call("fclose", var(name)) for name in names]


def remote(name: str) -> Step:
    return call("stream_socket_get_name", var(name), True)
