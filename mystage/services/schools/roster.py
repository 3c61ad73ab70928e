"""A class's roster (« Liste de la classe »): the pupils the staff list, one by one or by
pasting a list, before they sign up; each one with a contact gets an invitation (a single-use
link, 30 days) to create their pupil account already attached to the school and class.

- Who: any staff member who sees the class (a teacher restricted to some classes only lists
  and sees the pupils of those), admins; the contacts are personal data shown only to them.
- A paste is parsed line by line (« Nom Prénom ; contact », tolerant), previewed with French
  errors per line; nothing is stored while a line has an error, unless the person keeps only
  the good lines (``only_valid``).
- A listed pupil who signs up (by the invitation, by the class code, or on their own with
  the same name in that class) is linked to the row (``user_id``): the class table shows one
  row, the account's; the contact is erased then (not needed any more).
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from mystage import clock
from mystage.models import OneTimeToken, Role, RosterEntry, SchoolClass, TokenPurpose, User
from mystage.services import accounts, audit, weeks
from mystage.services.accounts import tokens
from mystage.services.ids import client_id
from mystage.services.permissions import PermissionDenied
from mystage.services.schools.mails import send_mail, send_sms
from mystage.services.schools.messages import MSG_DENIED
from mystage.services.schools.scope import Scope, scope_for_class, visible_class
from mystage.services.schools.values import fmt_date, full_name
from mystage.services.text import fold

ROSTER_INVITATION_TTL = timedelta(days=30)
ROSTER_INVITATION_URL = "/inscription/eleve"  # ?invitation=<token>
ROSTER_MAX_LINES = 80
ROSTER_PASTE_MAX = 20_000  # characters
RESEND_AFTER = timedelta(hours=1)
NAME_MAX = 100

MSG_ROSTER_EMPTY = "Collez la liste des élèves : un élève par ligne, « Nom Prénom ; contact »."
MSG_ROSTER_TOO_MANY = f"{ROSTER_MAX_LINES} élèves au plus à la fois : collez la liste en deux fois."
MSG_LINE_NAME = "Indiquez le nom et le prénom (exemple : « Martin Léa »)."
MSG_LINE_NAME_LONG = f"Nom ou prénom trop long ({NAME_MAX} caractères au plus)."
MSG_LINE_CONTACT = (
    "« {contact} » n'est ni une adresse e-mail ni un numéro de portable "
    "(exemple : lea.martin@exemple.fr ou 06 12 34 56 78)."
)
MSG_LINE_DUPLICATE = "Cet élève est déjà sur la ligne {line}."
MSG_LINE_LISTED = "Cet élève est déjà dans la liste de la classe."
MSG_FIRST_NAME = "Indiquez le prénom de l'élève."
MSG_LAST_NAME = "Indiquez le nom de l'élève."
MSG_CONTACT = "Adresse e-mail ou numéro de portable invalide (exemple : 06 12 34 56 78)."
MSG_ROSTER_GONE = "Cet élève n'est plus dans la liste de la classe."
MSG_ROSTER_LINKED = "Cet élève a déjà créé son compte."
MSG_NO_CONTACT = (
    "Pas de contact pour cet élève : ajoutez-le de nouveau avec un e-mail ou un portable."
)
MSG_RESENT_RECENTLY = "L'invitation vient d'être envoyée : attendez une heure avant de la renvoyer."

_PHONE_CHARS = re.compile(r"^[+()\d][\d\s.\-()/+]{7,}$")


def roster_prefix(roster_id: int) -> str:
    """The start of an invitation token's JSON payload for one roster row."""
    return json.dumps({"roster_id": roster_id})[:-1] + ","


def name_key(first: str, last: str) -> str:
    return f"{fold(last)}|{fold(first)}"[:210]


def _contact(raw: str) -> tuple[str, str] | None:
    """(normalised contact, "email" | "phone"), ("", "") for nothing, None when invalid."""
    text = (raw or "").strip()
    if not text:
        return "", ""
    if "@" in text:
        email = accounts.normalize_email(text)
        return (email, "email") if email else None
    phone = accounts.normalize_phone(text)
    return (phone, "phone") if phone else None


def _looks_like_contact(word: str) -> bool:
    return "@" in word or bool(_PHONE_CHARS.match(word))


