"""The pupil's space: « Postuler » (form context and submission), « Mes candidatures »,
« Mon CV » (sections and a private PDF), « Mes favoris », and the private CV downloads.

Sync functions over a Session, like every service.  Every entry point takes the caller
(``User | None``) and checks role and ownership itself; ids and form values may be of any
type (they come from clients) and are checked before use.  Functions that change data
commit; they store nothing when they answer with an error.
"""

from __future__ import annotations

import json
import secrets
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from mystage import clock
from mystage.models import (
    APP_STATE_LABELS,
    PENDING_STATES,
    Application,
    AppState,
    Favorite,
    Offer,
    OfferState,
    OfferWeek,
    PupilCV,
    Role,
    School,
    User,
)
from mystage.services import applications, eligibility, offers, pdf_safety, permissions, weeks
from mystage.services.ids import client_id
from mystage.services.structures import display_phone
from mystage.settings import get_settings

A = AppState

# Delays shown to the pupil (the jobs in mystage/jobs/applications.py enforce them; a test
# checks that both agree).
EMPLOYER_ANSWER_DAYS = 15
EMPLOYER_ANSWER_DAYS_UNDER_REVIEW = 30
PUPIL_CONFIRM_DAYS = 15

CV_SECTIONS = ("schooling", "interests", "languages", "qualities")
CV_LABELS = {
    "schooling": "Scolarité",
    "interests": "Centres d'intérêt",
    "languages": "Langues",
    "qualities": "Qualités",
}
CV_SECTION_MAX = 1000
CV_PDF_MAX_BYTES = 2 * 1024 * 1024
PDF_MAGIC = b"%PDF-"

MSG_CV_TOO_LONG = f"{CV_SECTION_MAX} caractères au maximum."
MSG_PDF_EMPTY = "Choisis un fichier PDF."
MSG_PDF_FORMAT = "Ce fichier n'est pas un PDF : enregistre ton CV au format PDF puis réessaie."
MSG_PDF_SIZE = "Ton PDF est trop lourd : 2 Mo au maximum."
MSG_NO_PDF = "Tu n'as pas de CV en PDF."
MSG_PUPILS_ONLY = "Cet espace est réservé aux élèves."
MSG_FORM = "Le formulaire est incomplet : recharge la page et réessaie."
MSG_OFFER_MISSING = "Cette offre n'existe pas ou n'est plus visible."
MSG_FAVORITE_UNAVAILABLE = "Cette offre ne peut pas être ajoutée à tes favoris."

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


# --- helpers --------------------------------------------------------------------------------


def is_pupil(user: User | None) -> bool:
    """An active pupil account (the only callers of this module's pupil functions)."""
    return permissions.is_authenticated(user) and user.role == Role.ELEVE


def _str(raw: Any, limit: int) -> str:
    return raw.strip()[:limit] if isinstance(raw, str) else ""


def _date_label(value: datetime | None, plus_days: int = 0) -> str:
    """« 20 octobre 2026 » (Europe/Paris) of ``value + plus_days``; "" for None."""
    v = clock.paris(value)
    if v is None:
        return ""
    return weeks.date_label((v + timedelta(days=plus_days)).date())


def _visible_offer(s: Session, user: User | None, offer_id: int | None) -> Offer | None:
    """The offer when ``user`` may see its page (same rule as the offer page)."""
    if offer_id is None:
        return None
    offer = s.get(Offer, offer_id)
    if offer is None:
        return None
    can_edit = permissions.can_edit_offer(s, user, offer)
    if not can_edit:
        if offer.state in (OfferState.DRAFT, OfferState.REMOVED):
            return None
        if offer.state == OfferState.UNPUBLISHED and not offers.has_applied(s, user, offer.id):
            return None
    if not eligibility.may_view_reserved(s, user, offer.id, can_edit):
        return None
    return offer


# --- « Postuler »: the form's context ---------------------------------------------------------


