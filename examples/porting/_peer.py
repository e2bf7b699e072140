"""A loopback line server for the porting examples: sends ``lines``, then closes."""

from __future__ import annotations

import socket
import threading
import time


def serve(lines: list[bytes], family: int = socket.AF_INET, hold: float = 0.0) -> int:
    """Start a one-client server on loopback sending ``lines`` (then staying silent
    for ``hold`` seconds before closing); returns its port."""
    host = "::1" if family == socket.AF_INET6 else "127.0.0.1"
    listener = socket.create_server((host, 0), family=family)
    port: int = listener.getsockname()[1]

    def run() -> None:
        conn, _ = listener.accept()
        with conn:
            conn.sendall(b"".join(lines))
            time.sleep(hold)
        listener.close()

    threading.Thread(target=run, daemon=True).start()
    return port
