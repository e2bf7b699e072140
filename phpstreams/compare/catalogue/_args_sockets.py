"""Coercive typing of the stream-control and socket functions' arguments.

stream_set_timeout/blocking/chunk_size/read_buffer/write_buffer, stream_select,
stream_socket_client/server/accept/recvfrom/sendto/shutdown, fsockopen and
stream_socket_enable_crypto: each parameter with one value class per scenario
(see ``_args_io``), and non-streams as the stream.  Where a coerced value's
effect is visible it is observed: the ``blocked`` flag after
stream_set_blocking, the read timeout after stream_set_timeout (a 0.3 s timed
read, as the I/O catalogue's timeouts), the bytes a coerced length took, the
echo of what sendto sent.
"""

from __future__ import annotations

from .._scenario import Arg, Scenario, Step, arr, call, const, ref, setvar, var
from ._args_io import not_a_stream
from ._helpers import E, S
from ._rules_helpers import FP, SRV, each, echoed, rule_scenario, server, tcp, vals
from ._tls_helpers import context

__all__ = ["ARGS_SOCKETS"]

_TAGS = ("args", "coercion")
NAN, INF = float("nan"), float("inf")


def _on(
    peer: str, name: str, doc: str, steps: list[Step], *, mask: tuple[str, ...] = ()
) -> Scenario:
    return rule_scenario(name, peer=peer, doc=doc, tags=_TAGS, steps=[tcp(), *steps], mask=mask)


def _meta() -> Step:
    return call("stream_get_meta_data", FP)


def _blocking(values: list[Arg]) -> list[Step]:
    """stream_set_blocking($fp, v), then the meta data (its ``blocked`` flag), per value."""
    out: list[Step] = []
    for value in values:
        out += [call("stream_set_blocking", FP, value), _meta()]
    return out


def _select(
    read: list[Arg] | None, write: list[Arg] | None, *rest: Arg, timed: bool = False
) -> Step:
    return call(
        "stream_select", arr("r", read), arr("w", write), arr("e", None), *rest, timed=timed
    )


TIMEOUT: list[Scenario] = [
    _on(
        "silent",
        "args/stream-set-timeout-seconds-coerced",
        "stream_set_timeout seconds '1', 1.0, ' 2', true: true; 1.5 E_DEPRECATED (loses "
        "precision); null E_DEPRECATED (Passing null to parameter #2); socket_set_timeout too",
        [
            *each("stream_set_timeout", ["1", 1.0, " 2", True, 1.5, None], FP),
            call("socket_set_timeout", FP, "1"),
        ],
    ),
    _on(
        "silent",
        "args/stream-set-timeout-seconds-invalid",
        "stream_set_timeout seconds 'abc', '1x', 1e20, NAN, [] : TypeError (must be of type int)",
        each("stream_set_timeout", ["abc", "1x", 1e20, NAN, []], FP),
    ),
    _on(
        "silent",
        "args/stream-set-timeout-microseconds-coerced",
        "stream_set_timeout microseconds '300000', 300000.0, false, ' 0' : true; 2.5 and null "
        "E_DEPRECATED; then (false, '300000'): a read times out after 0.3 s",
        [
            *each("stream_set_timeout", ["300000", 300000.0, False, " 0", 2.5, None], FP, 0),
            call("stream_set_timeout", FP, False, "300000"),
            call("fread", FP, 10, timed=True),
            _meta(),
        ],
    ),
    _on(
        "silent",
        "args/stream-set-timeout-microseconds-invalid",
        "stream_set_timeout microseconds 'abc', [], 1e20 : TypeError (Argument #3)",
        each("stream_set_timeout", ["abc", [], 1e20], FP, 1),
    ),
    not_a_stream("args/stream-set-timeout-stream-not-a-stream", "stream_set_timeout", 1),
]

