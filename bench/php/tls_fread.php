<?php
// php -n bench/php/tls_fread.php PORT LENGTH CAFILE
// Reads the bench server's TLS bulk payload with fread($fp, LENGTH) until EOF over
// ssl:// (the peer verified against CAFILE); times connect..fclose with hrtime() and
// prints one JSON line: seconds, bytes.
$addr = 'ssl://127.0.0.1:' . (int)$argv[1];
$length = (int)$argv[2];
$ctx = stream_context_create(['ssl' => ['cafile' => $argv[3]]]);
$t0 = hrtime(true);
$fp = stream_socket_client($addr, $errno, $errstr, 30, STREAM_CLIENT_CONNECT, $ctx);
if ($fp === false) {
    fwrite(STDERR, "connect failed: $errstr\n");
    exit(1);
}
$total = 0;
while (($data = fread($fp, $length)) !== false && $data !== '') {
    $total += strlen($data);
}
fclose($fp);
$t1 = hrtime(true);
echo json_encode(['seconds' => ($t1 - $t0) / 1e9, 'bytes' => $total]), "\n";
