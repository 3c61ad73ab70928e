"""Sign-up of pupils: level, school (public autocomplete), class, birth date, gender; the
messages are addressed to the pupil (« tu »)."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, select

from mystage import clock
from mystage.models import Offer, PupilLevel, Role, School, SchoolClass, User
from mystage.services.accounts import passwords
from mystage.services.accounts.messages import (
    MSG_FIRST_NAME_REQUIRED,
    MSG_IDENTIFIER_REQUIRED,
    MSG_LAST_NAME_REQUIRED,
    MSG_RATE_LIMITED,
    MSG_TERMS_REQUIRED,
)
from mystage.services.accounts.signup import Identity, register_with_errors
from mystage.services.ids import client_id

PUPIL_MIN_AGE = 10
PUPIL_MAX_AGE = 20
GENDERS = ("", "f", "m", "np")
GENDER_LABELS = {"f": "Fille", "m": "Garçon", "np": "Je ne souhaite pas répondre"}
SCHOOL_QUERY_MAX = 100
SCHOOL_SUGGESTIONS_MAX = 8
MSG_LEVEL_INVALID = "Choisis ton niveau (4e, 3e ou 2de)."
MSG_SCHOOL_INVALID = (
    "Choisis ton établissement dans la liste (tape son nom, sa ville ou son code UAI)."
)
MSG_CLASS_INVALID = "Cette classe n'existe pas dans ton établissement : choisis-la dans la liste."
MSG_BIRTH_REQUIRED = "Indique ta date de naissance."
MSG_BIRTH_INVALID = "Date invalide. Écris-la sous la forme JJ/MM/AAAA (exemple : 14/03/2012)."
MSG_BIRTH_FUTURE = "Cette date est dans le futur : vérifie ta date de naissance."
MSG_BIRTH_TOO_YOUNG = (
    f"Tu dois avoir au moins {PUPIL_MIN_AGE} ans pour créer un compte élève. "
    "Vérifie ta date de naissance."
)
MSG_BIRTH_TOO_OLD = (
    f"Vérifie ta date de naissance : un compte élève est prévu pour les élèves de "
    f"{PUPIL_MIN_AGE} à {PUPIL_MAX_AGE} ans."
)
MSG_GENDER_INVALID = "Choisis une des réponses proposées."
# A pupil of 2de GT belongs to a lycée, a pupil of 4e/3e to a collège.
MSG_SCHOOL_LYCEE = "Les élèves de 2de choisissent leur lycée."
MSG_SCHOOL_COLLEGE = "Les élèves de 4e et de 3e choisissent leur collège."
# The autocomplete's line for a lycée the ministry lists without a 2de GT.
NOTE_NO_SECONDE = "Pas de 2de générale et technologique d'après le ministère"
# The generic sign-up messages, addressed to a pupil (« tu »).
_PUPIL_WORDING = {
    MSG_IDENTIFIER_REQUIRED: (
        "Indique une adresse électronique ou un numéro de téléphone portable."
    ),
    MSG_FIRST_NAME_REQUIRED: "Indique ton prénom.",
    MSG_LAST_NAME_REQUIRED: "Indique ton nom.",
    MSG_TERMS_REQUIRED: "Tu dois accepter les conditions générales d'utilisation.",
    MSG_RATE_LIMITED: "Trop de tentatives. Patiente quelques minutes avant de réessayer.",
    passwords.MSG_TOO_COMMON: "Ce mot de passe est trop courant : choisis-en un autre.",
}
_DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DATE_FR = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")


def parse_birth_date(value: Any) -> date | None:
    """``date``, ``"AAAA-MM-JJ"`` (date input) or ``"JJ/MM/AAAA"`` → date; None if invalid."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or len(value) > 20:
        return None
    v = value.strip()
    if m := _DATE_ISO.match(v):
        y, mo, d = (int(x) for x in m.groups())
    elif m := _DATE_FR.match(v):
        d, mo, y = (int(x) for x in m.groups())
    else:
        return None
    try:
        return date(y, mo, d)
    except ValueError:
        return None


