"""TLS catalogue: ssl://, tls://, tlsv1.x:// connects, the ssl context options,
stream_socket_enable_crypto (STARTTLS), I/O on TLS streams and TLS servers.

Every scenario names the PHP 8.2 behaviour it pins (``doc``); what PHP actually
does is whatever real PHP records when the scenario runs -- nothing here states
an expected output.  The peers (TLS servers, a STARTTLS server, clients for the
scenario's own TLS servers) and the test certificates are in ``peers/`` (``_tls*.py``,
``_certs.py``, ``_external.py``).
"""

from __future__ import annotations

from .._scenario import Scenario
from ._tls_connect import CONNECT, VERIFY
from ._tls_io import TLS_IO
from ._tls_options import CAPTURE, FINGERPRINT, PROTOCOL
from ._tls_server import SERVER
from ._tls_starttls import STARTTLS

__all__ = ["SCENARIOS"]

SCENARIOS: list[Scenario] = [
    *CONNECT,
    *VERIFY,
    *FINGERPRINT,
    *CAPTURE,
    *PROTOCOL,
    *STARTTLS,
    *TLS_IO,
    *SERVER,
]
