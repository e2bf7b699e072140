<?php
// php -n bench/php/pingpong.php PORT COUNT LENGTH
// COUNT request/response round trips to the echo server: fwrite() a LENGTH-byte line
// ("%08d " + filler + "\n"), fgets() the reply, which must be the same line. Times
// connect..fclose with hrtime() and prints one JSON line: seconds, round_trips, bytes.
$addr = 'tcp://127.0.0.1:' . (int)$argv[1];
$count = (int)$argv[2];
$length = (int)$argv[3];
$messages = [];
for ($i = 0; $i < $count; $i++) {
    $head = sprintf('%08d ', $i);
    $messages[] = $head . str_repeat('x', $length - strlen($head) - 1) . "\n";
}
$t0 = hrtime(true);
$fp = stream_socket_client($addr);
if ($fp === false) {
    fwrite(STDERR, "connect failed\n");
    exit(1);
}
$ok = 0;
$total = 0;
foreach ($messages as $msg) {
    fwrite($fp, $msg);
    $reply = fgets($fp);
    if ($reply !== $msg) {
        break;
    }
    $ok++;
    $total += strlen($reply);
}
fclose($fp);
$t1 = hrtime(true);
echo json_encode(['seconds' => ($t1 - $t0) / 1e9, 'round_trips' => $ok, 'bytes' => $total]), "\n";