BLOCKING: list[Scenario] = [
    _on(
        "silent",
        "args/stream-set-blocking-numbers",
        "stream_set_blocking 0, 0.0, -0.0 are false; 2, -1, 0.5, NAN are true (the meta data's "
        "blocked flag follows)",
        _blocking([0, 2, 0.0, -1, -0.0, 0.5, 0, NAN]),
    ),
    _on(
        "silent",
        "args/stream-set-blocking-strings",
        "stream_set_blocking '0' and '' are false; '0.0', ' ', 'false', 'abc' are true",
        _blocking(["0", "0.0", "", " ", "0", "false", "", "abc"]),
    ),
    _on(
        "silent",
        "args/stream-set-blocking-null-and-array",
        "stream_set_blocking null: E_DEPRECATED (of type bool), then false; []: TypeError "
        "(must be of type bool, array given), the flag unchanged",
        _blocking([None, True, []]),
    ),
    not_a_stream(
        "args/stream-set-blocking-stream-not-a-stream",
        "stream_set_blocking",
        True,
        extra=(),
    ),
]

BUFFERS: list[Scenario] = [
    _on(
        "listen",
        "args/stream-set-chunk-size-coerced",
        "stream_set_chunk_size '10', 100.0, ' 50', true (1) return the previous size; 10.5 "
        "E_DEPRECATED then 10",
        each("stream_set_chunk_size", ["10", 100.0, " 50", True, 10.5, 8192], FP),
    ),
    _on(
        "listen",
        "args/stream-set-chunk-size-invalid",
        "stream_set_chunk_size 'abc', 1e20, [] : TypeError; null (E_DEPRECATED), false, -0.0 "
        "are 0: ValueError (must be greater than 0)",
        [*each("stream_set_chunk_size", ["abc", 1e20, [], None, False, -0.0], FP)],
    ),
    not_a_stream("args/stream-set-chunk-size-stream-not-a-stream", "stream_set_chunk_size", 10),
    _on(
        "listen",
        "args/stream-set-read-buffer-coerced",
        "stream_set_read_buffer '0', 0.0, ' 8192', true, false: 0; 0.5 and null E_DEPRECATED",
        each("stream_set_read_buffer", ["0", 0.0, " 8192", True, False, 0.5, None], FP),
    ),
    _on(
        "listen",
        "args/stream-set-read-buffer-invalid",
        "stream_set_read_buffer 'abc', '0x', 1e20, [] : TypeError (must be of type int)",
        each("stream_set_read_buffer", ["abc", "0x", 1e20, []], FP),
    ),
    not_a_stream("args/stream-set-read-buffer-stream-not-a-stream", "stream_set_read_buffer", 0),
    _on(
        "listen",
        "args/stream-set-write-buffer-coerced",
        "stream_set_write_buffer '0', 8192.0, ' 0', true, false (-1 on a socket); 0.5 and null "
        "E_DEPRECATED; set_file_buffer the same",
        [
            *each("stream_set_write_buffer", ["0", 8192.0, " 0", True, False, 0.5, None], FP),
            call("set_file_buffer", FP, "0"),
            call("set_file_buffer", FP, None),
        ],
    ),
    _on(
        "listen",
        "args/stream-set-write-buffer-invalid",
        "stream_set_write_buffer 'abc', 1e20, [] : TypeError; set_file_buffer 'abc' too",
        [*each("stream_set_write_buffer", ["abc", 1e20, []], FP), call("set_file_buffer", FP, "x")],
    ),
    not_a_stream("args/stream-set-write-buffer-stream-not-a-stream", "stream_set_write_buffer", 0),
]

