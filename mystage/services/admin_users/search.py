"""« Utilisateurs » (back office): one search box that understands what is typed — an id
(« #42 » or a number), a mobile number in any format, an e-mail address or part of it, a
school's UAI (its staff and pupils), a structure's SIRET (its members), else words of the
name — and the state of an account in words."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from mystage import clock
from mystage.models import (
    ROLE_LABELS,
    AccountStatus,
    School,
    StaffMembership,
    Structure,
    StructureMember,
    User,
)
from mystage.services import permissions
from mystage.services.accounts import normalize_phone
from mystage.services.ids import client_id
from mystage.services.siret import normalize_siret

PAGE_SIZE = 25
QUERY_MAX = 120
USERS_URL = "/espace/admin/utilisateurs"

STATUS_LABELS = {
    "anonymised": "Anonymisé",
    "blocked": "Bloqué",
    "locked": "Verrouillé",
    AccountStatus.PENDING_ACTIVATION: "À activer",
    AccountStatus.PENDING_VALIDATION: "En attente de validation",
    AccountStatus.REFUSED: "Refusé",
    AccountStatus.DISABLED: "Désactivé",
    AccountStatus.ACTIVE: "Actif",
}

KIND_LABELS = {
    "": "Derniers comptes créés",
    "id": "Numéro de compte",
    "phone": "Téléphone",
    "email": "Adresse e-mail",
    "uai": "Établissement (UAI)",
    "siret": "Structure (SIRET)",
    "name": "Nom",
}

_UAI = re.compile(r"^\d{7}[A-Za-z]$")
_ID = re.compile(r"^#\s*(\d{1,10})$")
_DIGITS = re.compile(r"^\d{1,10}$")
_LIKE_ESCAPE = str.maketrans({"\\": "\\\\", "%": "\\%", "_": "\\_"})


def user_url(user_id: int) -> str:
    return f"{USERS_URL}/{int(user_id)}"


def status_of(user: Any, now: datetime | None = None) -> tuple[str, str]:
    """``(key, label)`` of an account's state as the team says it: anonymisé, bloqué,
    verrouillé jusqu'au …, à activer, en attente de validation, refusé, désactivé, actif
    (the first that applies, in that order)."""
    now = now or clock.now()
    if user.anonymized_at is not None or user.deleted_at is not None:
        return "anonymised", STATUS_LABELS["anonymised"]
    if user.blocked_at is not None:
        return "blocked", STATUS_LABELS["blocked"]
    locked = clock.as_utc(user.locked_until)
    if locked is not None and locked > now:
        return "locked", f"Verrouillé jusqu'au {clock.fmt_paris(locked)}"
    key = str(user.status)
    return key, STATUS_LABELS.get(key, key)


def parse_query(raw: Any) -> tuple[str, Any]:
    """What the search box holds: ``(kind, value)`` with kind in :data:`KIND_LABELS`
    (``("", None)`` for an empty box)."""
    q = raw.strip()[:QUERY_MAX] if isinstance(raw, str) else ""
    if not q:
        return "", None
    if m := _ID.match(q):
        uid = client_id(m.group(1))
        return ("id", uid) if uid is not None else ("id", 0)
    compact = normalize_siret(q)
    if len(compact) == 14 and compact.isdigit():
        return "siret", compact
    if _UAI.match(q):
        return "uai", q.upper()
    phone = normalize_phone(q)
    if phone:
        return "phone", phone
    if _DIGITS.match(q):
        uid = client_id(q)
        return "id", uid if uid is not None else 0
    if "@" in q:
        return "email", q.lower()
    words = [w for w in re.split(r"\s+", q.lower()) if w][:4]
    return "name", words


def _like(value: str) -> str:
    return "%" + value.translate(_LIKE_ESCAPE) + "%"


def _condition(s: Session, kind: str, value: Any):
    """The WHERE clause on ``users`` for a parsed query (False: matches nothing)."""
    if kind == "id":
        return User.id == value if value else sa.false()
    if kind == "phone":
        return User.phone == value
    if kind == "email":
        return sa.func.lower(User.email).like(_like(value), escape="\\")
    if kind == "uai":
        school_id = s.execute(sa.select(School.id).where(School.uai == value)).scalar()
        if school_id is None:
            return sa.false()
        staff = sa.select(StaffMembership.user_id).where(
            StaffMembership.school_id == school_id, StaffMembership.status != "removed"
        )
        return sa.or_(User.school_id == school_id, User.id.in_(staff))
    if kind == "siret":
        members = (
            sa.select(StructureMember.user_id)
            .join(Structure, Structure.id == StructureMember.structure_id)
            .where(
                Structure.siret == value,
                StructureMember.user_id.is_not(None),
                StructureMember.status.in_(("active", "pending")),
            )
        )
        owners = sa.select(Structure.owner_id).where(
            Structure.siret == value, Structure.owner_id.is_not(None)
        )
        return sa.or_(User.id.in_(members), User.id.in_(owners))
    if kind == "name":
        full = sa.func.lower(User.first_name + " " + User.last_name)
        return sa.and_(*[full.like(_like(w), escape="\\") for w in value])
    return sa.true()


def _attachments(s: Session, user_ids: list[int]) -> dict[int, str]:
    """One structure name per user of the page (one query, not one per row)."""
    if not user_ids:
        return {}
    rows = s.execute(
        sa.select(StructureMember.user_id, Structure.name)
        .join(Structure, Structure.id == StructureMember.structure_id)
        .where(StructureMember.user_id.in_(user_ids), StructureMember.status == "active")
        .order_by(StructureMember.id)
    ).all()
    out: dict[int, str] = {}
    for uid, name in rows:
        out.setdefault(uid, name)
    return out


def search_users(s: Session, actor: User | None, query: Any, page: Any = 1) -> dict[str, Any]:
    """One page of accounts matching ``query`` (see :func:`parse_query`), newest first:
    ``{"rows", "total", "page", "pages", "kind", "kind_label"}``; rows are small dicts of
    strings.  Administrators only (else ``PermissionDenied``)."""
    permissions.require(permissions.can_admin(actor))
    kind, value = parse_query(query)
    page_no = client_id(page) or 1
    cond = _condition(s, kind, value)
    total = int(s.execute(sa.select(sa.func.count()).select_from(User).where(cond)).scalar() or 0)
    pages = max(1, (total + PAGE_SIZE - 1) // PAGE_SIZE)
    page_no = min(page_no, pages)
    users = (
        s.execute(
            sa.select(User, School.name, School.uai)
            .outerjoin(School, School.id == User.school_id)
            .where(cond)
            .order_by(User.id.desc())
            .limit(PAGE_SIZE)
            .offset((page_no - 1) * PAGE_SIZE)
        )
        .tuples()
        .all()
    )
    structures = _attachments(s, [u.id for u, _, _ in users])
    now = clock.now()
    rows = []
    for u, school_name, uai in users:
        status, status_label = status_of(u, now)
        attached = f"{school_name} ({uai})" if school_name else structures.get(u.id, "")
        rows.append(
            {
                "id": str(u.id),
                "href": user_url(u.id),
                "name": u.full_name or "—",
                "identifier": u.email or u.phone or "",
                "role": ROLE_LABELS.get(u.role, u.role),
                "status": status,
                "status_label": status_label,
                "attachment": attached,
                "last_login": clock.fmt_paris(u.last_login_at) or "jamais",
            }
        )
    return {
        "rows": rows,
        "total": total,
        "page": page_no,
        "pages": pages,
        "kind": kind,
        "kind_label": KIND_LABELS.get(kind, ""),
    }
