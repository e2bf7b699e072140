"""The client context cache's key (phpstreams/tls/ctxcache.py): every build input
is in it, so equal keys mean interchangeable builds; no key means a fresh build."""

from __future__ import annotations

import os
import ssl
from pathlib import Path

import pytest
import trustme

from phpstreams.core.diagnostics import PHPWarning, warning
from phpstreams.tls.ctxcache import CACHE, ContextCache, client_key
from phpstreams.tls.options import TLS_ANY_CLIENT, build_context, ssl_context_from_options

TLS_ANY_SERVER = TLS_ANY_CLIENT & ~1


@pytest.fixture
def cafile(tmp_path: Path) -> str:
    path = str(tmp_path / "ca.pem")
    trustme.CA().cert_pem.write_to_path(path)
    return path


def test_same_inputs_same_key(cafile: str) -> None:
    assert client_key(TLS_ANY_CLIENT, {"cafile": cafile}) == client_key(
        TLS_ANY_CLIENT, {"cafile": cafile}
    )
    assert client_key(TLS_ANY_CLIENT, {"cafile": cafile}) != client_key(33, {"cafile": cafile})


@pytest.mark.parametrize(
    ("a", "b"),
    [(True, 1), (1, "1"), (1, 1.0), (0.0, -0.0), (None, "absent"), ("", None)],
)
def test_types_and_presence_are_keyed(cafile: str, a: object, b: object) -> None:
    def key(value: object) -> object:
        options: dict[str, object] = {"cafile": cafile}
        if value != "absent":
            options["allow_self_signed"] = value
        return client_key(TLS_ANY_CLIENT, options)

    assert key(a) is not None and key(b) is not None
    assert key(a) != key(b)


@pytest.mark.parametrize("value", [[1], {"a": 1}, b"1", object()])
def test_a_non_scalar_has_no_key(cafile: str, value: object) -> None:
    assert client_key(TLS_ANY_CLIENT, {"cafile": cafile, "verify_peer": value}) is None


def test_cafile_content_is_keyed(cafile: str) -> None:
    before = client_key(TLS_ANY_CLIENT, {"cafile": cafile})
    stat = os.stat(cafile)
    other = trustme.CA().cert_pem.bytes()
    with open(cafile, "r+b") as handle:  # in place, same size if the PEMs are
        handle.write(other)
        handle.truncate()
    os.utime(cafile, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # even with the old mtime
    assert client_key(TLS_ANY_CLIENT, {"cafile": cafile}) != before


def test_missing_files_have_no_key(tmp_path: Path, cafile: str) -> None:
    missing = str(tmp_path / "missing.pem")
    assert client_key(TLS_ANY_CLIENT, {"cafile": missing}) is None
    assert client_key(TLS_ANY_CLIENT, {"capath": missing}) is None
    assert client_key(TLS_ANY_CLIENT, {"cafile": cafile, "local_cert": missing}) is None
    assert client_key(TLS_ANY_CLIENT, {"cafile": cafile + "\0"}) is None


def test_unverified_needs_no_ca(tmp_path: Path) -> None:
    missing = str(tmp_path / "missing.pem")
    # verify_peer false: the CA options are never read, so they do not stop the key
    assert client_key(TLS_ANY_CLIENT, {"verify_peer": False, "cafile": missing}) is not None


def test_default_paths_follow_the_environment(
    cafile: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    before = client_key(TLS_ANY_CLIENT, {})
    monkeypatch.setenv("SSL_CERT_FILE", cafile)
    assert client_key(TLS_ANY_CLIENT, {}) != before


def test_capath_entries_are_keyed(tmp_path: Path, cafile: str) -> None:
    folder = tmp_path / "capath"
    folder.mkdir()
    before = client_key(TLS_ANY_CLIENT, {"capath": str(folder)})
    (folder / "abcd1234.0").write_bytes(Path(cafile).read_bytes())
    after = client_key(TLS_ANY_CLIENT, {"capath": str(folder)})
    assert None not in (before, after) and before != after


def test_servers_are_never_cached() -> None:
    CACHE.clear()
    first = ssl_context_from_options("f", TLS_ANY_SERVER, {"verify_peer": False})
    second = ssl_context_from_options("f", TLS_ANY_SERVER, {"verify_peer": False})
    assert first is not None and second is not None and first is not second
    assert len(CACHE) == 0


def test_a_build_that_warns_is_not_kept() -> None:
    cache = ContextCache()
    context = build_context("f", TLS_ANY_CLIENT, {"verify_peer": False})

    def build() -> ssl.SSLContext | None:
        warning("f(): a warning")
        return context

    for _ in range(2):
        with pytest.warns(PHPWarning, match="a warning"):
            assert cache.get_or_build(TLS_ANY_CLIENT, {"verify_peer": False}, build) is context
    assert (len(cache), cache.stored, cache.hits) == (0, 0, 0)


def test_only_successful_builds_are_kept() -> None:
    cache = ContextCache()
    made = cache.get_or_build(TLS_ANY_CLIENT, {"verify_peer": False}, lambda: None)
    assert made is None and len(cache) == 0  # a failed build is not kept
    context = build_context("f", TLS_ANY_CLIENT, {"verify_peer": False})
    assert cache.get_or_build(TLS_ANY_CLIENT, {"verify_peer": False}, lambda: context) is context
    assert cache.get_or_build(TLS_ANY_CLIENT, {"verify_peer": False}, lambda: None) is context
    assert (cache.stored, cache.hits) == (1, 1)