def _split_name(text: str) -> tuple[str, str]:
    """« Nom Prénom » → (first, last).  « Nom, Prénom » splits at the comma; otherwise the
    leading words in capitals are the last name (« DE LA TOUR Jean »), else the first word
    (« Martin Léa Marie » → last « Martin », first « Léa Marie »)."""
    text = " ".join(text.split())
    if "," in text:
        last, _, first = text.partition(",")
        return first.strip(), last.strip()
    words = text.split(" ")
    if len(words) < 2:
        return "", text
    caps = 0
    for w in words:
        letters = [c for c in w if c.isalpha()]
        if letters and all(c.isupper() for c in letters) and len(letters) > 1:
            caps += 1
        else:
            break
    cut = caps if 0 < caps < len(words) else 1
    return " ".join(words[cut:]), " ".join(words[:cut])


def _nice_first(first: str) -> str:
    """A first name typed in capitals gets ordinary case (« LÉA » → « Léa »)."""
    letters = [c for c in first if c.isalpha()]
    if letters and all(c.isupper() for c in letters):
        return first.lower().title()
    return first


def parse_line(raw: str) -> dict[str, Any]:
    """One line of a pasted list → ``{"first_name", "last_name", "contact", "contact_kind",
    "error"}`` (``error`` "" when the line is good)."""
    text = raw.strip().strip("\ufeff")
    name_part, contact_part = text, ""
    for sep in (";", "\t", "|"):
        if sep in text:
            name_part, _, contact_part = text.partition(sep)
            contact_part = contact_part.strip().strip(";").strip()
            break
    else:
        words = text.split()
        tail = [w for w in words if _looks_like_contact(w)]
        if tail:
            contact_part = " ".join(tail)
            name_part = " ".join(w for w in words if w not in tail)
        elif re.search(r"\d[\d\s.\-]{7,}\d$", text):  # « Martin Léa 06 12 34 56 78 »
            m = re.search(r"(\+?\d[\d\s.\-]{7,}\d)$", text)
            contact_part, name_part = m.group(1), text[: m.start()]
    first, last = _split_name(name_part.strip().strip(",").strip())
    first = _nice_first(accounts_clean(first))
    last = accounts_clean(last)
    out = {"first_name": first, "last_name": last, "contact": "", "contact_kind": "", "error": ""}
    if not first or not last:
        out["error"] = MSG_LINE_NAME
    elif len(first) > NAME_MAX or len(last) > NAME_MAX:
        out["error"] = MSG_LINE_NAME_LONG
    found = _contact(contact_part)
    if found is None:
        out["error"] = out["error"] or MSG_LINE_CONTACT.format(contact=contact_part[:60])
    else:
        out["contact"], out["contact_kind"] = found
    return out


def accounts_clean(text: str) -> str:
    """A name as typed without control characters or doubled spaces."""
    return " ".join("".join(c for c in (text or "") if c.isprintable()).split())


def _listed_keys(s: Session, class_id: int, year: int) -> set[str]:
    """The folded names already in the class: listed rows and pupils' accounts."""
    keys = set(
        s.execute(
            sa.select(RosterEntry.name_key).where(
                RosterEntry.class_id == class_id, RosterEntry.school_year == year
            )
        ).scalars()
    )
    for first, last in s.execute(
        sa.select(User.first_name, User.last_name).where(
            User.class_id == class_id, User.role == Role.ELEVE, User.deleted_at.is_(None)
        )
    ):
        keys.add(name_key(first or "", last or ""))
    return keys


def parse_roster(text: Any, listed: set[str] | None = None) -> tuple[list[dict[str, Any]], str]:
    """The lines of a pasted list (blank lines skipped), each with its number ``line`` and
    ``error``; and the error of the whole paste ("" when it can be stored)."""
    if not isinstance(text, str) or not text.strip():
        return [], MSG_ROSTER_EMPTY
    if len(text) > ROSTER_PASTE_MAX:
        return [], MSG_ROSTER_TOO_MANY
    raw_lines = [(i, ln) for i, ln in enumerate(text.splitlines(), start=1) if ln.strip()]
    if len(raw_lines) > ROSTER_MAX_LINES:
        return [], MSG_ROSTER_TOO_MANY
    listed = listed or set()
    seen: dict[str, int] = {}
    lines = []
    for number, raw in raw_lines:
        item = parse_line(raw)
        item["line"] = number
        item["raw"] = raw.strip()[:200]
        key = name_key(item["first_name"], item["last_name"])
        if not item["error"]:
            if key in seen:
                item["error"] = MSG_LINE_DUPLICATE.format(line=seen[key])
            elif key in listed:
                item["error"] = MSG_LINE_LISTED
        seen.setdefault(key, number)
        lines.append(item)
    return lines, ""


