"""One way to write an audit row (every state change of every entity)."""

from __future__ import annotations

from sqlmodel import Session

from mystage import clock
from mystage.models import AuditLog, User


def record(
    s: Session,
    entity: str,
    entity_id: int,
    action: str,
    actor: User | None,
    *,
    from_state: str = "",
    to_state: str = "",
    message: str = "",
) -> None:
    """Add the row to the caller's transaction (``actor`` None = a system job)."""
    s.add(
        AuditLog(
            entity=entity,
            entity_id=entity_id,
            action=action[:40],
            from_state=str(from_state)[:24],
            to_state=str(to_state)[:24],
            actor_id=actor.id if actor is not None else None,
            actor_role=actor.role if actor is not None else "system",
            message=message,
            created_at=clock.now(),
        )
    )
