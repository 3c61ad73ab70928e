"""The tracking tables as xlsx files, and the download's file name."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from mystage import clock
from mystage.models import (
    User,
)
from mystage.services import weeks
from mystage.services.exports import xlsx
from mystage.services.schools.roster import roster_rows
from mystage.services.schools.tracking import class_rows, pupil_row, school_table
from mystage.services.text import fold

SCHOOL_COLUMNS = [
    xlsx.Column("name", "Classe"),
    xlsx.Column("level", "Niveau"),
    xlsx.Column("pupils", "Élèves", "int"),
    xlsx.Column("authorized", "Autorisation parentale", "int"),
    xlsx.Column("no_application", "Sans candidature", "int"),
    xlsx.Column("applied", "Ont postulé", "int"),
    xlsx.Column("accepted", "Acceptés", "int"),
    xlsx.Column("confirmed", "Stage confirmé", "int"),
    xlsx.Column("convention_signed", "Convention signée", "int"),
    xlsx.Column("progress", "Avancement", "percent"),
]
CLASS_COLUMNS = [
    xlsx.Column("last_name", "Nom"),
    xlsx.Column("first_name", "Prénom"),
    xlsx.Column("authorized_at", "Autorisation parentale", "date"),
    xlsx.Column("applications", "Candidatures", "int"),
    xlsx.Column("state_label", "État le plus avancé"),
    xlsx.Column("offer_title", "Stage confirmé"),
    xlsx.Column("employer_name", "Structure"),
    xlsx.Column("week_start", "Semaine du", "date"),
    xlsx.Column("week_end", "Jusqu'au", "date"),
    xlsx.Column("convention_signed", "Convention signée", "bool"),
    xlsx.Column("last_activity", "Dernière activité", "date"),
]


def school_table_xlsx(
    s: Session, actor: User | None, *, school_id: Any = None, year: Any = None
) -> bytes:
    """The school-wide table as an xlsx file (same rows and rights as :func:`school_table`,
    plus the total row)."""
    table = school_table(s, actor, school_id=school_id, year=year)
    rows = [*table["rows"], table["total"]]
    return xlsx.write(rows, SCHOOL_COLUMNS, sheet=f"Suivi {table['year_label']}")


def class_table_xlsx(
    s: Session,
    actor: User | None,
    class_id: Any,
    *,
    filter: Any = "",  # noqa: A002
    sort: Any = "name",
    descending: Any = False,
    year: Any = None,
) -> bytes:
    """The class table as an xlsx file (same rows, filter and sort as :func:`class_table`,
    with the listed pupils not signed up yet for the whole class), dates as real dates.
    Their contacts are not exported."""
    _sc, cls, _y, rows = class_rows(s, actor, class_id, filter, sort, descending, year)

    def item(r: Any) -> dict[str, Any]:
        d = pupil_row(r)
        d["authorized_at"] = r.parental_authorization_at
        d["week_start"] = r.week_start
        d["week_end"] = (
            weeks.application_end(r.week_start, r.week_count or 1) if r.week_start else None
        )
        d["last_activity"] = r.last_activity
        d["state_label"] = d["state_label"] if d["applications"] else ""
        return d

    listed = []
    f = filter if isinstance(filter, str) else ""
    if cls["id"] and f in ("", "pas_inscrit") and _y == weeks.active_school_year():
        listed = [
            {"last_name": r["last_name"], "first_name": r["first_name"],
             "state_label": "Pas encore inscrit", "applications": None}
            for r in roster_rows(s, _sc, cls["id"], _y)
        ]  # fmt: skip
    out = [*(item(r) for r in rows), *listed]
    return xlsx.write(out, CLASS_COLUMNS, sheet=cls["name"])


def export_filename(kind: str, name: str = "") -> str:
    """« suivi-3e-a-2026-11-22.xlsx »: a safe file name for a download."""
    slug = fold(name).replace(" ", "-")[:40] or "etablissement"
    return f"suivi-{kind}-{slug}-{clock.today_paris().isoformat()}.xlsx"
