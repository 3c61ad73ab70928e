"""Tracking tables: one row per class for the school, one row per pupil for a class (best
state reached, confirmed internship, last activity), by aggregate SQL."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from mystage import clock
from mystage.models import (
    APP_STATE_LABELS,
    LEVEL_LABELS,
    PENDING_STATES,
    Application,
    AppState,
    Convention,
    ConventionState,
    Offer,
    Role,
    User,
)
from mystage.services import weeks
from mystage.services.permissions import PermissionDenied
from mystage.services.schools.classes import classes
from mystage.services.schools.constants import NO_CLASS, A
from mystage.services.schools.messages import MSG_DENIED, MSG_YEAR
from mystage.services.schools.roster import link_by_name, roster_rows
from mystage.services.schools.scope import (
    Scope,
    caller_scope,
    school_year_asked,
    scope_for_class,
    visible_class,
)
from mystage.services.schools.values import fmt_date, full_name

# The best state a pupil reached (higher is further); ties impossible.
STATE_RANK: dict[str, int] = {
    A.CANCELLED_BY_PUPIL: 1,
    A.WITHDRAWN: 2,
    A.CANCELLED_BY_EMPLOYER: 3,
    A.REFUSED_BY_SCHOOL: 4,
    A.EXPIRED: 5,
    A.REFUSED: 6,
    A.EXPIRED_BY_PUPIL: 7,
    A.PLACE_UNAVAILABLE: 8,
    A.SUBMITTED: 9,
    A.AWAITING_SCHOOL: 10,
    A.SENT: 11,
    A.READ: 12,
    A.UNDER_REVIEW: 13,
    A.ACCEPTED: 14,
    A.CONFIRMED: 15,
}
_RANK_STATE = {v: k for k, v in STATE_RANK.items()}
STAGES = {
    "confirme": ("Stage confirmé", "green"),
    "accepte": ("Acceptée, à confirmer", "blue"),
    "en_attente": ("En attente de réponse", "orange"),
    "sans_suite": ("Sans suite", "red"),
    "sans_candidature": ("Aucune candidature", "gray"),
}
CLASS_FILTERS = {
    "": "Tous les élèves",
    "sans_candidature": "Sans candidature",
    "en_attente": "En attente",
    "confirme": "Confirmé",
    "sans_autorisation": "Sans autorisation parentale",
    "pas_inscrit": "Pas encore inscrits",
}
CLASS_SORTS = ("name", "authorization", "applications", "state", "last_activity")
CLOSED_STATES = frozenset(AppState) - PENDING_STATES - {A.ACCEPTED, A.CONFIRMED}


def stage_of(state: str | None) -> str:
    """The plain-words group of a state: confirme, accepte, en_attente, sans_suite."""
    if not state:
        return "sans_candidature"
    if state == A.CONFIRMED:
        return "confirme"
    if state == A.ACCEPTED:
        return "accepte"
    if state in PENDING_STATES:
        return "en_attente"
    return "sans_suite"


def state_colour(state: str | None) -> str:
    return STAGES[stage_of(state)][1]


def _rank_expr():
    return sa.case(*[(Application.state == st, rank) for st, rank in STATE_RANK.items()], else_=0)


def _pupil_stats(year: int, pupils_subq) -> Any:
    """Per pupil, their applications of the school year: count, best state rank, pending
    count, a confirmed application id, last change, signed convention flag."""
    pending = sa.case((Application.state.in_(sorted(PENDING_STATES)), 1), else_=0)
    signed = (
        sa.select(Convention.id)
        .where(
            Convention.application_id == Application.id,
            Convention.state == ConventionState.SIGNED,
        )
        .exists()
    )
    return (
        sa.select(
            Application.pupil_id.label("pupil_id"),
            sa.func.count(Application.id).label("n_apps"),
            sa.func.max(_rank_expr()).label("best"),
            sa.func.sum(pending).label("n_pending"),
            sa.func.max(sa.case((Application.state == A.CONFIRMED, Application.id))).label(
                "confirmed_id"
            ),
            sa.func.max(sa.func.coalesce(Application.updated_at, Application.created_at)).label(
                "last_change"
            ),
            sa.func.max(sa.case((signed, 1), else_=0)).label("signed"),
        )
        .where(Application.school_year == year, Application.pupil_id.in_(pupils_subq))
        .group_by(Application.pupil_id)
        .subquery("stats")
    )


def school_table(
    s: Session, actor: User | None, *, school_id: Any = None, year: Any = None
) -> dict[str, Any]:
    """One row per class the caller sees (+ « Sans classe » for whole-school staff when
    some pupils have none): ``{"id", "name", "level", "pupils", "authorized",
    "no_application", "applied", "accepted" (≥1 application accepted, confirmed or not),
    "confirmed", "convention_signed", "progress" (confirmed / pupils, 0..1),
    "progress_percent"}`` and the ``total`` row.  Two aggregate queries."""
    sc = caller_scope(s, actor, school_id)
    y = school_year_asked(year, for_edit=False)
    if y is None:
        raise PermissionDenied(MSG_YEAR)
    pupils = sa.select(User.id).where(*sc.pupil_conditions())
    st = _pupil_stats(y, pupils)
    n = sa.func.coalesce(st.c.n_apps, 0)
    stmt = (
        sa.select(
            User.class_id,
            sa.func.count(User.id).label("pupils"),
            sa.func.count(User.parental_authorization_at).label("authorized"),
            sa.func.sum(sa.case((n == 0, 1), else_=0)).label("no_application"),
            sa.func.sum(sa.case((n > 0, 1), else_=0)).label("applied"),
            sa.func.sum(sa.case((st.c.best >= STATE_RANK[A.ACCEPTED], 1), else_=0)).label(
                "accepted"
            ),
            sa.func.sum(sa.case((st.c.confirmed_id.is_not(None), 1), else_=0)).label("confirmed"),
            sa.func.sum(sa.func.coalesce(st.c.signed, 0)).label("convention_signed"),
        )
        .select_from(User)
        .outerjoin(st, st.c.pupil_id == User.id)
        .where(*sc.pupil_conditions())
        .group_by(User.class_id)
    )
    counts = {r.class_id: r for r in s.execute(stmt)}
    class_rows = classes(s, actor, sc.school.id if actor.role == Role.ADMIN else None)
    keys = ("pupils", "authorized", "no_application", "applied", "accepted", "confirmed")
    keys = (*keys, "convention_signed")

    def row(cid, name, level):
        r = counts.get(cid)
        item = {"id": cid or NO_CLASS, "name": name, "level": LEVEL_LABELS.get(level, "")}
        for k in keys:
            item[k] = int(getattr(r, k) or 0) if r is not None else 0
        item["progress"] = item["confirmed"] / item["pupils"] if item["pupils"] else 0.0
        item["progress_percent"] = round(item["progress"] * 100)
        return item

    rows = [row(c["id"], c["name"], c["level"]) for c in class_rows]
    if sc.class_ids is None and None in counts:
        rows.append(row(None, "Sans classe", ""))
    total = {"id": -1, "name": "Total", "level": ""}
    for k in keys:
        total[k] = sum(r[k] for r in rows)
    total["progress"] = total["confirmed"] / total["pupils"] if total["pupils"] else 0.0
    total["progress_percent"] = round(total["progress"] * 100)
    return {
        "school_name": sc.school.name,
        "year_label": weeks.school_year_label(y),
        "rows": rows,
        "total": total,
    }


def _class_query(sc: Scope, class_id: int | None, y: int, filter_: str, sort: str, desc: bool):
    conds = list(sc.pupil_conditions())
    conds.append(User.class_id.is_(None) if class_id is None else User.class_id == class_id)
    pupils = sa.select(User.id).where(*conds)
    st = _pupil_stats(y, pupils)
    conf = sa.orm.aliased(Application)
    n = sa.func.coalesce(st.c.n_apps, 0)
    last = sa.func.coalesce(st.c.last_change, User.last_login_at)
    stmt = (
        sa.select(
            User.id,
            User.first_name,
            User.last_name,
            User.email,
            User.parental_authorization_at,
            n.label("n_apps"),
            st.c.best,
            sa.func.coalesce(st.c.n_pending, 0).label("n_pending"),
            sa.func.coalesce(st.c.signed, 0).label("signed"),
            last.label("last_activity"),
            conf.week_start,
            conf.week_count,
            Convention.id.label("convention_id"),
            Convention.state.label("convention_state"),
            Convention.paper.label("convention_paper"),
            Offer.id.label("offer_id"),
            Offer.title,
            Offer.employer_name,
            Offer.city,
        )
        .select_from(User)
        .outerjoin(st, st.c.pupil_id == User.id)
        .outerjoin(conf, conf.id == st.c.confirmed_id)
        .outerjoin(Offer, Offer.id == conf.offer_id)
        .outerjoin(Convention, Convention.application_id == conf.id)
        .where(*conds)
    )
    if filter_ == "pas_inscrit":  # listed pupils only (roster rows): no account row
        stmt = stmt.where(sa.false())
    elif filter_ == "sans_candidature":
        stmt = stmt.where(n == 0)
    elif filter_ == "en_attente":
        stmt = stmt.where(sa.func.coalesce(st.c.n_pending, 0) > 0, st.c.confirmed_id.is_(None))
    elif filter_ == "confirme":
        stmt = stmt.where(st.c.confirmed_id.is_not(None))
    elif filter_ == "sans_autorisation":
        stmt = stmt.where(User.parental_authorization_at.is_(None))
    name_order = [sa.func.lower(User.last_name), sa.func.lower(User.first_name), User.id]
    key = {
        "authorization": sa.case((User.parental_authorization_at.is_(None), 0), else_=1),
        "applications": n,
        "state": sa.func.coalesce(st.c.best, 0),
        "last_activity": sa.case((last.is_(None), 0), else_=1),
    }.get(sort)
    if key is None:
        order = [o.desc() if desc else o for o in name_order[:2]] + [User.id]
    elif sort == "last_activity":
        order = [key.desc() if desc else key, last.desc() if desc else last, *name_order]
    else:
        order = [key.desc() if desc else key, *name_order]
    return stmt.order_by(*order)


def class_rows(
    s: Session, actor: User | None, class_id: Any, filter_: Any, sort: Any, descending: Any, year
) -> tuple[Scope, dict[str, Any], int, list[Any]]:
    sc = scope_for_class(s, actor, class_id, manage=False)
    if class_id in (None, "", 0, "0"):
        if sc.class_ids is not None:
            raise PermissionDenied(MSG_DENIED)
        cls = {"id": NO_CLASS, "name": "Sans classe", "level": ""}
        cid = None
    else:
        row = visible_class(s, sc, class_id)
        cls = {
            "id": row.id,
            "name": row.name,
            "level": LEVEL_LABELS.get(row.level, ""),
            "join_code": row.join_code or "",
        }
        cid = row.id
    y = school_year_asked(year, for_edit=False)
    if y is None:
        raise PermissionDenied(MSG_YEAR)
    f = filter_ if isinstance(filter_, str) and filter_ in CLASS_FILTERS else ""
    srt = sort if isinstance(sort, str) and sort in CLASS_SORTS else "name"
    if cid is not None and y == weeks.active_school_year() and link_by_name(s, cid, y):
        s.commit()  # pupils who signed up on their own, linked to their listed row
    rows = s.execute(_class_query(sc, cid, y, f, srt, descending is True)).all()
    return sc, cls, y, rows


def class_counts(s: Session, sc: Scope, class_id: int | None, y: int) -> dict[str, int]:
    """How many pupils each filter of the class table shows (one aggregate query):
    ``{"" (all, listed pupils not signed up included), "sans_candidature", "en_attente",
    "confirme", "sans_autorisation", "pas_inscrit"}``."""
    conds = list(sc.pupil_conditions())
    conds.append(User.class_id.is_(None) if class_id is None else User.class_id == class_id)
    st = _pupil_stats(y, sa.select(User.id).where(*conds))
    n = sa.func.coalesce(st.c.n_apps, 0)

    def total(cond):
        return sa.func.coalesce(sa.func.sum(sa.case((cond, 1), else_=0)), 0)

    r = s.execute(
        sa.select(
            sa.func.count(User.id).label("all"),
            total(n == 0).label("sans_candidature"),
            total(
                sa.and_(sa.func.coalesce(st.c.n_pending, 0) > 0, st.c.confirmed_id.is_(None))
            ).label("en_attente"),
            total(st.c.confirmed_id.is_not(None)).label("confirme"),
            total(User.parental_authorization_at.is_(None)).label("sans_autorisation"),
        )
        .select_from(User)
        .outerjoin(st, st.c.pupil_id == User.id)
        .where(*conds)
    ).one()
    out = {k: int(getattr(r, k) or 0) for k in CLASS_FILTERS if k and k != "pas_inscrit"}
    out["pas_inscrit"] = 0
    out[""] = int(r.all or 0)
    return out


def pupil_row(r: Any) -> dict[str, Any]:
    state = _RANK_STATE.get(r.best or 0, "") if r.n_apps else ""
    stage = stage_of(state)
    return {
        "id": r.id,
        "name": full_name(r.last_name.upper() if r.last_name else "", r.first_name),
        "first_name": r.first_name,
        "last_name": r.last_name,
        "authorized": r.parental_authorization_at is not None,
        "authorized_on": fmt_date(r.parental_authorization_at),
        "applications": int(r.n_apps or 0),
        "pending": int(r.n_pending or 0),
        "state": state,
        "state_label": APP_STATE_LABELS.get(state, STAGES["sans_candidature"][0]),
        "stage": stage,
        "stage_label": STAGES[stage][0],
        "colour": STAGES[stage][1],
        "offer_id": r.offer_id or 0,
        "offer_title": r.title or "",
        "employer_name": r.employer_name or "",
        "offer_city": r.city or "",
        "week_label": weeks.application_period_label(r.week_start, r.week_count or 1),
        "convention_signed": bool(r.signed),
        # The confirmed internship's convention (its label in words: the state layer).
        "convention_id": r.convention_id or 0,
        "convention_state": r.convention_state or "",
        "convention_paper": bool(r.convention_paper),
        "last_activity": fmt_date(r.last_activity),
        "last_activity_iso": clock.as_utc(r.last_activity).isoformat() if r.last_activity else "",
    }


def class_table(
    s: Session,
    actor: User | None,
    class_id: Any,
    *,
    filter: Any = "",  # noqa: A002 - the UI's word
    sort: Any = "name",
    descending: Any = False,
    year: Any = None,
) -> dict[str, Any]:
    """One row per pupil of the class (``class_id`` 0/None: pupils without a class, for
    whole-school staff): authorization, number of applications, best state reached (label
    and colour), confirmed offer with structure and week, last activity.  ``filter`` in
    :data:`CLASS_FILTERS` (sans_candidature, en_attente, confirme, sans_autorisation,
    pas_inscrit), ``sort`` in :data:`CLASS_SORTS`; ``counts``: the rows of each filter;
    ``roster``: the listed pupils not signed up yet (:func:`roster.roster_rows`, with
    « Tous » and « Pas encore inscrits »).  Three queries (rows, counts, roster)."""
    sc, cls, y, rows = class_rows(s, actor, class_id, filter, sort, descending, year)
    out = [pupil_row(r) for r in rows]
    counts = class_counts(s, sc, cls["id"] or None, y)
    listed: list[dict[str, Any]] = []
    if cls["id"] and y == weeks.active_school_year():
        listed = roster_rows(s, sc, cls["id"], y)
    counts["pas_inscrit"] = len(listed)
    counts[""] += len(listed)
    f = filter if isinstance(filter, str) else ""
    return {
        "class": cls,
        # Listed pupils who have not signed up yet (« pas encore inscrit »): with « Tous »
        # and « Pas encore inscrits » only.
        "roster": listed if f in ("", "pas_inscrit") else [],
        "counts": counts,
        "school_name": sc.school.name,
        "year_label": weeks.school_year_label(y),
        "rows": out,
        "filters": [{"value": k, "label": v} for k, v in CLASS_FILTERS.items()],
        "can_manage": sc.manage,
        "convention_mode": sc.school.convention_mode or "online",
    }
