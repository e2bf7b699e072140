"""predis_client.php's port: Predis's StreamConnection (predis 1.1, MIT licence), its socket
layer ported line for line to phpstreams, against the same redis-server.

Only the PHP stream calls and the RESP parsing around them are ported; the rest of
Predis (Client, command classes) is replaced by a plain list of arguments, as
predis_client.php uses RawCommand. Run: python predis_client.py PORT
"""

from __future__ import annotations

import hashlib
import json
import math
import sys
from typing import Any

from phpstreams import (
    SOL_TCP,
    STREAM_CLIENT_CONNECT,
    TCP_NODELAY,
    Ref,
    StreamResource,
    fclose,
    fgets,
    fread,
    fwrite,
    silence,
    socket_get_option,
    socket_import_stream,
    socket_set_option,
    stream_get_meta_data,
    stream_set_timeout,
    stream_socket_client,
)


class ConnectionError_(Exception):
    """Predis\\Connection\\ConnectionException."""

    def __init__(self, message: str, code: int = 0) -> None:
        super().__init__(message)
        self.code = code


class Status(str):
    """Predis\\Response\\Status."""


class ErrorResponse(str):
    """Predis\\Response\\Error."""


class StreamConnection:
    def __init__(self, parameters: dict[str, Any]) -> None:
        self.parameters = {"scheme": "tcp", **parameters}
        self.resource: StreamResource | None = None

    # -- AbstractConnection --------------------------------------------------------------
    def is_connected(self) -> bool:
        return self.resource is not None

    def connect(self) -> bool:
        if not self.is_connected():
            self.resource = self.create_resource()
            return True
        return False

    def disconnect(self) -> None:
        if self.resource is not None:
            fclose(self.resource)
            self.resource = None

    def get_resource(self) -> StreamResource:
        if self.resource is None:
            self.connect()
        assert self.resource is not None
        return self.resource

    def on_connection_error(self, message: str, code: int = 0) -> None:
        p = self.parameters
        if self.is_connected():  # CommunicationException::handle resets the connection
            self.disconnect()
        raise ConnectionError_(f"{message} [{p['scheme']}://{p['host']}:{p['port']}]", code)

    def execute_command(self, *arguments: Any) -> Any:
        self.write_request(arguments)
        return self.read()

    # -- StreamConnection ----------------------------------------------------------------
    def create_resource(self) -> StreamResource:
        p = self.parameters
        return self.create_stream_socket(f"tcp://{p['host']}:{p['port']}", STREAM_CLIENT_CONNECT)

    def create_stream_socket(self, address: str, flags: int) -> StreamResource:
        p = self.parameters
        timeout = float(p.get("timeout", 5.0))
        errno, errstr = Ref(), Ref()
        with silence():  # @stream_socket_client
            resource = stream_socket_client(address, errno, errstr, timeout, flags)
        if resource is False:
            self.on_connection_error(errstr.value.strip(), errno.value)
        assert resource is not False
        if "read_write_timeout" in p:
            rwtimeout = float(p["read_write_timeout"])
            rwtimeout = rwtimeout if rwtimeout > 0 else -1
            timeout_seconds = math.floor(rwtimeout)
            timeout_useconds = (rwtimeout - timeout_seconds) * 1000000
            # PHP passes the float; an int in Python (the same value: PHP coerces it)
            stream_set_timeout(resource, timeout_seconds, int(timeout_useconds))
        if "tcp_nodelay" in p:
            socket = socket_import_stream(resource)
            assert socket is not False  # PHP: false here is a TypeError in socket_set_option
            socket_set_option(socket, SOL_TCP, TCP_NODELAY, int(p["tcp_nodelay"]))
        return resource

    def write(self, buffer: bytes) -> None:
        socket = self.get_resource()
        while (length := len(buffer)) > 0:
            with silence():  # @fwrite
                written = fwrite(socket, buffer)
            if length == written:
                return
            if written is False or written == 0:
                self.on_connection_error("Error while writing bytes to the server.")
            assert written is not False
            buffer = buffer[written:]

    def read(self) -> Any:
        socket = self.get_resource()
        chunk = fgets(socket)
        if chunk is False or chunk == b"":
            self.on_connection_error("Error while reading line from the server.")
        assert chunk is not False
        prefix = chunk[0:1]
        payload = chunk[1:-2]
        if prefix == b"+":
            return Status(payload.decode())
        if prefix == b"$":
            size = int(payload)
            if size == -1:
                return None
            bulk_data = bytearray()
            size += 2
            bytes_left = size
            while True:
                chunk = fread(socket, min(bytes_left, 4096))
                if chunk is False or chunk == b"":
                    self.on_connection_error("Error while reading bytes from the server.")
                assert chunk is not False
                bulk_data += chunk
                bytes_left = size - len(bulk_data)
                if bytes_left <= 0:
                    break
            return bytes(bulk_data[:-2])
        if prefix == b"*":
            count = int(payload)
            if count == -1:
                return None
            return [self.read() for _ in range(count)]
        if prefix == b":":
            return int(payload)
        if prefix == b"-":
            return ErrorResponse(payload.decode())
        raise ConnectionError_(f"Unknown response prefix: '{prefix.decode()}'.")

    def write_request(self, arguments: tuple[Any, ...]) -> None:
        command_id, *rest = (str(a).encode() if not isinstance(a, bytes) else a for a in arguments)
        buffer = b"*%d\r\n$%d\r\n%s\r\n" % (len(rest) + 1, len(command_id), command_id)
        for argument in rest:
            buffer += b"$%d\r\n%s\r\n" % (len(argument), argument)
        self.write(buffer)


