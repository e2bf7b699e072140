"""Real PHP as the peer of phpstreams over TLS: a PHP ssl:// server with a phpstreams
client, and a phpstreams ssl:// server with a PHP client; each over TLS 1.2 and TLS 1.3
(the ``tls_version`` fixture, conftest.py), the server's crypto_method allowing only
that version."""

from __future__ import annotations

import subprocess
import textwrap
from pathlib import Path
from typing import Any

import pytest
import trustme

from phpstreams import (
    STREAM_CLIENT_CONNECT,
    STREAM_SERVER_BIND,
    STREAM_SERVER_LISTEN,
    fclose,
    fgets,
    fwrite,
    stream_context_create,
    stream_get_meta_data,
    stream_socket_accept,
    stream_socket_client,
    stream_socket_get_name,
    stream_socket_server,
)

Version = Any  # the tls_version fixture (conftest.py): name, server_method...


@pytest.fixture(scope="module")
def pems(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    folder = tmp_path_factory.mktemp("interop")
    ca = trustme.CA()
    cafile, server = str(folder / "ca.pem"), str(folder / "server.pem")
    ca.cert_pem.write_to_path(cafile)
    ca.issue_cert("127.0.0.1").private_key_and_cert_chain_pem.write_to_path(server)
    return cafile, server


@pytest.mark.php
@pytest.mark.usefixtures("php")
def test_php_server_phpstreams_client(pems: tuple[str, str], tls_version: Version) -> None:
    cafile, server = pems
    method = tls_version.server_method
    script = textwrap.dedent(
        f"""
        $ctx = stream_context_create(['ssl' => ['local_cert' => '{server}', 'crypto_method' => {method}]]);
        $srv = stream_socket_server('ssl://127.0.0.1:0', $e, $s, STREAM_SERVER_BIND | STREAM_SERVER_LISTEN, $ctx);
        echo stream_socket_get_name($srv, false), "\\n";
        $c = stream_socket_accept($srv, 10);
        $line = fgets($c);
        fwrite($c, 'php got ' . $line);
        echo stream_get_meta_data($c)['crypto']['protocol'], "\\n";
        fclose($c);
        """
    )
    proc = subprocess.Popen(["php", "-n", "-r", script], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        address = proc.stdout.readline().strip()
        ctx = stream_context_create({"ssl": {"cafile": cafile}})
        fp = stream_socket_client(f"ssl://{address}", None, None, 10, STREAM_CLIENT_CONNECT, ctx)
        assert fp is not False
        assert fwrite(fp, "hello from python\n") == 18
        assert fgets(fp) == b"php got hello from python\n"
        protocol = stream_get_meta_data(fp)["crypto"]["protocol"]
        fclose(fp)
        assert proc.stdout.readline().strip() == protocol == tls_version.name
    finally:
        proc.wait(10)
        if proc.stdout is not None:
            proc.stdout.close()


@pytest.mark.php
@pytest.mark.usefixtures("php")
def test_phpstreams_server_php_client(
    pems: tuple[str, str], tmp_path: Path, tls_version: Version
) -> None:
    cafile, server = pems
    ctx = stream_context_create(
        {"ssl": {"local_cert": server, "crypto_method": tls_version.server_method}}
    )
    srv = stream_socket_server(
        "ssl://127.0.0.1:0", None, None, STREAM_SERVER_BIND | STREAM_SERVER_LISTEN, ctx
    )
    assert srv is not False
    address = stream_socket_get_name(srv, False)
    script = textwrap.dedent(
        f"""
        $ctx = stream_context_create(['ssl' => ['cafile' => '{cafile}']]);
        $fp = stream_socket_client('ssl://{address}', $e, $s, 10, STREAM_CLIENT_CONNECT, $ctx);
        fwrite($fp, "hello from php\\n");
        echo fgets($fp);
        echo stream_get_meta_data($fp)['crypto']['cipher_name'], "\\n";
        fclose($fp);
        """
    )
    proc = subprocess.Popen(["php", "-n", "-r", script], stdout=subprocess.PIPE, text=True)
    try:
        conn = stream_socket_accept(srv, 10)
        assert conn is not False
        assert fgets(conn) == b"hello from php\n"
        fwrite(conn, "python got it\n")
        assert stream_get_meta_data(conn)["crypto"]["protocol"] == tls_version.name
        cipher = stream_get_meta_data(conn)["crypto"]["cipher_name"]
        out, _ = proc.communicate(timeout=10)
        assert out.splitlines() == ["python got it", cipher]
        fclose(conn)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