def age_on(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def birth_date_error(value: Any, today: date | None = None) -> tuple[date | None, str | None]:
    """``(birth_date, None)`` for a pupil aged 10 to 20 today, else ``(None, message)``."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, MSG_BIRTH_REQUIRED
    birth = parse_birth_date(value)
    if birth is None:
        return None, MSG_BIRTH_INVALID
    today = today or clock.today_paris()
    if birth > today:
        return None, MSG_BIRTH_FUTURE
    age = age_on(birth, today)
    if age < PUPIL_MIN_AGE:
        return None, MSG_BIRTH_TOO_YOUNG
    if age > PUPIL_MAX_AGE:
        return None, MSG_BIRTH_TOO_OLD
    return birth, None


def _school_label(name: str, commune: str, uai: str) -> str:
    return f"{name} — {commune} ({uai})"


def _school_note(kind: str, seconde_gt: str) -> str:
    return NOTE_NO_SECONDE if kind == "lycee" and seconde_gt == "no" else ""


def school_kind_for_level(level: Any) -> str | None:
    """The kind of school of a pupil of ``level``: "lycee" for 2de GT, "college" for 4e and
    the 3e levels, None for anything else (no level chosen yet)."""
    if not isinstance(level, str) or level not in set(PupilLevel):
        return None
    return "lycee" if level == PupilLevel.SECONDE_GT else "college"


def school_kind_error(level: Any, kind: Any) -> str:
    """The message when a pupil of ``level`` picks a school of ``kind`` (else "")."""
    expected = school_kind_for_level(level)
    if expected is None or kind == expected:
        return ""
    return MSG_SCHOOL_LYCEE if expected == "lycee" else MSG_SCHOOL_COLLEGE


def signup_school_suggestions(s: Session, query: Any, level: Any = None) -> list[dict[str, str]]:
    """Public autocomplete of the sign-up forms: at most 8 schools for a name, city, postal
    code or UAI (2 characters at least; the query is cut at 100 characters); with a pupil's
    ``level``, only lycées (2de GT) or only collèges (4e, 3e).  Each item: ``{"id", "uai",
    "label": "Collège X — Ville (UAI)", "ep": "" | "REP" | "REP+", "kind", "note"}`` (note:
    a lycée without 2de GT, per the ministry)."""
    from mystage.services.geo import suggest_schools
    from mystage.services.text import fold

    if not isinstance(query, str):
        return []
    q = query[:SCHOOL_QUERY_MAX]
    if len(fold(q).replace(" ", "")) < 2:
        return []
    kind = school_kind_for_level(level)
    rows = suggest_schools(s, q, SCHOOL_SUGGESTIONS_MAX, kind=kind)
    return [
        {
            "id": str(r["id"]),
            "uai": r["uai"],
            "label": _school_label(r["name"], r["commune"], r["uai"]),
            "ep": r["ep"] or "",
            "kind": r["kind"],
            "note": _school_note(r["kind"], r["seconde_gt"]),
        }
        for r in rows[:SCHOOL_SUGGESTIONS_MAX]
    ]


def signup_school(s: Session, school_id: Any) -> dict[str, Any] | None:
    """The school a pupil picked and the classes it created (public data), or None:
    ``{"id", "uai", "label", "ep", "kind", "note", "classes": [{"id", "name"}]}``."""
    sid = client_id(school_id)
    school = s.get(School, sid) if sid is not None else None
    if school is None:
        return None
    classes = s.exec(
        select(SchoolClass.id, SchoolClass.name)
        .where(SchoolClass.school_id == school.id, SchoolClass.deleted_at.is_(None))
        .order_by(SchoolClass.name, SchoolClass.id)
        .limit(200)
    ).all()
    return {
        "id": str(school.id),
        "uai": school.uai,
        "label": _school_label(school.name, school.commune, school.uai),
        "ep": school.ep or "",
        "kind": school.kind,
        "note": _school_note(school.kind, school.seconde_gt),
        "classes": [{"id": str(cid), "name": name} for cid, name in classes],
    }


def _pupil_errors(
    s: Session, level: Any, school_id: Any, class_id: Any, birth_date: Any, gender: Any
) -> tuple[dict[str, Any], dict[str, str]]:
    """Check the pupil's fields: ``(profile, errors)``."""
    errors: dict[str, str] = {}
    profile: dict[str, Any] = {}
    if isinstance(level, str) and level in set(PupilLevel):
        profile["level"] = level
    else:
        errors["level"] = MSG_LEVEL_INVALID
    sid = client_id(school_id)
    school = s.get(School, sid) if sid is not None else None
    if school is None:
        errors["school"] = MSG_SCHOOL_INVALID
    elif kind_error := school_kind_error(profile.get("level"), school.kind):
        errors["school"] = kind_error  # a 2de pupil in a collège, a 3e pupil in a lycée
    else:
        profile["school_id"] = school.id
    if class_id is None or (isinstance(class_id, str) and not class_id.strip()):
        profile["class_id"] = None  # « Ma classe n'est pas dans la liste »
    elif school is not None:
        cid = client_id(class_id)
        klass = s.get(SchoolClass, cid) if cid is not None else None
        if klass is None or klass.school_id != school.id or klass.deleted_at is not None:
            errors["class_id"] = MSG_CLASS_INVALID
        else:
            profile["class_id"] = klass.id
    birth, birth_error = birth_date_error(birth_date)
    if birth_error:
        errors["birth_date"] = birth_error
    else:
        profile["birth_date"] = birth
    if gender is None:
        gender = ""
    if isinstance(gender, str) and gender in GENDERS:
        profile["gender"] = gender
    else:
        errors["gender"] = MSG_GENDER_INVALID
    return profile, errors


def register_pupil(
    s: Session,
    *,
    email: str | None = None,
    phone: str | None = None,
    password: str,
    first_name: str,
    last_name: str,
    accept_terms: bool,
    level: str,
    school_id: int | str | None,
    class_id: int | str | None = None,
    birth_date: date | str | None,
    gender: str = "",
    targeted_offer_id: int | str | None = None,
    ip: str | None = None,
    form_errors: dict[str, str] | None = None,
) -> tuple[User | None, dict[str, str]]:
    """« Créer un compte » as Élève: :func:`register` plus the pupil's fields.

    - ``level``: one of :class:`PupilLevel`; ``school_id``: an existing school;
    - ``class_id``: one of that school's classes, or None / "" for « Ma classe n'est pas
      dans la liste » (a class of another school is refused);
    - ``birth_date``: a real date (``date``, ``AAAA-MM-JJ`` or ``JJ/MM/AAAA``), the pupil
      aged 10 to 20 today; ``gender``: "", "f", "m" or "np";
    - ``targeted_offer_id``: the offer the visitor came from, kept only if it exists.

    Errors are keyed ``level``, ``school``, ``class_id``, ``birth_date``, ``gender`` (plus
    the generic ones), worded for a pupil; nothing is stored when there is one.
    ``form_errors`` (checks the form made itself, e.g. the password confirmation) are
    returned with the others, and also prevent storing anything.
    ``parental_authorization_at`` stays empty: the school records it later.
    """
    profile, errors = _pupil_errors(s, level, school_id, class_id, birth_date, gender)
    if form_errors:
        errors = {**errors, **{str(k): str(v) for k, v in form_errors.items()}}
    oid = client_id(targeted_offer_id)
    profile["targeted_offer_id"] = oid if oid is not None and s.get(Offer, oid) else None
    who = Identity(email, phone, password, first_name, last_name, bool(accept_terms), ip)
    user, errors = register_with_errors(s, errors, Role.ELEVE, who, **profile)
    if errors:
        return None, {k: _PUPIL_WORDING.get(v, v) for k, v in errors.items()}
    return user, {}
