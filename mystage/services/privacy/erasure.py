"""Erasure (RGPD art. 17): :func:`anonymise_users`, set-based, used by « Supprimer mon
compte » (:mod:`.account_deletion`) and by the yearly retention job (:mod:`.retention`).

What an anonymised account keeps: its row (id, role, school, class, level, dates), so the
figures stay true (applications counted, internships done); what goes: names, e-mail,
phone, password, birth date, the CV (row and PDF), the free text and contact details
copied into applications, sessions, one-time tokens, favourites, parent links, team and
staff memberships, the class roster rows, exports, the messages queued to them.

Signed conventions are kept whole (legal retention, see the privacy page and
:mod:`.retention`); conventions never signed lose the pupil's part.

Files are deleted from PRIVATE_DIR once the transaction commits (a rollback keeps them).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from mystage.models import (
    AccountStatus,
    Application,
    AuditLog,
    AuthSession,
    Convention,
    ConventionLink,
    ConventionState,
    ExportJob,
    Favorite,
    LoginAttempt,
    Offer,
    OneTimeToken,
    Outbox,
    OutboxStatus,
    ParentLink,
    PupilCV,
    Role,
    RosterEntry,
    Signature,
    SpaceMember,
    StaffClass,
    StaffMembership,
    Structure,
    StructureMember,
    User,
)
from mystage.services.accounts.ratelimit import ident_key
from mystage.settings import get_settings

log = logging.getLogger(__name__)

CHUNK = 500  # users per UPDATE … WHERE id IN (…): well under SQLite's parameter limit
# Up to this many users, the outbox bodies that name them (mails to others about them:
# « Nouvelle candidature de Léa Petit ») are found by their text and emptied too; the
# retention job's large sets rely on the outbox body purge instead (see retention.py).
TEXT_SCRUB_MAX = 50
_FILES_KEY = "mystage_erasure_files"

_NO_DELETE = {"synchronize_session": False}


def _chunks(ids: list[int], size: int = CHUNK) -> Iterable[list[int]]:
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


def _exec(s: Session, stmt: Any) -> int:
    return s.execute(stmt.execution_options(**_NO_DELETE)).rowcount or 0


# --- files: deleted after the commit ------------------------------------------------------------


def _private_file(relative: str) -> Path | None:
    """The file under PRIVATE_DIR named by a column (never outside PRIVATE_DIR)."""
    if not relative:
        return None
    root = get_settings().private_dir.resolve()
    path = (root / relative).resolve()
    if root not in path.parents:
        return None
    return path


def _delete_files(paths: Iterable[str]) -> int:
    deleted = 0
    for relative in sorted(set(paths)):
        path = _private_file(relative)
        if path is None:
            continue
        try:
            path.unlink()
            deleted += 1
        except FileNotFoundError:
            pass
        except OSError:  # pragma: no cover - logged, the row no longer points at it
            log.exception("erasure: could not delete %s", path)
    return deleted


def _after_commit(s: Session, paths: list[str]) -> None:
    """Delete ``paths`` when ``s`` commits (forgotten on rollback)."""
    if not paths:
        return
    pending: list[str] | None = s.info.get(_FILES_KEY)
    if pending is None:
        pending = s.info[_FILES_KEY] = []

        def on_commit(session: Session) -> None:
            _delete_files(session.info.pop(_FILES_KEY, []))

        def on_rollback(session: Session) -> None:
            session.info.pop(_FILES_KEY, None)

        sa.event.listen(s, "after_commit", on_commit, once=True)
        sa.event.listen(s, "after_soft_rollback", on_rollback, once=True)
    pending.extend(paths)


# --- the erasure ---------------------------------------------------------------------------------


def _identifiers(s: Session, ids: list[int]) -> tuple[list[int], list[int], list[str], list[str]]:
    """(ids not anonymised yet, those of them who are not pupils, their e-mails and phones —
    the account's and those typed into their applications, their full names)."""
    rows = s.execute(
        sa.select(
            User.id, User.role, User.email, User.phone, User.first_name, User.last_name
        ).where(User.id.in_(ids), User.anonymized_at.is_(None))
    ).all()
    live = [r.id for r in rows]
    adults = [r.id for r in rows if r.role != Role.ELEVE]
    contacts = {v for r in rows for v in (r.email, r.phone) if v}
    names = {f"{r.first_name} {r.last_name}".strip() for r in rows}
    if live:
        typed = s.execute(
            sa.select(Application.contact_email, Application.contact_phone).where(
                Application.pupil_id.in_(live)
            )
        ).all()
        contacts |= {v for r in typed for v in r if v}
    return live, adults, sorted(contacts), sorted(n for n in names if len(n) >= 3)


def _files_of(s: Session, ids: list[int], adults: list[int]) -> list[str]:
    app_ids = sa.select(Application.id).where(Application.pupil_id.in_(ids))
    unsigned = sa.select(Convention.id).where(
        Convention.application_id.in_(app_ids), Convention.state != ConventionState.SIGNED
    )
    queries = [
        sa.select(PupilCV.pdf_path).where(PupilCV.user_id.in_(ids)),
        sa.select(Application.cv_file).where(Application.pupil_id.in_(ids)),
        sa.select(Structure.logo_path).where(Structure.owner_id.in_(adults or [0])),
        sa.select(ExportJob.file_path).where(ExportJob.user_id.in_(ids)),
        sa.select(Convention.pdf_path).where(Convention.id.in_(unsigned)),
        sa.select(Signature.image_path).where(
            Signature.user_id.in_(ids), Signature.convention_id.in_(unsigned)
        ),
    ]
    found: set[str] = set()
    for q in queries:
        found |= {p for p in s.execute(q).scalars() if p}
    return sorted(found)


def _scrub_outbox(s: Session, ids: list[int], contacts: list[str], names: list[str]) -> None:
    """The messages to them (never sent if still pending), and — small sets only — the
    messages to others that name them or their addresses."""
    ob = Outbox.__table__.c
    blank = {"recipient": "", "subject": "", "body": "", "action_url": "", "last_error": ""}
    to_them = sa.or_(ob.user_id.in_(ids), ob.recipient.in_(contacts) if contacts else sa.false())
    _exec(
        s,
        sa.update(Outbox.__table__)
        .where(to_them, ob.status.in_([OutboxStatus.PENDING, OutboxStatus.SENDING]))
        .values(status=OutboxStatus.FAILED, last_error=""),
    )
    _exec(s, sa.update(Outbox.__table__).where(to_them).values(**blank))
    if len(ids) > TEXT_SCRUB_MAX:
        return
    for needle in [*contacts, *names]:
        like = f"%{needle}%"
        _exec(
            s,
            sa.update(Outbox.__table__)
            .where(sa.or_(ob.body.like(like), ob.subject.like(like)))
            .values(subject="", body=""),
        )
        _exec(
            s,
            sa.update(Outbox.__table__).where(ob.dedupe_key.like(like)).values(dedupe_key=None),
        )


def _anonymise_adults(
    s: Session, ids: list[int], contacts: list[str], names: list[str], now: datetime
) -> None:
    """Employers, staff, référents: their contact details in offers, their teams."""
    # Offers they wrote: their own contact details (the offer stays the structure's).
    if contacts:
        for col in ("contact_email", "contact_phone", "tutor_email", "tutor_phone"):
            column = getattr(Offer, col)
            _exec(s, sa.update(Offer).where(column.in_(contacts)).values({col: ""}))
    if names:
        _exec(s, sa.update(Offer).where(Offer.tutor_name.in_(names)).values(tutor_name=""))
    _exec(
        s,
        sa.update(Offer).where(Offer.recipient_user_id.in_(ids)).values(recipient_user_id=None),
    )
    _exec(s, sa.update(Structure).where(Structure.owner_id.in_(ids)).values(logo_path=""))
    _exec(
        s,
        sa.update(StructureMember)
        .where(StructureMember.user_id.in_(ids))
        .values(status="removed", invited_email="", decided_at=now),
    )
    if contacts:
        _exec(
            s,
            sa.update(StructureMember)
            .where(StructureMember.invited_email.in_(contacts))
            .values(invited_email="", status="removed"),
        )


def _anonymise_chunk(s: Session, chunk: list[int], now: datetime, actor: User | None) -> int:
    ids, adults, contacts, names = _identifiers(s, chunk)
    if not ids:
        return 0
    files = _files_of(s, ids, adults)
    app_ids = sa.select(Application.id).where(Application.pupil_id.in_(ids)).scalar_subquery()
    unsigned = (
        sa.select(Convention.id)
        .where(Convention.application_id.in_(app_ids), Convention.state != ConventionState.SIGNED)
        .scalar_subquery()
    )
    # The applications stay (the counts stay true); what the pupil wrote or sent goes, and
    # the messages written to them (they name them: « Bonjour Léa »).
    _exec(
        s,
        sa.update(Application)
        .where(Application.pupil_id.in_(ids))
        .values(
            motivation="", contact_phone="", contact_email="", cv_snapshot="", cv_file="",
            school_message="", review_message="", accept_message="", refuse_message="",
            cancel_message="",
        ),
    )  # fmt: skip
    # Audit rows stay (dates and states); their free text about or by them goes (one
    # statement per index: a pupil acts on their applications and their account only).
    for cond in (
        sa.and_(AuditLog.entity == "application", AuditLog.entity_id.in_(app_ids)),
        sa.and_(AuditLog.entity == "user", AuditLog.entity_id.in_(ids)),
    ):
        _exec(s, sa.update(AuditLog).where(cond, AuditLog.message != "").values(message=""))
    if adults:
        _exec(
            s,
            sa.update(AuditLog)
            .where(AuditLog.actor_id.in_(adults), AuditLog.message != "")
            .values(message=""),
        )
        _anonymise_adults(s, adults, contacts, names, now)
    # Conventions never signed: the school's part (pupil, legal representatives) and the
    # pupil's signature details go; signed ones are kept (legal retention).
    _exec(
        s,
        sa.update(Convention)
        .where(Convention.id.in_(unsigned))
        .values(school_fields="", pdf_path="", updated_at=now),
    )
    _exec(
        s,
        sa.update(Signature)
        .where(Signature.convention_id.in_(unsigned))
        .values(
            signer_name="", email="", phone="", sent_to="", ip="", user_agent="",
            typed_name="", image_path="",
        ),
    )  # fmt: skip
    _exec(s, sa.delete(ConventionLink).where(ConventionLink.convention_id.in_(unsigned)))
    _exec(
        s,
        sa.update(StaffMembership)
        .where(StaffMembership.user_id.in_(ids))
        .values(status="removed", decided_at=now),
    )
    _scrub_outbox(s, ids, contacts, names)
    # Rows that are only theirs.
    tokens = sa.or_(OneTimeToken.user_id.in_(ids), OneTimeToken.target.in_(contacts or [""]))
    for stmt in (
        sa.delete(PupilCV).where(PupilCV.user_id.in_(ids)),
        sa.delete(AuthSession).where(AuthSession.user_id.in_(ids)),
        sa.delete(OneTimeToken).where(tokens),
        sa.delete(LoginAttempt).where(LoginAttempt.key.in_([ident_key(c) for c in contacts])),
        sa.delete(Favorite).where(Favorite.user_id.in_(ids)),
        sa.delete(ParentLink).where(
            sa.or_(ParentLink.parent_id.in_(ids), ParentLink.pupil_id.in_(ids))
        ),
        sa.delete(RosterEntry).where(RosterEntry.user_id.in_(ids)),
        sa.delete(StaffClass).where(StaffClass.user_id.in_(ids)),
        sa.delete(SpaceMember).where(SpaceMember.user_id.in_(ids)),
        sa.delete(ExportJob).where(ExportJob.user_id.in_(ids)),
    ):
        _exec(s, stmt)
    changed = _exec(
        s,
        sa.update(User)
        .where(User.id.in_(ids), User.anonymized_at.is_(None))
        .values(
            email=None, phone=None, password_hash=None, first_name="", last_name="",
            civility="", job_title="", birth_date=None, gender="",
            status=AccountStatus.DISABLED, consent_contact_email=False,
            consent_contact_phone=False, parental_authorization_by_id=None,
            targeted_offer_id=None, locked_until=None, failed_logins=0,
            anonymized_at=now, deleted_at=sa.func.coalesce(User.deleted_at, now),
            updated_at=now,
        ),
    )  # fmt: skip
    system = actor is None
    s.execute(
        sa.insert(AuditLog.__table__),
        [
            {
                "entity": "user", "entity_id": uid, "action": "anonymised", "from_state": "",
                "to_state": AccountStatus.DISABLED,
                "actor_id": None if system else actor.id,
                "actor_role": "system" if system else actor.role,
                "message": "", "created_at": now,
            }
            for uid in ids
        ],
    )  # fmt: skip
    _after_commit(s, files)
    return changed


def anonymise_users(
    s: Session, user_ids: Iterable[int], now: datetime, actor: User | None = None
) -> int:
    """Anonymise the accounts ``user_ids`` (those not anonymised yet): set-based, by chunks
    of :data:`CHUNK` ids.  Returns how many accounts were anonymised (no commit; the files
    go when the caller commits).  Running it twice changes nothing the second time."""
    ids = sorted({int(i) for i in user_ids if i is not None})
    if s.autoflush:
        s.flush()
    total = 0
    for chunk in _chunks(ids):
        total += _anonymise_chunk(s, chunk, now, actor)
    for obj in list(s.identity_map.values()):
        if isinstance(obj, User) and obj.id in ids:
            s.expire(obj)
    return total
