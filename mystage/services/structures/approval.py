"""Validation of new structures by the MyStage team (when the platform asks for it)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from mystage import clock
from mystage.models import Structure, User
from mystage.services import permissions
from mystage.services.structures.decisions import decide_pending
from mystage.services.structures.profile import STATUTS

MSG_STRUCTURE_DONE = "Cette structure a déjà été traitée."


def structures_awaiting_validation(s: Session, actor: User | None) -> list[dict[str, Any]]:
    """New structures waiting for an admin (admin only)."""
    permissions.require(permissions.can_validate_structures(actor))
    rows = s.execute(
        sa.select(Structure, User)
        .outerjoin(User, User.id == Structure.owner_id)
        .where(Structure.validation_status == "pending")
        .order_by(Structure.created_at, Structure.id)
        .limit(200)
    ).all()
    return [
        {
            "id": st.id,
            "name": st.name,
            "siret": st.siret or "",
            "naf_code": st.naf_code,
            "statut": STATUTS.get(st.status, st.status),
            "city": f"{st.postal_code} {st.city}".strip(),
            "owner": owner.full_name if owner is not None else "",
            "owner_email": (owner.email or "") if owner is not None else "",
            "created_at": clock.fmt_paris(st.created_at, with_time=False),
        }
        for st, owner in rows
    ]


def validate_structure(s: Session, actor: User | None, structure_id: int, accept: bool) -> str:
    """Validate or refuse a structure awaiting validation (admin only, PermissionDenied
    otherwise); conditional update, audit, mail to the owner.  Returns "" or an error."""
    permissions.require(permissions.can_validate_structures(actor))
    st = s.get(Structure, structure_id) if isinstance(structure_id, int) else None
    if st is None:
        return "Cette structure n'existe pas."
    new_status = "validated" if accept else "refused"
    return decide_pending(
        s,
        actor,
        st,
        Structure.validation_status,
        {"validation_status": new_status, "updated_at": clock.now()},
        entity="structure",
        action="validate" if accept else "refuse",
        mail=(
            st.owner_id,
            "structure_validation_decision",
            st.name,
            accept,
            f"structure_validation:{st.id}:{new_status}",
        ),
        already_done=MSG_STRUCTURE_DONE,
    )
