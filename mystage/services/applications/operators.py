"""The applications of an operator's offers, through the API (issue 19): the list of one
offer's applications, one application as the employer sees it, and the employer's
decisions — through the same views, permission checks and transition table as the
employer's pages (:mod:`~mystage.services.applications.views`).

``user`` is the operator's API account (``admin_orgs.api_user``).  An application is the
operator's when its offer's ``operator_id`` is the account's operator; anything else (an
unknown id, another operator's offer, an application still with the school) answers
``None`` / :data:`MSG_DENIED` — the same answer either way, so a crafted id tells nothing.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from mystage import clock
from mystage.models import APP_STATE_LABELS, Application, AppState, Offer, School, User
from mystage.services import permissions, text
from mystage.services.applications.machine import MSG_DENIED, get_application, transition
from mystage.services.applications.views import (
    decide_as_employer,
    employer_buttons,
    employer_view,
)
from mystage.services.ids import client_id

A = AppState

# API action → action of the transition table (the employer's buttons, plus « lue »).
API_ACTIONS: dict[str, str] = {
    "read": "read",
    "under_review": "review",
    "accept": "accept",
    "refuse": "refuse",
    "cancel": "cancel_by_employer",
}
_FROM_MACHINE = {v: k for k, v in API_ACTIONS.items()}
HIDDEN_STATES = frozenset({A.SUBMITTED, A.AWAITING_SCHOOL, A.REFUSED_BY_SCHOOL})
PER_PAGE_MAX = 50
MSG_NOT_SENT = "Seule une candidature transmise (pas encore lue) peut être marquée lue."


def _own_offer(s: Session, user: User | None, offer_id: Any) -> Offer | None:
    oid = client_id(offer_id, strings=False)
    if oid is None or not permissions.is_operator_api_account(user):
        return None
    offer = s.get(Offer, oid)
    if offer is None or offer.operator_id != user.operator_id:
        return None
    return offer


def _own_application(s: Session, user: User | None, app_id: Any) -> Application | None:
    app = get_application(s, app_id)
    if app is None or app.state in HIDDEN_STATES:
        return None
    return app if _own_offer(s, user, app.offer_id) is not None else None


def api_actions(state: str) -> list[str]:
    """The API actions offered on an application in ``state`` (as the employer's buttons)."""
    out = ["read"] if state == A.SENT else []
    return out + [_FROM_MACHINE[b["action"]] for b in employer_buttons(state)]


def offer_applications(
    s: Session, user: User | None, offer_id: Any, *, state: str | None = None, page: int = 1,
    per_page: int = 20,
) -> dict[str, Any] | None:  # fmt: skip
    """One page of the applications to one of the operator's offers, newest first (those
    still with the school are not the employer's yet); None when not its offer."""
    offer = _own_offer(s, user, offer_id)
    if offer is None:
        return None
    page = max(1, page)
    per_page = min(max(1, per_page), PER_PAGE_MAX)
    conds: list[Any] = [
        Application.offer_id == offer.id,
        Application.state.notin_(sorted(HIDDEN_STATES)),
    ]
    if state:
        conds.append(Application.state == state)
    total = int(
        s.execute(sa.select(sa.func.count()).select_from(Application).where(*conds)).scalar_one()
    )
    changed = sa.func.coalesce(Application.updated_at, Application.created_at)
    rows = s.execute(
        sa.select(
            Application.id,
            Application.state,
            Application.week_start,
            Application.week_count,
            Application.submitted_at,
            Application.created_at,
            changed.label("changed"),
            User.first_name,
            User.last_name,
            School.name.label("school_name"),
            School.commune.label("school_city"),
            School.ep,
        )  # fmt: skip
        .join(User, User.id == Application.pupil_id)
        .outerjoin(School, School.id == Application.school_id)
        .where(*conds)
        .order_by(sa.func.coalesce(Application.submitted_at, Application.created_at).desc())
        .order_by(Application.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    items = []
    for r in rows:
        first, last = r.first_name or "", r.last_name or ""
        if not f"{first}{last}".strip():
            first, last = text.DELETED_PUPIL, ""
        items.append(
            {
                "id": r.id,
                "offer_id": offer.id,
                "remote_id": offer.remote_id,
                "state": r.state,
                "state_label": APP_STATE_LABELS.get(r.state, r.state),
                "week_start": r.week_start,
                "week_count": r.week_count or 1,
                "pupil_name": text.pupil_name(first, last),
                "school_name": r.school_name or "",
                "school_city": r.school_city or "",
                "rep": r.ep or "",
                "applied_at": clock.as_utc(r.submitted_at or r.created_at),
                "updated_at": clock.as_utc(r.changed),
            }
        )
    return {"items": items, "total": total, "page": page, "per_page": per_page}


def application_view(s: Session, user: User | None, app_id: Any) -> dict[str, Any] | None:
    """One application as the employer sees it (the pupil's contact once accepted),
    with the API actions offered; None when not the operator's."""
    app = _own_application(s, user, app_id)
    if app is None:
        return None
    view = employer_view(s, user, app.id)
    if view is None:
        return None
    offer = s.get(Offer, app.offer_id)
    view.update(
        remote_id=offer.remote_id if offer else None,
        week_start=app.week_start,
        week_count=app.week_count or 1,
        applied_at=clock.as_utc(app.submitted_at or app.created_at),
        refuse_reason_key=app.refuse_reason if app.state == A.REFUSED else None,
        has_cv_file=bool(app.cv_file),
        api_actions=api_actions(app.state),
    )
    return view


def decide(
    s: Session, user: User | None, app_id: Any, action: Any, message: Any = "", reason: Any = None
) -> dict[str, str]:
    """An API decision: ``{}`` when done; ``{"form": MSG_DENIED}`` when not the
    operator's; ``{"message"|"reason": …}`` for a field; ``{"form": …}`` when the state
    does not allow it (nothing changed on error)."""
    app = _own_application(s, user, app_id)
    if app is None:
        return {"form": MSG_DENIED}
    machine_action = API_ACTIONS.get(action) if isinstance(action, str) else None
    if machine_action is None:
        return {"action": "Action inconnue."}
    if machine_action == "read":
        if app.state != A.SENT:
            return {"form": MSG_NOT_SENT}
        error = transition(s, user, app.id, "read")
        return {"form": error} if error else {}
    return decide_as_employer(s, user, app.id, machine_action, message or "", reason)
