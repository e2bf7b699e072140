"""Which PHP function(s) a scenario exercises, derived from its name and call steps.

Theory of operation: scenarios are named ``group/what-it-checks`` and call a few
functions, some only to set up (``stream_socket_client`` opening the stream an
``fgets`` scenario reads) or to observe (``is_resource``, ``stream_get_meta_data``).
The subject is found in three tries:

1. functions called by the scenario whose name shares a word with the scenario
   name (``select/...`` -> ``stream_select``, ``.../fwrite-fputs...`` -> ``fwrite``,
   ``fputs``; ``eof`` -> ``feof``); observers count only next to a real subject;
2. else the first call that is neither an observer nor a set-up call such as
   ``stream_context_create`` (the ``parse/*``, ``connect/*`` and ``tls/*``
   scenarios: ``stream_socket_client``), plus any observer the name mentions;
3. else the first call.

``GROUPS`` names the subject of a group no word names (``starttls``) and
``OVERRIDES`` corrects single scenarios this reads wrongly.
"""

from __future__ import annotations

from ._scenario import Call, Loop, Scenario

__all__ = ["GROUPS", "OBSERVERS", "OVERRIDES", "SETUP", "called_functions", "functions_of"]

OBSERVERS = frozenset(
    {
        "is_resource",
        "get_resource_type",
        "get_resource_id",
        "stream_get_meta_data",
        "socket_get_status",
        "stream_socket_get_name",
        "error_get_last",
        "error_clear_last",
    }
)
# Calls that prepare what the subject uses: a subject only when nothing else is called.
SETUP = frozenset({"stream_context_create", "stream_context_set_default"})
# Groups whose subject no word names (``starttls/tls-client`` tests enable_crypto).
GROUPS: dict[str, tuple[str, ...]] = {
    "starttls": ("stream_socket_enable_crypto",),
    # every extsockets scenario works on an imported Socket
    "extsockets": (
        "socket_import_stream",
        "socket_export_stream",
        "socket_set_option",
        "socket_get_option",
        "socket_last_error",
        "socket_clear_error",
        "socket_strerror",
        "socket_close",
    ),
}
# Words too common to name a function.
_STOP = frozenset({"stream", "socket", "get", "set", "and", "not", "the", "with", "for", "data"})
_CLOSED_READS = (
    "fgets",
    "fgetc",
    "stream_get_line",
    "stream_get_contents",
    "stream_socket_recvfrom",
)
_CLOSED_OTHERS = (
    "stream_get_meta_data",
    "stream_set_timeout",
    "stream_set_blocking",
    "stream_socket_sendto",
    "stream_set_read_buffer",
    "feof",
)
OVERRIDES: dict[str, tuple[str, ...]] = {
    "args/closed-resource-reads": _CLOSED_READS,
    "args/closed-resource-meta-and-options": _CLOSED_OTHERS,
    "udp/icmp-refused": ("fwrite",),
    "udp/message-too-long": ("fwrite",),
    "args/arity-and-named-arguments": ("fgetc", "fread", "fgets"),
    "errors/error-get-last-lifecycle": ("error_get_last", "error_clear_last"),
    "errors/deprecation-silenced": ("stream_set_timeout", "fwrite", "fread"),
}


def called_functions(sc: Scenario) -> list[str]:
    """Every function the scenario calls, in first-call order."""
    out: list[str] = []
    for step in sc.steps:
        call = step.call if isinstance(step, Loop) else step
        if isinstance(call, Call) and call.func not in out:
            out.append(call.func)
    return out


def _words(name: str) -> list[str]:
    pieces = name.replace("/", "-").replace("_", "-").split("-")
    return [w for w in pieces if len(w) >= 3 and w not in _STOP]


def _names(function: str, word: str) -> bool:
    return function in (word, "f" + word) or word in function.split("_")


def functions_of(sc: Scenario) -> tuple[str, ...]:
    if sc.name in OVERRIDES:
        return OVERRIDES[sc.name]
    calls = called_functions(sc)
    if not calls:
        return ()
    group = sc.name.partition("/")[0]
    if group in GROUPS:
        return tuple(f for f in GROUPS[group] if f in calls) or tuple(calls[:1])
    words = _words(sc.name)
    named = [f for f in calls if any(_names(f, w) for w in words)]
    subjects = [f for f in named if f not in OBSERVERS]
    observed = [f for f in named if f in OBSERVERS]
    if subjects:
        return tuple(subjects + observed)
    actors = [f for f in calls if f not in OBSERVERS]
    first = next((f for f in actors if f not in SETUP), actors[0] if actors else calls[0])
    return tuple(dict.fromkeys([first, *observed]))
