<?php
// php -n bench/php/connect.php PORT COUNT
// COUNT times stream_socket_client("tcp://127.0.0.1:PORT") + fclose(); times the
// loop with hrtime() and prints one JSON line: seconds, connects (successful ones).
$addr = 'tcp://127.0.0.1:' . (int)$argv[1];
$count = (int)$argv[2];
$ok = 0;
$t0 = hrtime(true);
for ($i = 0; $i < $count; $i++) {
    $fp = stream_socket_client($addr);
    if ($fp === false) {
        break;
    }
    fclose($fp);
    $ok++;
}
$t1 = hrtime(true);
echo json_encode(['seconds' => ($t1 - $t0) / 1e9, 'connects' => $ok]), "\n";
