"""phpt catalogue: php-src's own tests (the P0 rows of the peer-suite inventory).

Every scenario is named ``phpt/<test>`` and its ``doc`` names the ``.phpt`` file
it transliterates; what PHP does is whatever real PHP records when the scenario
runs -- never the test's ``--EXPECT--`` text.  The scenarios are grouped by the
.phpt's subject: ``_phpt_sockets`` (fsockopen, stream_socket_client, servers),
``_phpt_io`` (UDP and unix loopback, recvfrom/sendto, shutdown and pairs, meta
data and timeouts) and ``_phpt_ssl`` (ext/openssl); their shorthands are in
``_phpt_helpers``.  The peers added for them are in ``peers/_plain.py``
(``free_port``, the ``*_sender`` clients, ``gh11418``, ``gh13860``) and
``peers/_tls_servers.py`` (``tls_cnwildcard``, ``tls_sanonly``, ``tls_sancn``,
``tls_any_echo``, ``tls10_rsa_echo``, ``tls_sni``, ``tls12_slow_sink``).
``docs/phpt-coverage.md`` maps every P0 test to the scenarios pinning it.
"""

from __future__ import annotations

from .._scenario import Scenario
from ._phpt_io import DATAGRAMS, LOOPS, META, PAIRS
from ._phpt_sockets import CLIENT, FSOCKOPEN, SERVERS
from ._phpt_ssl import ASYNC, PROTOCOLS, SNI, VERIFY

__all__ = ["SCENARIOS"]

SCENARIOS: list[Scenario] = [
    *FSOCKOPEN,
    *CLIENT,
    *SERVERS,
    *LOOPS,
    *DATAGRAMS,
    *PAIRS,
    *META,
    *VERIFY,
    *PROTOCOLS,
    *ASYNC,
    *SNI,
]
