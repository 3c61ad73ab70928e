"""The staff's views of applications: one pupil's applications with the school's actions, and
the dashboard tabs (waiting, to validate, handled, per référent)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from mystage.models import (
    APP_STATE_LABELS,
    LEVEL_LABELS,
    PENDING_STATES,
    Application,
    Offer,
    SchoolClass,
    User,
)
from mystage.services import permissions, text, weeks
from mystage.services.applications import ACTION_LABELS, actions_for
from mystage.services.ids import client_id
from mystage.services.permissions import PermissionDenied
from mystage.services.schools.constants import NO_CLASS, A
from mystage.services.schools.messages import MSG_YEAR
from mystage.services.schools.scope import (
    Scope,
    caller_scope,
    school_year_asked,
    scope_for_pupil,
    visible_pupil,
)
from mystage.services.schools.tracking import CLOSED_STATES, STAGES, stage_of, state_colour
from mystage.services.schools.values import fmt_date


def pupil_applications(s: Session, actor: User | None, pupil_id: Any) -> dict[str, Any]:
    """A pupil's applications for the staff (read-only), with the actions the caller may
    take on each (the school's validation when it is awaited and allowed)."""
    sc = scope_for_pupil(s, actor, pupil_id)
    pupil = visible_pupil(s, sc, pupil_id)
    class_name = ""
    if pupil.class_id:
        class_name = (
            s.execute(
                sa.select(SchoolClass.name).where(SchoolClass.id == pupil.class_id)
            ).scalar_one_or_none()
            or ""
        )
    rows = s.execute(
        sa.select(Application, Offer.title, Offer.employer_name, Offer.city)
        .join(Offer, Offer.id == Application.offer_id)
        .where(Application.pupil_id == pupil.id)
        .order_by(Application.week_start.desc(), Application.id.desc())
    ).all()
    apps = []
    for app, title, employer, city in rows:
        allowed = permissions.can_validate_application(sc.user, app, s=s)
        actions = actions_for(app.state, "school") if allowed else []
        apps.append(
            {
                "id": app.id,
                "offer_id": app.offer_id,
                "offer_title": title,
                "employer_name": employer,
                "city": city,
                "week_label": weeks.application_period_label(app.week_start, app.week_count),
                "state": app.state,
                "state_label": APP_STATE_LABELS.get(app.state, app.state),
                "stage": stage_of(app.state),
                "colour": state_colour(app.state),
                "submitted_on": fmt_date(app.submitted_at or app.created_at),
                "updated_on": fmt_date(app.updated_at),
                "referent_email": app.referent_email,
                "school_message": app.school_message,
                "employer_message": app.accept_message or app.refuse_message or "",
                "actions": [{"action": a, "label": ACTION_LABELS.get(a, a)} for a in actions],
            }
        )
    return {
        "pupil": {
            "id": pupil.id,
            "name": text.pupil_name(pupil.first_name, pupil.last_name),
            "email": pupil.email or "",
            "class_id": pupil.class_id or NO_CLASS,
            "class_name": class_name,
            "level": LEVEL_LABELS.get(pupil.level, pupil.level),
            "authorized": pupil.parental_authorization_at is not None,
            "authorized_on": fmt_date(pupil.parental_authorization_at),
        },
        "applications": apps,
    }


TABS = {
    "en_attente": "Candidatures en attente",
    "a_valider": "À valider par l'établissement",
    "traitees": "Candidatures traitées",
    "referents": "Candidatures des référents",
}
_TAB_STATES = {
    "en_attente": sorted(PENDING_STATES | {A.ACCEPTED}),
    "a_valider": [A.AWAITING_SCHOOL],
    "traitees": sorted(CLOSED_STATES | {A.CONFIRMED}),
    "referents": None,
}


def _tab_base(sc: Scope, y: int):
    conds = [Application.school_id == sc.school.id, Application.school_year == y]
    if sc.class_ids is not None:
        conds.append(User.class_id.in_(sorted(sc.class_ids) or [-1]))
    return conds


def application_tabs(
    s: Session,
    actor: User | None,
    tab: Any = "en_attente",
    *,
    page: Any = 1,
    per_page: int = 50,
    year: Any = None,
    school_id: Any = None,
) -> dict[str, Any]:
    """The school dashboard's application lists: « Candidatures en attente » (waiting for
    the school, the employer or the pupil's confirmation), « À valider » (awaiting the
    school), « Candidatures traitées » (confirmed = acceptée, or closed = fermée) and
    « Candidatures des référents » (every application by référent address, with a
    summary per référent).  ``{"tab", "counts": {tab: n}, "rows", "total", "page",
    "pages", "referents"}``; restricted teachers see only their classes."""
    sc = caller_scope(s, actor, school_id)
    y = school_year_asked(year, for_edit=False)
    if y is None:
        raise PermissionDenied(MSG_YEAR)
    t = tab if isinstance(tab, str) and tab in TABS else "en_attente"
    p = client_id(page) or 1
    per = max(1, min(int(per_page) if isinstance(per_page, int) else 50, 200))
    base = _tab_base(sc, y)
    joined = sa.select(Application.state, sa.func.count(Application.id)).join(
        User, User.id == Application.pupil_id
    )
    by_state = dict(s.execute(joined.where(*base).group_by(Application.state)).all())
    counts = {
        k: sum(int(by_state.get(st, 0)) for st in (states or by_state.keys()))
        for k, states in _TAB_STATES.items()
    }
    conds = list(base)
    if _TAB_STATES[t] is not None:
        conds.append(Application.state.in_(_TAB_STATES[t]))
    total = counts[t]
    pages = max(1, -(-total // per))
    p = min(p, pages)
    order = (
        [Application.referent_email, Application.submitted_at.desc(), Application.id.desc()]
        if t == "referents"
        else [sa.func.coalesce(Application.updated_at, Application.created_at).desc(),
              Application.id.desc()]
    )  # fmt: skip
    rows = s.execute(
        sa.select(
            Application.id,
            Application.state,
            Application.week_start,
            Application.week_count,
            Application.referent_email,
            Application.submitted_at,
            Application.created_at,
            Application.updated_at,
            Offer.title,
            Offer.employer_name,
            Offer.city,
            User.id.label("pupil_id"),
            User.first_name,
            User.last_name,
            SchoolClass.name.label("class_name"),
        )
        .join(Offer, Offer.id == Application.offer_id)
        .join(User, User.id == Application.pupil_id)
        .outerjoin(SchoolClass, SchoolClass.id == User.class_id)
        .where(*conds)
        .order_by(*order)
        .limit(per)
        .offset((p - 1) * per)
    ).all()
    out = []
    for r in rows:
        stage = stage_of(r.state)
        closed = r.state in CLOSED_STATES
        out.append(
            {
                "id": r.id,
                "offer_title": r.title,
                "employer_name": r.employer_name,
                "city": r.city,
                "pupil_id": r.pupil_id,
                "pupil_name": text.pupil_name(r.first_name, r.last_name),
                "class_name": r.class_name or "",
                "week_label": weeks.application_period_label(r.week_start, r.week_count),
                "state": r.state,
                "state_label": APP_STATE_LABELS.get(r.state, r.state),
                "status": "Fermée" if closed else ("Acceptée" if r.state == A.CONFIRMED else ""),
                "colour": STAGES[stage][1],
                "date": fmt_date(r.submitted_at or r.created_at),
                "referent_email": r.referent_email,
                "can_validate": r.state == A.AWAITING_SCHOOL,
            }
        )
    referents = []
    if t == "referents":
        awaiting = sa.case((Application.state == A.AWAITING_SCHOOL, 1), else_=0)
        pending = sa.case((Application.state.in_(sorted(PENDING_STATES)), 1), else_=0)
        for ref, n_all, n_wait, n_pending in s.execute(
            sa.select(
                Application.referent_email,
                sa.func.count(Application.id),
                sa.func.sum(awaiting),
                sa.func.sum(pending),
            )
            .join(User, User.id == Application.pupil_id)
            .where(*base)
            .group_by(Application.referent_email)
            .order_by(Application.referent_email)
        ):
            referents.append(
                {
                    "email": ref or "",
                    "applications": int(n_all or 0),
                    "awaiting_school": int(n_wait or 0),
                    "pending": int(n_pending or 0),
                }
            )
    return {
        "tab": t,
        "tabs": [{"value": k, "label": v, "count": counts[k]} for k, v in TABS.items()],
        "counts": counts,
        "rows": out,
        "total": total,
        "page": p,
        "pages": pages,
        "referents": referents,
    }
