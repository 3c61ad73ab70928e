"""Classes of the school: list with counts, creation, renaming, soft deletion (only when
empty) and moving a pupil to another class."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from mystage import clock
from mystage.models import (
    LEVEL_LABELS,
    Role,
    SchoolClass,
    SchoolWeek,
    StaffClass,
    StaffMembership,
    User,
)
from mystage.services import audit
from mystage.services.permissions import PermissionDenied
from mystage.services.schools.constants import CLASS_NAME_MAX
from mystage.services.schools.messages import (
    MSG_CLASS_LEVEL,
    MSG_CLASS_NAME,
    MSG_CLASS_NAME_LONG,
    MSG_CLASS_NAME_TAKEN,
    MSG_CLASS_NOT_EMPTY,
    MSG_DENIED,
    MSG_MOVE_SAME,
)
from mystage.services.schools.roster import delete_class_roster
from mystage.services.schools.scope import (
    caller_scope,
    scope_for_class,
    scope_for_pupil,
    visible_class,
    visible_pupil,
)
from mystage.services.schools.values import full_name
from mystage.services.text import fold


def _clean_class_name(raw: Any) -> tuple[str, str | None]:
    name = " ".join(raw.split()) if isinstance(raw, str) else ""
    if not name:
        return "", MSG_CLASS_NAME
    if len(name) > CLASS_NAME_MAX:
        return name, MSG_CLASS_NAME_LONG
    return name, None


# The levels a class may have, by kind of school: 2de GT in a lycée, 4e and 3e in a collège.
LEVELS_BY_KIND = {
    "lycee": ("2de_gt",),
    "college": ("4e", "3e", "3e_segpa", "3e_prepa_metiers"),
}
_GUESSES = (
    ("3e", "3e"),
    ("4e", "4e"),
    ("2de", "2de_gt"),
    ("2nde", "2de_gt"),
    ("seconde", "2de_gt"),
    ("2gt", "2de_gt"),
)


def level_choices(kind: str) -> list[str]:
    """The class levels offered for a school of ``kind`` (both kinds' when unknown)."""
    return list(LEVELS_BY_KIND.get(kind, tuple(str(k) for k in LEVEL_LABELS)))


def _class_level(raw: Any, name: str, kind: str = "") -> tuple[str, str | None]:
    """The level chosen, or guessed from the name (« 3e A » → 3e, « 2de 1 » → 2de GT in a
    lycée); "" is allowed.  A level of the other kind of school is refused."""
    allowed = level_choices(kind)
    if raw is None or raw == "":
        low = fold(name)
        for prefix, level in _GUESSES:
            if low.startswith(prefix):
                return (level, None) if level in allowed else ("", None)
        return "", None
    if isinstance(raw, str) and raw in allowed:
        return raw, None
    return "", MSG_CLASS_LEVEL


def _name_taken(s: Session, school_id: int, name: str, except_id: int | None = None) -> bool:
    stmt = sa.select(SchoolClass.id).where(
        SchoolClass.school_id == school_id,
        sa.func.lower(SchoolClass.name) == name.lower(),
    )
    if except_id is not None:
        stmt = stmt.where(SchoolClass.id != except_id)
    return s.execute(stmt).first() is not None


def classes(s: Session, actor: User | None, school_id: Any = None) -> list[dict[str, Any]]:
    """The classes the caller sees: ``[{"id", "name", "level", "level_label", "pupils",
    "authorized", "main_teachers", "has_own_weeks"}]`` (one GROUP BY query + one for the
    professeurs principaux)."""
    sc = caller_scope(s, actor, school_id)
    pupil_join = sa.and_(
        User.class_id == SchoolClass.id, User.role == Role.ELEVE, User.deleted_at.is_(None)
    )
    stmt = (
        sa.select(
            SchoolClass.id,
            SchoolClass.name,
            SchoolClass.level,
            sa.func.count(User.id).label("pupils"),
            sa.func.count(User.parental_authorization_at).label("authorized"),
        )
        .outerjoin(User, pupil_join)
        .where(SchoolClass.school_id == sc.school.id, SchoolClass.deleted_at.is_(None))
        .group_by(SchoolClass.id, SchoolClass.name, SchoolClass.level)
        .order_by(SchoolClass.name)
    )
    if sc.class_ids is not None:
        stmt = stmt.where(SchoolClass.id.in_(sorted(sc.class_ids) or [-1]))
    rows = s.execute(stmt).all()
    ids = [r.id for r in rows]
    mains: dict[int, list[str]] = {}
    own_weeks: set[int] = set()
    if ids:
        for cid, first, last in s.execute(
            sa.select(StaffClass.class_id, User.first_name, User.last_name)
            .join(User, User.id == StaffClass.user_id)
            .join(
                StaffMembership,
                sa.and_(
                    StaffMembership.user_id == User.id,
                    StaffMembership.school_id == sc.school.id,
                    StaffMembership.status == "active",
                ),
            )
            .where(StaffClass.class_id.in_(ids), StaffClass.is_main_teacher.is_(True))
            .order_by(User.last_name)
        ):
            mains.setdefault(cid, []).append(full_name(first, last))
        own_weeks = set(
            s.execute(
                sa.select(SchoolWeek.class_id)
                .where(SchoolWeek.class_id.in_(ids), SchoolWeek.school_id == sc.school.id)
                .distinct()
            ).scalars()
        )
    return [
        {
            "id": r.id,
            "name": r.name,
            "level": r.level,
            "level_label": LEVEL_LABELS.get(r.level, ""),
            "pupils": int(r.pupils or 0),
            "authorized": int(r.authorized or 0),
            "main_teachers": mains.get(r.id, []),
            "has_own_weeks": r.id in own_weeks,
        }
        for r in rows
    ]


def create_class(
    s: Session, actor: User | None, name: Any, level: Any = "", school_id: Any = None
) -> tuple[int | None, dict[str, str]]:
    """The head creates a class: ``(id, {})`` or ``(None, {"name"|"level": error})``."""
    sc = caller_scope(s, actor, school_id, manage=True)
    clean, err = _clean_class_name(name)
    errors: dict[str, str] = {}
    if err:
        errors["name"] = err
    elif _name_taken(s, sc.school.id, clean):
        errors["name"] = MSG_CLASS_NAME_TAKEN
    lvl, lerr = _class_level(level, clean, sc.school.kind)
    if lerr:
        errors["level"] = lerr
    if errors:
        s.rollback()
        return None, errors
    row = SchoolClass(school_id=sc.school.id, name=clean, level=lvl, created_at=clock.now())
    s.add(row)
    try:
        s.flush()
    except sa.exc.IntegrityError:
        s.rollback()
        return None, {"name": MSG_CLASS_NAME_TAKEN}
    audit.record(s, "school_class", row.id, "create", sc.user, message=clean)
    class_id = row.id
    s.commit()
    return class_id, {}


def rename_class(
    s: Session, actor: User | None, class_id: Any, name: Any, level: Any = None
) -> dict[str, str]:
    """The head renames a class (and changes its level when ``level`` is given)."""
    sc = scope_for_class(s, actor, class_id, manage=True)
    row = visible_class(s, sc, class_id)
    clean, err = _clean_class_name(name)
    errors: dict[str, str] = {}
    if err:
        errors["name"] = err
    elif _name_taken(s, sc.school.id, clean, except_id=row.id):
        errors["name"] = MSG_CLASS_NAME_TAKEN
    lvl = row.level
    if level is not None:
        lvl, lerr = _class_level(level, clean, sc.school.kind)
        if lerr:
            errors["level"] = lerr
    if errors:
        s.rollback()
        return errors
    old = row.name
    row.name, row.level = clean, lvl
    try:
        s.flush()
    except sa.exc.IntegrityError:
        s.rollback()
        return {"name": MSG_CLASS_NAME_TAKEN}
    audit.record(s, "school_class", row.id, "rename", sc.user, message=f"{old} → {clean}")
    s.commit()
    return {}


def delete_class(s: Session, actor: User | None, class_id: Any) -> str:
    """The head deletes an *empty* class (soft delete; its staff rights and own weeks go,
    its applications keep it for history).  A class with pupils is refused: move them."""
    sc = scope_for_class(s, actor, class_id, manage=True)
    row = visible_class(s, sc, class_id)
    pupils = s.execute(
        sa.select(sa.func.count(User.id)).where(
            User.class_id == row.id, User.role == Role.ELEVE, User.deleted_at.is_(None)
        )
    ).scalar_one()
    if pupils:
        return MSG_CLASS_NOT_EMPTY.format(n=pupils)
    suffix = f" (supprimée n° {row.id})"
    old = row.name
    row.name = row.name[: CLASS_NAME_MAX - len(suffix)] + suffix
    row.deleted_at = clock.now()
    s.execute(sa.delete(StaffClass).where(StaffClass.class_id == row.id))
    s.execute(sa.delete(SchoolWeek).where(SchoolWeek.class_id == row.id))
    delete_class_roster(s, row.id)  # the listed pupils (and their contacts) go with it
    row.join_code = None
    audit.record(s, "school_class", row.id, "delete", sc.user, message=old)
    s.commit()
    return ""


def move_pupil(s: Session, actor: User | None, pupil_id: Any, class_id: Any) -> str:
    """Move a pupil to another class of the school (staff who see both classes; only
    whole-school staff may take a pupil out of every class with ``class_id`` None/0)."""
    sc = scope_for_pupil(s, actor, pupil_id)
    pupil = visible_pupil(s, sc, pupil_id)
    if class_id in (None, "", 0, "0"):
        if sc.class_ids is not None:
            raise PermissionDenied(MSG_DENIED)
        target_id = None
    else:
        target_id = visible_class(s, sc, class_id).id
    if pupil.class_id == target_id:
        return MSG_MOVE_SAME
    old = pupil.class_id
    pupil.class_id = target_id
    pupil.updated_at = clock.now()
    audit.record(
        s, "user", pupil.id, "move_class", sc.user, from_state=str(old or ""),
        to_state=str(target_id or ""),
    )  # fmt: skip
    s.commit()
    return ""
