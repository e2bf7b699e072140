r"""PHP 8.2's declarations of the functions the facade implements, from php-src's stubs.

``STUBS`` maps a function name to its declaration as the arginfo stub writes it
(php-src PHP-8.2: ext/standard/basic_functions.stub.php, Zend/zend_builtin_functions.stub.php,
ext/openssl/openssl.stub.php, ext/sockets/sockets.stub.php), one line each, with
one change: an untyped parameter that the stub's docblock documents as a
resource carries that in the line --

* ``/** @param resource $stream */`` is written ``resource $stream``;
* ``/** @param resource|null $context */`` is written ``?resource $context``;
* ``/** @param resource|string $stream */`` (stream_is_local) is written
  ``resource|string $stream``.

Other docblock types (``@param int $error_code`` of a by-reference parameter,
``@return resource|false``) are left out, as they do not change how arguments
are taken. An alias (fputs, set_file_buffer, socket_get_status,
socket_set_blocking, socket_set_timeout) has its own entry, under its own name:
PHP 8.2 puts the alias's name in its messages (``fputs(): Argument #1 ($stream)
must be of type resource, bool given``). The entries were checked against PHP
8.2's Reflection (names, types, by-reference, defaults).
"""

# ruff: noqa: E501
# (one declaration a line, as the stubs write them)

from __future__ import annotations

__all__ = ["STUBS"]


