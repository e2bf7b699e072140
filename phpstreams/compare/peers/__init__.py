"""The loopback peers the scenarios talk to, run in threads of the runner's process.

Start them through ``.._peers.start_peer(kind)``, which imports every module
here; the modules only register their kinds (``_base.register``) and never
import ``.._peers``:

* ``_base``: :class:`~._base.Peer` (the bounded, per-run peer every kind builds
  on), ``PeerUnavailable`` and the registry of peer kinds;
* ``_plain``: the plain TCP, UDP and unix kinds;
* ``_certs``: the test certificates and the placeholders naming them;
* ``_tls``: :class:`~._tls.TLSPeer` (a peer with the certificates) and ``tls_none``;
* ``_tls_servers``: the TLS servers, STARTTLS and the handshake troublemakers;
* ``_tls_clients``: clients for the scenario's own TLS servers;
* ``_external``: ``openssl s_server`` and ``aiosmtpd``;
* ``_faults``: peers that fail on purpose (resets, garbage, hang-ups, drips);
* ``_reliability``: peers for the timeouts at every phase (a silent unix server,
  a client that never sends its ClientHello).
"""
