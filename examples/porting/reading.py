"""Reading pitfalls: ``.=`` with fgets, ``=== false``, ``$s[0]``, feof loops, echo of bytes.

PHP original:

    $fp = fsockopen("127.0.0.1", $port, $errno, $errstr, 5);
    if ($fp === false) { die("$errstr ($errno)\n"); }
    $out = "";
    while (!feof($fp)) { $out .= fgets($fp); }
    echo $out;
    if ($out[0] === "2") { echo "ok\n"; }
"""

from __future__ import annotations

import sys

from _peer import serve

from phpstreams import Ref, fclose, feof, fgets, fsockopen


def main() -> int:
    port = serve([b"220 ready\r\n", b"250 done\r\n"])
    errno, errstr = Ref(), Ref()
    fp = fsockopen("127.0.0.1", port, errno, errstr, 5)
    if fp is False:  # `=== false` is `is False`: `fp == 0` would also be true for 0
        raise SystemExit(f"{errstr.value} ({errno.value})")  # die()
    out = bytearray()  # `.=` on bytes: a bytearray grows in place
    while not feof(fp):  # the last fgets() returns False at EOF: `or b""`
        out += fgets(fp) or b""
    fclose(fp)
    sys.stdout.buffer.write(out)  # echo of bytes: write them, do not print(b"...")
    if out[0:1] == b"2":  # $s[0] is s[0:1]: out[0] is the int 50
        print("ok")
    print(repr(bytes(out)))  # var_dump($out) -> repr() shows the bytes exactly
    return 0


if __name__ == "__main__":
    sys.exit(main())
