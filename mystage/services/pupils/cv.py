"""« Mon CV »: the four sections and a private PDF, and who may download the PDF sent with
an application (``GET /api/cv``, ``GET /api/candidatures/{id}/cv``)."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from mystage import clock
from mystage.models import Application, Offer, PupilCV, User
from mystage.services import applications, pdf_safety, permissions
from mystage.services.ids import client_id
from mystage.services.pupils.access import MSG_PUPILS_ONLY, date_label, is_pupil
from mystage.settings import get_settings

CV_SECTIONS = tuple(applications.CV_SECTIONS)
CV_SECTION_MAX = 1000
CV_PDF_MAX_BYTES = 2 * 1024 * 1024
PDF_MAGIC = b"%PDF-"

MSG_CV_TOO_LONG = f"{CV_SECTION_MAX} caractères au maximum."
MSG_PDF_EMPTY = "Choisis un fichier PDF."
MSG_PDF_FORMAT = "Ce fichier n'est pas un PDF : enregistre ton CV au format PDF puis réessaie."
MSG_PDF_SIZE = "Ton PDF est trop lourd : 2 Mo au maximum."
MSG_NO_PDF = "Tu n'as pas de CV en PDF."
MSG_FORM = "Le formulaire est incomplet : recharge la page et réessaie."


def cv_status(s: Session, user_id: int) -> dict[str, bool]:
    """Whether the pupil's CV has text, a PDF, or nothing (``has_text``, ``has_pdf``,
    ``empty``)."""
    cv = s.exec(select(PupilCV).where(PupilCV.user_id == user_id)).first()
    has_text = cv is not None and any(getattr(cv, k).strip() for k in CV_SECTIONS)
    has_pdf = cv is not None and bool(cv.pdf_path)
    return {"has_text": has_text, "has_pdf": has_pdf, "empty": not (has_text or has_pdf)}


def get_cv(s: Session, user: User | None) -> dict[str, Any]:
    """The caller's CV: the four sections, ``has_pdf``, ``updated`` (date label)."""
    if not is_pupil(user):
        return {}
    cv = s.exec(select(PupilCV).where(PupilCV.user_id == user.id)).first()
    out: dict[str, Any] = {k: (getattr(cv, k) if cv else "") for k in CV_SECTIONS}
    out["has_pdf"] = bool(cv and cv.pdf_path and _cv_path(cv.pdf_path) is not None)
    out["updated"] = date_label(cv.updated_at) if cv else ""
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
    return applications.cv_sections(app)
