"""Folium maps with Leaflet and markercluster served from our own assets (no CDN).

Markers are data, never code.  folium draws the map itself (tiles, clustering, fit to
the points) but writes marker tooltips and popups into JavaScript template literals that
Leaflet then sets as HTML, so a title holding `` ` ``, ``${…}`` or ``<img onerror>`` would
run in the map.  Here the points go into the page once, as HTML-safe JSON (Jinja's
``tojson``: ``<``, ``>``, ``&`` and ``'`` are ``\\u``-escaped), and ONE fixed script loops
over them: each tooltip and popup is a DOM node filled with ``textContent``; a popup link
gets its ``href`` only when it is a local path (``/offres/12``) and opens in the top window.

The document is served by URL (``/api/carte/<key>``, see :mod:`mystage.services.map_store`
and :mod:`mystage.api.maps`) with its own Content-Security-Policy: :func:`content_security_policy`
allows exactly the inline scripts of the document (by SHA-256), our own assets and the tile
server, and sandboxes it (no ``allow-same-origin``).  Element ids are fixed, so the same
points give the same document (and the same content-addressed key).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import math
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import folium
from folium.elements import MacroElement
from folium.plugins import MarkerCluster
from folium.template import Template

from mystage.settings import get_settings

LEAFLET_JS = [("leaflet", "/vendor/leaflet/leaflet.js")]
LEAFLET_CSS = [("leaflet_css", "/vendor/leaflet/leaflet.css"), ("mystage_map_css", "/map.css")]
CLUSTER_JS = [("markerclusterjs", "/vendor/markercluster/leaflet.markercluster.js")]
CLUSTER_CSS = [
    ("markerclustercss", "/vendor/markercluster/MarkerCluster.css"),
    ("markerclusterdefaultcss", "/vendor/markercluster/MarkerCluster.Default.css"),
]
ATTRIBUTION = "&copy; contributeurs OpenStreetMap"
LABEL_MAX = 1000  # characters of a label kept on the map (a title is shorter anyway)

# What the map document may do, sent both as the iframe's ``sandbox`` attribute and in the
# document's own CSP (so it is sandboxed even when opened directly).  No allow-same-origin:
# the document runs in an opaque origin, away from the app's cookies and storage.
SANDBOX = (
    "allow-scripts allow-popups allow-popups-to-escape-sandbox "
    "allow-top-navigation-by-user-activation"
)

_LOCAL_PATH = re.compile(r"/(?![/\\])[^\s\\\x00-\x1f\x7f]*")


@dataclass(frozen=True)
class Point:
    latitude: float
    longitude: float
    label: str = ""
    url: str = ""  # popup link (offer page): a local path, anything else is dropped


def local_path(url: str) -> str:
    """``url`` when it is a path of this site (``/offres/12``), else ``""`` (no
    ``//host``, ``/\\host``, ``javascript:``, spaces or control characters)."""
    return url if url and _LOCAL_PATH.fullmatch(url) else ""


class _LocalMap(folium.Map):
    default_js = LEAFLET_JS
    default_css = LEAFLET_CSS


class _LocalCluster(MarkerCluster):
    default_js = CLUSTER_JS
    default_css = CLUSTER_CSS


class _Markers(MacroElement):
    """Every marker of the map, added by one fixed script reading the points as JSON.

    ``points`` rows are ``[latitude, longitude, label, url]``; the script never builds
    HTML from them (``textContent`` and ``href`` only)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            (function (layer, points) {
                function isLocal(u) {
                    return typeof u === "string" && /^\\/(?![\\/\\\\])[^\\s\\\\]*$/.test(u);
                }
                function tooltip(label) {
                    return function () {
                        var span = document.createElement("span");
                        span.textContent = label;
                        return span;
                    };
                }
                function popup(label, url) {
                    return function () {
                        var box = document.createElement("div");
                        if (isLocal(url)) {
                            var a = document.createElement("a");
                            a.setAttribute("href", url);
                            a.setAttribute("target", "_top");
                            a.textContent = label;
                            box.appendChild(a);
                        } else {
                            box.textContent = label;
                        }
                        return box;
                    };
                }
                // A popup never wider than the map (a phone's map is about 340 px wide):
                // the text wraps inside it (map.css) and the map pans to show it whole.
                var width = document.documentElement.clientWidth || 320;
                var popupWidth = Math.max(120, Math.min(260, width - 80));
                var markers = [];
                for (var i = 0; i < points.length; i++) {
                    var p = points[i];
                    var marker = L.marker([p[0], p[1]]);
                    if (p[2]) {
                        marker.bindTooltip(tooltip(String(p[2])), {sticky: true});
                        marker.bindPopup(popup(String(p[2]), p[3]), {
                            maxWidth: popupWidth,
                            minWidth: Math.min(120, popupWidth),
                            autoPanPadding: [12, 12]
                        });
                        marker.on("popupopen", function () { this.closeTooltip(); });
                    }
                    markers.push(marker);
                }
                if (typeof layer.addLayers === "function") {
                    layer.addLayers(markers);
                } else {
                    for (var j = 0; j < markers.length; j++) { markers[j].addTo(layer); }
                }
            })({{ this._parent.get_name() }}, {{ this.points|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, points: list[list]):
        super().__init__()
        self._name = "Markers"
        self.points = points


def _rows(points: list[Point]) -> list[list]:
    rows = []
    for p in points:
        lat, lon = float(p.latitude), float(p.longitude)
        if not (math.isfinite(lat) and math.isfinite(lon)):
            continue
        rows.append([lat, lon, str(p.label or "")[:LABEL_MAX], local_path(str(p.url or ""))])
    return rows


def _fix_ids(root) -> None:
    """Replace folium's random element ids by their order in the tree: the same points
    then render the same document (one key in the map store, cacheable)."""
    n = 0

    def walk(el) -> None:
        nonlocal n
        el._id = f"{n:04d}"
        n += 1
        for child in list(el._children.values()):
            walk(child)

    walk(root)


def render_map(
    points: list[Point],
    center: tuple[float, float] | None = None,
    zoom: int = 12,
    cluster: bool = False,
    fit: bool = False,
) -> str:
    """A complete HTML document showing ``points`` (clustered if asked)."""
    rows = _rows(points)
    if center is None:
        center = (rows[0][0], rows[0][1]) if rows else (46.6, 2.4)
        if not rows:
            zoom = 5
    m = _LocalMap(
        location=list(center),
        zoom_start=zoom,
        tiles=get_settings().map_tiles_url,
        attr=ATTRIBUTION,
        control_scale=True,
        prefer_canvas=True,
    )
    layer = _LocalCluster().add_to(m) if cluster else m
    layer.add_child(_Markers(rows))
    if fit and len(rows) > 1:
        lats = [r[0] for r in rows]
        lons = [r[1] for r in rows]
        m.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]])
    root = m.get_root()
    _fix_ids(root)
    return root.render()


def render_point(lat: float, lon: float, label: str, zoom: int = 13) -> str:
    """The one-marker map of an offer's page: the same document as :func:`render_map`,
    rendered once per place, label and tiles (folium's rendering was 9 % of a worker's
    time under load, for a document that never changes)."""
    return _render_point(
        float(lat), float(lon), str(label), int(zoom), get_settings().map_tiles_url
    )


@functools.lru_cache(maxsize=2048)
def _render_point(lat: float, lon: float, label: str, zoom: int, _tiles: str) -> str:
    return render_map([Point(lat, lon, label)], zoom=zoom)


# --- the document's own Content-Security-Policy -------------------------------------------

_SCRIPT = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script\s*>", re.S | re.I)


def inline_scripts(document: str) -> list[str]:
    """The text of every inline ``<script>`` of ``document`` (those without ``src``)."""
    return [
        m.group("body")
        for m in _SCRIPT.finditer(document)
        if not re.search(r"\bsrc\s*=", m.group("attrs"), re.I)
    ]


def script_hash(body: str) -> str:
    """The CSP source expression allowing one inline script (``'sha256-…'``)."""
    digest = hashlib.sha256(body.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def tiles_origin(tiles_url: str) -> str:
    """The origin of the tile server for ``img-src`` (``{s}`` subdomains become ``*``);
    ``""`` for tiles served by this site."""
    parts = urlsplit(tiles_url)
    if not parts.scheme or not parts.netloc:
        return ""
    host = ".".join("*" if "{" in label else label for label in parts.netloc.split("."))
    return f"{parts.scheme}://{host}"


def content_security_policy(document: str) -> str:
    """The CSP under which ``document`` (from :func:`render_map`) runs: its own inline
    scripts by hash, Leaflet from our assets, images from us and the tile server, nothing
    else; sandboxed without ``allow-same-origin``."""
    hashes = sorted({script_hash(b) for b in inline_scripts(document)})
    tiles = tiles_origin(get_settings().map_tiles_url)
    return "; ".join(
        [
            "default-src 'none'",
            " ".join(["script-src 'self'", *hashes]),
            "style-src 'self' 'unsafe-inline'",
            " ".join(x for x in ("img-src 'self' data:", tiles) if x),
            "frame-ancestors 'self'",
            "base-uri 'none'",
            "form-action 'none'",
            f"sandbox {SANDBOX}",
        ]
    )