def _offered_weeks(s: Session, pupil: User, offer: Offer) -> list[dict[str, Any]]:
    """The weeks the pupil may pick: the offer's future weeks, restricted to the pupil's
    school weeks (their class's or the whole school's) for each school year where the school
    has set some (all of them when it has none, or when the offer runs all year) — the same
    rule as :func:`applications.apply`.  Full weeks and weeks already applied for are listed
    with ``disabled`` and the reason."""
    today = clock.today_paris()
    rows = s.exec(
        select(OfferWeek)
        .where(OfferWeek.offer_id == offer.id, OfferWeek.week_start > today)
        .order_by(OfferWeek.week_start)
    ).all()
    applied = set(
        s.execute(
            sa.select(Application.week_start).where(
                Application.pupil_id == pupil.id, Application.offer_id == offer.id
            )
        ).scalars()
    )
    school_weeks: dict[int, set[date]] = {}
    out: list[dict[str, Any]] = []
    for row in rows:
        if not offer.all_year:
            year = weeks.school_year_of(row.week_start)
            if year not in school_weeks:
                school_weeks[year] = applications._school_weeks(s, pupil, year)
            allowed = school_weeks[year]
            if allowed and row.week_start not in allowed:
                continue
        left = max(row.places - row.places_taken, 0)
        note = ""
        if row.week_start in applied:
            note = "déjà postulé"
        elif left <= 0:
            note = "complète"
        out.append(
            {
                "iso": row.week_start.isoformat(),
                "label": weeks.week_label(row.week_start),
                "places_left": left,
                "full": left <= 0,
                "disabled": bool(note),
                "note": note,
            }
        )
    return out


def _cv_status(s: Session, user_id: int) -> dict[str, bool]:
    cv = s.exec(select(PupilCV).where(PupilCV.user_id == user_id)).first()
    has_text = cv is not None and any(getattr(cv, k).strip() for k in CV_SECTIONS)
    has_pdf = cv is not None and bool(cv.pdf_path)
    return {"has_text": has_text, "has_pdf": has_pdf, "empty": not (has_text or has_pdf)}


def _blocked_kind(user: User | None, reason: str) -> str:
    if user is None:
        return "login"
    if user.role != Role.ELEVE:
        return "role"
    if user.parental_authorization_at is None and "autorisation" in reason:
        return "authorization"
    return "other"


def apply_context(s: Session, user: User | None, offer_id: Any) -> dict[str, Any]:
    """What the « Postuler » page shows.

    ``found`` False: no such visible offer (nothing else filled).  Otherwise ``offer``
    (id, title, employer_name, city, postal_code) and ``allowed``; when not allowed,
    ``reason`` (French) and ``blocked`` ("login", "role", "authorization", "other").  When
    allowed: ``weeks`` (see :func:`_offered_weeks`), ``defaults`` (contact phone and e-mail
    from the account, the school's référent e-mail), ``cv`` status, ``to_school`` (the
    application goes to the school first).  ``is_favorite`` for pupils."""
    oid = client_id(offer_id)
    offer = _visible_offer(s, user, oid)
    if offer is None:
        return {"found": False}
    ctx: dict[str, Any] = {
        "found": True,
        "offer": {
            "id": offer.id,
            "title": offer.title,
            "employer_name": offer.employer_name,
            "city": offer.city,
            "postal_code": offer.postal_code,
        },
        "allowed": False,
        "reason": "",
        "blocked": "",
        "weeks": [],
        "defaults": {"contact_phone": "", "contact_email": "", "referent_email": ""},
        "cv": {"has_text": False, "has_pdf": False, "empty": True},
        "to_school": False,
        "is_favorite": False,
    }
    active = user if permissions.is_authenticated(user) else None
    ok, reason = eligibility.can_apply(s, active, offer.id)
    if is_pupil(active):
        ctx["is_favorite"] = is_favorite(s, active, offer.id)
    if not ok:
        ctx["reason"] = reason
        ctx["blocked"] = _blocked_kind(active, reason)
        return ctx
    school = s.get(School, active.school_id) if active.school_id else None
    ctx["allowed"] = True
    ctx["weeks"] = _offered_weeks(s, active, offer)
    ctx["defaults"] = {
        "contact_phone": display_phone(active.phone),
        "contact_email": active.email or "",
        "referent_email": (school.referent_email or school.email) if school else "",
    }
    ctx["cv"] = _cv_status(s, active.id)
    ctx["to_school"] = bool(school is not None and school.validation_required)
    return ctx


def submit_application(
    s: Session, user: User | None, offer_id: Any, form: Any
) -> tuple[int | None, dict[str, str], bool]:
    """« Postuler » with the form's raw values: ``(id, {}, to_school)`` when sent, else
    ``(None, errors, False)`` with French errors keyed week, motivation, contact_phone,
    contact_email, referent_email or form; nothing stored then."""
    oid = client_id(offer_id)
    active = user if permissions.is_authenticated(user) else None
    if oid is None or _visible_offer(s, active, oid) is None:
        return None, {"form": MSG_OFFER_MISSING}, False
    data = form if isinstance(form, dict) else {}
    app_id, errors = applications.apply(
        s,
        active,
        oid,
        week=_str(data.get("week"), 20),
        motivation=_str(data.get("motivation"), applications.MOTIVATION_MAX + 500),
        contact_phone=_str(data.get("contact_phone"), 40),
        contact_email=_str(data.get("contact_email"), 300),
        referent_email=_str(data.get("referent_email"), 300),
    )
    if app_id is None:
        return None, errors or {"form": "La candidature n'a pas pu être envoyée."}, False
    state = s.execute(sa.select(Application.state).where(Application.id == app_id)).scalar_one()
    return app_id, {}, state == A.AWAITING_SCHOOL


