<?php
// php -n bench/php/fgets.php PORT
// Reads every line the bench server sends with fgets($fp); times connect..fclose
// with hrtime() and prints one JSON line: seconds, lines, bytes, last line.
$addr = 'tcp://127.0.0.1:' . (int)$argv[1];
$t0 = hrtime(true);
$fp = stream_socket_client($addr);
if ($fp === false) {
    fwrite(STDERR, "connect failed\n");
    exit(1);
}
$n = 0;
$total = 0;
$last = '';
while (($line = fgets($fp)) !== false) {
    $n++;
    $total += strlen($line);
    $last = $line;
}
fclose($fp);
$t1 = hrtime(true);
echo json_encode(['seconds' => ($t1 - $t0) / 1e9, 'lines' => $n, 'bytes' => $total, 'last' => $last]), "\n";