SELECT: list[Scenario] = [
    _on(
        "listen",
        "args/stream-select-seconds-coerced",
        "stream_select seconds '0', 0.0, false, ' 0': 1 (write-ready); 0.5 E_DEPRECATED then 0; "
        "null (nullable) waits, but the socket is write-ready: 1",
        [_select(None, [FP], value) for value in vals("0", 0.0, False, " 0", 0.5, None)],
    ),
    _on(
        "listen",
        "args/stream-select-seconds-invalid",
        "stream_select seconds 'abc', 1e20, [] : TypeError (must be of type ?int); '-1' : "
        "ValueError (must be greater than or equal to 0)",
        [_select(None, [FP], value) for value in vals("abc", 1e20, [], "-1")],
    ),
    _on(
        "silent",
        "args/stream-select-microseconds-coerced",
        "stream_select microseconds '300000' waits 0.3 s then 0; 0.0, false, null (nullable) "
        "are 0; 0.5 E_DEPRECATED then 0",
        [
            _select([FP], None, 0, "300000", timed=True),
            *[_select([FP], None, 0, value) for value in vals(0.0, False, None, 0.5)],
        ],
    ),
    _on(
        "silent",
        "args/stream-select-microseconds-invalid",
        "stream_select microseconds 'abc', [], 1e20 : TypeError (Argument #5); '-1' : ValueError",
        [_select([FP], None, 0, value) for value in vals("abc", [], 1e20, "-1")],
    ),
    _on(
        "listen",
        "args/stream-select-array-members",
        "stream_select arrays holding only false, null, 0, 'fp' or a context: ValueError (No "
        "stream arrays were passed); false next to a stream: TypeError (not a valid stream)",
        [
            call("stream_context_create", assign="ctx"),
            *[_select(None, [value], 0) for value in vals(False, None, 0, "fp", var("ctx"))],
            _select(None, [False, FP], 0),
        ],
    ),
    _on(
        "listen",
        "args/stream-select-arrays-not-arrays",
        "stream_select given a string, an int, false or true where an array (by reference) goes: "
        "TypeError (must be of type ?array)",
        [
            setvar("r", None),
            setvar("e", None),
            *[
                step
                for value in vals("abc", 0, False, True)
                for step in (
                    setvar("w", value),
                    call("stream_select", var("r"), var("w"), var("e"), 0),
                )
            ],
        ],
    ),
]

CLIENT_URL = "tcp://127.0.0.1:{port}"


def _client(*rest: Arg, url: Arg = CLIENT_URL) -> Step:
    return call("stream_socket_client", url, E, S, *rest)


CLIENT: list[Scenario] = [
    rule_scenario(
        "args/stream-socket-client-timeout-coerced",
        peer="echo",
        tags=_TAGS,
        doc="stream_socket_client timeout '1', '1.5', 1, true (1.0), ' 2', '1e0', '-1' connect "
        "(a float parameter: no deprecation for fractions)",
        steps=[_client(value) for value in vals("1", "1.5", 1, True, " 2", "1e0", "-1")],
    ),
    rule_scenario(
        "args/stream-socket-client-timeout-invalid",
        peer="echo",
        tags=_TAGS,
        doc="stream_socket_client timeout 'abc', '1s', [] : TypeError (must be of type ?float), "
        "$errno and $errstr untouched",
        steps=[_client(value) for value in vals("abc", "1s", [])],
    ),
    rule_scenario(
        "args/stream-socket-client-address-coerced",
        peer="echo",
        tags=_TAGS,
        doc="stream_socket_client address 42, true, 4.5: their text, 'Failed to parse address'; "
        "null: E_DEPRECATED then ''; []: TypeError",
        steps=[_client(1.0, url=value) for value in vals(42, True, 4.5, None, [])],
    ),
    rule_scenario(
        "args/stream-socket-client-flags-coerced",
        peer="echo",
        tags=_TAGS,
        doc="stream_socket_client flags '4', 4.0, ' 4' (CONNECT) connect; 4.5 E_DEPRECATED then "
        "4; false and '0' (no CONNECT flag) still give a stream; null E_DEPRECATED then 0",
        steps=[_client(1.0, value) for value in vals("4", 4.0, " 4", 4.5, False, "0", None)],
    ),
    rule_scenario(
        "args/stream-socket-client-flags-invalid",
        peer="echo",
        tags=_TAGS,
        doc="stream_socket_client flags 'abc', [], 1e20 : TypeError (Argument #5)",
        steps=[_client(1.0, value) for value in vals("abc", [], 1e20)],
    ),
    rule_scenario(
        "args/stream-socket-client-context-invalid",
        peer="echo",
        tags=_TAGS,
        doc="stream_socket_client context false, 'ctx', 1, [] : TypeError (resource or null); "
        "null connects; a stream as context: 'supplied resource is not a valid Stream-Context'",
        steps=[
            *[_client(1.0, 4, value) for value in vals(False, "ctx", 1, [], None)],
            tcp(),
            _client(1.0, 4, FP),
        ],
    ),
    rule_scenario(
        "args/stream-socket-client-refs-preset",
        peer="refused",
        tags=_TAGS,
        doc="$errno and $errstr holding an array and a float before the call are overwritten "
        "(111, 'Connection refused'); so are they on success",
        steps=[
            setvar("errno", [1, 2]),
            setvar("errstr", 4.5),
            _client(1.0),
        ],
    ),
]

