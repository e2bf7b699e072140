"""peer_name when connecting by IP: the name checked is the address's host.

PHP original:

    $seen = [];
    set_error_handler(function ($no, $text) use (&$seen) {
        $seen[] = $text;
        return true;
    });
    $ctx = stream_context_create(["ssl" => ["cafile" => $cafile]]);
    $fp = stream_socket_client("tls://127.0.0.1:$port", $errno, $errstr, 5,
                               STREAM_CLIENT_CONNECT, $ctx);
    var_dump($fp, $seen);  // false: the certificate names mail.example, not 127.0.0.1
    $ctx = stream_context_create(["ssl" => ["cafile" => $cafile,
                                            "peer_name" => "mail.example"]]);
    $fp = stream_socket_client("tls://127.0.0.1:$port", $errno, $errstr, 5,
                               STREAM_CLIENT_CONNECT, $ctx);
    echo fgets($fp);                                // 220 mail.example ESMTP (TLS)
"""

from __future__ import annotations

import sys

from _tls_peer import CAFILE, NAME, serve_tls

from phpstreams import (
    STREAM_CLIENT_CONNECT,
    Ref,
    fclose,
    fgets,
    set_error_handler,
    stream_context_create,
    stream_socket_client,
)


def main() -> int:
    errno, errstr = Ref(), Ref()
    seen: list[str] = []  # the warnings, as a PHP error handler collects them

    def collect(no: int, text: str) -> bool:
        seen.append(text)
        return True  # handled: PHP's standard display is skipped

    set_error_handler(collect)
    port = serve_tls()
    ctx = stream_context_create({"ssl": {"cafile": CAFILE}})
    seen.clear()
    fp = stream_socket_client(f"tls://127.0.0.1:{port}", errno, errstr, 5,
                              STREAM_CLIENT_CONNECT, ctx)
    print(fp, *seen, sep="\n  ")  # False, then every warning PHP gives

    port = serve_tls()
    ctx = stream_context_create({"ssl": {"cafile": CAFILE, "peer_name": NAME}})
    fp = stream_socket_client(f"tls://127.0.0.1:{port}", errno, errstr, 5,
                              STREAM_CLIENT_CONNECT, ctx)
    if fp is False:
        return 1
    sys.stdout.buffer.write(fgets(fp) or b"")  # 220 mail.example ESMTP (TLS)
    fclose(fp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
