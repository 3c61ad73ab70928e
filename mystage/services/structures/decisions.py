"""A decision on something pending (a join request, a new structure): one conditional
update from « pending », the audit row and the mail to the person concerned."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from mystage.models import User
from mystage.notify import templates
from mystage.notify.outbox import queue_mail
from mystage.services import audit

DASHBOARD_URL = "/espace/employeur"


def mail_decision(
    s: Session, user_id: int | None, template: str, structure_name: str, accept: bool, key: str
) -> None:
    """Tell a user (join requester, structure owner) the decision taken on their request."""
    user = s.get(User, user_id) if user_id else None
    if user is None or not user.email:
        return
    subject, body = templates.render(
        template,
        url=DASHBOARD_URL,
        structure_name=structure_name,
        accepted=bool(accept),
        first_name=user.first_name,
    )
    queue_mail(
        s,
        to=user.email,
        subject=subject,
        body=body,
        action_url=templates.link(DASHBOARD_URL),
        template=template,
        user_id=user.id,
        dedupe_key=key,
    )


def decide_pending(
    s: Session,
    actor: User | None,
    row: Any,
    status_column: Any,
    values: dict[str, Any],
    *,
    entity: str,
    action: str,
    mail: tuple[int | None, str, str, bool, str],
    already_done: str,
) -> str:
    """Move ``row`` out of « pending » (``status_column == "pending"`` checked in the same
    UPDATE: a double click or two deciders at once cannot apply it twice), audit it with
    ``values[<status column>]`` as new state, mail ``mail`` = (user id, template, structure
    name, accepted, dedupe key), commit.  Returns "" or ``already_done``."""
    model = type(row)
    result = s.execute(
        sa.update(model)
        .where(model.id == row.id, status_column == "pending")
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        s.rollback()
        return already_done
    new_status = values[status_column.key]
    audit.record(s, entity, row.id, action, actor, from_state="pending", to_state=new_status)
    mail_decision(s, *mail)
    s.commit()
    s.refresh(row)
    return ""
