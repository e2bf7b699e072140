<?php
// php -n bench/php/select.php PORT IDLE CALLS
// Opens IDLE + 1 connections to the holding server, makes the last one readable (the
// server answers its "!" with one byte, never read), then times CALLS calls of
// stream_select() over all of them with a zero timeout, each on a fresh copy of the
// array; prints one JSON line: seconds, calls, ready (calls that found exactly the
// active stream), sockets.
$addr = 'tcp://127.0.0.1:' . (int)$argv[1];
$idle = (int)$argv[2];
$calls = (int)$argv[3];
$streams = [];
for ($i = 0; $i <= $idle; $i++) {
    $fp = stream_socket_client($addr);
    if ($fp === false) {
        fwrite(STDERR, "connect failed\n");
        exit(1);
    }
    $streams[] = $fp;
}
$active = $streams[$idle];
fwrite($active, '!');
$r = [$active];
$w = null;
$e = null;
if (stream_select($r, $w, $e, 10) !== 1) {
    fwrite(STDERR, "the active stream did not become readable\n");
    exit(1);
}
$ok = 0;
$t0 = hrtime(true);
for ($i = 0; $i < $calls; $i++) {
    $r = $streams;
    if (stream_select($r, $w, $e, 0) === 1 && reset($r) === $active) {
        $ok++;
    }
}
$t1 = hrtime(true);
foreach ($streams as $fp) {
    fclose($fp);
}
echo json_encode(['seconds' => ($t1 - $t0) / 1e9, 'calls' => $calls, 'ready' => $ok, 'sockets' => count($streams)]), "\n";
