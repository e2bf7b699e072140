"""explain, trace and apidoc: computed by the library's own code, checked here."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

from phpstreams.teach.apidoc import api_markdown
from phpstreams.teach.explain import SSL_OPTIONS, explain

ROOT = Path(__file__).resolve().parents[2]


def run_explain(*args: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    assert explain(args[0], list(args[1:]), out, err) == 0, err.getvalue()
    return out.getvalue()


def test_explain_fsockopen_ipv6_without_brackets() -> None:
    text = run_explain("fsockopen", "fe80::1", "80")
    assert '"fe80::1:80"' in text
    assert 'host "fe80", port text ":1:80"' in text
    assert 'atoi(":1:80") = 0' in text
    assert "Unable to connect to fe80::1:80" in text
    assert 'written "[fe80::1]:80" it parses as host "fe80::1", port 80' in text


def test_explain_stream_socket_client_tls_ipv6() -> None:
    text = run_explain("stream_socket_client", "tls://[::1]:993")
    assert "transport: tls" in text and 'host: "::1"' in text and "= 993" in text
    assert "no SNI is sent" in text
    assert "Unable to connect to tls://[::1]:993" in text


def test_explain_bad_transport() -> None:
    text = run_explain("stream_socket_client", "foo://x:1")
    assert 'Unable to find the socket transport "foo"' in text


def test_explain_crypto_method() -> None:
    text = run_explain("crypto-method", "121")
    assert "STREAM_CRYPTO_METHOD_TLS_CLIENT" in text
    assert "TLS 1.0 (8), TLS 1.1 (16), TLS 1.2 (32), TLS 1.3 (64)" in text
    assert "TLSv1 .. TLSv1.3" in text


def test_explain_context() -> None:
    text = run_explain("context", '{"ssl": {"verify_peer": 0, "nope": 1}}')
    assert "verify_peer = 0 (PHP reads it as false)" in text
    assert "nope: not an option PHP reads" in text
    assert "(verify_depth = 9)" in text


def test_every_ssl_option_tls_reads_is_explained() -> None:
    read = set()
    for path in (ROOT / "phpstreams" / "tls").glob("*.py"):
        source = path.read_text()
        read |= set(re.findall(r'options\.get\("(\w+)"', source))
        read |= set(re.findall(r'options\["(\w+)"\]', source))
        read |= set(re.findall(r'"(\w+)" in options', source))
    read.discard("ssl")
    assert read <= SSL_OPTIONS.keys(), read - SSL_OPTIONS.keys()


def test_api_md_is_up_to_date() -> None:
    committed = (ROOT / "docs" / "api.md").read_text()
    assert committed == api_markdown(), "run: python -m phpstreams apidoc > docs/api.md"


def test_apidoc_lists_every_php_function() -> None:
    import phpstreams.php as facade

    text = api_markdown()
    for name in facade.__all__:
        if hasattr(getattr(facade, name), "__php_signature__"):
            assert f"### `{name}`" in text


def test_trace_prints_each_call(tmp_path: Path) -> None:
    script = tmp_path / "port.py"
    script.write_text(
        "from phpstreams import *\n"
        "errno, errstr = Ref(), Ref()\n"
        "with silence():\n"
        "    fp = fsockopen('127.0.0.1', 1, errno, errstr, 1)\n"
        "srv = stream_socket_server('tcp://127.0.0.1:0')\n"
        "c = stream_socket_client('tcp://' + stream_socket_get_name(srv, False))\n"
        "fwrite(c, 'EHLO x\\r\\n')\n"
    )
    log = tmp_path / "trace.log"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-m", "phpstreams", "trace", "-o", str(log), str(script)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    lines = log.read_text().splitlines()
    assert lines[0] == (
        'fsockopen("127.0.0.1", 1, $errno, $errstr, 1) = false  errno=111 '
        'errstr="Connection refused"  E_WARNING fsockopen(): Unable to connect to '
        "127.0.0.1:1 (Connection refused)"
    )
    assert 'fwrite($c, "EHLO x\\r\\n") = 8' in lines


def test_trace_off_is_the_plain_wrapper() -> None:
    from phpstreams import fread
    from phpstreams.core import trace

    assert not trace.ENABLED
    # the generated wrapper itself (behind the C fast entry when the speedups are active)
    wrapper = getattr(fread, "python", fread)
    assert wrapper.__code__.co_name == "fread"
    assert "_slow" in fread.__php_source__