SERVER: list[Scenario] = [
    rule_scenario(
        "args/stream-socket-server-flags-coerced",
        peer=None,
        tags=_TAGS,
        doc="stream_socket_server flags '12', 12.0, ' 12' (BIND|LISTEN), '4' (BIND only); 12.5 "
        "E_DEPRECATED then 12; false and null (E_DEPRECATED) are 0",
        steps=[
            call("stream_socket_server", "tcp://127.0.0.1:0", E, S, value)
            for value in vals("12", 12.0, " 12", "4", 12.5, False, None)
        ],
    ),
    rule_scenario(
        "args/stream-socket-server-flags-invalid",
        peer=None,
        tags=_TAGS,
        doc="stream_socket_server flags 'abc', [], 1e20 : TypeError (Argument #4)",
        steps=[
            call("stream_socket_server", "tcp://127.0.0.1:0", E, S, value)
            for value in vals("abc", [], 1e20)
        ],
    ),
    rule_scenario(
        "args/stream-socket-server-address-coerced",
        peer=None,
        tags=_TAGS,
        doc="stream_socket_server address 42, true, 4.5: their text, 'Failed to parse address'; "
        "null E_DEPRECATED then ''; [] : TypeError",
        steps=[
            call("stream_socket_server", value, E, S) for value in vals(42, True, 4.5, None, [])
        ],
    ),
    rule_scenario(
        "args/stream-socket-server-context-invalid",
        peer=None,
        tags=_TAGS,
        doc="stream_socket_server context false, 'ctx', 1 : TypeError; null binds",
        steps=[
            call("stream_socket_server", "tcp://127.0.0.1:0", E, S, 12, value)
            for value in vals(False, "ctx", 1, None)
        ],
    ),
    rule_scenario(
        "args/stream-socket-accept-timeout-coerced",
        peer="free_port",
        tags=_TAGS,
        mask=("ephemeral_ports",),
        doc="stream_socket_accept timeout '0', 0.0, false: nothing pending, 'Accept failed: "
        "Connection timed out' at once; ' 0.3' waits 0.3 s; with a client waiting '1.5' accepts",
        steps=[
            server("tcp://127.0.0.1:{port}"),
            *[call("stream_socket_accept", SRV, value) for value in vals("0", 0.0, False)],
            call("stream_socket_accept", SRV, " 0.3", timed=True),
            tcp(),
            call("stream_socket_accept", SRV, "1.5", ref("peer")),
        ],
    ),
    rule_scenario(
        "args/stream-socket-accept-timeout-invalid",
        peer=None,
        tags=_TAGS,
        doc="stream_socket_accept timeout 'abc', '1s', [] : TypeError (must be of type ?float)",
        steps=[server(), *[call("stream_socket_accept", SRV, v) for v in vals("abc", "1s", [])]],
    ),
    not_a_stream("args/stream-socket-accept-socket-not-a-stream", "stream_socket_accept", 0),
]

