"""465 vs 587: implicit TLS needs tls:// from the first byte; STARTTLS ports start plain.

PHP original:

    $seen = [];
    set_error_handler(function ($no, $text) use (&$seen) {
        $seen[] = $text;
        return true;
    });
    $ctx = stream_context_create(["ssl" => ["cafile" => $cafile,
                                            "peer_name" => "mail.example"]]);
    // 465: TLS from the first byte
    $fp = stream_socket_client("tls://127.0.0.1:$port465", $errno, $errstr, 5,
                               STREAM_CLIENT_CONNECT, $ctx);
    echo fgets($fp);
    // 587 with tls://: the server speaks plain text, the handshake fails
    $seen = [];
    $fp = stream_socket_client("tls://127.0.0.1:$port587", $errno, $errstr, 5,
                               STREAM_CLIENT_CONNECT, $ctx);
    var_dump($fp, $seen);  // false; "wrong version number", "Failed to enable crypto", ...
    // 465 with tcp://: no TLS from the client, the server waits for a handshake: nothing comes
    $fp = stream_socket_client("tcp://127.0.0.1:$port465", $errno, $errstr, 5);
    stream_set_timeout($fp, 0, 300000);
    var_dump(fgets($fp), stream_get_meta_data($fp)["timed_out"]);
"""

from __future__ import annotations

import sys

from _tls_peer import CAFILE, NAME, serve_plain, serve_tls

from phpstreams import (
    STREAM_CLIENT_CONNECT,
    Ref,
    fclose,
    fgets,
    set_error_handler,
    stream_context_create,
    stream_get_meta_data,
    stream_set_timeout,
    stream_socket_client,
)


def main() -> int:
    ctx = stream_context_create({"ssl": {"cafile": CAFILE, "peer_name": NAME}})
    errno, errstr = Ref(), Ref()
    seen: list[str] = []  # the warnings, as a PHP error handler collects them

    def collect(no: int, text: str) -> bool:
        seen.append(text)
        return True  # handled: PHP's standard display is skipped

    set_error_handler(collect)

    port465 = serve_tls()
    fp = stream_socket_client(f"tls://127.0.0.1:{port465}", errno, errstr, 5,
                              STREAM_CLIENT_CONNECT, ctx)
    if fp is False:
        return 1
    sys.stdout.buffer.write(fgets(fp) or b"")  # 220 mail.example ESMTP (TLS)
    fclose(fp)

    port587 = serve_plain()
    seen.clear()
    fp = stream_socket_client(f"tls://127.0.0.1:{port587}", errno, errstr, 5,
                              STREAM_CLIENT_CONNECT, ctx)
    print(fp, *seen, sep="\n  ")  # False, then every warning PHP gives

    port465 = serve_tls()
    fp = stream_socket_client(f"tcp://127.0.0.1:{port465}", errno, errstr, 5)
    if fp is False:
        return 1
    stream_set_timeout(fp, 0, 300000)
    print(fgets(fp), stream_get_meta_data(fp)["timed_out"])  # False True
    fclose(fp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
