"""The STARTTLS flow of PHP's manual, ported line for line, against a loopback
SMTP-like server this script starts itself (port 587 style: plain text first,
then TLS after STARTTLS).

PHP original:

    $fp = stream_socket_client("127.0.0.1:$port", $errno, $errstr, 30, STREAM_CLIENT_CONNECT, $ctx);
    if (!$fp) { die("$errstr ($errno)\n"); }
    echo fgets($fp);
    fwrite($fp, "EHLO client.example\r\n");
    while (($line = fgets($fp)) !== false) { echo $line; if ($line[3] === ' ') break; }
    fwrite($fp, "STARTTLS\r\n");
    echo fgets($fp);
    stream_socket_enable_crypto($fp, true, STREAM_CRYPTO_METHOD_TLS_CLIENT);
    ...
"""

from __future__ import annotations

import socket
import ssl
import sys
import threading
from pathlib import Path

from phpstreams import (
    STREAM_CLIENT_CONNECT,
    STREAM_CRYPTO_METHOD_TLS_CLIENT,
    Ref,
    fclose,
    fgets,
    fwrite,
    stream_context_create,
    stream_get_meta_data,
    stream_socket_client,
    stream_socket_enable_crypto,
)

CERTS = Path(__file__).resolve().parent / "certs"


def smtp_server(listener: socket.socket) -> None:
    """One SMTP-shaped session: banner, EHLO, STARTTLS, then EHLO and QUIT over TLS."""
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(CERTS / "demo-server.pem")
    conn, _ = listener.accept()
    conn.sendall(b"220 mail.example.test ESMTP ready\r\n")
    reader = conn.makefile("rb")
    while line := reader.readline():
        if line.startswith(b"EHLO"):
            conn.sendall(b"250-mail.example.test\r\n250-STARTTLS\r\n250 SIZE 10240000\r\n")
        elif line.startswith(b"STARTTLS"):
            conn.sendall(b"220 Ready to start TLS\r\n")
            reader.close()
            conn = tls.wrap_socket(conn, server_side=True)
            reader = conn.makefile("rb")
        elif line.startswith(b"QUIT"):
            conn.sendall(b"221 bye\r\n")
            break
    reader.close()
    conn.close()


def read_reply(fp: object) -> None:
    while (line := fgets(fp)) is not False:  # type: ignore[arg-type]
        print("S:", line.decode().rstrip())
        if line[3:4] == b" ":
            break


def main() -> int:
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    threading.Thread(target=smtp_server, args=(listener,), daemon=True).start()

    # PHP verifies the peer by default; the demo CA is the one to trust here.
    ctx = stream_context_create({"ssl": {"cafile": str(CERTS / "demo-ca.pem")}})
    errno, errstr = Ref(), Ref()
    fp = stream_socket_client(f"127.0.0.1:{port}", errno, errstr, 30, STREAM_CLIENT_CONNECT, ctx)
    if fp is False:
        print(f"{errstr.value} ({errno.value})")
        return 1
    read_reply(fp)
    fwrite(fp, "EHLO client.example\r\n")
    read_reply(fp)
    fwrite(fp, "STARTTLS\r\n")
    read_reply(fp)
    if stream_socket_enable_crypto(fp, True, STREAM_CRYPTO_METHOD_TLS_CLIENT) is not True:
        print("TLS negotiation failed")
        return 1
    print("-- TLS:", stream_get_meta_data(fp)["crypto"])
    fwrite(fp, "EHLO client.example\r\n")
    read_reply(fp)
    fwrite(fp, "QUIT\r\n")
    read_reply(fp)
    fclose(fp)
    listener.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
