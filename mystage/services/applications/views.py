"""One application as the employer and as the school see it, the school's list, and the
decisions taken from those pages.

Every function checks the caller itself (:mod:`permissions`) and answers ``None`` (views)
or :data:`~mystage.services.applications.machine.MSG_DENIED` (decisions) when the application does
not exist or is not the caller's: the same answer either way, so a crafted id tells
nothing.  Views are plain dicts of small values (the Reflex states turn them into strings).

Decisions go through :func:`~mystage.services.applications.machine.transition` (which checks permission and state
again, with a conditional UPDATE); here we only accept the actions of the caller's side
(``actions_for(state, "employer"|"school")``), check the message and, for the school, the
stricter database-backed permission (active staff membership, class restrictions).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from mystage import clock
from mystage.models import (
    APP_STATE_LABELS,
    LEVEL_LABELS,
    Application,
    AppState,
    AuditLog,
    Offer,
    Role,
    School,
    SchoolClass,
    User,
)
from mystage.services import permissions, structures, text, weeks
from mystage.services.applications.machine import (
    ACTION_LABELS,
    MESSAGE_MAX,
    MSG_DENIED,
    MSG_MESSAGE_REQUIRED,
    MSG_UNKNOWN_ACTION,
    TRANSITIONS,
    actions_for,
    get_application,
    transition,
)
from mystage.services.applications.reasons import refuse_reason_error, refuse_reason_label
from mystage.services.applications.submit import cv_sections
from mystage.services.ids import client_id

A = AppState

CV_URL = "/api/candidatures/{id}/cv"

EMPLOYER_ACTIONS = frozenset(
    a for a, t in TRANSITIONS.items() if t.actor == "employer" and a != "read"
)
SCHOOL_ACTIONS = frozenset(a for a, t in TRANSITIONS.items() if t.actor == "school")

MSG_MESSAGE_LONG = f"{MESSAGE_MAX} caractères au maximum."
MSG_NOT_OFFERED = "Cette action n'est pas proposée pour cette candidature : rechargez la page."

# What the employer may do on an application in each state, in words that say what each
# button does: before an answer, accept / study / refuse; once accepted, only withdraw the
# agreement; once confirmed, only cancel the internship (both with a reason for the pupil).
# Every button is an employer transition of the machine (TRANSITIONS); the machine allows a
# little more (« Refuser » after acceptance, « Annuler » before it), which the employer is
# not offered, here or in :func:`decide_as_employer`.
_BEFORE_ANSWER = (("accept", "Accepter"), ("review", "Mettre à l'étude"), ("refuse", "Refuser"))
EMPLOYER_BUTTONS: dict[str, tuple[tuple[str, str], ...]] = {
    A.SENT: _BEFORE_ANSWER,
    A.READ: _BEFORE_ANSWER,
    A.UNDER_REVIEW: (("accept", "Accepter"), ("refuse", "Refuser")),
    A.ACCEPTED: (("cancel_by_employer", "Annuler mon accord"),),
    A.CONFIRMED: (("cancel_by_employer", "Annuler le stage"),),
}


def employer_buttons(state: str) -> list[dict[str, str]]:
    """The employer's decision buttons for an application in ``state`` (in order)."""
    return [{"action": a, "label": label} for a, label in EMPLOYER_BUTTONS.get(state, ())]


