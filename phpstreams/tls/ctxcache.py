"""A bounded cache of the client ``ssl.SSLContext`` objects :mod:`.options` builds.

Theory of operation: PHP builds a new SSL_CTX for every connection
(php_openssl_setup_crypto); with OpenSSL 3 that build (SSL_CTX_new, the CA file
parsed, set_cipher_list, ...) costs as much as the rest of a loopback handshake.
An SSL_CTX is only a template for the SSL objects made from it, so two builds
from the same inputs are interchangeable, and a client build whose inputs all
equal an earlier one's is answered with the earlier context. It is exact
because the key holds every input of the build:

- the crypto method and each option the client build reads
  (:data:`KEYED_OPTIONS`), absent or present, with its exact Python type (True,
  1, 1.0 and "1" are four keys); when any of them is not a plain scalar (an
  array, an object) there is no key and the build is fresh, as before;
- the ini values openssl.cafile / openssl.capath, and whether OpenSSL is reached
  through ctypes (``transport.openssl.LAYOUT``: the fallback builds differently);
- the files PHP reads again at each connection: for the cafile, local_cert and
  local_pk a stat signature (device, inode, size, mtime, ctime) and a digest of
  their content; for a capath the directory's signature (it changes when
  entries are added, removed, renamed) and each entry's; with neither cafile nor
  capath, OpenSSL's default verify paths: the SSL_CERT_FILE / SSL_CERT_DIR
  environment values and the signatures of the file and directories they (or
  OpenSSL's defaults) name. A path that does not stat has no key: the build is
  fresh, with its failure warnings as before.

Only a build that succeeded and emitted no diagnostic at all is kept
(:func:`..core.diagnostics.emissions` read before and after), so every warning
of a failed or dubious build is repeated on every connection, as in PHP.
Servers are never cached: a shared server SSL_CTX would keep a session cache
and ticket keys across connections, resuming sessions PHP's fresh context
refuses. A client SSL_CTX keeps nothing of a connection: OpenSSL's default
session cache mode is server-only, and Python resumes a client session only
when one is passed to wrap_socket (the ``session_stream`` argument: that
session is set on the connection, whichever context made it). Everything per
connection lives on the SSL object (SNI, the verify result) or in the stream's
options (peer_name, capture_*); the verify callback on the context depends only
on keyed options.

Not covered (documented limits): a capath entry or the system default bundle
rewritten in place with the same size within one file-system timestamp tick
(only signatures are kept for those; the explicit files' content is hashed).
"""

from __future__ import annotations

import hashlib
import os
import ssl
import stat
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from ..core.diagnostics import emissions
from ..core.ini import openssl_ca
from ..core.values import php_truthy
from ..transport import openssl as _openssl

__all__ = ["CACHE", "KEYED_OPTIONS", "ContextCache", "ca_locations", "client_key"]

CACHE_SIZE = 32
# Every option ssl_context_from_options reads for a client (tests check the list).
KEYED_OPTIONS = (
    "verify_peer", "cafile", "capath", "verify_depth", "allow_self_signed", "ciphers",
    "security_level", "alpn_protocols", "local_cert", "local_pk", "passphrase", "no_ticket",
    "disable_compression", "min_proto_version", "max_proto_version",
)  # fmt: skip
_SCALARS = frozenset({str, int, float, bool, type(None)})
_ABSENT = ("absent",)  # a present value is keyed as (type, value): never equal to this
_DEFAULTS = ssl.get_default_verify_paths()


def ca_locations(options: dict[str, Any]) -> tuple[str | None, str | None]:
    """The cafile and capath a verifying build loads (options, else the ini values)."""
    # PHP: without the options, the openssl.cafile / openssl.capath ini values
    ini_cafile, ini_capath = openssl_ca()
    cafile = options.get("cafile", ini_cafile or None)
    capath = options.get("capath", ini_capath or None)
    return (
        str(cafile) if cafile is not None else None,
        str(capath) if capath is not None else None,
    )


def _signature(path: str) -> tuple[int, int, int, int, int]:
    st = os.stat(path)
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns


def _file_key(path: str) -> tuple[Hashable, ...]:
    """A file read at every connection: its signature and its content's digest."""
    # O_NONBLOCK: a FIFO must neither block here nor lose bytes to this read
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise OSError(f"not a regular file: {path}")  # no key: built fresh
        digest = hashlib.sha256()
        while chunk := os.read(fd, max(st.st_size + 1, 4096)):
            digest.update(chunk)
    finally:
        os.close(fd)
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns, digest.digest()


