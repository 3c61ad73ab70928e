"""Platform administration: accounts awaiting validation (employers, référents)."""

from __future__ import annotations

from sqlmodel import Session, select

from mystage import clock
from mystage.models import ROLE_LABELS, AccountStatus, User
from mystage.services import audit, permissions


def pending_accounts(s: Session, actor: User | None, limit: int = 50) -> list[dict]:
    permissions.require(permissions.can_admin(actor))
    rows = s.exec(
        select(User)
        .where(User.status == AccountStatus.PENDING_VALIDATION)
        .order_by(User.created_at)
        .limit(limit)
    ).all()
    return [
        {
            "id": u.id,
            "name": u.full_name,
            "email": u.email or u.phone or "",
            "role": ROLE_LABELS.get(u.role, u.role),
            "department": u.department_code,
            "created_at": clock.fmt_paris(u.created_at),
        }
        for u in rows
    ]


def decide_account(s: Session, actor: User | None, user_id: int, accept: bool) -> str:
    """Validate or refuse an account awaiting validation; returns an error ('' when done)."""
    permissions.require(permissions.can_admin(actor))
    now = clock.now()
    target = s.get(User, user_id)
    if target is None or target.status != AccountStatus.PENDING_VALIDATION:
        return "Ce compte n'attend pas de validation."
    new_status = AccountStatus.ACTIVE if accept else AccountStatus.REFUSED
    result = s.exec(  # conditional update: two admins clicking at once cannot both act
        User.__table__.update()
        .where(User.id == user_id, User.status == AccountStatus.PENDING_VALIDATION)
        .values(status=new_status, validated_at=now, validated_by_id=actor.id, updated_at=now)
    )
    if result.rowcount != 1:
        return "Ce compte vient d'être traité par quelqu'un d'autre."
    audit.record(
        s, "user", user_id, "validate" if accept else "refuse", actor,
        from_state=AccountStatus.PENDING_VALIDATION, to_state=new_status,
    )  # fmt: skip
    return ""


def pending_structures(s: Session, actor: User | None, limit: int = 50) -> list[dict]:
    """Structures awaiting validation (when the platform requires it), oldest first."""
    from mystage.models import Structure

    permissions.require(permissions.can_admin(actor))
    rows = s.exec(
        select(Structure, User)
        .join(User, User.id == Structure.owner_id, isouter=True)
        .where(Structure.validation_status == "pending")
        .order_by(Structure.created_at)
        .limit(limit)
    ).all()
    return [
        {
            "id": st.id,
            "name": st.name,
            "siret": st.siret or "",
            "city": f"{st.postal_code} {st.city}".strip(),
            "owner": (u.full_name + " — " + (u.email or "")) if u else "",
            "created_at": clock.fmt_paris(st.created_at),
        }
        for st, u in rows
    ]
