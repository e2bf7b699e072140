"""A PHP SMTP dialogue ported line for line, against a loopback server it starts itself.

PHP original:

    $fp = fsockopen("127.0.0.1", $port, $errno, $errstr, 5);
    if (!$fp) { die("$errstr ($errno)\n"); }
    echo fgets($fp);
    fwrite($fp, "EHLO client.example\r\n");
    while (($line = fgets($fp)) !== false) { echo $line; if ($line[3] === ' ') break; }
    fwrite($fp, "QUIT\r\n");
    echo fgets($fp);
    fclose($fp);
"""

from __future__ import annotations

import socket
import sys
import threading

from phpstreams import Ref, fclose, fgets, fsockopen, fwrite


def smtp_like_server(listener: socket.socket) -> None:
    """Answer one client with an SMTP-shaped dialogue (banner, EHLO, QUIT)."""
    conn, _ = listener.accept()
    with conn, conn.makefile("rb") as lines:
        conn.sendall(b"220 mail.example ESMTP ready\r\n")
        for line in lines:
            if line.startswith(b"EHLO"):
                conn.sendall(b"250-mail.example\r\n250-STARTTLS\r\n250 SIZE 10240000\r\n")
            elif line.startswith(b"QUIT"):
                conn.sendall(b"221 bye\r\n")
                return


def main() -> int:
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    threading.Thread(target=smtp_like_server, args=(listener,), daemon=True).start()

    errno, errstr = Ref(), Ref()
    fp = fsockopen("127.0.0.1", port, errno, errstr, 5)
    if fp is False:
        print(f"{errstr.value} ({errno.value})")
        return 1
    print(fgets(fp).decode(), end="")  # type: ignore[union-attr]
    fwrite(fp, "EHLO client.example\r\n")
    while (line := fgets(fp)) is not False:
        print(line.decode(), end="")
        if line[3:4] == b" ":
            break
    fwrite(fp, "QUIT\r\n")
    print(fgets(fp).decode(), end="")  # type: ignore[union-attr]
    fclose(fp)
    listener.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
