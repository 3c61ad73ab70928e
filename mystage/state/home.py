"""Home page figures: what the search offers now, and the pupils placed this school year
from the same aggregate service as the statistics pages (``stats.public_figures``)."""

from __future__ import annotations

import reflex as rx

from mystage import db
from mystage.services import weeks
from mystage.state.stats import figures, territory_department


def _fmt(n: int) -> str:
    return f"{int(n or 0):,}".replace(",", "\u202f")


def _figures(s, department: str | None) -> dict[str, str]:
    from mystage.models import Department
    from mystage.services import search

    counts = search.count_available(s, department)
    label = "en France"
    if department:
        dep = s.get(Department, department)
        label = f"dans le département {dep.name} ({dep.code})" if dep else f"({department})"
    return {
        "places": _fmt(counts.get("places", 0)),
        "offers": str(counts.get("offers", 0)),
        "structures": str(counts.get("structures", 0)),
        "territory": label,
    }


def _banner(s) -> str:
    from mystage.services import admin_ops

    return admin_ops.home_banner(s)


class HomeState(rx.State):
    figures: dict[str, str] = {}
    banner: str = ""  # the team's message (back office « Réglages »), plain text

    @rx.event
    async def load(self):
        self.banner = await db.call(_banner)
        department = territory_department()
        shown = await db.call(_figures, department)
        public = await figures(weeks.active_school_year(), department)
        shown["placed"] = _fmt(public.get("pupils_confirmed", 0))
        self.figures = shown
