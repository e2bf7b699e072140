"""fsockopen's timeout covers the connect only; reads wait default_socket_timeout.

PHP original:

    $fp = fsockopen("127.0.0.1", $port, $errno, $errstr, 5);  // 5 s: the connect
    stream_set_timeout($fp, 0, 200000);                        // reads: 0.2 s
    $line = fgets($fp);
    var_dump($line, stream_get_meta_data($fp)["timed_out"]);
"""

from __future__ import annotations

import sys

from _peer import serve

from phpstreams import fclose, fgets, fsockopen, stream_get_meta_data, stream_set_timeout


def main() -> int:
    port = serve([], hold=2.0)  # a peer that says nothing
    fp = fsockopen("127.0.0.1", port, None, None, 5)
    if fp is False:
        return 1
    stream_set_timeout(fp, 0, 200000)  # without this, fgets() waits 60 s (the ini default)
    line = fgets(fp)
    print(line, stream_get_meta_data(fp)["timed_out"])  # False True
    fclose(fp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
