"""chunked_gzip.php's port, line for line: an HTTP/1.1 response, chunked and gzipped,
read off a socket through the dechunk and zlib.inflate filters into php://temp (which
spills to a temporary file past 64 KiB), then copied to a file with
stream_copy_to_stream. Run: python chunked_gzip.py PORT FOLDER
"""

from __future__ import annotations

import hashlib
import json
import sys

from phpstreams import (
    SEEK_END,
    STREAM_FILTER_READ,
    Ref,
    fclose,
    feof,
    fgets,
    file_get_contents,
    fopen,
    fread,
    fseek,
    ftell,
    fwrite,
    get_resource_type,
    rewind,
    stream_copy_to_stream,
    stream_filter_append,
    stream_get_meta_data,
    stream_socket_client,
)


def main() -> int:
    port = int(sys.argv[1])
    folder = sys.argv[2]

    errno, errstr = Ref(), Ref()
    fp = stream_socket_client(f"tcp://127.0.0.1:{port}", errno, errstr, 5)
    if fp is False:
        raise SystemExit(f"connect: {errstr.value} ({errno.value})")
    fwrite(fp, "GET /log HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Encoding: gzip\r\n"
               "Connection: close\r\n\r\n")  # fmt: skip
    print("status:", (fgets(fp) or b"").rstrip().decode())
    headers: dict[str, str] = {}
    while (line := fgets(fp)) is not False and line != b"\r\n":
        name, value = line.rstrip().decode().split(":", 1)
        headers[name.lower()] = value.strip()
    print(f"transfer-encoding: {headers['transfer-encoding']}, "
          f"content-encoding: {headers['content-encoding']}")  # fmt: skip
    buffered = stream_get_meta_data(fp)["unread_bytes"] > 0
    print("buffered after the headers:", "yes" if buffered else "no")

    # dechunk first, then inflate; window 31 = 15 + 16: a gzip header and trailer
    dechunk = stream_filter_append(fp, "dechunk", STREAM_FILTER_READ)
    inflate = stream_filter_append(fp, "zlib.inflate", STREAM_FILTER_READ, {"window": 31})
    assert dechunk is not False and inflate is not False
    print(f"filters: {get_resource_type(dechunk)}, {get_resource_type(inflate)}")

    tmp = fopen("php://temp/maxmemory:65536", "r+")
    assert tmp is not False
    copied = stream_copy_to_stream(fp, tmp)
    print(f"copied to php://temp: {copied} bytes, ftell: {ftell(tmp)}, "
          f"feof(socket): {str(feof(fp)).lower()}")  # fmt: skip
    meta = stream_get_meta_data(tmp)
    print(f"temp: {meta['stream_type']} {meta['mode']} seekable={str(meta['seekable']).lower()}")
    fclose(fp)

    print(f"bool({str(rewind(tmp)).lower()})")
    print("first line:", (fgets(tmp) or b"").rstrip().decode())
    print(f"int({fseek(tmp, -30, SEEK_END)})")
    print("last 30 bytes:", json.dumps((fread(tmp, 100) or b"").decode()))
    rewind(tmp)
    out = fopen(f"{folder}/body.txt", "w")
    assert out is not False
    written = stream_copy_to_stream(tmp, out)
    fclose(out)
    fclose(tmp)
    body = file_get_contents(f"{folder}/body.txt")
    assert body is not False
    print(f"written to the file: {written} bytes, read back: {len(body)} bytes, "
          f"md5 {hashlib.md5(body).hexdigest()}")  # fmt: skip
    print("lines:", body.count(b"\n"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
