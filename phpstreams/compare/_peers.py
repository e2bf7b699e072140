"""The peers' entry point: ``start_peer(kind)``, and the kinds there are.

Theory of operation: every kind of peer is registered, at import, by the module
that implements it (``peers/``: see ``peers/__init__.py``), with the function
that starts it; this module imports all of them, so by the time
:func:`start_peer` looks a kind up, every kind is in the one registry.  The
peer modules never import this one (no import cycle).

``TLS_PEER_KINDS`` is every kind registered as a TLS peer; the catalogue
loader checks every scenario's peer against ``REGISTERED_KINDS``.  The constants the
catalogues quote (``LINES``, ``SENDER_PAYLOAD``, ``SINK_BYTES``, ``SNI_NAMES``...)
are re-exported here.
"""

from __future__ import annotations

from .peers import (
    _external,
    _faults,
    _filters,
    _plain,
    _reliability,
    _tls,
    _tls_clients,
    _tls_servers,
)
from .peers._base import Peer, PeerUnavailable, lookup, registered
from .peers._certs import PASSPHRASE, SNI_NAMES, CertSet, TLSPlaceholders, certificates
from .peers._plain import BANNER, BULK, LINES, PARTIAL, SENDER_PAYLOAD
from .peers._tls import TLSPeer
from .peers._tls_servers import GREETING, SINK_BYTES

__all__ = [
    "BANNER",
    "BULK",
    "GREETING",
    "LINES",
    "PARTIAL",
    "PASSPHRASE",
    "PEER_MODULES",
    "REGISTERED_KINDS",
    "SENDER_PAYLOAD",
    "SINK_BYTES",
    "SNI_NAMES",
    "TLS_PEER_KINDS",
    "CertSet",
    "Peer",
    "PeerUnavailable",
    "TLSPeer",
    "TLSPlaceholders",
    "certificates",
    "start_peer",
]

# the modules registering peer kinds (imported for that)
PEER_MODULES = (
    _plain,
    _tls,
    _tls_servers,
    _tls_clients,
    _external,
    _faults,
    _reliability,
    _filters,
)

REGISTERED_KINDS = registered()
TLS_PEER_KINDS = registered(tls=True)


def start_peer(kind: str | None) -> Peer:
    """Start a fresh peer of ``kind`` (None and "none": no server, placeholders only)."""
    name = kind or "none"
    return lookup(name).start(name)