# The current state in plain words, for each side.
EMPLOYER_HINTS = {
    A.SENT: "Nouvelle candidature : vous n'y avez pas encore répondu.",
    A.READ: "Vous avez ouvert cette candidature : répondez à l'élève.",
    A.UNDER_REVIEW: "Vous étudiez cette candidature : acceptez-la ou refusez-la.",
    A.ACCEPTED: "Vous avez accepté : l'élève doit maintenant confirmer son stage.",
    A.CONFIRMED: "L'élève a confirmé son stage chez vous.",
    A.REFUSED: "Vous avez refusé cette candidature.",
    A.CANCELLED_BY_PUPIL: "L'élève a annulé sa candidature.",
    A.CANCELLED_BY_EMPLOYER: "Vous avez annulé cette candidature.",
    A.WITHDRAWN: "L'élève a confirmé un autre stage pour cette semaine.",
    A.PLACE_UNAVAILABLE: "Un autre élève a confirmé la dernière place de cette semaine.",
    A.EXPIRED: "Sans réponse de votre part pendant 15 jours, la candidature a expiré.",
    A.EXPIRED_BY_PUPIL: "L'élève n'a pas confirmé dans les 15 jours après votre accord.",
}
SCHOOL_HINTS = {
    A.AWAITING_SCHOOL: (
        "Cette candidature attend votre validation avant d'être transmise à l'employeur."
    ),
    A.REFUSED_BY_SCHOOL: "L'établissement a refusé cette candidature : elle n'a pas été transmise.",
    A.SENT: "Transmise à l'employeur, qui n'a pas encore répondu.",
    A.READ: "L'employeur a ouvert la candidature.",
    A.UNDER_REVIEW: "L'employeur étudie la candidature.",
    A.ACCEPTED: "L'employeur a accepté : l'élève doit confirmer son stage.",
    A.CONFIRMED: "Stage confirmé par l'élève.",
}

ROLE_WHO = {
    "system": "Automatique",
    Role.ELEVE: "Élève",
    Role.ADMIN: "Administrateur",
}


def _who(actor_role: str) -> str:
    if actor_role in ROLE_WHO:
        return ROLE_WHO[actor_role]
    if actor_role in permissions.STAFF:
        return "Établissement"
    if actor_role in permissions.OFFER_POSTERS:
        return "Employeur"
    return ""


def _employer_app(s: Session, user: User | None, app_id: Any):
    """(application, offer) when ``user`` may decide on it, else (None, None)."""
    if not permissions.is_authenticated(user):
        return None, None
    app = get_application(s, app_id)
    if app is None:
        return None, None
    offer = s.get(Offer, app.offer_id)
    if not permissions.can_decide_application(s, user, app, offer):
        return None, None
    return app, offer


def _school_app(s: Session, user: User | None, app_id: Any) -> Application | None:
    if not permissions.is_authenticated(user):
        return None
    app = get_application(s, app_id)
    if app is None or not permissions.can_validate_application(user, app, s=s):
        return None
    return app


def _history(s: Session, app_id: int, *, hide_school_messages: bool) -> list[dict[str, str]]:
    rows = s.execute(
        sa.select(AuditLog.created_at, AuditLog.to_state, AuditLog.actor_role, AuditLog.message)
        .where(AuditLog.entity == "application", AuditLog.entity_id == app_id)
        .order_by(AuditLog.created_at, AuditLog.id)
    ).all()
    out = []
    for r in rows:
        message = r.message or ""
        if hide_school_messages and r.actor_role in permissions.STAFF:
            message = ""  # the school's word is for the pupil
        out.append(
            {
                "date": _fmt(r.created_at),
                "label": APP_STATE_LABELS.get(r.to_state, r.to_state),
                "who": _who(r.actor_role or ""),
                "message": message,
            }
        )
    return out


def _fmt(value) -> str:
    return clock.fmt_paris(value)


def _base_view(s: Session, app: Application, offer: Offer) -> dict[str, Any]:
    pupil = s.get(User, app.pupil_id)
    school = s.get(School, app.school_id) if app.school_id else None
    class_id = app.class_id or (pupil.class_id if pupil else None)
    klass = s.get(SchoolClass, class_id) if class_id else None
    place = ", ".join(
        x for x in (offer.street, f"{offer.postal_code} {offer.city}".strip()) if x and x.strip()
    )
    first = pupil.first_name if pupil else ""
    last = pupil.last_name if pupil else ""
    if not f"{first}{last}".strip():  # account deleted: « Élève (compte supprimé) »
        first, last = text.DELETED_PUPIL, ""
    return {
        "id": app.id,
        "state": app.state,
        "state_label": APP_STATE_LABELS.get(app.state, app.state),
        "week_label": weeks.application_period_label(app.week_start, app.week_count),
        "applied_on": _fmt(app.submitted_at or app.created_at),
        "offer_id": offer.id,
        "offer_title": offer.title,
        "employer_name": offer.employer_name,
        "offer_place": place,
        "pupil_first_name": first,
        "pupil_last_name": last,
        "pupil_name": text.pupil_name(first, last),
        "level_label": LEVEL_LABELS.get(pupil.level, pupil.level) if pupil else "",
        "class_name": klass.name if klass is not None else "",
        "school_name": school.name if school else "",
        "school_city": school.commune if school else "",
        "rep": (school.ep or "") if school else "",
        "qpv": bool(school.qpv) if school else False,
        "motivation": app.motivation or "",
        "refuse_reason": refuse_reason_label(app.refuse_reason) if app.state == A.REFUSED else "",
    }


