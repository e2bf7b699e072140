<?php
// Real Predis (Debian's php-predis, /usr/share/php) talking to a real redis-server
// through its StreamConnection: stream_socket_client, stream_set_timeout,
// socket_import_stream + TCP_NODELAY, an fwrite loop, fgets + fread replies.
// Run: php -n -d extension=sockets predis_client.php PORT   (predis_client.py is its port)
require 'Predis/Autoloader.php';
Predis\Autoloader::register();

use Predis\Command\RawCommand;
use Predis\Connection\Parameters;
use Predis\Connection\StreamConnection;

$port = (int) $argv[1];

function show($label, $value)
{
    if ($value instanceof Predis\Response\Status) {
        $value = "status:" . $value->getPayload();
    } elseif ($value instanceof Predis\Response\Error) {
        $value = "error:" . $value->getMessage();
    }
    echo $label, " => ", json_encode($value), "\n";
}

$conn = new StreamConnection(new Parameters([
    'host' => '127.0.0.1', 'port' => $port, 'read_write_timeout' => 2, 'tcp_nodelay' => true,
]));
$run = function (...$argv) use ($conn) {
    return $conn->executeCommand(RawCommand::create(...$argv));
};
show("PING", $run('PING'));
show("FLUSHDB", $run('FLUSHDB'));
show("SET", $run('SET', 'greeting', "hello\r\nworld"));
show("GET", $run('GET', 'greeting'));
show("GET missing", $run('GET', 'missing'));
show("INCR", $run('INCR', 'counter'));
show("INCRBY", $run('INCRBY', 'counter', 41));
show("RPUSH", $run('RPUSH', 'list', 'a', 'b', 'c'));
show("LRANGE", $run('LRANGE', 'list', 0, -1));
$big = str_repeat("0123456789abcdef", 20000);  // 320,000 bytes: many fread() calls
show("SET big", $run('SET', 'big', $big));
$back = $run('GET', 'big');
show("GET big", [strlen($back), md5($back) === md5($big)]);
show("wrong type", $run('INCR', 'list'));
show("unknown", $run('NOSUCHCOMMAND'));
$meta = stream_get_meta_data($conn->getResource());
show("meta", [$meta['timed_out'], $meta['blocked'], $meta['eof'], $meta['unread_bytes']]);
$socket = socket_import_stream($conn->getResource());
show("TCP_NODELAY", socket_get_option($socket, SOL_TCP, TCP_NODELAY));
show("BLPOP timeout", $run('BLPOP', 'empty', 1));
try {
    $run('BLPOP', 'empty', 3);  // blocks longer than read_write_timeout
} catch (Predis\Connection\ConnectionException $e) {
    show("timed out", $e->getMessage());
}
show("connected", $conn->isConnected());
$conn->disconnect();
try {
    $conn2 = new StreamConnection(new Parameters(['host' => '127.0.0.1', 'port' => 1]));
    $conn2->connect();
} catch (Predis\Connection\ConnectionException $e) {
    show("refused", [$e->getMessage(), $e->getCode()]);
}
