"""Extsockets catalogue: the ext/sockets bridge -- socket_import_stream() over
client, accepted, server, UDP, unix and TLS streams, socket_export_stream(),
socket_get_option()/socket_set_option() for every option the bridge handles,
the errors and last errors, socket_strerror() and the constants.

PHP runs with the sockets extension loaded (``php -n -d extension=sockets``:
``Scenario.php_extensions``). Every scenario names the PHP 8.2 behaviour it
pins (``doc``); what PHP does is whatever real PHP records when it runs.
"""

from __future__ import annotations

from .._scenario import Scenario
from ._extsockets import IMPORT
from ._extsockets_options import ERRORS, OPTIONS

__all__ = ["SCENARIOS"]

SCENARIOS: list[Scenario] = [*IMPORT, *OPTIONS, *ERRORS]