RAW: list[Scenario] = [
    _on(
        "lines",
        "args/stream-socket-recvfrom-length-coerced",
        "stream_socket_recvfrom length '5', 5.0, ' 5', true (1) receive; 5.5 E_DEPRECATED then "
        "5; null E_DEPRECATED then 0 (ValueError)",
        each("stream_socket_recvfrom", ["5", 5.0, " 5", True, 5.5, None], FP),
    ),
    _on(
        "lines",
        "args/stream-socket-recvfrom-length-invalid",
        "stream_socket_recvfrom length 'abc', 1e20, [] : TypeError; false (0) : ValueError",
        [*each("stream_socket_recvfrom", ["abc", 1e20, [], False], FP), call("fread", FP, 5)],
    ),
    _on(
        "lines",
        "args/stream-socket-recvfrom-flags-coerced",
        "stream_socket_recvfrom flags '2' and 2.0 (STREAM_PEEK) peek; '0', false, ' 0' read; "
        "null and 0.5 E_DEPRECATED then 0",
        each("stream_socket_recvfrom", ["2", 2.0, "0", False, " 0", None, 0.5], FP, 3),
    ),
    _on(
        "lines",
        "args/stream-socket-recvfrom-flags-invalid",
        "stream_socket_recvfrom flags 'abc', [], 1e20 : TypeError (Argument #3)",
        each("stream_socket_recvfrom", ["abc", [], 1e20], FP, 3),
    ),
    not_a_stream("args/stream-socket-recvfrom-socket-not-a-stream", "stream_socket_recvfrom", 5),
    rule_scenario(
        "args/stream-socket-sendto-data-coerced",
        peer="echo",
        tags=_TAGS,
        doc="stream_socket_sendto data 42, 4.5, -0.0, true send their text, false nothing; null "
        "E_DEPRECATED, nothing; [] TypeError; the echo shows the bytes",
        steps=[
            tcp(),
            *each("stream_socket_sendto", [42, 4.5, -0.0, True, False, None, []], FP),
            *echoed(),
        ],
    ),
    rule_scenario(
        "args/stream-socket-sendto-flags-coerced",
        peer="echo",
        tags=_TAGS,
        doc="stream_socket_sendto flags '0', 0.0, false: sent; null and 0.5 E_DEPRECATED then 0; "
        "'abc' and [] TypeError",
        steps=[
            tcp(),
            *each("stream_socket_sendto", ["0", 0.0, False, None, 0.5, "abc", []], FP, "x"),
            *echoed(),
        ],
    ),
    rule_scenario(
        "args/stream-socket-sendto-address-coerced",
        peer="udp_echo",
        tags=_TAGS,
        doc="UDP stream_socket_sendto address '127.0.0.1:{port}' sends; false is '' (the "
        "connected peer); null E_DEPRECATED then ''; 42 'Failed to parse'; [] TypeError",
        steps=[
            call("stream_socket_client", "udp://127.0.0.1:{port}", E, S, assign="fp"),
            call("stream_socket_sendto", FP, "a", 0, "127.0.0.1:{port}"),
            *each("stream_socket_sendto", [False, None, 42, []], FP, "b", 0),
            call("stream_socket_recvfrom", FP, 10),
            call("stream_socket_recvfrom", FP, 10),
            call("stream_socket_recvfrom", FP, 10),
        ],
    ),
    not_a_stream("args/stream-socket-sendto-socket-not-a-stream", "stream_socket_sendto", "x"),
    _on(
        "silent",
        "args/stream-socket-shutdown-mode-coerced",
        "stream_socket_shutdown mode '0', 1.0, true (1), ' 2': true; 1.5 E_DEPRECATED then 1; "
        "null E_DEPRECATED then 0 (SHUT_RD)",
        each("stream_socket_shutdown", ["0", 1.0, True, " 2", 1.5, None], FP),
    ),
    _on(
        "silent",
        "args/stream-socket-shutdown-mode-invalid",
        "stream_socket_shutdown mode 'abc', [], 1e20 : TypeError; '3' and -1.0 : ValueError",
        each("stream_socket_shutdown", ["abc", [], 1e20, "3", -1.0], FP),
    ),
    not_a_stream(
        "args/stream-socket-shutdown-stream-not-a-stream",
        "stream_socket_shutdown",
        const("STREAM_SHUT_RDWR"),
    ),
]


def _fso(host: Arg, *rest: Arg) -> Step:
    return call("fsockopen", host, *rest)