# --- « Mes candidatures » ---------------------------------------------------------------------


def next_step(app: Application) -> str:
    """The next step of an application, in one sentence for the pupil."""
    st = app.state
    if st == A.SUBMITTED:
        return "Ta candidature est en cours d'envoi."
    if st == A.AWAITING_SCHOOL:
        return (
            "Ton établissement doit valider ta candidature avant qu'elle soit transmise à "
            "l'employeur."
        )
    if st == A.REFUSED_BY_SCHOOL:
        return (
            "Ton établissement n'a pas validé cette candidature : parles-en à ton professeur "
            "principal."
        )
    if st in (A.SENT, A.READ):
        until = _date_label(app.sent_at, EMPLOYER_ANSWER_DAYS)
        verb = "a lu ta candidature et " if st == A.READ else ""
        return f"L'employeur {verb}a {EMPLOYER_ANSWER_DAYS} jours pour répondre" + (
            f" (jusqu'au {until})." if until else "."
        )
    if st == A.UNDER_REVIEW:
        until = _date_label(app.sent_at, EMPLOYER_ANSWER_DAYS_UNDER_REVIEW)
        return "L'employeur étudie ta candidature" + (
            f" : il répondra au plus tard le {until}." if until else "."
        )
    if st == A.ACCEPTED:
        until = _date_label(app.accepted_at, PUPIL_CONFIRM_DAYS)
        return (
            "L'employeur t'a accepté·e : confirme ton stage"
            + (f" avant le {until}" if until else "")
            + f" ({PUPIL_CONFIRM_DAYS} jours)."
        )
    if st == A.CONFIRMED:
        return (
            "Ton stage est confirmé ! L'employeur et ton établissement vont préparer la "
            "convention de stage."
        )
    if st == A.REFUSED:
        return "L'employeur n'a pas retenu ta candidature : continue à postuler à d'autres offres."
    if st == A.CANCELLED_BY_PUPIL:
        return "Tu as annulé cette candidature."
    if st == A.CANCELLED_BY_EMPLOYER:
        return "L'employeur a annulé cette candidature."
    if st == A.WITHDRAWN:
        return "Retirée car tu as confirmé un autre stage pour cette semaine."
    if st == A.PLACE_UNAVAILABLE:
        return "Un autre élève a pris la dernière place de cette semaine."
    if st == A.EXPIRED:
        return "L'employeur n'a pas répondu à temps : postule à d'autres offres."
    if st == A.EXPIRED_BY_PUPIL:
        return f"Tu n'as pas confirmé ton stage dans les {PUPIL_CONFIRM_DAYS} jours."
    return ""


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
                "week_label": weeks.week_label(app.week_start),
                "state": app.state,
                "state_label": APP_STATE_LABELS.get(app.state, app.state),
                "color": STATE_COLORS.get(app.state, "gray"),
                "next_step": next_step(app),
                "school_message": school_message,
                "employer_message": employer_message,
                "can_confirm": "confirm" in actions,
                "can_cancel": "cancel_by_pupil" in actions,
                "applied_on": _date_label(app.submitted_at or app.created_at),
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
    favorites = s.execute(
        sa.select(sa.func.count(Favorite.id)).where(Favorite.user_id == user.id)
    ).scalar_one()
    return {
        "counts": application_counts(s, user),
        "authorized": authorized_at is not None,
        "authorized_on": _date_label(authorized_at),
        "cv": _cv_status(s, user.id),
        "favorites": int(favorites),
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
    note = _str(message, applications.MESSAGE_MAX)
    return applications.transition(s, user, app_id, action, note)


# --- « Mon CV » -------------------------------------------------------------------------------


def get_cv(s: Session, user: User | None) -> dict[str, Any]:
    """The caller's CV: the four sections, ``has_pdf``, ``updated`` (date label)."""
    if not is_pupil(user):
        return {}
    cv = s.exec(select(PupilCV).where(PupilCV.user_id == user.id)).first()
    out: dict[str, Any] = {k: (getattr(cv, k) if cv else "") for k in CV_SECTIONS}
    out["has_pdf"] = bool(cv and cv.pdf_path and _cv_path(cv.pdf_path) is not None)
    out["updated"] = _date_label(cv.updated_at) if cv else ""
    return out


def _cv_row(s: Session, user: User) -> PupilCV:
    cv = s.exec(select(PupilCV).where(PupilCV.user_id == user.id)).first()
    if cv is None:
        cv = PupilCV(user_id=user.id)
        s.add(cv)
    return cv


def save_cv(s: Session, user: User | None, data: Any) -> dict[str, str]:
    """Save the four sections (each ≤ 1000 characters, may be empty).  Returns French
    errors keyed by section (nothing saved then), or {}."""
    if not is_pupil(user):
        return {"form": MSG_PUPILS_ONLY}
    if not isinstance(data, dict):
        return {"form": MSG_FORM}
    form = data
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    for key in CV_SECTIONS:
        raw = form.get(key)
        text = raw.strip().replace("\r\n", "\n") if isinstance(raw, str) else ""
        if len(text) > CV_SECTION_MAX:
            errors[key] = MSG_CV_TOO_LONG
        values[key] = text
    if errors:
        return errors
    cv = _cv_row(s, user)
    for key, value in values.items():
        setattr(cv, key, value)
    cv.updated_at = clock.now()
    s.add(cv)
    s.commit()
    return {}


def _cv_dir() -> Path:
    return get_settings().private_dir / "cv"


def _cv_path(relative: str) -> Path | None:
    """The absolute path of a stored CV, only if it is inside the CV folder."""
    if not relative or not isinstance(relative, str):
        return None
    base = _cv_dir().resolve()
    path = (get_settings().private_dir / relative).resolve()
    if base not in path.parents:
        return None
    return path


def check_pdf(data: Any) -> str:
    """An empty string when ``data`` is a PDF of at most 2 Mo (size and ``%PDF-`` magic
    bytes) without active content (scripts, launch actions, embedded files…: see
    :mod:`mystage.services.pdf_safety`), else a French error."""
    if not isinstance(data, bytes | bytearray) or not data:
        return MSG_PDF_EMPTY
    if len(data) > CV_PDF_MAX_BYTES:
        return MSG_PDF_SIZE
    if not bytes(data[:5]) == PDF_MAGIC:
        return MSG_PDF_FORMAT
    return pdf_safety.active_content_error(bytes(data))


def _unlink_if_unused(s: Session, relative: str) -> None:
    """Delete a replaced CV file unless an application still points to it (applications
    keep the PDF they were sent with)."""
    if not relative:
        return
    used = s.execute(
        sa.select(Application.id).where(Application.cv_file == relative).limit(1)
    ).first()
    path = _cv_path(relative)
    if used is None and path is not None:
        path.unlink(missing_ok=True)


def store_cv_pdf(s: Session, user: User | None, data: Any) -> str:
    """Store the caller's CV as a PDF in private storage under a random name (the
    previous one is deleted unless an application uses it).  Returns "" or a French
    error (nothing stored then)."""
    if not is_pupil(user):
        return MSG_PUPILS_ONLY
    error = check_pdf(data)
    if error:
        return error
    folder = _cv_dir()
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{user.id}-{secrets.token_hex(16)}.pdf"
    (folder / name).write_bytes(bytes(data))
    cv = _cv_row(s, user)
    old = cv.pdf_path
    cv.pdf_path = f"cv/{name}"
    cv.updated_at = clock.now()
    s.add(cv)
    try:
        s.commit()
    except Exception:
        s.rollback()
        (folder / name).unlink(missing_ok=True)
        raise
    if old and old != cv.pdf_path:
        _unlink_if_unused(s, old)
    return ""


def delete_cv_pdf(s: Session, user: User | None) -> str:
    """« Supprimer le PDF »: "" when done, else a French error."""
    if not is_pupil(user):
        return MSG_PUPILS_ONLY
    cv = s.exec(select(PupilCV).where(PupilCV.user_id == user.id)).first()
    if cv is None or not cv.pdf_path:
        return MSG_NO_PDF
    old = cv.pdf_path
    cv.pdf_path = ""
    cv.updated_at = clock.now()
    s.add(cv)
    s.commit()
    _unlink_if_unused(s, old)
    return ""


def _read(relative: str) -> bytes | None:
    path = _cv_path(relative)
    if path is None or not path.is_file():
        return None
    return path.read_bytes()


def own_cv_pdf(s: Session, user: User | None) -> bytes | None:
    """``GET /api/cv``: the caller's own PDF, or None."""
    if not is_pupil(user):
        return None
    relative = s.execute(
        sa.select(PupilCV.pdf_path).where(PupilCV.user_id == user.id)
    ).scalar_one_or_none()
    return _read(relative or "")


def may_read_application_cv(s: Session, user: User | None, app: Application | None) -> bool:
    """The pupil who applied, whoever may decide on it (employer side, once sent to them),
    the pupil's school staff and admins."""
    if app is None or not permissions.is_authenticated(user):
        return False
    if permissions.is_application_pupil(user, app):
        return True
    if permissions.can_validate_application(user, app, s=s):
        return True
    offer = s.get(Offer, app.offer_id)
    return permissions.can_decide_application(s, user, app, offer)


def application_cv_pdf(s: Session, user: User | None, application_id: Any) -> bytes | None:
    """``GET /api/candidatures/{id}/cv``: the PDF sent with that application, or None
    (no such application, no PDF, or the caller may not read it: same answer)."""
    app_id = client_id(application_id)
    if app_id is None:
        return None
    app = s.get(Application, app_id)
    if app is None or not app.cv_file or not may_read_application_cv(s, user, app):
        return None
    return _read(app.cv_file)


def application_cv_sections(app: Application) -> list[dict[str, str]]:
    """The CV sections copied into an application at submission, for display."""
    try:
        data = json.loads(app.cv_snapshot) if app.cv_snapshot else {}
    except ValueError:
        data = {}
    if not isinstance(data, dict):
        return []
    return [
        {"label": CV_LABELS[k], "text": str(data.get(k) or "")}
        for k in CV_SECTIONS
        if str(data.get(k) or "").strip()
    ]


# --- « Mes favoris » --------------------------------------------------------------------------


def is_favorite(s: Session, user: User | None, offer_id: Any) -> bool:
    oid = client_id(offer_id)
    if oid is None or not is_pupil(user):
        return False
    row = s.execute(
        sa.select(Favorite.id).where(Favorite.user_id == user.id, Favorite.offer_id == oid)
    ).first()
    return row is not None


def set_favorite(s: Session, user: User | None, offer_id: Any, on: bool) -> tuple[bool, str]:
    """Put an offer in or out of the caller's favourites (idempotent: a double click or
    two tabs end in the asked state).  Returns (is favourite now, French error)."""
    if not is_pupil(user):
        return False, MSG_PUPILS_ONLY
    oid = client_id(offer_id)
    if not on:
        if oid is not None:
            s.execute(
                sa.delete(Favorite).where(Favorite.user_id == user.id, Favorite.offer_id == oid)
            )
            s.commit()
        return False, ""
    offer = _visible_offer(s, user, oid)
    if offer is None or offer.state not in (OfferState.PUBLISHED, OfferState.FULL):
        return False, MSG_FAVORITE_UNAVAILABLE
    if is_favorite(s, user, oid):
        return True, ""
    s.add(Favorite(user_id=user.id, offer_id=oid, created_at=clock.now()))
    try:
        s.commit()
    except sa.exc.IntegrityError:  # the same pupil, another tab, at the same moment
        s.rollback()
    return True, ""


def toggle_favorite(s: Session, user: User | None, offer_id: Any) -> tuple[bool, str]:
    """Flip the favourite; returns (is favourite now, French error)."""
    return set_favorite(s, user, offer_id, not is_favorite(s, user, offer_id))


def list_favorites(s: Session, user: User | None, limit: int = 200) -> list[dict[str, Any]]:
    """The caller's favourites, newest first: offer id, title, employer, city, places left,
    ``available`` (still open to applications)."""
    if not is_pupil(user):
        return []
    today = clock.today_paris()
    rows = s.execute(
        sa.select(Offer)
        .join(Favorite, Favorite.offer_id == Offer.id)
        .where(Favorite.user_id == user.id)
        .order_by(Favorite.created_at.desc(), Favorite.id.desc())
        .limit(limit)
    ).scalars()
    out = []
    for offer in rows:
        if not eligibility.may_view_reserved(s, user, offer.id, False):
            continue
        open_ = offers.application_open(offer, today)
        gone = offer.state in (OfferState.DRAFT, OfferState.REMOVED)
        out.append(
            {
                "offer_id": offer.id,
                "title": offer.title if not gone else "Offre retirée",
                "employer_name": offer.employer_name if not gone else "",
                "city": offer.city,
                "postal_code": offer.postal_code,
                "places_left": max(offer.places_left, 0),
                "available": bool(open_ and not gone),
                "gone": gone,
            }
        )
    return out
