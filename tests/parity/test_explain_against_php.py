"""explain's answers against what real PHP 8.2 shows for the same input."""

from __future__ import annotations

import io
import subprocess

import pytest

from phpstreams.teach.explain import explain

pytestmark = pytest.mark.php


def php_run(code: str) -> str:
    done = subprocess.run(
        ["php", "-n", "-d", "display_errors=stderr", "-r", code],
        capture_output=True,
        text=True,
        timeout=30,
    )
    return done.stdout + done.stderr


def explained(*args: str) -> str:
    out = io.StringIO()
    assert explain(args[0], list(args[1:]), out, io.StringIO()) == 0
    return out.getvalue()


@pytest.mark.parametrize(
    ("hostname", "port"), [("fe80::1", "80"), ("no-such-host.invalid", "25"), ("[::1", "7")]
)
def test_fsockopen_addresses_as_php_names_them(php: str, hostname: str, port: str) -> None:
    text = explained("fsockopen", hostname, port)
    seen = php_run(
        f'@fsockopen("{hostname}", {port}, $e, $s, 1); echo error_get_last()["message"];'
    )
    shown = seen.split("Unable to connect to ", 1)[1].split(" (", 1)[0]
    assert f"Unable to connect to {shown} " in text
    if "getaddrinfo for " in seen:
        host = seen.split("getaddrinfo for ", 1)[1].split(" failed", 1)[0]
        assert f"getaddrinfo for {host} failed" in text


def test_stream_socket_client_tls_ipv6(php: str) -> None:
    text = explained("stream_socket_client", "tls://[::1]:1")
    seen = php_run(
        '@stream_socket_client("tls://[::1]:1", $e, $s, 1); echo error_get_last()["message"];'
    )
    assert seen.strip() in text.replace("(<reason>)", "(Connection refused)")


def test_crypto_method_names(php: str) -> None:
    text = explained("crypto-method", "121")
    seen = php_run(
        "foreach (get_defined_constants() as $k => $v) "
        'if (str_starts_with($k, "STREAM_CRYPTO_METHOD_") && $v === 121) echo $k, "\\n";'
    )
    for name in seen.split():
        assert name in text
