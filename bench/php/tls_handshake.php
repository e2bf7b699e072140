<?php
// php -n bench/php/tls_handshake.php PORT COUNT CAFILE
// COUNT times stream_socket_client("ssl://127.0.0.1:PORT") (a full TLS handshake,
// the peer verified against CAFILE) + fclose(); times the loop with hrtime() and
// prints one JSON line: seconds, handshakes (successful ones).
$addr = 'ssl://127.0.0.1:' . (int)$argv[1];
$count = (int)$argv[2];
$ctx = stream_context_create(['ssl' => ['cafile' => $argv[3]]]);
$ok = 0;
$t0 = hrtime(true);
for ($i = 0; $i < $count; $i++) {
    $fp = stream_socket_client($addr, $errno, $errstr, 30, STREAM_CLIENT_CONNECT, $ctx);
    if ($fp === false) {
        fwrite(STDERR, "connect failed: $errstr\n");
        break;
    }
    fclose($fp);
    $ok++;
}
$t1 = hrtime(true);
echo json_encode(['seconds' => ($t1 - $t0) / 1e9, 'handshakes' => $ok]), "\n";
