"""« Journal » (back office): the audit log filtered by actor, object, action and dates,
one page at a time; the same filters feed the xlsx export (``services/exports``, kind
``audit_log``).  Administrators only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session

from mystage import clock
from mystage.models import ROLE_LABELS, AuditLog, User
from mystage.services import permissions

PER_PAGE = 50
FILTER_FIELDS = ("actor", "entity", "entity_id", "action", "date_from", "date_to")
SYSTEM_WORDS = {"systeme", "système", "system", "tâche", "tache"}
PARIS = ZoneInfo("Europe/Paris")

MSG_ACTOR = "Indiquez un numéro de compte (#12), une adresse e-mail ou « système »."
MSG_ACTOR_UNKNOWN = "Aucun compte avec cette adresse e-mail."
MSG_ENTITY_ID = "Indiquez un numéro (par exemple 42)."
MSG_ENTITY_ID_ALONE = "Choisissez aussi le type d'objet."
MSG_DATE = "Date invalide (jj/mm/aaaa)."
MSG_RANGE = "La date de fin est avant la date de début."

_c = AuditLog.__table__.c
_u = User.__table__.c


@dataclass(frozen=True)
class AuditFilter:
    actor_id: int | None = None
    system: bool = False  # the jobs' rows (no actor)
    entity: str = ""
    entity_id: int | None = None
    action: str = ""
    date_from: date | None = None
    date_to: date | None = None

    def conditions(self) -> list[sa.ColumnElement[bool]]:
        conds: list[sa.ColumnElement[bool]] = []
        if self.system:
            conds.append(_c.actor_id.is_(None))
        elif self.actor_id is not None:
            conds.append(_c.actor_id == self.actor_id)
        if self.entity:
            conds.append(_c.entity == self.entity)
        if self.entity_id is not None:
            conds.append(_c.entity_id == self.entity_id)
        if self.action:
            conds.append(_c.action.like(_escape_like(self.action) + "%", escape="\\"))
        if self.date_from is not None:
            conds.append(_c.created_at >= _paris_midnight(self.date_from))
        if self.date_to is not None:
            conds.append(_c.created_at < _paris_midnight(self.date_to + timedelta(days=1)))
        return conds


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _paris_midnight(d: date) -> datetime:
    return datetime.combine(d, time(0), tzinfo=PARIS).astimezone(UTC)


def _require(actor: User | None) -> None:
    permissions.require(permissions.can_admin(actor), "Action réservée aux administrateurs.")


def _parse_day(value: str) -> date | None | str:
    """``2026-05-12`` or ``12/05/2026`` → date; "" → None; anything else → "bad"."""
    v = value.strip()
    if not v:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(v, fmt).date()
        except ValueError:
            continue
    return "bad"


def parse_filters(s: Session, raw: Any) -> tuple[AuditFilter | None, dict[str, str]]:
    """The filters typed on the page (untrusted strings) → ``(filter, {})`` or
    ``(None, {field: French error})``."""
    from mystage.services.ids import client_id

    data = raw if isinstance(raw, dict) else {}

    def text(key: str, n: int = 254) -> str:
        v = data.get(key)
        return v.strip()[:n] if isinstance(v, str) else ""

    errors: dict[str, str] = {}
    actor_id: int | None = None
    system = False
    actor = text("actor")
    if actor:
        if actor.lower() in SYSTEM_WORDS:
            system = True
        elif "@" in actor:
            actor_id = s.execute(
                sa.select(_u.id).where(sa.func.lower(_u.email) == actor.lower())
            ).scalar()
            if actor_id is None:
                errors["actor"] = MSG_ACTOR_UNKNOWN
        else:
            actor_id = client_id(actor.removeprefix("#"))
            if actor_id is None:
                errors["actor"] = MSG_ACTOR
    entity = text("entity", 24)
    entity_id = None
    raw_id = text("entity_id", 20)
    if raw_id:
        entity_id = client_id(raw_id.removeprefix("#"))
        if entity_id is None:
            errors["entity_id"] = MSG_ENTITY_ID
        elif not entity:
            errors["entity_id"] = MSG_ENTITY_ID_ALONE
    days: dict[str, date | None] = {}
    for key in ("date_from", "date_to"):
        d = _parse_day(text(key, 20))
        if d == "bad":
            errors[key] = MSG_DATE
            days[key] = None
        else:
            days[key] = d  # type: ignore[assignment]
    if days["date_from"] and days["date_to"] and days["date_to"] < days["date_from"]:
        errors["date_to"] = MSG_RANGE
    if errors:
        return None, errors
    return AuditFilter(
        actor_id=actor_id,
        system=system,
        entity=entity,
        entity_id=entity_id,
        action=text("action", 40),
        date_from=days["date_from"],
        date_to=days["date_to"],
    ), {}


def entities(s: Session, actor: User | None) -> list[str]:
    """The kinds of objects present in the log (the filter's choices)."""
    _require(actor)
    return [e for (e,) in s.execute(sa.select(_c.entity).distinct().order_by(_c.entity)).all()]


def select_rows(f: AuditFilter) -> sa.Select:
    """The log's rows with their actor (newest first): id, time, actor id, e-mail, name,
    role, object, object id, action, from, to, message."""
    name = sa.func.trim(
        sa.func.coalesce(_u.first_name, "") + " " + sa.func.coalesce(_u.last_name, "")
    )
    return (
        sa.select(
            _c.id,
            _c.created_at,
            _c.actor_id,
            _u.email,
            name.label("actor_name"),
            _c.actor_role,
            _c.entity,
            _c.entity_id,
            _c.action,
            _c.from_state,
            _c.to_state,
            _c.message,
        )  # fmt: skip
        .select_from(AuditLog.__table__.outerjoin(User.__table__, _u.id == _c.actor_id))
        .where(*f.conditions())
        .order_by(_c.id.desc())
    )


def count_rows(f: AuditFilter) -> sa.Select:
    return sa.select(sa.func.count()).select_from(AuditLog.__table__).where(*f.conditions())


def role_label(role: str) -> str:
    if role == "system":
        return "Tâche planifiée"
    return ROLE_LABELS.get(role, role)


def page(
    s: Session, actor: User | None, f: AuditFilter, page_no: int = 1, per_page: int = PER_PAGE
) -> tuple[list[dict[str, Any]], int]:
    """One page of the log with ``f``; returns ``(rows, total)``."""
    _require(actor)
    total = int(s.execute(count_rows(f)).scalar() or 0)
    page_no = max(1, int(page_no))
    rows = s.execute(select_rows(f).limit(per_page).offset((page_no - 1) * per_page)).all()
    out = []
    for r in rows:
        who = r.actor_name or r.email or ""
        if r.actor_id is None:
            who = "Système"
        out.append(
            {
                "id": r.id,
                "created_at": clock.fmt_paris(clock.as_utc(r.created_at)),
                "actor": who,
                "actor_id": r.actor_id or "",
                "actor_role": role_label(r.actor_role),
                "entity": r.entity,
                "entity_id": r.entity_id,
                "action": r.action,
                "change": f"{r.from_state} → {r.to_state}" if r.from_state or r.to_state else "",
                "message": (r.message or "")[:300],
            }
        )
    return out, total