def json_encode(value: Any) -> str:
    """PHP's json_encode() for these values (bytes as strings, "/" escaped)."""

    def plain(v: Any) -> Any:
        if isinstance(v, bytes):
            return v.decode()
        if isinstance(v, list):
            return [plain(x) for x in v]
        return v

    return json.dumps(plain(value), separators=(",", ":")).replace("/", "\\/")


def show(label: str, value: Any) -> None:
    if isinstance(value, Status):
        value = "status:" + value
    elif isinstance(value, ErrorResponse):
        value = "error:" + value
    print(label, "=>", json_encode(value))


def main() -> int:
    port = int(sys.argv[1])
    conn = StreamConnection(
        {"host": "127.0.0.1", "port": port, "read_write_timeout": 2, "tcp_nodelay": True}
    )
    run = conn.execute_command
    show("PING", run("PING"))
    show("FLUSHDB", run("FLUSHDB"))
    show("SET", run("SET", "greeting", "hello\r\nworld"))
    show("GET", run("GET", "greeting"))
    show("GET missing", run("GET", "missing"))
    show("INCR", run("INCR", "counter"))
    show("INCRBY", run("INCRBY", "counter", 41))
    show("RPUSH", run("RPUSH", "list", "a", "b", "c"))
    show("LRANGE", run("LRANGE", "list", 0, -1))
    big = b"0123456789abcdef" * 20000  # 320,000 bytes: many fread() calls
    show("SET big", run("SET", "big", big))
    back = run("GET", "big")
    show("GET big", [len(back), hashlib.md5(back).digest() == hashlib.md5(big).digest()])
    show("wrong type", run("INCR", "list"))
    show("unknown", run("NOSUCHCOMMAND"))
    meta = stream_get_meta_data(conn.get_resource())
    show("meta", [meta["timed_out"], meta["blocked"], meta["eof"], meta["unread_bytes"]])
    socket = socket_import_stream(conn.get_resource())
    assert socket is not False
    show("TCP_NODELAY", socket_get_option(socket, SOL_TCP, TCP_NODELAY))
    show("BLPOP timeout", run("BLPOP", "empty", 1))
    try:
        run("BLPOP", "empty", 3)  # blocks longer than read_write_timeout
    except ConnectionError_ as e:
        show("timed out", str(e))
    show("connected", conn.is_connected())
    conn.disconnect()
    try:
        conn2 = StreamConnection({"host": "127.0.0.1", "port": 1})
        conn2.connect()
    except ConnectionError_ as e:
        show("refused", [str(e), e.code])
    return 0


if __name__ == "__main__":
    sys.exit(main())
