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
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from mystage import clock
from mystage.models import OneTimeToken, Role, RosterEntry, SchoolClass, TokenPurpose, User
from mystage.services import audit, weeks
from mystage.services.accounts import tokens
from mystage.services.ids import client_id
from mystage.services.permissions import PermissionDenied
from mystage.services.schools.mails import send_mail, send_sms
from mystage.services.schools.messages import MSG_DENIED
from mystage.services.schools.roster_parse import (
    MSG_CONTACT,
    MSG_FIRST_NAME,
    MSG_LAST_NAME,
    MSG_LINE_LISTED,
    MSG_LINE_NAME_LONG,
    NAME_MAX,
    accounts_clean,
    name_key,
    parse_contact,
    parse_roster,
)
from mystage.services.schools.scope import Scope, scope_for_class, visible_class
from mystage.services.schools.values import fmt_date, full_name

ROSTER_INVITATION_TTL = timedelta(days=30)
ROSTER_INVITATION_URL = "/inscription/eleve"  # ?invitation=<token>
RESEND_AFTER = timedelta(hours=1)

MSG_ROSTER_GONE = "Cet élève n'est plus dans la liste de la classe."
MSG_ROSTER_LINKED = "Cet élève a déjà créé son compte."
MSG_NO_CONTACT = (
    "Pas de contact pour cet élève : ajoutez-le de nouveau avec un e-mail ou un portable."
)
MSG_RESENT_RECENTLY = "L'invitation vient d'être envoyée : attendez une heure avant de la renvoyer."


def roster_prefix(roster_id: int) -> str:
    """The start of an invitation token's JSON payload for one roster row."""
    return json.dumps({"roster_id": roster_id})[:-1] + ","


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
    found = parse_contact(str(data.get("contact") or "")[:300])
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
