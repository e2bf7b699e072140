"""IPv6 literals need brackets: PHP splits host:port at the first colon.

PHP original:

    $fp = fsockopen("[::1]", $port, $errno, $errstr, 5);   // not fsockopen("::1", ...)
"""

from __future__ import annotations

import socket
import sys
import warnings

from _peer import serve

from phpstreams import PHPWarning, Ref, fclose, fgets, fsockopen, silence


def main() -> int:
    if not socket.has_ipv6:
        print("no IPv6 here")
        return 0
    try:
        port = serve([b"hello\n"], socket.AF_INET6)
    except OSError:
        print("no IPv6 loopback here")
        return 0
    errno, errstr = Ref(), Ref()
    with warnings.catch_warnings(), silence():
        warnings.simplefilter("ignore", PHPWarning)
        wrong = fsockopen("::1", port, errno, errstr, 1)  # "::1:PORT": host "", getaddrinfo fails
    print(wrong, errstr.value)
    fp = fsockopen("[::1]", port, errno, errstr, 5)
    if fp is False:
        return 1
    print(fgets(fp))
    fclose(fp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
