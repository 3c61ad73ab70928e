"""Signing up into a class: the class code staff hand out (« /classe/AB7K2C ») and the
invitation link of a listed pupil (« /inscription/eleve?invitation=… »).  Both open the
pupil sign-up with the school and the class fixed (the level from the class).

- Codes: 6 characters among 31 unambiguous capitals and digits (about 887 million); staff who
  see the class create, regenerate or revoke it.  Wrong codes are counted per client address
  (``class_code`` scope, 20 per 15 minutes), so codes cannot be guessed by trying.
- The account is created by :func:`accounts.register_pupil` (activation by mail or SMS code
  as for every pupil); the listed pupil's row is then linked (the invitation's row, or for a
  code the row of the same name in the class).
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from mystage import clock
from mystage.models import (
    LEVEL_LABELS,
    OneTimeToken,
    PupilLevel,
    RosterEntry,
    School,
    SchoolClass,
    TokenPurpose,
    User,
)
from mystage.services import accounts, audit, weeks
from mystage.services.accounts import ratelimit, tokens
from mystage.services.ids import client_id
from mystage.services.schools.roster import link_by_name, link_entry
from mystage.services.schools.scope import scope_for_class, visible_class

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
CLASS_CODE_URL = "/classe"
CODE_SCOPE = "class_code"
CODE_LIMIT = 20  # wrong codes per client address
CODE_WINDOW = timedelta(minutes=15)
MSG_CODE_UNKNOWN = (
    "Ce code de classe n'existe pas ou n'est plus valable : vérifie-le auprès de ton professeur."
)
MSG_CODE_LIMITED = "Trop de codes essayés. Patiente un quart d'heure avant de réessayer."
MSG_INVITATION_GONE = (
    "Ce lien d'invitation n'est plus valable (déjà utilisé, remplacé ou expiré). Demande un "
    "nouveau lien à ton professeur, ou utilise le code de ta classe."
)
MSG_LEVEL = "Choisis ton niveau."


def normalize_code(raw: Any) -> str:
    """« ab7k-2c » → « AB7K2C »; "" for anything that cannot be a code."""
    if not isinstance(raw, str) or len(raw) > 20:
        return ""
    code = "".join(c for c in raw.upper() if c.isalnum())
    if len(code) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in code):
        return ""
    return code


def _new_code(s: Session) -> str:
    for _ in range(20):
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        taken = s.execute(sa.select(SchoolClass.id).where(SchoolClass.join_code == code)).first()
        if taken is None:
            return code
    raise RuntimeError("no free class code")  # 887 million codes: never in practice


def set_class_code(s: Session, actor: User | None, class_id: Any, *, revoke: bool = False) -> str:
    """Create or regenerate the class's code (the previous one stops working), or revoke it
    (``revoke``): staff who see the class.  Returns the new code ("" when revoked)."""
    sc = scope_for_class(s, actor, class_id, manage=False)
    row = visible_class(s, sc, class_id)
    row.join_code = None if revoke else _new_code(s)
    row.join_code_at = None if revoke else clock.now()
    audit.record(s, "school_class", row.id, "class_code_revoke" if revoke else "class_code",
                 sc.user)  # fmt: skip
    s.commit()
    return row.join_code or ""


def _class_payload(s: Session, cls: SchoolClass) -> dict[str, str] | None:
    school = s.get(School, cls.school_id)
    if school is None or cls.deleted_at is not None:
        return None
    level = cls.level if cls.level in set(PupilLevel) else ""
    return {
        "class_id": str(cls.id),
        "class_name": cls.name,
        "school_id": str(school.id),
        "school_name": school.name,
        "commune": school.commune,
        "school_kind": school.kind,
        "level": level,
        "level_label": LEVEL_LABELS.get(level, ""),
    }


def class_by_code(s: Session, code: Any, ip: str | None) -> tuple[dict[str, str] | None, str]:
    """The class of a code (public: school and class names, level): ``(info, "")`` or
    ``(None, message)``.  Wrong codes count against the client address."""
    key = ratelimit.ip_key(ip)
    if not ratelimit.check(s, CODE_SCOPE, key, CODE_LIMIT, CODE_WINDOW, failures_only=True):
        return None, MSG_CODE_LIMITED
    norm = normalize_code(code)
    cls = s.exec(select(SchoolClass).where(SchoolClass.join_code == norm)).first() if norm else None
    info = _class_payload(s, cls) if cls is not None else None
    if info is None:
        ratelimit.record(s, CODE_SCOPE, key, False)
        s.commit()
        return None, MSG_CODE_UNKNOWN
    return info, ""


def _live_invitation(s: Session, raw: Any) -> OneTimeToken | None:
    if not isinstance(raw, str) or not raw or len(raw) > 200:
        return None
    return s.exec(
        select(OneTimeToken).where(
            OneTimeToken.token_hash == tokens.hash_token(raw),
            OneTimeToken.purpose == TokenPurpose.CLASS_INVITATION,
            OneTimeToken.used_at.is_(None),
            OneTimeToken.expires_at > clock.now(),
        )
    ).first()


def _invitation_entry(s: Session, tok: OneTimeToken | None) -> RosterEntry | None:
    if tok is None:
        return None
    rid = client_id(tokens.payload_of(tok).get("roster_id"))
    entry = s.get(RosterEntry, rid) if rid is not None else None
    if entry is None or entry.user_id is not None:
        return None
    return entry


def class_by_invitation(s: Session, raw: Any) -> tuple[dict[str, str] | None, str]:
    """What the invitation's sign-up page shows and pre-fills: the class (as
    :func:`class_by_code`) plus ``first_name``, ``last_name`` and the ``email`` or
    ``phone`` the invitation went to; or ``(None, message)``."""
    tok = _live_invitation(s, raw)
    entry = _invitation_entry(s, tok)
    cls = s.get(SchoolClass, entry.class_id) if entry is not None else None
    info = _class_payload(s, cls) if cls is not None else None
    if info is None:
        return None, MSG_INVITATION_GONE
    info.update(
        first_name=entry.first_name,
        last_name=entry.last_name,
        email=tok.target if entry.contact_kind == "email" else "",
        phone=tok.target if entry.contact_kind == "phone" else "",
    )
    return info, ""


def register_class_pupil(
    s: Session,
    *,
    code: Any = None,
    invitation: Any = None,
    data: dict[str, Any],
    ip: str | None = None,
) -> tuple[User | None, dict[str, str]]:
    """Create a pupil's account in the class of ``code`` or of the ``invitation``: the
    fields of :func:`accounts.register_pupil` from ``data`` (``email``, ``phone``,
    ``password``, ``first_name``, ``last_name``, ``accept_terms``, ``birth_date``,
    ``gender``, ``level`` when the class has none, ``form_errors``); school and class are
    the class's, whatever the client sends.  The listed pupil's row is linked.  Errors as
    :func:`accounts.register_pupil`, or ``{"code": message}`` when the code or the link
    is not valid; ``(None, {})`` when the address already has an account (as sign-up)."""
    if invitation:
        tok = _live_invitation(s, invitation)
        entry = _invitation_entry(s, tok)
        cls = s.get(SchoolClass, entry.class_id) if entry is not None else None
        info = _class_payload(s, cls) if cls is not None else None
        if info is None:
            return None, {"code": MSG_INVITATION_GONE}
    else:
        tok = entry = None
        info, error = class_by_code(s, code, ip)
        if info is None:
            return None, {"code": error}
        cls = s.get(SchoolClass, int(info["class_id"]))
    level = info["level"] or data.get("level")
    form_errors = dict(data.get("form_errors") or {})
    if not info["level"] and not (isinstance(level, str) and level in set(PupilLevel)):
        form_errors["level"] = MSG_LEVEL
    user, errors = accounts.register_pupil(
        s,
        email=data.get("email") or None,
        phone=data.get("phone") or None,
        password=data.get("password") or "",
        first_name=data.get("first_name") or "",
        last_name=data.get("last_name") or "",
        accept_terms=bool(data.get("accept_terms")),
        level=level if isinstance(level, str) else "",
        school_id=cls.school_id,
        class_id=cls.id,
        birth_date=data.get("birth_date"),
        gender=data.get("gender") or "",
        ip=ip,
        form_errors=form_errors,
    )
    if user is None:
        return None, errors
    year = weeks.active_school_year()
    if entry is not None:
        s.refresh(entry)
        if entry.user_id is None:
            link_entry(s, entry, user)
        tokens.consume(s, TokenPurpose.CLASS_INVITATION, invitation)
    else:
        link_by_name(s, cls.id, year)
    audit.record(s, "user", user.id, "class_signup", user,
                 message="invitation" if entry is not None else "code de classe")  # fmt: skip
    s.commit()
    return user, {}
