"""Security headers middleware (mystage/api/security.py) and the origins of settings.

The middleware wraps small Starlette apps here (real ASGI, no mock); the e2e test
tests/e2e/test_security_headers.py checks the same headers on the production server.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import re
import warnings

import pytest
from starlette.applications import Starlette
from starlette.exceptions import StarletteDeprecationWarning
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

with warnings.catch_warnings():  # starlette 1.10 prefers httpx2; httpx is what we have
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient

from mystage import settings
from mystage.api import security
from mystage.api.security import (
    SecurityHeaders,
    content_security_policy,
    is_same_origin,
    script_hashes,
)

BOOT = 'window.__reactRouterContext = {"basename":"/"};'
MODULE = 'import "/assets/manifest.js";\nimport("/assets/entry.client.js");'
PAGE = (
    "<!DOCTYPE html><html><head>"
    f"<script>{BOOT}</script>"
    '<script type="module" src="/assets/root.js"></script>'
    f'<SCRIPT type="module" async="">{MODULE}</SCRIPT >'
    "</head><body><p>Bonjour</p>"
    f"<script>{BOOT}</script>"  # the same script twice: one hash
    "</body></html>"
)


def sha(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def directives(policy: str) -> dict[str, list[str]]:
    out = {}
    for part in policy.split(";"):
        name, *values = part.split()
        out[name] = values
    return out


@pytest.fixture
def public_url(monkeypatch):
    def use(url: str):
        monkeypatch.setenv("PUBLIC_URL", url)
        return settings.reload()

    yield use
    monkeypatch.delenv("PUBLIC_URL", raising=False)
    settings.reload()


# --- origins ---------------------------------------------------------------------------------


def test_allowed_origins_loopback_and_public(public_url):
    s = public_url("http://localhost:3000/")
    assert s.public_origin == "http://localhost:3000"
    assert s.allowed_origins == (
        "http://localhost:3000",
        "http://127.0.0.1:3000",
        "http://[::1]:3000",
    )
    assert not s.https
    s = public_url("https://Stage.Example.fr:443/chemin")
    assert s.public_origin == "https://stage.example.fr"
    assert s.allowed_origins == ("https://stage.example.fr",)  # no loopback in production
    assert s.https


def test_same_origin_check(public_url):
    s = public_url("https://stage.example.fr")
    assert is_same_origin({"origin": "https://stage.example.fr"}, s)
    assert is_same_origin({"origin": "https://stage.example.fr/"}, s)
    for origin in ("https://evil.example", "null", "http://stage.example.fr", ""):
        assert not is_same_origin({"origin": origin}, s)
    # Without Origin, only the browser's own word for it.
    assert is_same_origin({"sec-fetch-site": "same-origin"}, s)
    assert not is_same_origin({"sec-fetch-site": "cross-site"}, s)
    assert not is_same_origin({"sec-fetch-site": "same-site"}, s)
    assert not is_same_origin({}, s)
    # Origin wins over a forged Sec-Fetch-Site.
    assert not is_same_origin(
        {"origin": "https://evil.example", "sec-fetch-site": "same-origin"}, s
    )


# --- the policy ------------------------------------------------------------------------------


def test_script_hashes_of_inline_scripts_only():
    assert script_hashes(PAGE.encode()) == [sha(BOOT), sha(MODULE)]
    assert script_hashes(b"<p>pas de script</p>") == []


def test_policy_is_strict(public_url):
    s = public_url("http://localhost:3000")
    d = directives(content_security_policy(s, [sha(BOOT)]))
    assert d["script-src"] == ["'self'", sha(BOOT)]
    assert "'unsafe-eval'" not in content_security_policy(s)
    assert "'unsafe-inline'" not in d["script-src"]
    assert d["frame-ancestors"] == ["'none'"]
    assert d["object-src"] == ["'none'"]
    assert d["base-uri"] == ["'self'"] and d["form-action"] == ["'self'"]
    assert d["frame-src"] == ["'self'"]
    assert d["connect-src"] == ["'self'", "ws://localhost:3000", "ws://127.0.0.1:3000"]
    assert "upgrade-insecure-requests" not in d
    d = directives(content_security_policy(public_url("https://stage.example.fr")))
    assert d["connect-src"] == ["'self'", "wss://stage.example.fr"]
    assert "upgrade-insecure-requests" in d


# --- the middleware --------------------------------------------------------------------------


async def html(request):
    return HTMLResponse(PAGE)


async def html_gzip(request):
    return Response(
        gzip.compress(PAGE.encode()),
        media_type="text/html; charset=utf-8",
        headers={"Content-Encoding": "gzip"},
    )


async def data(request):
    return JSONResponse({"ok": True}, headers={"Referrer-Policy": "no-referrer"})


async def own_policy(request):
    return HTMLResponse(
        "<script>carte()</script>",
        headers={"Content-Security-Policy": "default-src 'none'; frame-ancestors 'self'"},
    )


async def not_modified(request):
    return Response(status_code=304, headers={"ETag": '"abc"'})


def wrapped(public: str = "http://localhost:3000") -> TestClient:
    inner = Starlette(
        routes=[
            Route("/page", html),
            Route("/page-gz", html_gzip),
            Route("/api/data", data),
            Route("/api/carte/x", own_policy),
            Route("/cached", not_modified),
        ]
    )
    # Starlette's CORS layer as Reflex adds it (credentials allowed, our origins only).
    inner.add_middleware(
        CORSMiddleware,
        allow_credentials=True,
        allow_methods=["*"],
        allow_headers=["*"],
        allow_origins=list(settings.get_settings().allowed_origins),
    )
    return TestClient(SecurityHeaders(inner), base_url=public)


def test_html_gets_policy_with_its_inline_scripts(public_url):
    public_url("http://localhost:3000")
    with wrapped() as client:
        for path in ("/page", "/page-gz"):
            r = client.get(path, headers={"Accept-Encoding": "gzip"})
            assert r.status_code == 200 and "Bonjour" in r.text
            d = directives(r.headers["content-security-policy"])
            assert d["script-src"] == ["'self'", sha(BOOT), sha(MODULE)], path
            assert r.headers["x-frame-options"] == "DENY"
            assert r.headers["x-content-type-options"] == "nosniff"
            assert r.headers["referrer-policy"] == "strict-origin-when-cross-origin"
            assert r.headers["cross-origin-opener-policy"] == "same-origin"
            perms = r.headers["permissions-policy"]
            for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
                assert f"{feature}=()" in perms
            assert "strict-transport-security" not in r.headers  # http: no HSTS
        assert client.get("/page-gz").headers["content-encoding"] == "gzip"


def test_every_response_gets_headers_routes_keep_theirs(public_url):
    public_url("http://localhost:3000")
    with wrapped() as client:
        r = client.get("/api/data")
        assert r.json() == {"ok": True}
        assert directives(r.headers["content-security-policy"])["script-src"] == ["'self'"]
        assert r.headers["referrer-policy"] == "no-referrer"  # the route's choice stays
        assert r.headers["x-frame-options"] == "DENY"
        # A document with its own policy (a map under /api/carte/) keeps it, framable by us.
        r = client.get("/api/carte/x")
        assert r.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'self'"
        assert r.headers["x-frame-options"] == "SAMEORIGIN"
        assert r.headers["x-content-type-options"] == "nosniff"
        # A 404 of the page server too.
        r = client.get("/nulle-part")
        assert r.status_code == 404 and "content-security-policy" in r.headers
        # A revalidation carries nothing that would replace the cached page's policy.
        r = client.get("/cached")
        assert r.status_code == 304 and "content-security-policy" not in r.headers
        assert "x-frame-options" not in r.headers


def test_hsts_when_public_url_is_https(public_url):
    public_url("https://stage.example.fr")
    with wrapped("https://stage.example.fr") as client:
        r = client.get("/page")
        assert r.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"
        assert "upgrade-insecure-requests" in r.headers["content-security-policy"]


def test_cors_only_for_our_origin(public_url):
    public_url("https://stage.example.fr")
    with wrapped("https://stage.example.fr") as client:
        r = client.get("/api/data", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in r.headers
        assert "access-control-allow-credentials" not in r.headers
        pre = client.options(
            "/api/data",
            headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
        )
        assert "access-control-allow-origin" not in pre.headers
        assert "access-control-allow-credentials" not in pre.headers
        r = client.get("/api/data", headers={"Origin": "https://stage.example.fr"})
        assert r.headers["access-control-allow-origin"] == "https://stage.example.fr"
        assert r.headers["access-control-allow-credentials"] == "true"


@pytest.mark.anyio
async def test_static_file_sent_by_path_is_hashed(tmp_path, public_url):
    """granian sends static files with the ``http.response.pathsend`` extension: the body
    never passes through the middleware, the file is read to hash its scripts."""
    public_url("http://localhost:3000")
    page = tmp_path / "index.html.gz"
    page.write_bytes(gzip.compress(PAGE.encode()))
    sent: list[dict] = []

    async def app(scope, receive, send):
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"text/html"), (b"content-encoding", b"gzip")],
            }
        )
        await send({"type": "http.response.pathsend", "path": str(page)})

    async def receive():
        return {"type": "http.request", "body": b""}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "GET", "path": "/", "headers": [], "query_string": b""}
    await SecurityHeaders(app)(scope, receive, send)
    assert [m["type"] for m in sent] == ["http.response.start", "http.response.pathsend"]
    headers = {k.decode(): v.decode() for k, v in sent[0]["headers"]}
    policy = directives(headers["content-security-policy"])
    assert policy["script-src"] == ["'self'", sha(BOOT), sha(MODULE)]


@pytest.fixture
def anyio_backend():
    return "asyncio"


def test_hashes_are_cached():
    cache = security._HashCache(size=2)
    body = PAGE.encode()
    assert cache.get(body, "") == [sha(BOOT), sha(MODULE)]
    assert cache.get(body, "") is cache.get(body, "")
    cache.get(b"<script>a</script>", "")
    cache.get(b"<script>b</script>", "")
    assert len(cache._items) == 2
    # A body that does not inflate gets no hash (its scripts stay blocked), no error.
    assert cache.get(b"pas du gzip", "gzip") is None
    assert re.fullmatch(r"'sha256-[A-Za-z0-9+/]{43}='", sha(BOOT))
