"""phpt catalogue: php-src's own tests (the P0 rows of the peer-suite inventory).

Every scenario is named ``phpt/<test>`` and its ``doc`` names the ``.phpt`` file
it transliterates; what PHP does is whatever real PHP records when the scenario
runs -- never the test's ``--EXPECT--`` text.  The peers added for it are in
``_peers.py`` (``free_port``, the ``*_sender`` clients, ``gh11418``, ``gh13860``)
and ``_tlspeers.py`` (``tls_cnwildcard``, ``tls_sanonly``, ``tls_sancn``,
``tls_any_echo``, ``tls10_rsa_echo``, ``tls_sni``, ``tls12_slow_sink``).
``docs/phpt-coverage.md`` maps every P0 test to the scenarios pinning it.
"""

from __future__ import annotations

from .._scenario import Scenario
from ._phpt import PHPT

__all__ = ["SCENARIOS"]

SCENARIOS: list[Scenario] = [*PHPT]
