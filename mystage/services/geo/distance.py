"""Distances on the Earth: great-circle distance (:func:`haversine_km`) and bounding boxes
for indexed latitude/longitude filters."""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import sqlalchemy as sa

EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE = math.pi * EARTH_RADIUS_KM / 180.0  # ≈ 111.2 km per degree of latitude


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres between two WGS84 points."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


class BBox(NamedTuple):
    min_lat: float
    min_lon: float
    max_lat: float
    max_lon: float


def bbox(lat: float, lon: float, km: float) -> BBox:
    """A box that contains every point within ``km`` of (lat, lon) — a prefilter for
    indexed ``latitude BETWEEN … AND longitude BETWEEN …`` before the exact haversine.

    Longitudes are clamped to [-180, 180] (no antimeridian wrap: the French territories
    near it, Wallis-et-Futuna and Fiji's neighbours, are farther than any search radius).
    """
    km = max(0.0, float(km))
    dlat = km / KM_PER_DEGREE
    min_lat, max_lat = max(-90.0, lat - dlat), min(90.0, lat + dlat)
    # Use the parallel farthest from the equator: its degrees of longitude are the shortest,
    # so the span is an upper bound for the whole circle (also when crossing the equator).
    widest = max(abs(min_lat), abs(max_lat))
    cos_lat = math.cos(math.radians(min(widest, 89.9)))
    dlon = min(180.0, km / (KM_PER_DEGREE * cos_lat)) if cos_lat > 1e-9 else 180.0
    return BBox(min_lat, max(-180.0, lon - dlon), max_lat, min(180.0, lon + dlon))


def bbox_filter(lat_col: Any, lon_col: Any, lat: float, lon: float, km: float) -> sa.ColumnElement:
    """SQL condition ``lat_col``/``lon_col`` inside :func:`bbox` (same on SQLite and PG)."""
    b = bbox(lat, lon, km)
    return sa.and_(lat_col.between(b.min_lat, b.max_lat), lon_col.between(b.min_lon, b.max_lon))
