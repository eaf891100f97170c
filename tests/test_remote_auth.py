"""Credentials and TLS for a server store: a password-protected HTTPS front (a small
proxy in this file) in front of the real Oxigraph server from tests/conftest.py.

Credentials come from KG_STORE_USER / KG_STORE_PASSWORD, the URL or netrc and never show
up in output or logs; certificates are verified unless --insecure is given.
"""

from __future__ import annotations

import base64
import logging
import ssl
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import trustme
from click.testing import CliRunner

from kg.cli import main
from kg.errors import StoreError
from kg.store import KGStore, redact

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = ROOT / "data" / "articles" / "kabar-ibukota-2025-jakarta-chungnam.txt"
USER, SECRET = "peneliti", "s3cret-Kata.Sandi"


class _Front(BaseHTTPRequestHandler):
    """Checks HTTP Basic credentials, then passes the request on to the Oxigraph server."""

    upstream = ""
    seen: list[str] = []

    def log_message(self, *args: object) -> None:  # keep test output clean
        pass

    def _handle(self) -> None:
        auth = self.headers.get("Authorization", "")
        self.seen.append(auth)
        wanted = "Basic " + base64.b64encode(f"{USER}:{SECRET}".encode()).decode()
        if auth != wanted:
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="kg"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k in ("Content-Type", "Accept")}
        req = urllib.request.Request(
            self.upstream + self.path, data=body, method=self.command, headers=headers
        )
        try:
            with urllib.request.urlopen(req) as resp:
                status, ctype, data = resp.status, resp.headers.get("Content-Type"), resp.read()
        except urllib.error.HTTPError as exc:
            status, ctype, data = exc.code, exc.headers.get("Content-Type"), exc.read()
        self.send_response(status)
        if ctype:
            self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = _handle


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


def _serve(upstream: str, context: ssl.SSLContext | None) -> Iterator[str]:
    handler = type("Front", (_Front,), {"upstream": upstream, "seen": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    scheme = "http"
    if context is not None:
        server.socket = context.wrap_socket(server.socket, server_side=True)
        scheme = "https"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"{scheme}://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def front(oxigraph_server: str) -> Iterator[str]:
    yield from _serve(oxigraph_server, None)


@pytest.fixture(scope="module")
def tls_front(oxigraph_server: str, ca: trustme.CA) -> Iterator[str]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    yield from _serve(oxigraph_server, context)


@pytest.fixture
def no_netrc(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NETRC", str(tmp_path / "no-netrc"))
    for var in ("KG_STORE_USER", "KG_STORE_PASSWORD"):
        monkeypatch.delenv(var, raising=False)


def kg(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def test_without_credentials_the_server_refuses(front: str, no_netrc: None) -> None:
    res = kg("--store", front, "stats")
    assert res.exit_code == 1
    assert "refused access (HTTP 401)" in res.output and "KG_STORE_USER" in res.output


def test_credentials_from_the_environment(
    front: str, no_netrc: None, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    env = {"KG_STORE_USER": USER, "KG_STORE_PASSWORD": SECRET}
    res = kg("--store", front, "ingest", str(ARTICLE), env=env)
    assert res.exit_code == 0, res.output
    assert "1 articles" in res.output
    res = kg("--store", front, "stats", "--json", env=env)
    assert res.exit_code == 0 and '"articles": ' in res.output
    bad = kg("--store", front, "stats", env={"KG_STORE_USER": USER, "KG_STORE_PASSWORD": "nope"})
    assert bad.exit_code == 1
    for text in (res.output, bad.output, caplog.text):
        assert SECRET not in text and "nope" not in text


def test_credentials_in_the_url_are_used_and_never_shown(front: str, no_netrc: None) -> None:
    url = front.replace("http://", f"http://{USER}:{SECRET}@")
    res = kg("--store", url, "ingest", str(ARTICLE))
    assert res.exit_code == 0, res.output
    assert SECRET not in res.output and USER not in res.output
    assert "→ " + front in res.output
    wrong = front.replace("http://", f"http://{USER}:wrong-{SECRET}@")
    res = kg("--store", wrong, "stats")
    assert res.exit_code == 1 and SECRET not in res.output
    assert redact(wrong) == front.replace("http://", "http://***@")


def test_credentials_from_netrc(front: str, tmp_path: Path, no_netrc: None) -> None:
    rc = tmp_path / "netrc"
    rc.write_text(f"machine 127.0.0.1 login {USER} password {SECRET}\n")
    rc.chmod(0o600)
    res = kg("--store", front, "stats", env={"NETRC": str(rc)})
    assert res.exit_code == 0, res.output
    rc.write_text(f"machine 127.0.0.1 login {USER} password {SECRET} bogus\n")
    res = kg("--store", front, "stats", env={"NETRC": str(rc)})
    assert res.exit_code == 1 and "cannot parse" in res.output and SECRET not in res.output


def test_tls_is_verified_by_default(
    tls_front: str, ca: trustme.CA, tmp_path: Path, no_netrc: None
) -> None:
    env = {"KG_STORE_USER": USER, "KG_STORE_PASSWORD": SECRET}
    res = kg("--store", tls_front, "stats", env=env)
    assert res.exit_code == 1 and "TLS certificate not trusted" in res.output
    assert "--insecure" in res.output
    # the same server is accepted once its CA is trusted ...
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    res = kg("--store", tls_front, "stats", env={**env, "SSL_CERT_FILE": str(ca_file)})
    assert res.exit_code == 0, res.output
    # ... or when the user explicitly opts out
    res = kg("--store", tls_front, "--insecure", "stats", env=env)
    assert res.exit_code == 0, res.output
    assert "warning: --insecure" in res.output


def test_library_errors_name_the_store_without_userinfo(no_netrc: None) -> None:
    with pytest.raises(StoreError) as info:
        KGStore(f"http://{USER}:{SECRET}@127.0.0.1:9/")
    assert SECRET not in str(info.value) and "http://127.0.0.1:9" in str(info.value)
