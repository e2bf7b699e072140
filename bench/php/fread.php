<?php
// php -n bench/php/fread.php PORT LENGTH
// Reads the bench server's bulk payload with fread($fp, LENGTH) until EOF; times
// connect..fclose with hrtime() and prints one JSON line: seconds, bytes.
$addr = 'tcp://127.0.0.1:' . (int)$argv[1];
$length = (int)$argv[2];
$t0 = hrtime(true);
$fp = stream_socket_client($addr);
if ($fp === false) {
    fwrite(STDERR, "connect failed\n");
    exit(1);
}
$total = 0;
while (($data = fread($fp, $length)) !== false && $data !== '') {
    $total += strlen($data);
}
fclose($fp);
$t1 = hrtime(true);
echo json_encode(['seconds' => ($t1 - $t0) / 1e9, 'bytes' => $total]), "\n";
