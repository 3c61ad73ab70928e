"""The place of a search: geocoding with a small in-process cache, then the département or
the radius filter."""

from __future__ import annotations

import functools
import threading
import time
from collections import OrderedDict

import sqlalchemy as sa
from sqlmodel import Session

from mystage.services import geo
from mystage.services.search.criteria import (
    COMMUNE_ONLY_KM,
    MAX_RADIUS_KM,
    MSG_PLACE,
    SearchCriteria,
)
from mystage.services.search.sql import _T, _a_max, _ensure_cos, _hav_term
from mystage.services.text import fold
from mystage.settings import get_settings

_GEO_CACHE: OrderedDict[tuple[str, str], tuple[float, geo.GeoResult | None]] = OrderedDict()
_GEO_LOCK = threading.Lock()
GEO_CACHE_SIZE = 2000
GEO_CACHE_TTL_S = 3600.0  # reference data changes a few times a year
GEO_CACHE_MISS_TTL_S = 60.0  # an unknown place (or the address API down) is retried soon


def geocode_cached(s: Session, where: str) -> geo.GeoResult | None:
    """:func:`geo.geocode` with a small in-process LRU: pupils search the same few places
    again and again (every page, every change of a criterion), and with the BAN address
    API configured each lookup would be a network round trip."""
    # Folded, but the parentheses kept: « Marseille (13) » (the city) is not « Marseille 13 »
    # (its 13e arrondissement).
    label = " ()" if "(" in where else ""
    key = (f"{s.get_bind().engine.url}|{get_settings().geocoder_url or ''}", fold(where) + label)
    now = time.monotonic()
    with _GEO_LOCK:
        hit = _GEO_CACHE.get(key)
        if hit is not None and hit[0] > now:
            _GEO_CACHE.move_to_end(key)
            return hit[1]
    found = geo.geocode(s, where)
    ttl = GEO_CACHE_TTL_S if found is not None else GEO_CACHE_MISS_TTL_S
    with _GEO_LOCK:
        _GEO_CACHE[key] = (now + ttl, found)
        _GEO_CACHE.move_to_end(key)
        while len(_GEO_CACHE) > GEO_CACHE_SIZE:
            _GEO_CACHE.popitem(last=False)
    return found


def _place_filters(
    s: Session, crit: SearchCriteria, errors: dict[str, str], place: geo.GeoResult | None
) -> tuple[list[sa.ColumnElement], sa.ColumnElement | None, geo.GeoResult | None, bool]:
    if not crit.where:
        return [], None, None, False
    if place is None:
        place = geocode_cached(s, crit.where)
    if place is None:
        errors["where"] = MSG_PLACE
        return [], None, None, True
    if place.precision == geo.PRECISION_DEPARTMENT:
        return [_T.department_code == place.department_code], None, place, False
    _ensure_cos(s)
    where, hav = _around(place.latitude, place.longitude, place.insee_code, float(crit.radius_km))
    return list(where), hav, place, False


@functools.lru_cache(maxsize=4096)
def _around(
    lat: float, lon: float, insee_code: str, radius: float
) -> tuple[tuple[sa.ColumnElement, ...], sa.ColumnElement]:
    """The radius filter and the haversine term around a point (SQL expressions are
    immutable: built once per place and radius, not per search)."""
    hav = _hav_term(lat, lon)
    if radius <= 0:
        near = hav <= _a_max(COMMUNE_ONLY_KM)
        cond = sa.or_(_T.insee_code == insee_code, near) if insee_code else near
        # The commune's offers lie near its center: the box bounds the index scan.
        box = geo.bbox_filter(_T.latitude, _T.longitude, lat, lon, MAX_RADIUS_KM)
        return (box, cond), hav
    box = geo.bbox_filter(_T.latitude, _T.longitude, lat, lon, radius)
    return (box, hav <= _a_max(radius)), hav
