"""« Mes candidatures » (each application, its next step and the pupil's buttons) and the
pupil section of « Mon espace »."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from mystage.models import (
    APP_STATE_LABELS,
    PENDING_STATES,
    Application,
    AppState,
    Offer,
    OfferState,
    User,
)
from mystage.services import applications, weeks
from mystage.services.ids import client_id
from mystage.services.pupils.access import MSG_PUPILS_ONLY, clean_text, date_label, is_pupil
from mystage.services.pupils.cv import cv_status
from mystage.services.pupils.favorites import favorite_count

A = AppState

# Delays shown to the pupil (the jobs in mystage/jobs/applications.py enforce them; a test
# checks that both agree).
EMPLOYER_ANSWER_DAYS = 15
EMPLOYER_ANSWER_DAYS_UNDER_REVIEW = 30
PUPIL_CONFIRM_DAYS = 15

# Badge colours (Radix colour schemes) per application state.
STATE_COLORS = {
    A.SUBMITTED: "blue",
    A.AWAITING_SCHOOL: "amber",
    A.REFUSED_BY_SCHOOL: "red",
    A.SENT: "blue",
    A.READ: "blue",
    A.UNDER_REVIEW: "indigo",
    A.ACCEPTED: "orange",
    A.CONFIRMED: "green",
    A.REFUSED: "red",
    A.CANCELLED_BY_PUPIL: "gray",
    A.CANCELLED_BY_EMPLOYER: "red",
    A.WITHDRAWN: "gray",
    A.PLACE_UNAVAILABLE: "gray",
    A.EXPIRED: "gray",
    A.EXPIRED_BY_PUPIL: "gray",
}


# The next step, in one sentence, of the states where it has no date.
NEXT_STEPS = {
    A.SUBMITTED: "Ta candidature est en cours d'envoi.",
    A.AWAITING_SCHOOL: (
        "Ton établissement doit valider ta candidature avant qu'elle soit transmise à l'employeur."
    ),
    A.REFUSED_BY_SCHOOL: (
        "Ton établissement n'a pas validé cette candidature : parles-en à ton professeur principal."
    ),
    A.CONFIRMED: (
        "Ton stage est confirmé ! L'employeur et ton établissement vont préparer la "
        "convention de stage."
    ),
    A.REFUSED: "L'employeur n'a pas retenu ta candidature : continue à postuler à d'autres offres.",
    A.CANCELLED_BY_PUPIL: "Tu as annulé cette candidature.",
    A.CANCELLED_BY_EMPLOYER: "L'employeur a annulé cette candidature.",
    A.WITHDRAWN: "Retirée car tu as confirmé un autre stage pour cette semaine.",
    A.PLACE_UNAVAILABLE: "Un autre élève a pris la dernière place de cette semaine.",
    A.EXPIRED: "L'employeur n'a pas répondu à temps : postule à d'autres offres.",
    A.EXPIRED_BY_PUPIL: f"Tu n'as pas confirmé ton stage dans les {PUPIL_CONFIRM_DAYS} jours.",
}


def next_step(app: Application) -> str:
    """The next step of an application, in one sentence for the pupil."""
    st = app.state
    if st in (A.SENT, A.READ):
        until = date_label(app.sent_at, EMPLOYER_ANSWER_DAYS)
        verb = "a lu ta candidature et " if st == A.READ else ""
        return f"L'employeur {verb}a {EMPLOYER_ANSWER_DAYS} jours pour répondre" + (
            f" (jusqu'au {until})." if until else "."
        )
    if st == A.UNDER_REVIEW:
        until = date_label(app.sent_at, EMPLOYER_ANSWER_DAYS_UNDER_REVIEW)
        return "L'employeur étudie ta candidature" + (
            f" : il répondra au plus tard le {until}." if until else "."
        )
    if st == A.ACCEPTED:
        until = date_label(app.accepted_at, PUPIL_CONFIRM_DAYS)
        return (
            "L'employeur t'a accepté·e : confirme ton stage"
            + (f" avant le {until}" if until else "")
            + f" ({PUPIL_CONFIRM_DAYS} jours)."
        )
    return NEXT_STEPS.get(st, "")


def _messages(app: Application) -> tuple[str, str]:
    """(school's message, employer's message) written to the pupil about this application."""
    employer_text = {
        A.UNDER_REVIEW: app.review_message,
        A.ACCEPTED: app.accept_message,
        A.CONFIRMED: app.accept_message,
        A.REFUSED: app.refuse_message,
        A.CANCELLED_BY_EMPLOYER: app.cancel_message,
    }.get(app.state, "")
    return (app.school_message or "").strip(), (employer_text or "").strip()


def my_applications(s: Session, user: User | None, limit: int = 200) -> list[dict[str, Any]]:
    """The caller's applications, newest first, as rows for « Mes candidatures » (empty for
    anyone but an active pupil)."""
    if not is_pupil(user):
        return []
    rows = s.execute(
        sa.select(Application, Offer)
        .join(Offer, Offer.id == Application.offer_id)
        .where(Application.pupil_id == user.id)
        .order_by(Application.created_at.desc(), Application.id.desc())
        .limit(limit)
    ).all()
    out = []
    for app, offer in rows:
        school_message, employer_message = _messages(app)
        actions = applications.actions_for(app.state, "pupil")
        out.append(
            {
                "id": app.id,
                "offer_id": offer.id,
                "offer_title": offer.title,
                "employer_name": offer.employer_name,
                "city": offer.city,
                "week_label": weeks.application_period_label(app.week_start, app.week_count),
                "state": app.state,
                "state_label": APP_STATE_LABELS.get(app.state, app.state),
                "color": STATE_COLORS.get(app.state, "gray"),
                "next_step": next_step(app),
                "school_message": school_message,
                "employer_message": employer_message,
                "refuse_reason": applications.refuse_reason_label(app.refuse_reason)
                if app.state == A.REFUSED
                else "",
                "can_confirm": "confirm" in actions,
                "can_cancel": "cancel_by_pupil" in actions,
                "applied_on": date_label(app.submitted_at or app.created_at),
            }
        )
    return out


def application_counts(s: Session, user: User | None) -> dict[str, int]:
    """Counts for « Mon espace »: total, pending (waiting for the school or the employer),
    to_confirm (accepted), confirmed."""
    counts = {"total": 0, "pending": 0, "to_confirm": 0, "confirmed": 0}
    if not is_pupil(user):
        return counts
    rows = s.execute(
        sa.select(Application.state, sa.func.count(Application.id))
        .where(Application.pupil_id == user.id)
        .group_by(Application.state)
    ).all()
    for state, n in rows:
        counts["total"] += n
        if state in PENDING_STATES:
            counts["pending"] += n
        elif state == A.ACCEPTED:
            counts["to_confirm"] += n
        elif state == A.CONFIRMED:
            counts["confirmed"] += n
    return counts


def pupil_overview(s: Session, user: User | None) -> dict[str, Any]:
    """The pupil section of « Mon espace » (empty dict for anyone else)."""
    if not is_pupil(user):
        return {}
    authorized_at = user.parental_authorization_at
    return {
        "counts": application_counts(s, user),
        "authorized": authorized_at is not None,
        "authorized_on": date_label(authorized_at),
        "cv": cv_status(s, user.id),
        "favorites": favorite_count(s, user),
        "targeted": _targeted_offer(s, user),
    }


def _targeted_offer(s: Session, user: User) -> dict[str, str]:
    """The offer the pupil came from when signing up (« Postuler » before having an
    account), while it is still published and they have not applied to it: « Mon espace »
    brings them back to it, whatever page they logged in from ({} otherwise)."""
    oid = user.targeted_offer_id
    if not oid:
        return {}
    offer = s.get(Offer, oid)
    if offer is None or offer.state != OfferState.PUBLISHED:
        return {}
    applied = s.execute(
        sa.select(Application.id)
        .where(Application.pupil_id == user.id, Application.offer_id == oid)
        .limit(1)
    ).first()
    if applied is not None:
        return {}
    return {"id": str(offer.id), "title": offer.title, "city": offer.city or ""}


def act_on_application(
    s: Session, user: User | None, application_id: Any, action: Any, message: Any = ""
) -> str:
    """A pupil's button on « Mes candidatures »: only the pupil's own actions (confirm,
    cancel_by_pupil) reach :func:`applications.transition`, which checks ownership and
    state.  Returns "" or a French error."""
    if not is_pupil(user):
        return MSG_PUPILS_ONLY
    if not isinstance(action, str) or action not in ("confirm", "cancel_by_pupil"):
        return applications.MSG_UNKNOWN_ACTION
    app_id = client_id(application_id)
    if app_id is None:
        return applications.MSG_DENIED
    note = clean_text(message, applications.MESSAGE_MAX)
    return applications.transition(s, user, app_id, action, note)
