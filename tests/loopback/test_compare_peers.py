"""The comparison engine's loopback peers: echo, lines, refused and blackhole."""

from __future__ import annotations

import socket

import pytest

from phpstreams.compare._peers import LINES, start_peer


def test_peers_echo_lines_refused_and_blackhole() -> None:
    echo = start_peer("echo")
    try:
        assert echo.port is not None
        with socket.create_connection(("127.0.0.1", echo.port), timeout=2) as conn:
            conn.sendall(b"ping")
            assert conn.recv(10) == b"ping"
    finally:
        echo.stop()
    lines = start_peer("lines")
    try:
        assert lines.port is not None
        with socket.create_connection(("127.0.0.1", lines.port), timeout=2) as conn:
            data = b""
            while chunk := conn.recv(100):
                data += chunk
        assert data == LINES
    finally:
        lines.stop()
    refused = start_peer("refused")
    try:
        assert refused.port is not None
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", refused.port), timeout=2).close()
    finally:
        refused.stop()
    hole = start_peer("blackhole")
    try:
        assert hole.port is not None
        with pytest.raises((TimeoutError, socket.timeout)):
            socket.create_connection(("127.0.0.1", hole.port), timeout=0.3).close()
    finally:
        hole.stop()
