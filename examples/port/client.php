<?php
// A client and a server over loopback in one PHP 8.2 script; client.py is its port.
// Compare the two: python -m phpstreams compare examples/port/client.php examples/port/client.py

$server = stream_socket_server("tcp://127.0.0.1:0", $errno, $errstr);
$address = $server === false ? false : stream_socket_get_name($server, false);
if ($server === false || $address === false) {
    echo "server failed: $errstr ($errno)\n";
    exit(1);
}
echo "listening on $address\n";

$client = stream_socket_client("tcp://$address", $errno, $errstr, 5);
echo "client connected: ", $client !== false ? "yes" : "no", ", errno=$errno, errstr='$errstr'\n";
$conn = stream_socket_accept($server, 5, $peer);
if ($client === false || $conn === false) {
    exit(1);
}
echo "accepted a peer from ", substr($peer, 0, strrpos($peer, ":")), "\n";

// The client speaks first, line by line.
fwrite($client, "HELO client.example\r\n");
fwrite($client, "DATA\r\nsecond line\r\n");
while (($line = fgets($conn)) !== false) {
    echo "server got: ", rtrim($line), " (", strlen($line), " bytes)\n";
    if (rtrim($line) === "second line") {
        break;
    }
}
fwrite($conn, "250-first\r\n250 last\r\n");
while (($line = fgets($client)) !== false) {
    echo "client got: ", rtrim($line), "\n";
    if ($line[3] === " ") {
        break;
    }
}

// A read timeout: nothing arrives within 0.2 s.
stream_set_timeout($client, 0, 200000);
$data = fread($client, 100);
$meta = stream_get_meta_data($client);
echo "fread after a timeout: ", var_export($data, true);
echo ", timed_out=", var_export($meta["timed_out"], true), "\n";

// A bad argument throws ValueError, as in PHP 8.
try {
    fgets($client, 0);
} catch (ValueError $e) {
    echo "ValueError: ", $e->getMessage(), "\n";
}

// The server side closes: the client reads EOF.
fclose($conn);
echo "fgets at EOF: ", var_export(fgets($client), true);
echo ", feof=", var_export(feof($client), true), "\n";
fclose($client);

// A refused connect, to the port the server listened on once it is closed; no @,
// so the warning is shown (and recorded by the comparison).
$port = (int) substr($address, strrpos($address, ":") + 1);
fclose($server);
$fp = stream_socket_client("tcp://127.0.0.1:$port", $errno, $errstr, 1);
echo "refused: ", var_export($fp, true), ", errno=$errno, errstr='$errstr'\n";
echo "done\n";
