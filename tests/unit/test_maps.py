"""Maps: markers are data, never code (issue 12, item 1).

Hostile and merely unusual labels reach the map document only as HTML-safe JSON read by
one fixed script; the document's CSP allows exactly its inline scripts; the map store
round-trips documents (memory here, Redis in tests/integration/test_map_store_redis.py);
``/api/carte/<key>`` serves them with their headers, and 404 for anything else.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from html.parser import HTMLParser

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from mystage.api import maps as map_api
from mystage.services import map_store, maps
from mystage.settings import get_settings

HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "Vendeur ${top.__x=document.domain} en boutique",
    "Garage `+alert(1)+`",
    "Atelier `Chez Paul` – pâtisserie",
    "</script><script>alert(1)</script>",
    "<!-- <script>",
    'Chez "Léa" & l\'atelier',
    "C:\\chemin\\vers\\x \\u0027 \\`",
    "Fleuriste 🌷🌻 — été",
    "ligne 1\nligne 2\r\n\u2028fin",
    "');top.__x=1;//",
    '"];top.__x=1;//',
    "x" * 1000,
]


def _script_bodies(document: str) -> list[str]:
    """Inline scripts as a browser's HTML parser sees them (independent of maps.py)."""

    class P(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.inline: list[str] = []
            self._in = False
            self._buf: list[str] = []

        def handle_starttag(self, tag, attrs):
            if tag == "script" and not dict(attrs).get("src"):
                self._in, self._buf = True, []

        def handle_data(self, data):
            if self._in:
                self._buf.append(data)

        def handle_endtag(self, tag):
            if tag == "script" and self._in:
                self.inline.append("".join(self._buf))
                self._in = False

    p = P()
    p.feed(document)
    return p.inline


DATA = re.compile(r"^\s*\}\)\((?P<layer>\w+), (?P<data>\[.*\])\);$", re.M)


def _split(document: str) -> tuple[str, list]:
    """(the scripts with the points' JSON replaced by a placeholder, the points)."""
    scripts = "\n".join(_script_bodies(document))
    found = DATA.findall(scripts)
    assert len(found) == 1, "exactly one data literal"
    data = found[0][1]
    return scripts.replace(data, "@DATA@"), json.loads(data)


def _points(labels: list[str], url: str = "/offres/7") -> list[maps.Point]:
    return [
        maps.Point(48.9 + i / 1000, 2.8 + i / 1000, label, url) for i, label in enumerate(labels)
    ]


@pytest.mark.parametrize("cluster", [True, False], ids=["cluster", "plain"])
def test_hostile_labels_are_json_data_read_by_fixed_code(cluster):
    hostile = maps.render_map(_points(HOSTILE), cluster=cluster, fit=True)
    benign = maps.render_map(
        _points([f"x{i}" for i in range(len(HOSTILE))]), cluster=cluster, fit=True
    )
    code, points = _split(hostile)
    benign_code, _ = _split(benign)
    # The code around the data is the same whatever the labels say…
    assert code == benign_code
    # …and the labels come back intact from the JSON (every marker is there).
    assert [p[2] for p in points] == HOSTILE
    assert [p[3] for p in points] == ["/offres/7"] * len(HOSTILE)
    # The data literal cannot close the script, open a comment, or become code.
    literal = DATA.search("\n".join(_script_bodies(hostile))).group("data")
    for bad in ("<", ">", "&", "'", "\n", "\r", "\u2028"):
        assert bad not in literal
    # No user text is ever a string for HTML: no template literal, no innerHTML, no jQuery.
    for bad in ("`", "innerHTML", "$(", 'bindTooltip("', 'bindPopup("', "setContent("):
        assert bad not in code
    for label in HOSTILE:
        assert label not in code
    # Nothing hostile reached the HTML outside scripts either.
    outside = re.sub(r"<script[^>]*>.*?</script>", "", hostile, flags=re.S)
    assert "onerror" not in outside and "alert" not in outside and "__x" not in outside


def test_labels_are_capped_and_unicode_survives():
    long = "é" * 1500
    _, points = _split(maps.render_map(_points([long, "Fleuriste 🌷"])))
    assert points[0][2] == "é" * maps.LABEL_MAX
    assert points[1][2] == "Fleuriste 🌷"


@pytest.mark.parametrize(
    "url,kept",
    [
        ("/offres/12", True),
        ("/", True),
        ("//evil.example/x", False),
        ("/\\evil.example", False),
        ("javascript:alert(1)", False),
        ("https://evil.example/", False),
        ("/offres/1 onclick=x", False),
        ("/offres/\x01", False),
        ("", False),
    ],
)
def test_popup_links_only_to_local_paths(url, kept):
    _, points = _split(maps.render_map([maps.Point(48.9, 2.8, "Offre", url)]))
    assert points[0][3] == (url if kept else "")


def test_no_dollar_shim_nor_cdn_and_non_finite_points_dropped():
    document = maps.render_map(
        [maps.Point(float("nan"), 2.0, "a"), maps.Point(48.9, 2.8, "b")], cluster=True
    )
    assert "window.$" not in document
    assert "cdn" not in document.lower() and "jquery" not in document.lower()
    assert "/vendor/leaflet/leaflet.js" in document
    assert "/vendor/markercluster/leaflet.markercluster.js" in document
    _, points = _split(document)
    assert [p[2] for p in points] == ["b"]


def test_same_points_same_document():
    pts = _points(HOSTILE[:3])
    a, b = (
        maps.render_map(pts, cluster=True, fit=True),
        maps.render_map(pts, cluster=True, fit=True),
    )
    assert a == b
    assert map_store.key_of(a) == map_store.key_of(b)
    assert maps.render_map(_points(["autre"])) != a


def _csp(header: str) -> dict[str, list[str]]:
    out = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


def test_csp_hashes_are_exactly_the_inline_scripts():
    document = maps.render_map(_points(HOSTILE), cluster=True, fit=True)
    bodies = _script_bodies(document)
    assert len(bodies) >= 2  # folium's settings + the map
    expected = {
        "'sha256-" + base64.b64encode(hashlib.sha256(b.encode()).digest()).decode() + "'"
        for b in bodies
    }
    csp = _csp(maps.content_security_policy(document))
    assert set(csp["script-src"]) == {"'self'", *expected}
    assert csp["default-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'self'"]
    assert csp["base-uri"] == ["'none'"] and csp["form-action"] == ["'none'"]
    assert "https://tile.openstreetmap.org" in csp["img-src"]
    assert "allow-scripts" in csp["sandbox"] and "allow-same-origin" not in csp["sandbox"]
    # Another label changes the data script, so its hash: a stored document cannot be
    # swapped for another under the same policy.
    other = maps.content_security_policy(maps.render_map(_points(["autre"])))
    assert set(_csp(other)["script-src"]) != set(csp["script-src"])


@pytest.mark.parametrize(
    "url,origin",
    [
        ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org"),
        (
            "https://{s}.tile.openstreetmap.fr/osmfr/{z}/{x}/{y}.png",
            "https://*.tile.openstreetmap.fr",
        ),
        ("http://tiles.local:8080/{z}/{x}/{y}.png", "http://tiles.local:8080"),
        ("/tuiles/{z}/{x}/{y}.png", ""),
    ],
)
def test_tiles_origin(url, origin):
    assert maps.tiles_origin(url) == origin


# --- the store ------------------------------------------------------------------------------


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_memory_store_round_trip_lru_and_ttl():
    clock = FakeClock()
    st = map_store.MemoryStore(max_bytes=100, ttl_s=60, clock=clock)
    st.put("a", b"x" * 40)
    st.put("b", b"y" * 40)
    assert st.get("a") == b"x" * 40  # a is now the most recently used
    st.put("c", b"z" * 40)  # 120 bytes > 100: the least recently used (b) goes
    assert st.get("b") is None
    assert st.get("a") == b"x" * 40 and st.get("c") == b"z" * 40
    assert st.size == 80
    st.put("a", b"x" * 40)  # same key again: no double count
    assert st.size == 80
    clock.now += 59
    assert st.get("a") is not None  # read: kept 60 s more
    clock.now += 30
    assert st.get("c") is None  # not read for 89 s: expired
    assert st.get("a") is not None
    clock.now += 61
    assert st.get("a") is None
    assert st.size == 0
    with pytest.raises(ValueError):
        st.put("big", b"x" * 101)


def test_publish_get_and_unknown_keys():
    map_store.reset()
    document = maps.render_map(_points(HOSTILE[:2]))
    url = map_store.publish(document)
    key = map_store.key_from_url(url)
    assert url == "/api/carte/" + hashlib.sha256(document.encode()).hexdigest()
    assert map_store.get(key) == document
    assert map_store.get("0" * 64) is None
    for bad in ("", "../etc/passwd", key.upper(), key[:-1], key + "0", None, 12):
        assert map_store.get(bad) is None
    assert map_store.key_from_url("/api/carte/../x") is None


# --- the route ------------------------------------------------------------------------------


@pytest.fixture
def client():
    map_store.reset()
    with TestClient(Starlette(routes=map_api.routes)) as c:
        yield c


def test_route_serves_the_document_with_its_headers(client):
    document = maps.render_map(_points(HOSTILE), cluster=True, fit=True)
    url = map_store.publish(document)
    r = client.get(url)
    assert r.status_code == 200
    assert r.text == document
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    assert r.headers["cache-control"] == f"private, max-age={map_store.TTL_S}"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "SAMEORIGIN"
    assert r.headers["content-security-policy"] == maps.content_security_policy(document)
    csp = _csp(r.headers["content-security-policy"])
    assert "'unsafe-inline'" not in csp["script-src"] and "'unsafe-eval'" not in csp["script-src"]
    assert csp["sandbox"] == maps.SANDBOX.split()
    assert "allow-same-origin" not in r.headers["content-security-policy"]
    assert client.head(url).status_code == 200
    assert client.post(url).status_code == 405


@pytest.mark.parametrize(
    "path",
    ["0" * 64, "abc", "A" * 64, "%2e%2e%2fsecret", "0" * 63 + "g", "0" * 65],
)
def test_route_unknown_or_malformed_key_is_a_french_404(client, path):
    r = client.get("/api/carte/" + path)
    assert r.status_code == 404
    assert "Carte expirée : rechargez la page." in r.text
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    assert r.headers["cache-control"] == "no-store"
    csp = r.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "sandbox" in csp and "script-src" not in csp


def test_tile_server_setting_reaches_img_src(monkeypatch):
    from mystage import settings

    monkeypatch.setenv("MAP_TILES_URL", "https://{s}.tuiles.example.fr/{z}/{x}/{y}.png")
    settings.reload()
    try:
        document = maps.render_map(_points(["a"]))
        assert "https://{s}.tuiles.example.fr/{z}/{x}/{y}.png" in document
        assert (
            "https://*.tuiles.example.fr" in _csp(maps.content_security_policy(document))["img-src"]
        )
    finally:
        monkeypatch.delenv("MAP_TILES_URL")
        settings.reload()
    assert get_settings().map_tiles_url.startswith("https://tile.openstreetmap.org")


def test_redis_down_gives_no_map_instead_of_an_error(monkeypatch):
    from mystage import settings

    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")  # nothing listens there
    settings.reload()
    map_store.reset()
    try:
        assert map_store.publish(maps.render_map(_points(["a"]))) == ""
    finally:
        monkeypatch.delenv("REDIS_URL")
        settings.reload()
        map_store.reset()


def test_offer_map_is_rendered_once_per_place_and_label():
    """The offer page's one-marker map: the same document as render_map, rendered once
    (the second call returns the very same string), the label still escaped."""
    from mystage.services import maps as m

    label = "Boulangerie <img src=x onerror=alert(1)> & fils"
    first = m.render_point(47.2184, -1.5536, label, 13)
    assert first == m.render_map([m.Point(47.2184, -1.5536, label)], zoom=13)
    assert m.render_point(47.2184, -1.5536, label, 13) is first
    assert "<img src=x" not in first
    assert m.render_point(47.2184, -1.5536, "Autre", 13) != first
