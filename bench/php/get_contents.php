<?php
// php -n bench/php/get_contents.php PORT
// Reads the bench server's bulk payload with one stream_get_contents($fp); times
// connect..fclose with hrtime() and prints one JSON line: seconds, bytes, crc32 (the
// checksum is computed after the timed span).
ini_set('memory_limit', '-1'); // 100 MiB in one string: more than -n's 128M default allows with its growth
$addr = 'tcp://127.0.0.1:' . (int)$argv[1];
$t0 = hrtime(true);
$fp = stream_socket_client($addr);
if ($fp === false) {
    fwrite(STDERR, "connect failed\n");
    exit(1);
}
$data = stream_get_contents($fp);
fclose($fp);
$t1 = hrtime(true);
if ($data === false) {
    fwrite(STDERR, "stream_get_contents failed\n");
    exit(1);
}
echo json_encode(['seconds' => ($t1 - $t0) / 1e9, 'bytes' => strlen($data), 'crc32' => crc32($data)]), "\n";