FSOCKOPEN: list[Scenario] = [
    rule_scenario(
        "args/fsockopen-port-coerced",
        peer="echo",
        tags=_TAGS,
        doc="fsockopen port '{port}', ' {port}', '{port} ', '{port}.0' connect; '{port}.5' "
        "E_DEPRECATED float-string then connects",
        steps=[
            _fso("127.0.0.1", value, E, S, 1.0)
            for value in vals("{port}", " {port}", "{port} ", "{port}.0", "{port}.5")
        ],
    ),
    rule_scenario(
        "args/fsockopen-port-invalid",
        peer="echo",
        tags=_TAGS,
        doc="fsockopen port 'abc', '{port}x', [], 1e20 : TypeError (must be of type int)",
        steps=[_fso("127.0.0.1", value, E, S, 1.0) for value in vals("abc", "{port}x", [], 1e20)],
    ),
    rule_scenario(
        "args/fsockopen-port-null-and-false",
        peer="echo",
        tags=_TAGS,
        doc="fsockopen port null E_DEPRECATED then 0, false is 0: the host alone, 'Failed to "
        "parse address'",
        steps=[_fso("127.0.0.1", value, E, S, 1.0) for value in vals(None, False)],
    ),
    rule_scenario(
        "args/fsockopen-timeout-coerced",
        peer="echo",
        tags=_TAGS,
        doc="fsockopen timeout '1', '1.5', true, ' 1', null (default_socket_timeout) connect",
        steps=[
            _fso("127.0.0.1", "{port}", E, S, value) for value in vals("1", "1.5", True, " 1", None)
        ],
    ),
    rule_scenario(
        "args/fsockopen-timeout-invalid",
        peer="echo",
        tags=_TAGS,
        doc="fsockopen timeout 'abc', '1s', [] : TypeError (must be of type ?float)",
        steps=[_fso("127.0.0.1", "{port}", E, S, value) for value in vals("abc", "1s", [])],
    ),
    rule_scenario(
        "args/fsockopen-hostname-coerced",
        peer=None,
        tags=_TAGS,
        doc="fsockopen hostname 42, true, 4.5 (no port): their text, 'Failed to parse address'; "
        "null E_DEPRECATED then '' ; [] : TypeError",
        steps=[_fso(value, -1, E, S, 1.0) for value in vals(42, True, 4.5, None, [])],
    ),
]

CA: dict[str, Arg] = {"cafile": "{cafile}"}


def _crypto(*args: Arg) -> Step:
    return call("stream_socket_enable_crypto", FP, *args)


def _plain_to_tls() -> list[Step]:
    return [
        context(CA),
        call(
            "stream_socket_client",
            "tcp://127.0.0.1:{port}",
            E,
            S,
            5.0,
            const("STREAM_CLIENT_CONNECT"),
            var("ctx"),
            assign="fp",
        ),
    ]


def _tls(name: str, doc: str, steps: list[Step]) -> Scenario:
    return rule_scenario(
        name, peer="tls_echo", tags=(*_TAGS, "tls"), doc=doc, steps=[*_plain_to_tls(), *steps]
    )


CRYPTO: list[Scenario] = [
    _tls(
        "args/stream-socket-enable-crypto-method-string",
        "stream_socket_enable_crypto(true, '121') (TLS_CLIENT as a numeric string) "
        "upgrades; the greeting arrives over TLS",
        [_crypto(True, "121"), call("fgets", FP)],
    ),
    _tls(
        "args/stream-socket-enable-crypto-method-float",
        "stream_socket_enable_crypto method 121.5: E_DEPRECATED (loses precision), then the "
        "upgrade succeeds",
        [_crypto(True, 121.5), call("fgets", FP)],
    ),
    _tls(
        "args/stream-socket-enable-crypto-enable-coerced",
        "stream_socket_enable_crypto enable '1' and 1 are true: the first upgrades, the second "
        "is 'already set-up' (a warning, false)",
        [
            _crypto("1", const("STREAM_CRYPTO_METHOD_TLS_CLIENT")),
            _crypto(1, 121),
            call("fgets", FP),
        ],
    ),
    _tls(
        "args/stream-socket-enable-crypto-invalid",
        "stream_socket_enable_crypto enable [] ; method 'abc', [], 1e20 ; session_stream false, "
        "'x' : TypeError, no handshake; enable null (E_DEPRECATED) and '' are false: disabling "
        "a plain stream, false",
        [
            _crypto([], 121),
            *[_crypto(True, value) for value in vals("abc", [], 1e20)],
            *[_crypto(True, 121, value) for value in vals(False, "x")],
            _crypto(None),
            _crypto("", 121),
        ],
    ),
    not_a_stream(
        "args/stream-socket-enable-crypto-stream-not-a-stream",
        "stream_socket_enable_crypto",
        True,
        const("STREAM_CRYPTO_METHOD_TLS_CLIENT"),
    ),
]

ARGS_SOCKETS: list[Scenario] = [
    *TIMEOUT,
    *BLOCKING,
    *BUFFERS,
    *SELECT,
    *CLIENT,
    *SERVER,
    *RAW,
    *FSOCKOPEN,
    *CRYPTO,
]
