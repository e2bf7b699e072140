<?php
// An HTTP/1.1 response, chunked and gzipped, read off a socket through the dechunk and
// zlib.inflate filters into php://temp (which spills to a temporary file past 64 KiB),
// then copied to a file with stream_copy_to_stream. chunked_gzip.py is its port.
// Run: php -n chunked_gzip.php PORT FOLDER
$port = (int) $argv[1];
$folder = $argv[2];

$fp = stream_socket_client("tcp://127.0.0.1:$port", $errno, $errstr, 5);
if ($fp === false) {
    die("connect: $errstr ($errno)\n");
}
fwrite($fp, "GET /log HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n");
echo "status: ", rtrim(fgets($fp)), "\n";
$headers = [];
while (($line = fgets($fp)) !== false && $line !== "\r\n") {
    [$name, $value] = explode(":", rtrim($line), 2);
    $headers[strtolower($name)] = trim($value);
}
echo "transfer-encoding: ", $headers["transfer-encoding"], ", content-encoding: ", $headers["content-encoding"], "\n";
$buffered = stream_get_meta_data($fp)["unread_bytes"] > 0;
echo "buffered after the headers: ", $buffered ? "yes" : "no", "\n";

// dechunk first, then inflate; window 31 = 15 + 16: a gzip header and trailer
$dechunk = stream_filter_append($fp, "dechunk", STREAM_FILTER_READ);
$inflate = stream_filter_append($fp, "zlib.inflate", STREAM_FILTER_READ, ["window" => 31]);
echo "filters: ", get_resource_type($dechunk), ", ", get_resource_type($inflate), "\n";

$tmp = fopen("php://temp/maxmemory:65536", "r+");
$copied = stream_copy_to_stream($fp, $tmp);
echo "copied to php://temp: $copied bytes, ftell: ", ftell($tmp), ", feof(socket): ", var_export(feof($fp), true), "\n";
$meta = stream_get_meta_data($tmp);
echo "temp: ", $meta["stream_type"], " ", $meta["mode"], " seekable=", var_export($meta["seekable"], true), "\n";
fclose($fp);

var_dump(rewind($tmp));
echo "first line: ", rtrim(fgets($tmp)), "\n";
var_dump(fseek($tmp, -30, SEEK_END));
echo "last 30 bytes: ", json_encode(fread($tmp, 100)), "\n";
rewind($tmp);
$out = fopen("$folder/body.txt", "w");
$written = stream_copy_to_stream($tmp, $out);
fclose($out);
fclose($tmp);
$body = file_get_contents("$folder/body.txt");
echo "written to the file: $written bytes, read back: ", strlen($body), " bytes, md5 ", md5($body), "\n";
echo "lines: ", substr_count($body, "\n"), "\n";