STUBS: dict[str, str] = {
    "error_clear_last": "function error_clear_last(): void {}",
    "error_get_last": "function error_get_last(): ?array {}",
    "error_reporting": "function error_reporting(?int $error_level = null): int {}",
    "set_error_handler": "function set_error_handler(?callable $callback, int $error_levels = E_ALL) {}",
    "restore_error_handler": "function restore_error_handler(): true {}",
    "ini_get": "function ini_get(string $option): string|false {}",
    "ini_set": "function ini_set(string $option, string|int|float|bool|null $value): string|false {}",
    "ini_restore": "function ini_restore(string $option): void {}",
    "is_resource": "function is_resource(mixed $value): bool {}",
    "get_resource_type": "function get_resource_type(resource $resource): string {}",
    "get_resource_id": "function get_resource_id(resource $resource): int {}",
    "fclose": "function fclose(resource $stream): bool {}",
    "feof": "function feof(resource $stream): bool {}",
    "fflush": "function fflush(resource $stream): bool {}",
    "fgetc": "function fgetc(resource $stream): string|false {}",
    "fgets": "function fgets(resource $stream, ?int $length = null): string|false {}",
    "fread": "function fread(resource $stream, int $length): string|false {}",
    "fwrite": "function fwrite(resource $stream, string $data, ?int $length = null): int|false {}",
    "fputs": "function fputs(resource $stream, string $data, ?int $length = null): int|false {}",
    "ftell": "function ftell(resource $stream): int|false {}",
    "fseek": "function fseek(resource $stream, int $offset, int $whence = SEEK_SET): int {}",
    "rewind": "function rewind(resource $stream): bool {}",
    "fstat": "function fstat(resource $stream): array|false {}",
    "ftruncate": "function ftruncate(resource $stream, int $size): bool {}",
    "fsync": "function fsync(resource $stream): bool {}",
    "fdatasync": "function fdatasync(resource $stream): bool {}",
    "flock": "function flock(resource $stream, int $operation, &$would_block = null): bool {}",
    "fscanf": "function fscanf(resource $stream, string $format, mixed &...$vars): array|int|false|null {}",
    "fpassthru": "function fpassthru(resource $stream): int {}",
    "fgetcsv": r'function fgetcsv(resource $stream, ?int $length = null, string $separator = ",", string $enclosure = "\"", string $escape = "\\"): array|false {}',
    "fputcsv": r'function fputcsv(resource $stream, array $fields, string $separator = ",", string $enclosure = "\"", string $escape = "\\", string $eol = "\n"): int|false {}',
    "fopen": "function fopen(string $filename, string $mode, bool $use_include_path = false, ?resource $context = null) {}",
    "file_get_contents": "function file_get_contents(string $filename, bool $use_include_path = false, ?resource $context = null, int $offset = 0, ?int $length = null): string|false {}",
    "file_put_contents": "function file_put_contents(string $filename, mixed $data, int $flags = 0, ?resource $context = null): int|false {}",
    "fsockopen": "function fsockopen(string $hostname, int $port = -1, &$error_code = null, &$error_message = null, ?float $timeout = null) {}",
    "pfsockopen": "function pfsockopen(string $hostname, int $port = -1, &$error_code = null, &$error_message = null, ?float $timeout = null) {}",
    "stream_select": "function stream_select(?array &$read, ?array &$write, ?array &$except, ?int $seconds, ?int $microseconds = null): int|false {}",
    "stream_context_create": "function stream_context_create(?array $options = null, ?array $params = null) {}",
    "stream_context_set_params": "function stream_context_set_params(resource $context, array $params): bool {}",
    "stream_context_get_params": "function stream_context_get_params(resource $context): array {}",
    "stream_context_set_option": "function stream_context_set_option(resource $context, array|string $wrapper_or_options, ?string $option_name = null, mixed $value = UNKNOWN): bool {}",
    "stream_context_get_options": "function stream_context_get_options(resource $stream_or_context): array {}",
    "stream_context_get_default": "function stream_context_get_default(?array $options = null) {}",
    "stream_context_set_default": "function stream_context_set_default(array $options) {}",
    "stream_filter_prepend": "function stream_filter_prepend(resource $stream, string $filter_name, int $mode = 0, mixed $params = UNKNOWN) {}",
    "stream_filter_append": "function stream_filter_append(resource $stream, string $filter_name, int $mode = 0, mixed $params = UNKNOWN) {}",
    "stream_filter_remove": "function stream_filter_remove(resource $stream_filter): bool {}",
    "stream_socket_client": "function stream_socket_client(string $address, &$error_code = null, &$error_message = null, ?float $timeout = null, int $flags = STREAM_CLIENT_CONNECT, ?resource $context = null) {}",
    "stream_socket_server": "function stream_socket_server(string $address, &$error_code = null, &$error_message = null, int $flags = STREAM_SERVER_BIND | STREAM_SERVER_LISTEN, ?resource $context = null) {}",
    "stream_socket_accept": "function stream_socket_accept(resource $socket, ?float $timeout = null, &$peer_name = null) {}",
    "stream_socket_get_name": "function stream_socket_get_name(resource $socket, bool $remote): string|false {}",
    "stream_socket_recvfrom": "function stream_socket_recvfrom(resource $socket, int $length, int $flags = 0, &$address = null): string|false {}",
    "stream_socket_sendto": 'function stream_socket_sendto(resource $socket, string $data, int $flags = 0, string $address = ""): int|false {}',
    "stream_socket_enable_crypto": "function stream_socket_enable_crypto(resource $stream, bool $enable, ?int $crypto_method = null, ?resource $session_stream = null): int|bool {}",
    "stream_socket_shutdown": "function stream_socket_shutdown(resource $stream, int $mode): bool {}",
    "stream_socket_pair": "function stream_socket_pair(int $domain, int $type, int $protocol): array|false {}",
    "stream_copy_to_stream": "function stream_copy_to_stream(resource $from, resource $to, ?int $length = null, int $offset = 0): int|false {}",
    "stream_get_contents": "function stream_get_contents(resource $stream, ?int $length = null, int $offset = -1): string|false {}",
    "stream_supports_lock": "function stream_supports_lock(resource $stream): bool {}",
    "stream_set_write_buffer": "function stream_set_write_buffer(resource $stream, int $size): int {}",
    "set_file_buffer": "function set_file_buffer(resource $stream, int $size): int {}",
    "stream_set_read_buffer": "function stream_set_read_buffer(resource $stream, int $size): int {}",
    "stream_set_blocking": "function stream_set_blocking(resource $stream, bool $enable): bool {}",
    "socket_set_blocking": "function socket_set_blocking(resource $stream, bool $enable): bool {}",
    "stream_get_meta_data": "function stream_get_meta_data(resource $stream): array {}",
    "socket_get_status": "function socket_get_status(resource $stream): array {}",
    "stream_get_line": 'function stream_get_line(resource $stream, int $length, string $ending = ""): string|false {}',
    "stream_get_transports": "function stream_get_transports(): array {}",
    "stream_is_local": "function stream_is_local(resource|string $stream): bool {}",
    "stream_isatty": "function stream_isatty(resource $stream): bool {}",
    "stream_set_chunk_size": "function stream_set_chunk_size(resource $stream, int $size): int {}",
    "stream_set_timeout": "function stream_set_timeout(resource $stream, int $seconds, int $microseconds = 0): bool {}",
    "socket_set_timeout": "function socket_set_timeout(resource $stream, int $seconds, int $microseconds = 0): bool {}",
    "stream_bucket_make_writeable": "function stream_bucket_make_writeable(resource $brigade): ?object {}",
    "stream_bucket_prepend": "function stream_bucket_prepend(resource $brigade, object $bucket): void {}",
    "stream_bucket_append": "function stream_bucket_append(resource $brigade, object $bucket): void {}",
    "stream_bucket_new": "function stream_bucket_new(resource $stream, string $buffer): object {}",
    "stream_get_filters": "function stream_get_filters(): array {}",
    "stream_filter_register": "function stream_filter_register(string $filter_name, string $class): bool {}",
    "openssl_x509_export": "function openssl_x509_export(OpenSSLCertificate|string $certificate, &$output, bool $no_text = true): bool {}",
    "openssl_x509_fingerprint": 'function openssl_x509_fingerprint(OpenSSLCertificate|string $certificate, string $digest_algo = "sha1", bool $binary = false): string|false {}',
    "openssl_x509_parse": "function openssl_x509_parse(OpenSSLCertificate|string $certificate, bool $short_names = true): array|false {}",
    "socket_import_stream": "function socket_import_stream(resource $stream): Socket|false {}",
    "socket_export_stream": "function socket_export_stream(Socket $socket) {}",
    "socket_set_option": "function socket_set_option(Socket $socket, int $level, int $option, $value): bool {}",
    "socket_get_option": "function socket_get_option(Socket $socket, int $level, int $option): array|int|false {}",
    "socket_last_error": "function socket_last_error(?Socket $socket = null): int {}",
    "socket_clear_error": "function socket_clear_error(?Socket $socket = null): void {}",
    "socket_strerror": "function socket_strerror(int $error_code): string {}",
    "socket_close": "function socket_close(Socket $socket): void {}",
    # ext/posix/posix.stub.php; its docblock: @param resource|int $file_descriptor
    "posix_isatty": "function posix_isatty($file_descriptor): bool {}",
}
