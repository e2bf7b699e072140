<?php
// php -n bench/php/fwrite.php PORT COUNT SIZE
// COUNT times fwrite() of one SIZE-byte message to the draining server; times
// connect..fclose with hrtime() and prints one JSON line: seconds, messages, bytes.
$addr = 'tcp://127.0.0.1:' . (int)$argv[1];
$count = (int)$argv[2];
$msg = str_repeat('m', (int)$argv[3] - 1) . "\n";
$t0 = hrtime(true);
$fp = stream_socket_client($addr);
if ($fp === false) {
    fwrite(STDERR, "connect failed\n");
    exit(1);
}
$n = 0;
$total = 0;
for ($i = 0; $i < $count; $i++) {
    $written = fwrite($fp, $msg);
    if ($written === false) {
        break;
    }
    $n++;
    $total += $written;
}
fclose($fp);
$t1 = hrtime(true);
echo json_encode(['seconds' => ($t1 - $t0) / 1e9, 'messages' => $n, 'bytes' => $total]), "\n";
