"""Folium maps with Leaflet and markercluster served from our own assets (no CDN).

The HTML is meant for an ``<iframe srcdoc>``: relative ``/vendor/...`` URLs resolve
against the page, so the map works offline except for the tiles themselves.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import folium
from folium.plugins import MarkerCluster

from mystage.settings import get_settings

LEAFLET_JS = [("leaflet", "/vendor/leaflet/leaflet.js")]
LEAFLET_CSS = [("leaflet_css", "/vendor/leaflet/leaflet.css"), ("mystage_map_css", "/map.css")]
CLUSTER_JS = [("markerclusterjs", "/vendor/markercluster/leaflet.markercluster.js")]
CLUSTER_CSS = [
    ("markerclustercss", "/vendor/markercluster/MarkerCluster.css"),
    ("markerclusterdefaultcss", "/vendor/markercluster/MarkerCluster.Default.css"),
]
ATTRIBUTION = "&copy; contributeurs OpenStreetMap"
# folium builds popup contents with jQuery's ``$(html)[0]``; this 3-line stand-in avoids
# shipping jQuery just for that.
DOLLAR_SHIM = (
    "<script>window.$=window.$||function(h){var t=document.createElement('template');"
    "t.innerHTML=String(h).trim();return [t.content.firstChild];};</script>"
)


@dataclass(frozen=True)
class Point:
    latitude: float
    longitude: float
    label: str = ""
    url: str = ""  # popup link (offer page)


class _LocalMap(folium.Map):
    default_js = LEAFLET_JS
    default_css = LEAFLET_CSS


class _LocalCluster(MarkerCluster):
    default_js = CLUSTER_JS
    default_css = CLUSTER_CSS


def _popup(p: Point) -> folium.Popup | None:
    if not p.label:
        return None
    text = html.escape(p.label)
    if p.url:
        body = f'<a href="{html.escape(p.url)}" target="_top">{text}</a>'
    else:
        body = text
    return folium.Popup(body, max_width=260)


def render_map(
    points: list[Point],
    center: tuple[float, float] | None = None,
    zoom: int = 12,
    cluster: bool = False,
    fit: bool = False,
) -> str:
    """A complete HTML document showing ``points`` (clustered if asked)."""
    if center is None:
        center = (points[0].latitude, points[0].longitude) if points else (46.6, 2.4)
        if not points:
            zoom = 5
    m = _LocalMap(
        location=list(center),
        zoom_start=zoom,
        tiles=get_settings().map_tiles_url,
        attr=ATTRIBUTION,
        control_scale=True,
        prefer_canvas=True,
    )
    m.get_root().header.add_child(folium.Element(DOLLAR_SHIM))
    layer = _LocalCluster().add_to(m) if cluster else m
    for p in points:
        folium.Marker([p.latitude, p.longitude], popup=_popup(p), tooltip=p.label or None).add_to(
            layer
        )
    if fit and len(points) > 1:
        lats = [p.latitude for p in points]
        lons = [p.longitude for p in points]
        m.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]])
    return m.get_root().render()
