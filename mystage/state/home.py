"""Home page figures: live, from the same aggregate service as the statistics."""

from __future__ import annotations

import reflex as rx

from mystage import db
from mystage.settings import get_settings


def _figures(s) -> dict[str, str]:
    from mystage.models import Department
    from mystage.services import search

    territory = get_settings().territory
    department = None if territory == "national" else territory
    counts = search.count_available(s, department)
    label = "en France"
    if department:
        dep = s.get(Department, department)
        label = f"dans le département {dep.name} ({dep.code})" if dep else f"({department})"
    return {
        "places": f"{int(counts.get('places', 0)):,}".replace(",", "\u202f"),
        "offers": str(counts.get("offers", 0)),
        "structures": str(counts.get("structures", 0)),
        "placed": str(counts.get("placed", 0)),
        "territory": label,
    }


class HomeState(rx.State):
    figures: dict[str, str] = {}

    @rx.event
    async def load(self):
        self.figures = await db.call(_figures)
