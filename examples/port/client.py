"""client.php ported line for line to phpstreams: a client and a server over loopback.

Compare the two: python -m phpstreams compare examples/port/client.php examples/port/client.py
"""

import sys

from phpstreams import (
    Ref,
    fclose,
    feof,
    fgets,
    fread,
    fwrite,
    stream_get_meta_data,
    stream_set_timeout,
    stream_socket_accept,
    stream_socket_client,
    stream_socket_get_name,
    stream_socket_server,
)


def var_export(value: object) -> str:
    """PHP's var_export($value, true) for the values printed here."""
    if value is True or value is False:
        return "true" if value else "false"
    return repr(value)


errno, errstr, peer = Ref(), Ref(), Ref()

server = stream_socket_server("tcp://127.0.0.1:0", errno, errstr)
address = False if server is False else stream_socket_get_name(server, False)
if server is False or address is False:
    print(f"server failed: {errstr.value} ({errno.value})")
    sys.exit(1)
print(f"listening on {address}")

client = stream_socket_client(f"tcp://{address}", errno, errstr, 5)
print(f"client connected: {'yes' if client is not False else 'no'}, "
      f"errno={errno.value}, errstr='{errstr.value}'")  # fmt: skip
conn = stream_socket_accept(server, 5, peer)
if client is False or conn is False:
    sys.exit(1)
print("accepted a peer from", peer.value[: peer.value.rindex(":")])

# The client speaks first, line by line.
fwrite(client, "HELO client.example\r\n")
fwrite(client, "DATA\r\nsecond line\r\n")
while (line := fgets(conn)) is not False:
    print(f"server got: {line.rstrip().decode()} ({len(line)} bytes)")
    if line.rstrip() == b"second line":
        break
fwrite(conn, "250-first\r\n250 last\r\n")
while (line := fgets(client)) is not False:
    print(f"client got: {line.rstrip().decode()}")
    if line[3:4] == b" ":
        break

# A read timeout: nothing arrives within 0.2 s.
stream_set_timeout(client, 0, 200000)
data = fread(client, 100)
meta = stream_get_meta_data(client)
print(f"fread after a timeout: {var_export(data)}", end="")
print(f", timed_out={var_export(meta['timed_out'])}")

# A bad argument throws ValueError, as in PHP 8.
try:
    fgets(client, 0)
except ValueError as e:
    print(f"ValueError: {e}")

# The server side closes: the client reads EOF.
fclose(conn)
print(f"fgets at EOF: {var_export(fgets(client))}", end="")
print(f", feof={var_export(feof(client))}")
fclose(client)

# A refused connect, to the port the server listened on once it is closed; no
# silence(), so the warning is shown (and recorded by the comparison).
port = int(address[address.rindex(":") + 1 :])
fclose(server)
fp = stream_socket_client(f"tcp://127.0.0.1:{port}", errno, errstr, 1)
print(f"refused: {var_export(fp)}, errno={errno.value}, errstr='{errstr.value}'")
print("done")