def employer_view(s: Session, user: User | None, app_id: Any) -> dict[str, Any] | None:
    """The application page of the employer (``None`` when not allowed or not found)."""
    app, offer = _employer_app(s, user, app_id)
    if app is None:
        return None
    view = _base_view(s, app, offer)
    # The pupil's contact: once the employer has accepted (and kept afterwards).
    visible = app.accepted_at is not None or app.state in (A.ACCEPTED, A.CONFIRMED)
    view.update(
        hint=EMPLOYER_HINTS.get(app.state, ""),
        cv=cv_sections(app),
        cv_url=CV_URL.format(id=app.id) if app.cv_file else "",
        contact_visible=visible,
        contact_email=app.contact_email if visible else "",
        contact_phone=structures.display_phone(app.contact_phone) if visible else "",
        contact_phone_tel=app.contact_phone if visible else "",
        history=_history(s, app.id, hide_school_messages=True),
        actions=employer_buttons(app.state),
    )
    return view


def open_as_employer(s: Session, user: User | None, app_id: Any) -> dict[str, Any] | None:
    """:func:`employer_view`, after marking a ``sent`` application ``read`` when the caller
    is one of the deciding employers (an administrator only looking changes nothing).  The
    transition leaves ``sent`` once, so later visits change nothing either."""
    app, _offer = _employer_app(s, user, app_id)
    if app is None:
        return None
    if app.state == A.SENT and user.role != Role.ADMIN:
        transition(s, user, app.id, "read")
    return employer_view(s, user, app.id)


def school_view(s: Session, user: User | None, app_id: Any) -> dict[str, Any] | None:
    """The school's page for one application (staff of the pupil's school within their
    classes, admins), ``None`` otherwise."""
    app = _school_app(s, user, app_id)
    if app is None:
        return None
    offer = s.get(Offer, app.offer_id)
    view = _base_view(s, app, offer)
    view.update(
        hint=SCHOOL_HINTS.get(app.state, ""),
        history=_history(s, app.id, hide_school_messages=False),
        actions=[
            {"action": a, "label": ACTION_LABELS.get(a, a)}
            for a in actions_for(app.state, "school")
        ],
    )
    return view


LIST_TABS = ("attente", "traitees")
LIST_PER_PAGE = 50


