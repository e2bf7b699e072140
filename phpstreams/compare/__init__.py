"""Compare phpstreams with real PHP 8.2, scenario by scenario.

A scenario is a list of PHP calls written as Python data; the engine renders it
into a PHP script and a Python script (``from phpstreams import *``), runs both
against a fresh loopback peer each, and compares what every step did: return
value, by-reference values, warnings/notices (exact text), exceptions, and, for
timed steps, the elapsed time.

Writing a scenario::

    from phpstreams.compare import call, const, ref, run_scenario, scenario, var

    sc = scenario(
        "connect/refused",
        peer="refused",                      # a peer kind, see peers/, or None
        doc="refused connect: errno 111, one warning",
        steps=[
            call("stream_socket_client", "tcp://127.0.0.1:{port}",
                 ref("errno"), ref("errstr"), 1.0, assign="fp"),
            call("is_resource", var("fp")),
        ],
    )
    result = run_scenario(sc)
    assert result.identical, "\\n".join(result.differences)

Arguments are Python literals (None, bool, int, float, str, bytes, list, dict)
or: ``var(name)`` (a variable set by ``assign=``/``setvar``), ``ref(name)``
(a by-reference slot, recorded after the call), ``const(NAME)`` (combine with
``|`` or ``bor(...)``), ``arr(name, [items])`` (an array passed by reference,
e.g. to stream_select; its values are recorded after the call), ``pint("port")``
(the peer's port as an int; ``pint("port") + 65536`` works) and ``cat(...)``
(string concatenation of strings and ``pint``s).  Strings take the placeholders
``{host} {port} {port2} {path} {tmp}`` (str.format style: double literal braces).

Steps: ``call(func, *args, assign=, silenced=, timed=, **named_args)``,
``loop(call(...), until=False, max=50)``, ``sleep(seconds)``,
``setvar(name, value)``, ``same(a, b)`` (PHP ``===`` identity) and
``last_error()`` (``error_get_last()`` as ``[type, message]``).  A silenced
call (PHP ``@``, phpstreams ``with silence():``) records the diagnostics shown
(none, normally) and ``error_get_last()`` after the call.

Error handlers: ``call("set_error_handler", handler("h", "capture"), const("E_WARNING"))``
installs a user handler (kinds ``capture``, ``fallthrough``, ``void``, ``throw``
with ``message``); every diagnostic it receives is recorded in the step's
``handled`` list.  ``without(const("E_ALL"), const("E_WARNING"))`` is
``E_ALL & ~E_WARNING``.

Scenario options: ``ini={"default_socket_timeout": "2"}`` (ini_set at start),
``mask={"errno"}`` (ref values PHP leaves uninitialised are not compared),
``mask={"ephemeral_ports"}`` (5-digit ports nobody chose read ``{ephemeral}``),
``doc`` (the PHP behaviour it pins), ``tags``, ``timeout`` (per run, seconds).

On the command line (``docs/compare.md``): ``python -m phpstreams compare NAME...``
or ``--all`` runs scenarios side by side and fails on any difference not listed in
``KNOWN_DIFFERENCES``; ``python -m phpstreams matrix`` regenerates compat_matrix.md.
"""

from __future__ import annotations

from ._known import KNOWN_DIFFERENCES, KnownDifference
from ._peers import PeerUnavailable
from ._render_php import render_php
from ._render_py import render_python
from ._runner import (
    PHPUnavailable,
    ScenarioResult,
    php_available,
    php_version,
    require_php,
    run_scenario,
    run_scenarios,
)
from ._scenario import (
    PEER_KINDS,
    Scenario,
    arr,
    bor,
    call,
    cat,
    const,
    handler,
    last_error,
    loop,
    pint,
    ref,
    same,
    scenario,
    setvar,
    sleep,
    var,
    without,
)

__all__ = [
    "KNOWN_DIFFERENCES",
    "PEER_KINDS",
    "KnownDifference",
    "PHPUnavailable",
    "PeerUnavailable",
    "Scenario",
    "ScenarioResult",
    "arr",
    "bor",
    "call",
    "cat",
    "const",
    "handler",
    "last_error",
    "loop",
    "php_available",
    "php_version",
    "pint",
    "ref",
    "render_php",
    "render_python",
    "require_php",
    "run_scenario",
    "run_scenarios",
    "same",
    "scenario",
    "setvar",
    "sleep",
    "var",
    "without",
]
