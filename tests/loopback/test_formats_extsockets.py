"""fscanf/fgetcsv/fputcsv and the ext/sockets bridge over real loopback sockets
(stream_socket_pair, stream_socket_server): what PHP 8.2 does, by the php runs
the catalogues compare (formats, extsockets)."""

from __future__ import annotations

import pytest

from phpstreams import (
    SO_KEEPALIVE,
    SO_LINGER,
    SO_RCVTIMEO,
    SO_TYPE,
    SOCKET_ENOPROTOOPT,
    SOL_SOCKET,
    SOL_TCP,
    STREAM_PF_UNIX,
    STREAM_SOCK_STREAM,
    TCP_NODELAY,
    PHPWarning,
    Ref,
    fclose,
    fgetcsv,
    fgets,
    fputcsv,
    fscanf,
    fwrite,
    get_resource_type,
    socket_clear_error,
    socket_close,
    socket_export_stream,
    socket_get_option,
    socket_import_stream,
    socket_last_error,
    socket_set_option,
    socket_strerror,
    stream_get_meta_data,
    stream_set_chunk_size,
    stream_socket_accept,
    stream_socket_client,
    stream_socket_get_name,
    stream_socket_pair,
    stream_socket_server,
)

CSV = b'id,"multi\nline ""quoted""",x\n\nlast,"open\n'


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 8192])
def test_fgetcsv_whatever_the_fills(chunk: int) -> None:
    pair = stream_socket_pair(STREAM_PF_UNIX, STREAM_SOCK_STREAM, 0)
    assert pair is not False
    writer, reader = pair
    stream_set_chunk_size(reader, chunk)
    fwrite(writer, CSV)
    fclose(writer)
    assert fgetcsv(reader) == [b"id", b'multi\nline "quoted"', b"x"]
    assert fgetcsv(reader) == [None]
    assert fgetcsv(reader) == [b"last", b"open\n"]
    assert fgetcsv(reader) is False
    fclose(reader)


def test_fscanf_and_fputcsv_over_a_pair() -> None:
    pair = stream_socket_pair(STREAM_PF_UNIX, STREAM_SOCK_STREAM, 0)
    assert pair is not False
    a, b = pair
    fwrite(a, b"250 OK ready\n7\nconsumed\n")
    code, text = Ref(), Ref()
    assert fscanf(b, "%d %s", code, text) == 2
    assert (code.value, text.value) == (250, b"OK")
    assert fscanf(b, "%d%d") == [7, None]
    with pytest.raises(ValueError, match=r'^Bad scan conversion character "z"$'):
        fscanf(b, "%z")  # PHP: the line is read (and lost) before the format is checked
    assert fputcsv(a, ["a b", 'c"d', 1.5, None]) == 18
    assert fgets(b) == b'"a b","c""d",1.5,\n'
    fclose(a)
    assert fscanf(b, "%d") is False
    fclose(b)


def _tcp_pair() -> tuple[object, object, object]:
    errno, errstr = Ref(), Ref()
    server = stream_socket_server("tcp://127.0.0.1:0", errno, errstr)
    assert server is not False
    name = stream_socket_get_name(server, False)
    client = stream_socket_client(f"tcp://{name}", errno, errstr, 1.0)
    accepted = stream_socket_accept(server, 1.0)
    assert client is not False and accepted is not False
    return server, client, accepted


def test_import_options_and_export() -> None:
    server, client, accepted = _tcp_pair()
    sock = socket_import_stream(client)
    assert type(sock).__name__ == "Socket"
    assert socket_import_stream(client) is not sock  # a new Socket each time
    assert socket_export_stream(sock) is client
    assert socket_get_option(sock, SOL_SOCKET, SO_TYPE) == 1
    assert socket_set_option(sock, SOL_TCP, TCP_NODELAY, 1) is True
    assert socket_get_option(sock, SOL_TCP, TCP_NODELAY) == 1
    assert socket_set_option(sock, SOL_TCP, TCP_NODELAY, 0) is True
    assert socket_get_option(sock, SOL_TCP, TCP_NODELAY) == 0
    assert socket_set_option(sock, SOL_SOCKET, SO_KEEPALIVE, True) is True
    assert socket_set_option(sock, SOL_SOCKET, SO_LINGER, {"l_onoff": 1, "l_linger": 70000})
    assert socket_get_option(sock, SOL_SOCKET, SO_LINGER) == {"l_onoff": 1, "l_linger": 4464}
    socket_set_option(sock, SOL_SOCKET, SO_RCVTIMEO, {"sec": 1, "usec": 500000})
    assert socket_get_option(sock, SOL_SOCKET, SO_RCVTIMEO) == {"sec": 1, "usec": 500000}
    with pytest.raises(ValueError, match=r'must have key "l_linger"$'):
        socket_set_option(sock, SOL_SOCKET, SO_LINGER, {"l_onoff": 1})
    fwrite(accepted, b"after import\n")
    assert fgets(client) == b"after import\n"
    assert stream_get_meta_data(client)["unread_bytes"] == 0
    for stream in (client, accepted, server):
        fclose(stream)


def test_errors_last_errors_and_close() -> None:
    server, client, accepted = _tcp_pair()
    sock = socket_import_stream(client)
    other = socket_import_stream(client)
    socket_clear_error()
    text = r"^socket_set_option\(\): Unable to set socket option \[92\]: Protocol not available$"
    with pytest.warns(PHPWarning, match=text):
        assert socket_set_option(sock, SOL_SOCKET, 9999, 1) is False
    assert socket_last_error(sock) == socket_last_error() == SOCKET_ENOPROTOOPT
    assert socket_last_error(other) == 0
    socket_clear_error(sock)
    assert (socket_last_error(sock), socket_last_error()) == (0, SOCKET_ENOPROTOOPT)
    assert socket_strerror(-10002) == "Host name lookup failure"
    socket_close(sock)
    assert get_resource_type(client) == "Unknown"
    with pytest.raises(TypeError, match=r"^socket_get_option\(\): Argument #1 \(\$socket\) has"):
        socket_get_option(sock, SOL_SOCKET, SO_TYPE)
    with pytest.warns(PHPWarning, match=r"\[9\]: Bad file descriptor$"):
        assert socket_get_option(other, SOL_SOCKET, SO_TYPE) is False
    with pytest.raises(TypeError, match=r"must be of type Socket, int given$"):
        socket_get_option(42, 1, 1)  # type: ignore[arg-type]
    fclose(accepted)
    fclose(server)
