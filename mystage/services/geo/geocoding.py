"""Geocoding (:func:`geocode`, :func:`geocode_address`): the BAN-compatible address API
when ``GEOCODER_URL`` is set, with a short timeout, else or on failure the embedded data."""

from __future__ import annotations

import logging
import math
import threading

import httpx
from sqlmodel import Session

from mystage.services.geo.communes import (
    PRECISION_ADDRESS,
    PRECISION_COMMUNE,
    GeoResult,
    _clean,
    _geocode_address_local,
    _geocode_label,
    _geocode_local,
    _looks_like_address,
)
from mystage.services.text import fold
from mystage.settings import get_settings

log = logging.getLogger(__name__)


BAN_TIMEOUT_S = 2.5  # whole request budget for the address API
BAN_MIN_SCORE = 0.5  # below this the BAN answer is a guess: use the embedded data instead
BAN_MAX_Q = 200  # the BAN refuses longer queries


_http_client: httpx.Client | None = None
_http_lock = threading.Lock()


def _http() -> httpx.Client:
    global _http_client
    with _http_lock:
        if _http_client is None:
            _http_client = httpx.Client(
                headers={"User-Agent": "MyStage/1.0 (geocodage)", "Accept": "application/json"},
                follow_redirects=False,
            )
        return _http_client


def _ban_geocode(base_url: str, query: str, timeout: float) -> GeoResult | None:
    q = query[:BAN_MAX_Q]
    if len(fold(q)) < 3:
        return None
    url = base_url.rstrip("/") + "/search/"
    try:
        resp = _http().get(url, params={"q": q, "limit": 1}, timeout=httpx.Timeout(timeout))
        if resp.status_code != 200:
            log.warning("geocoder: HTTP %s", resp.status_code)
            return None
        features = resp.json().get("features") or []
        if not features:
            return None
        feat = features[0]
        props = feat.get("properties") or {}
        lon, lat = feat["geometry"]["coordinates"][:2]
        lat, lon = float(lat), float(lon)
        score = float(props.get("score") or 0.0)
    except (httpx.HTTPError, ValueError, KeyError, TypeError, IndexError, AttributeError) as exc:
        log.warning("geocoder: %s: %s", type(exc).__name__, exc)
        return None
    if score < BAN_MIN_SCORE or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    if not (math.isfinite(lat) and math.isfinite(lon)):
        return None
    kind = str(props.get("type") or "")
    context = str(props.get("context") or "")
    citycode = str(props.get("citycode") or "")
    department = context.split(",", 1)[0].strip() if context else ""
    if not department and citycode:
        department = citycode[:3] if citycode.startswith("97") else citycode[:2]
    return GeoResult(
        label=str(props.get("label") or q)[:250],
        latitude=lat,
        longitude=lon,
        postal_code=str(props.get("postcode") or "")[:5],
        insee_code=citycode[:5],
        city=str(props.get("city") or "")[:100],
        department_code=department[:3],
        precision=PRECISION_COMMUNE if kind == "municipality" else PRECISION_ADDRESS,
    )


# --- public API -----------------------------------------------------------------------


def geocode_address(s: Session, query: str, *, timeout: float | None = None) -> GeoResult | None:
    """Geocode a postal address.  With ``GEOCODER_URL`` set, ask the BAN API first; on any
    error, timeout, empty or low-score answer, reduce the address to its commune from the
    embedded data (precision "commune")."""
    q = _clean(query)
    if q is None:
        return None
    base_url = get_settings().geocoder_url
    if base_url:
        found = _ban_geocode(base_url, q, BAN_TIMEOUT_S if timeout is None else timeout)
        if found is not None:
            return found
    f = fold(q)
    return _geocode_address_local(s, f) if f else None


def geocode(s: Session, query: str) -> GeoResult | None:
    """Point for what a user typed as a place: postal code, department, commune (with
    optional department or postal code), former commune name, or full address."""
    q = _clean(query)
    if q is None:
        return None
    f = fold(q)
    if not f:
        return None
    if _looks_like_address(f):
        return geocode_address(s, q)
    found = _geocode_label(s, q) or _geocode_local(s, f)
    if found is None and get_settings().geocoder_url:
        found = geocode_address(s, q)
    return found