def _class_for(s: Session, actor: User | None, class_id: Any) -> tuple[Scope, SchoolClass]:
    sc = scope_for_class(s, actor, class_id, manage=False)
    return sc, visible_class(s, sc, class_id)


def preview_roster(s: Session, actor: User | None, class_id: Any, text: Any) -> dict[str, Any]:
    """What « Vérifier la liste » shows: ``{"lines": [{"line", "raw", "first_name",
    "last_name", "contact", "contact_kind", "error"}], "valid", "invalid", "error"}``.
    Nothing is stored."""
    _sc, row = _class_for(s, actor, class_id)
    lines, error = parse_roster(text, _listed_keys(s, row.id, weeks.active_school_year()))
    invalid = sum(1 for x in lines if x["error"])
    return {"lines": lines, "valid": len(lines) - invalid, "invalid": invalid, "error": error}


def _invite(s: Session, sc: Scope, cls: SchoolClass, entry: RosterEntry) -> bool:
    """Issue a new invitation link for ``entry`` (the previous one dies) and queue it by mail
    or SMS to its contact.  False when the row has no contact."""
    if not entry.contact:
        return False
    now = clock.now()
    s.execute(
        sa.update(OneTimeToken)
        .where(
            OneTimeToken.purpose == TokenPurpose.CLASS_INVITATION,
            OneTimeToken.used_at.is_(None),
            OneTimeToken.payload.startswith(roster_prefix(entry.id), autoescape=True),
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    payload = {"roster_id": entry.id, "school_id": entry.school_id, "class_id": entry.class_id}
    raw = tokens.issue(
        s, TokenPurpose.CLASS_INVITATION, target=entry.contact, payload=payload,
        ttl=ROSTER_INVITATION_TTL,
    )  # fmt: skip
    url = f"{ROSTER_INVITATION_URL}?invitation={raw}"
    key = f"class_invitation:{tokens.hash_token(raw)[:32]}"
    if entry.contact_kind == "email":
        send_mail(
            s, entry.contact, "class_invitation", key, None, url=url,
            pupil_first_name=entry.first_name, pupil_name=full_name(entry.first_name, entry.last_name),
            school_name=sc.school.name, class_name=cls.name, inviter_name=sc.user.full_name,
        )  # fmt: skip
    else:
        send_sms(s, entry.contact, "sms_class_invitation", key, None, url=url,
                 pupil_first_name=entry.first_name, class_name=cls.name)  # fmt: skip
    entry.invited_at = now
    entry.invitations = (entry.invitations or 0) + 1
    return True


def _insert(s: Session, sc: Scope, cls: SchoolClass, year: int, item: dict) -> RosterEntry:
    entry = RosterEntry(
        school_id=sc.school.id,
        class_id=cls.id,
        school_year=year,
        first_name=item["first_name"],
        last_name=item["last_name"],
        name_key=name_key(item["first_name"], item["last_name"]),
        contact=item["contact"],
        contact_kind=item["contact_kind"],
        created_by_id=sc.user.id,
        created_at=clock.now(),
    )
    s.add(entry)
    s.flush()
    return entry


def add_roster(
    s: Session, actor: User | None, class_id: Any, text: Any, *, only_valid: bool = False
) -> tuple[dict[str, int], dict[str, Any]]:
    """Store a pasted list: ``({"added", "invited"}, {})``, or ``({}, errors)`` with nothing
    stored: ``{"form": message}`` for the whole paste, ``{"lines": [...]}`` (the preview)
    when a line has an error and ``only_valid`` is False.  With ``only_valid`` the lines in
    error are left out."""
    sc, cls = _class_for(s, actor, class_id)
    year = weeks.active_school_year()
    lines, error = parse_roster(text, _listed_keys(s, cls.id, year))
    if error:
        return {}, {"form": error}
    good = [x for x in lines if not x["error"]]
    if len(good) < len(lines) and not only_valid:
        return {}, {"lines": lines}
    if not good:
        return {}, {"form": "Aucune ligne correcte à ajouter."}
    invited = 0
    for item in good:
        entry = _insert(s, sc, cls, year, item)
        invited += _invite(s, sc, cls, entry)
    audit.record(
        s, "school_class", cls.id, "roster_add", sc.user,
        message=f"{len(good)} élève(s), {invited} invitation(s)",
    )  # fmt: skip
    s.commit()
    return {"added": len(good), "invited": invited}, {}


def add_roster_pupil(
    s: Session, actor: User | None, class_id: Any, data: Any
) -> tuple[dict[str, int], dict[str, str]]:
    """Add one pupil (``first_name``, ``last_name``, optional ``contact``): errors keyed by
    field, nothing stored on error."""
    sc, cls = _class_for(s, actor, class_id)
    data = data if isinstance(data, dict) else {}
    first = accounts_clean(str(data.get("first_name") or "")[:300])
    last = accounts_clean(str(data.get("last_name") or "")[:300])
    errors: dict[str, str] = {}
    if not first:
        errors["first_name"] = MSG_FIRST_NAME
    elif len(first) > NAME_MAX:
        errors["first_name"] = MSG_LINE_NAME_LONG
    if not last:
        errors["last_name"] = MSG_LAST_NAME
    elif len(last) > NAME_MAX:
        errors["last_name"] = MSG_LINE_NAME_LONG
    found = _contact(str(data.get("contact") or "")[:300])
    if found is None:
        errors["contact"] = MSG_CONTACT
    year = weeks.active_school_year()
    if not errors and name_key(first, last) in _listed_keys(s, cls.id, year):
        errors["last_name"] = MSG_LINE_LISTED
    if errors:
        s.rollback()
        return {}, errors
    item = {"first_name": first, "last_name": last, "contact": found[0], "contact_kind": found[1]}
    entry = _insert(s, sc, cls, year, item)
    invited = int(_invite(s, sc, cls, entry))
    audit.record(s, "school_class", cls.id, "roster_add", sc.user, message="1 élève")
    s.commit()
    return {"added": 1, "invited": invited}, {}


def _entry_for(s: Session, actor: User | None, roster_id: Any) -> tuple[Scope, RosterEntry]:
    rid = client_id(roster_id)
    entry = s.get(RosterEntry, rid) if rid is not None else None
    if entry is None:
        # Same answer for a row that never existed and one of another school.
        raise PermissionDenied(MSG_DENIED)
    sc = scope_for_class(s, actor, entry.class_id, manage=False)
    visible_class(s, sc, entry.class_id)
    if entry.school_id != sc.school.id:
        raise PermissionDenied(MSG_DENIED)
    return sc, entry


def remove_roster(s: Session, actor: User | None, roster_id: Any) -> str:
    """« Retirer »: the listed pupil (not signed up) leaves the list; their invitation dies.
    The row is deleted (its contact with it)."""
    sc, entry = _entry_for(s, actor, roster_id)
    if entry.user_id is not None:
        return MSG_ROSTER_LINKED
    _kill_invitations(s, entry.id)
    audit.record(s, "school_class", entry.class_id, "roster_remove", sc.user,
                 message=full_name(entry.first_name, entry.last_name))  # fmt: skip
    s.delete(entry)
    s.commit()
    return ""


def _kill_invitations(s: Session, roster_id: int) -> None:
    s.execute(
        sa.update(OneTimeToken)
        .where(
            OneTimeToken.purpose == TokenPurpose.CLASS_INVITATION,
            OneTimeToken.used_at.is_(None),
            OneTimeToken.payload.startswith(roster_prefix(roster_id), autoescape=True),
        )
        .values(used_at=clock.now())
        .execution_options(synchronize_session=False)
    )


def resend_roster_invitation(s: Session, actor: User | None, roster_id: Any) -> str:
    """« Renvoyer l'invitation »: a new link (the previous one dies), at most once an hour."""
    sc, entry = _entry_for(s, actor, roster_id)
    if entry.user_id is not None:
        return MSG_ROSTER_LINKED
    if not entry.contact:
        return MSG_NO_CONTACT
    if entry.invited_at is not None and entry.invited_at > clock.now() - RESEND_AFTER:
        return MSG_RESENT_RECENTLY
    cls = s.get(SchoolClass, entry.class_id)
    _invite(s, sc, cls, entry)
    audit.record(s, "school_class", entry.class_id, "roster_resend", sc.user,
                 message=full_name(entry.first_name, entry.last_name))  # fmt: skip
    s.commit()
    return ""


def link_entry(s: Session, entry: RosterEntry, user: User) -> None:
    """The listed pupil signed up: the row points to the account, the contact is erased."""
    entry.user_id = user.id
    entry.linked_at = clock.now()
    entry.contact = ""
    entry.contact_kind = ""
    _kill_invitations(s, entry.id)


def link_by_name(s: Session, class_id: int, year: int | None = None) -> int:
    """Link the class's unlinked rows to the pupils of the class with the same name who are
    not linked yet (a pupil who signed up on their own).  Only unambiguous matches (one row,
    one account).  Returns the rows linked; the caller commits."""
    year = year or weeks.active_school_year()
    rows = (
        s.execute(
            sa.select(RosterEntry).where(
                RosterEntry.class_id == class_id,
                RosterEntry.school_year == year,
                RosterEntry.user_id.is_(None),
            )
        )
        .scalars()
        .all()
    )
    if not rows:
        return 0
    linked_ids = sa.select(RosterEntry.user_id).where(
        RosterEntry.class_id == class_id, RosterEntry.user_id.is_not(None)
    )
    pupils = (
        s.execute(
            sa.select(User).where(
                User.class_id == class_id,
                User.role == Role.ELEVE,
                User.deleted_at.is_(None),
                User.id.not_in(linked_ids),
            )
        )
        .scalars()
        .all()
    )
    by_key: dict[str, list[User]] = {}
    for p in pupils:
        by_key.setdefault(name_key(p.first_name or "", p.last_name or ""), []).append(p)
    rows_by_key: dict[str, list[RosterEntry]] = {}
    for r in rows:
        rows_by_key.setdefault(r.name_key, []).append(r)
    n = 0
    for key, entries in rows_by_key.items():
        users = by_key.get(key, [])
        if len(entries) == 1 and len(users) == 1:
            link_entry(s, entries[0], users[0])
            n += 1
    return n


def roster_rows(s: Session, sc: Scope, class_id: int, year: int) -> list[dict[str, Any]]:
    """The listed pupils of the class who have not signed up yet, by name: ``{"id",
    "name", "first_name", "last_name", "contact", "contact_kind", "invited_on",
    "invitations"}`` (contacts: staff of the class only — the caller checked the scope)."""
    if not sc.sees_class(class_id):
        raise PermissionDenied(MSG_DENIED)
    rows = (
        s.execute(
            sa.select(RosterEntry)
            .where(
                RosterEntry.class_id == class_id,
                RosterEntry.school_id == sc.school.id,
                RosterEntry.school_year == year,
                RosterEntry.user_id.is_(None),
            )
            .order_by(sa.func.lower(RosterEntry.last_name), sa.func.lower(RosterEntry.first_name))
        )
        .scalars()
        .all()
    )
    return [
        {
            "id": r.id,
            "name": full_name(r.last_name.upper(), r.first_name),
            "first_name": r.first_name,
            "last_name": r.last_name,
            "contact": r.contact,
            "contact_kind": r.contact_kind,
            "invited_on": fmt_date(r.invited_at),
            "invitations": r.invitations or 0,
        }
        for r in rows
    ]


def purge_roster(s: Session, year: int | None = None) -> int:
    """Delete the roster rows of past school years (one DELETE; the accounts stay)."""
    year = year or weeks.active_school_year()
    done = s.execute(
        sa.delete(RosterEntry)
        .where(RosterEntry.school_year < year)
        .execution_options(synchronize_session=False)
    ).rowcount
    return int(done or 0)


def delete_class_roster(s: Session, class_id: int) -> None:
    """With its class: every row and live invitation (no commit)."""
    ids = list(
        s.execute(sa.select(RosterEntry.id).where(RosterEntry.class_id == class_id)).scalars()
    )
    for rid in ids:
        _kill_invitations(s, rid)
    s.execute(
        sa.delete(RosterEntry)
        .where(RosterEntry.class_id == class_id)
        .execution_options(synchronize_session=False)
    )