def school_list(s: Session, user: User | None, tab: Any, page: Any = 1) -> dict[str, Any] | None:
    """« Candidatures en attente de validation » (``tab="attente"``) or « Candidatures
    traitées » (``"traitees"``: every other state) of the caller's school, newest first;
    a restricted teacher sees the pupils of their classes.  ``None`` unless the caller is
    an active staff member of a school."""
    school_id = permissions.school_of_staff(s, user)
    if school_id is None or not permissions.can_view_school(s, user, school_id):
        return None
    tab = tab if tab in LIST_TABS else "attente"
    page = client_id(page, strings=False) or 1
    waiting = Application.state == A.AWAITING_SCHOOL
    conds: list[Any] = [
        Application.school_id == school_id,
        waiting if tab == "attente" else sa.not_(waiting),
    ]
    visible = permissions.visible_class_ids(s, user)
    if visible is not None:
        if not visible:
            conds.append(sa.false())
        else:
            conds.append(sa.or_(User.class_id.in_(visible), Application.class_id.in_(visible)))
    base = sa.select(Application.id).join(User, User.id == Application.pupil_id).where(*conds)
    total = int(s.execute(sa.select(sa.func.count()).select_from(base.subquery())).scalar_one())
    pages = max(1, -(-total // LIST_PER_PAGE))
    page = min(page, pages)
    rows = s.execute(
        sa.select(
            Application.id,
            Application.state,
            Application.week_start,
            Application.week_count,
            Application.created_at,
            Application.submitted_at,
            Offer.title,
            Offer.employer_name,
            User.first_name,
            User.last_name,
            SchoolClass.name.label("class_name"),
        )
        .join(User, User.id == Application.pupil_id)
        .join(Offer, Offer.id == Application.offer_id)
        .outerjoin(
            SchoolClass,
            SchoolClass.id == sa.func.coalesce(Application.class_id, User.class_id),
        )
        .where(*conds)
        .order_by(
            sa.func.coalesce(Application.submitted_at, Application.created_at).desc(),
            Application.id.desc(),
        )
        .offset((page - 1) * LIST_PER_PAGE)
        .limit(LIST_PER_PAGE)
    ).all()
    school = s.get(School, school_id)
    return {
        "school_name": school.name if school else "",
        "school_city": school.commune if school else "",
        "tab": tab,
        "page": page,
        "pages": pages,
        "total": total,
        "rows": [
            {
                "id": r.id,
                "pupil_name": text.pupil_name(r.first_name, r.last_name),
                "class_name": r.class_name or "",
                "offer_title": r.title,
                "employer_name": r.employer_name,
                "week_label": weeks.application_period_label(r.week_start, r.week_count),
                "state": r.state,
                "state_label": APP_STATE_LABELS.get(r.state, r.state),
                "applied_on": _fmt(r.submitted_at or r.created_at),
            }
            for r in rows
        ],
    }


# --- decisions --------------------------------------------------------------------------------


def _message(message: Any) -> tuple[str, str]:
    """(cleaned message, error for the field)."""
    text = message.strip() if isinstance(message, str) else ""
    if len(text) > MESSAGE_MAX:
        return "", MSG_MESSAGE_LONG
    return text, ""


def _decide(
    s: Session,
    user: User | None,
    app: Application | None,
    allowed: frozenset[str],
    action: Any,
    message: Any,
    reason: Any = None,
) -> dict[str, str]:
    """Fire ``action`` (one of ``allowed``) on ``app`` (None: not the caller's); « Refuser »
    needs ``reason`` (a key of ``REFUSE_REASONS``, error keyed "reason")."""
    if app is None:
        return {"form": MSG_DENIED}
    if not isinstance(action, str) or action not in allowed:
        return {"form": MSG_UNKNOWN_ACTION}
    note, error = _message(message)
    if error:
        return {"message": error}
    t = TRANSITIONS[action]
    if t.message_required and not note and app.state in t.from_states:
        return {"message": MSG_MESSAGE_REQUIRED}
    if action == "refuse" and app.state in t.from_states:
        if error := refuse_reason_error(reason):
            return {"reason": error}
        error = transition(s, user, app.id, action, note, reason=reason)
    else:  # (an already-refused application: transition says so)
        error = transition(s, user, app.id, action, note)
    return {"form": error} if error else {}


def decide_as_employer(
    s: Session, user: User | None, app_id: Any, action: Any, message: Any = "", reason: Any = None
) -> dict[str, str]:
    """« Accepter », « Mettre à l'étude », « Refuser » (with ``reason``, a key of
    ``REFUSE_REASONS``), « Annuler mon accord », « Annuler le stage » — only the buttons
    of :data:`EMPLOYER_BUTTONS` for the application's state: ``{}`` when done, else ``{"message": …}`` /
    ``{"reason": …}`` (an error for that field) or ``{"form": …}``; nothing changed on
    error."""
    app, _offer = _employer_app(s, user, app_id)
    if (
        app is not None
        and isinstance(action, str)
        and action in EMPLOYER_ACTIONS
        and app.state in TRANSITIONS[action].from_states
        and action not in {b["action"] for b in employer_buttons(app.state)}
    ):
        return {"form": MSG_NOT_OFFERED}
    return _decide(s, user, app, EMPLOYER_ACTIONS, action, message, reason)


def decide_as_school(
    s: Session, user: User | None, app_id: Any, action: Any, message: Any = ""
) -> dict[str, str]:
    """« Valider » / « Refuser » by the pupil's school (same answers as
    :func:`decide_as_employer`)."""
    return _decide(s, user, _school_app(s, user, app_id), SCHOOL_ACTIONS, action, message)
