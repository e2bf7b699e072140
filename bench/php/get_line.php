<?php
// php -n bench/php/get_line.php PORT LENGTH ENDING
// Reads every record the bench server sends with stream_get_line($fp, LENGTH, ENDING);
// times connect..fclose with hrtime() and prints one JSON line: seconds, records,
// bytes (without the endings), last record.
$addr = 'tcp://127.0.0.1:' . (int)$argv[1];
$length = (int)$argv[2];
$ending = $argv[3];
$t0 = hrtime(true);
$fp = stream_socket_client($addr);
if ($fp === false) {
    fwrite(STDERR, "connect failed\n");
    exit(1);
}
$n = 0;
$total = 0;
$last = '';
while (($record = stream_get_line($fp, $length, $ending)) !== false) {
    $n++;
    $total += strlen($record);
    $last = $record;
}
fclose($fp);
$t1 = hrtime(true);
echo json_encode(['seconds' => ($t1 - $t0) / 1e9, 'records' => $n, 'bytes' => $total, 'last' => $last]), "\n";
