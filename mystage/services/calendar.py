"""Internship weeks of the schools around a point (highlighted in the offer week picker)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlmodel import Session

from mystage.models import School, SchoolWeek
from mystage.services import geo


def nearby_school_weeks(
    s: Session, latitude: float | None, longitude: float | None, km: float = 60
) -> dict[date, int]:
    """{monday: number of schools within ``km`` that chose that week} (one aggregate query)."""
    if latitude is None or longitude is None:
        return {}
    box = geo.bbox(latitude, longitude, km)
    rows = s.exec(
        sa.select(SchoolWeek.week_start, sa.func.count(sa.distinct(SchoolWeek.school_id)))
        .join(School, School.id == SchoolWeek.school_id)
        .where(
            School.latitude.between(box.min_lat, box.max_lat),
            School.longitude.between(box.min_lon, box.max_lon),
        )
        .group_by(SchoolWeek.week_start)
    ).all()
    return {r[0]: int(r[1]) for r in rows}
