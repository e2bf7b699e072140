<?php
// php -n bench/php/memory.php PORT COUNT
// Opens COUNT connections to the holding server and keeps them; prints one JSON line:
// seconds (of the opening loop), streams, rss_before, rss_after (VmRSS of
// /proc/self/status, bytes), bytes_per_stream, open_fds.
function vm_rss() {
    foreach (file('/proc/self/status') as $line) {
        if (strncmp($line, 'VmRSS:', 6) === 0) {
            return (int)preg_split('/\s+/', trim($line))[1] * 1024;
        }
    }
    return -1;
}
$addr = 'tcp://127.0.0.1:' . (int)$argv[1];
$count = (int)$argv[2];
for ($i = 0; $i < 10; $i++) { // warm-up, as the Python sides
    $fp = stream_socket_client($addr);
    if ($fp === false) {
        exit(1);
    }
    fclose($fp);
}
$held = array_fill(0, $count, null);
gc_collect_cycles();
$before = vm_rss();
$opened = 0;
$t0 = hrtime(true);
for ($i = 0; $i < $count; $i++) {
    $fp = stream_socket_client($addr);
    if ($fp === false) {
        break;
    }
    $held[$i] = $fp;
    $opened++;
}
$t1 = hrtime(true);
gc_collect_cycles();
$after = vm_rss();
$fds = count(scandir('/proc/self/fd')) - 2;
foreach ($held as $fp) {
    if ($fp !== null) {
        fclose($fp);
    }
}
echo json_encode(['seconds' => ($t1 - $t0) / 1e9, 'streams' => $opened, 'rss_before' => $before,
    'rss_after' => $after, 'bytes_per_stream' => ($after - $before) / $count, 'open_fds' => $fds]), "\n";