def _dir_key(path: str) -> tuple[Hashable, ...]:
    """A hashed CA directory: its signature and every entry's."""
    entries: list[tuple[str, Hashable]] = []
    with os.scandir(path) as it:
        for entry in it:
            try:
                st = entry.stat()
            except OSError:
                entries.append((entry.name, None))
                continue
            entries.append(
                (entry.name, (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns))
            )
    return _signature(path), tuple(sorted(entries, key=lambda item: item[0]))


def _maybe_signature(path: str) -> tuple[int, int, int, int, int] | None:
    try:
        return _signature(path)
    except (OSError, ValueError):
        return None


def _default_paths_key() -> tuple[Hashable, ...]:
    """set_default_verify_paths: the environment, else OpenSSL's built-in paths."""
    env_file = os.environ.get(_DEFAULTS.openssl_cafile_env)
    env_dir = os.environ.get(_DEFAULTS.openssl_capath_env)
    cafile = _DEFAULTS.openssl_cafile if env_file is None else env_file
    capath = _DEFAULTS.openssl_capath if env_dir is None else env_dir
    dirs = tuple(_maybe_signature(part) for part in capath.split(os.pathsep))
    return env_file, env_dir, _maybe_signature(cafile), dirs


def _files_key(options: dict[str, Any]) -> tuple[Hashable, ...]:
    """What the client build reads from the file system (OSError/ValueError: no key)."""
    parts: list[Hashable] = []
    if "verify_peer" not in options or php_truthy(options["verify_peer"]):
        cafile, capath = ca_locations(options)
        if cafile or capath:
            parts.append(_file_key(cafile) if cafile else None)
            parts.append(_dir_key(capath) if capath else None)
        else:
            parts.append(_default_paths_key())
    certfile = options.get("local_cert")
    if certfile is not None:
        parts.append(_file_key(os.path.abspath(str(certfile))))
        private_key = options.get("local_pk")
        if private_key is not None:
            parts.append(_file_key(os.path.abspath(str(private_key))))
    return tuple(parts)


def client_key(method: int, options: dict[str, Any]) -> tuple[Hashable, ...] | None:
    """The cache key of a client build, or None when it must be built fresh."""
    values: list[Hashable] = []
    for name in KEYED_OPTIONS:
        if name not in options:
            values.append(_ABSENT)
            continue
        value = options[name]
        kind = type(value)
        if kind not in _SCALARS:
            return None
        # a float by its repr: -0.0 == 0.0 but str() tells them apart
        values.append((kind, repr(value) if kind is float else value))
    try:
        files = _files_key(options)
    except (OSError, ValueError):
        return None
    # the ctypes path or the stdlib fallback builds differently (tests switch it)
    return method, _openssl.LAYOUT, openssl_ca(), tuple(values), files


class ContextCache:
    """An LRU of client contexts; ``hits`` and ``stored`` count for the tests."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self.size = size
        self.hits = 0
        self.stored = 0
        self._entries: OrderedDict[tuple[Hashable, ...], ssl.SSLContext] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        """Forget every context (and zero the counters)."""
        with self._lock:
            self._entries.clear()
            self.hits = self.stored = 0

    def get_or_build(
        self,
        method: int,
        options: dict[str, Any],
        build: Callable[[], ssl.SSLContext | None],
    ) -> ssl.SSLContext | None:
        """The cached context for these inputs, else ``build()`` (kept if clean)."""
        key = client_key(method, options)
        if key is None:
            return build()
        with self._lock:
            context = self._entries.get(key)
            if context is not None:
                self._entries.move_to_end(key)
                self.hits += 1
                return context
        before = emissions()
        context = build()
        # PHP: a build that warned warns again at every connection: never kept;
        # nor one whose files changed while it read them (the key would lie)
        if (
            context is not None
            and emissions() == before
            and client_key(method, options) == key
        ):
            with self._lock:
                self._entries[key] = context
                self._entries.move_to_end(key)
                while len(self._entries) > self.size:
                    self._entries.popitem(last=False)
                self.stored += 1
        return context


CACHE = ContextCache()
