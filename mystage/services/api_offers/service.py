"""The operators' offers (issue 19): found by id or by the operator's ``remote_id``,
created or updated in one request through the offer form's own steps
(:func:`services.offers.check_steps` then :func:`services.offers.save_step`), published,
unpublished and removed through the offer lifecycle — always as the operator's technical
account (:func:`services.admin_orgs.api_user`), so an API offer follows the rules, the
messages, the moderation mode and the audit log of an offer typed in the form.

An operator only ever sees its own offers: ``operator_id`` is the token's, the offer has a
``remote_id`` and is not removed; anything else is « not found ».  A removed offer frees
its ``remote_id`` (renamed ``<remote_id>~<id>``, a character the API refuses), so the
operator may send that ``remote_id`` again as a new offer.

Creating twice the same ``remote_id`` updates: the writes of one operator are serialised
(a PostgreSQL advisory lock on a dedicated connection; a process lock on SQLite), and the
unique constraint ``(operator_id, remote_id)`` is the last guard.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from mystage import clock
from mystage.models import Offer, OfferState, User
from mystage.services import admin_orgs, offers
from mystage.services.api_offers.payload import partner_fields, to_steps
from mystage.services.ids import client_id
from mystage.services.permissions import PermissionDenied

LOCK_KEY = 19019  # pg_advisory_lock(LOCK_KEY, operator id): one operator's writes
MAX_PER_PAGE = 100
REMOVED_MARK = "~"
MSG_NOT_FOUND = "Offre introuvable."

_local_locks: dict[int, threading.Lock] = {}
_local_guard = threading.Lock()


@contextmanager
def operator_lock(s: Session, operator_id: int) -> Iterator[None]:
    """Serialise the writes of one operator (every process on PostgreSQL)."""
    eng = s.get_bind().engine
    if eng.dialect.name != "postgresql":
        with _local_guard:
            lock = _local_locks.setdefault(operator_id, threading.Lock())
        with lock:
            yield
        return
    conn = eng.connect()
    try:
        conn.execute(sa.select(sa.func.pg_advisory_lock(LOCK_KEY, operator_id)))
        conn.commit()  # a session-level lock: held until unlocked
    except Exception:
        conn.invalidate()
        conn.close()
        raise
    try:
        yield
    finally:
        try:
            conn.execute(sa.select(sa.func.pg_advisory_unlock(LOCK_KEY, operator_id)))
            conn.commit()
        except Exception:  # pragma: no cover - never pool a connection that may hold it
            conn.invalidate()
        finally:
            conn.close()


def _own(operator_id: int) -> Any:
    return (
        Offer.operator_id == operator_id,
        Offer.remote_id.is_not(None),
        Offer.state != OfferState.REMOVED,
    )


def own_offer(s: Session, operator_id: int, offer_id: Any) -> Offer | None:
    """The operator's offer ``offer_id`` (None: unknown, another's, removed)."""
    oid = client_id(offer_id, strings=False)
    if oid is None:
        return None
    return s.execute(sa.select(Offer).where(Offer.id == oid, *_own(operator_id))).scalars().first()


def offer_by_remote_id(s: Session, operator_id: int, remote_id: Any) -> Offer | None:
    """The operator's offer whose ``remote_id`` is ``remote_id`` (None if none)."""
    if not isinstance(remote_id, str) or not remote_id or REMOVED_MARK in remote_id:
        return None
    return (
        s.execute(sa.select(Offer).where(Offer.remote_id == remote_id[:100], *_own(operator_id)))
        .scalars()
        .first()
    )


def list_offers(
    s: Session, operator_id: int, page: int = 1, per_page: int = 20, state: str | None = None
) -> tuple[list[Offer], int]:
    """The operator's offers, newest first: ``(one page, total)``."""
    page = max(1, page)
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    where = list(_own(operator_id))
    if state:
        where.append(Offer.state == state)
    total = s.execute(sa.select(sa.func.count(Offer.id)).where(*where)).scalar_one()
    rows = (
        s.execute(
            sa.select(Offer)
            .where(*where)
            .order_by(Offer.id.desc())
            .offset((page - 1) * per_page)
            .limit(per_page)
        )
        .scalars()
        .all()
    )
    return list(rows), int(total)


def _actor(s: Session, operator_id: int) -> User:
    user = admin_orgs.api_user(s, operator_id)
    s.commit()
    return user


def _write(s: Session, actor: User, offer_id: int, data: dict[str, Any]) -> dict[str, str]:
    """Save the four steps and the partner fields (checked already)."""
    steps = to_steps(data)
    for step in offers.STEPS:
        errors = offers.save_step(s, actor, offer_id, step, steps[step])
        if errors:
            return errors
    partner, errors = partner_fields(data)
    if errors:
        return errors
    s.execute(
        sa.update(Offer)
        .where(Offer.id == offer_id)
        .values(**partner, updated_at=clock.now())
        .execution_options(synchronize_session=False)
    )
    s.commit()
    return {}


def _check(s: Session, actor: User, offer_id: int | None, data: dict) -> dict[str, str]:
    _partner, errors = partner_fields(data)
    for key, message in offers.check_steps(s, actor, offer_id, to_steps(data)).items():
        errors.setdefault(key, message)
    s.rollback()  # nothing of the checks is kept (but the geocoder's cache, committed)
    return errors


def _claim(s: Session, actor: User, operator_id: int, remote_id: str) -> int | None:
    """A new draft holding ``remote_id`` (None when another request holds it already)."""
    offer_id = offers.create_draft(s, actor)
    try:
        s.execute(
            sa.update(Offer)
            .where(Offer.id == offer_id)
            .values(remote_id=remote_id, operator_id=operator_id)
            .execution_options(synchronize_session=False)
        )
        s.commit()
    except IntegrityError:
        s.rollback()
        s.execute(sa.delete(Offer).where(Offer.id == offer_id))
        s.commit()
        return None
    return offer_id


def upsert(
    s: Session, operator_id: int, remote_id: str, data: dict[str, Any]
) -> tuple[int | None, bool, dict[str, str]]:
    """Create the operator's offer ``remote_id``, or update it when it exists:
    ``(offer id, created, errors)``; with errors nothing was written."""
    with operator_lock(s, operator_id):
        actor = _actor(s, operator_id)
        existing = offer_by_remote_id(s, operator_id, remote_id)
        errors = _check(s, actor, existing.id if existing else None, data)
        if errors:
            return (existing.id if existing else None), False, errors
        created = False
        if existing is None:
            offer_id = _claim(s, actor, operator_id, remote_id)
            if offer_id is None:  # pragma: no cover - only without the lock (other hosts)
                existing = offer_by_remote_id(s, operator_id, remote_id)
                if existing is None:
                    return None, False, {"remote_id": MSG_NOT_FOUND}
                offer_id = existing.id
            else:
                created = True
        else:
            offer_id = existing.id
        return offer_id, created, _write(s, actor, offer_id, data)


def update(
    s: Session, operator_id: int, offer_id: int, data: dict[str, Any]
) -> dict[str, str] | None:
    """Replace every field of the operator's offer: errors ({} when saved), None when it
    is not the operator's."""
    with operator_lock(s, operator_id):
        offer = own_offer(s, operator_id, offer_id)
        if offer is None:
            return None
        actor = _actor(s, operator_id)
        errors = _check(s, actor, offer.id, data)
        return errors or _write(s, actor, offer.id, data)


def _transition(s: Session, operator_id: int, offer_id: int, action: str) -> str | None:
    offer = own_offer(s, operator_id, offer_id)
    if offer is None:
        return None
    actor = _actor(s, operator_id)
    try:
        return offers.transition(s, actor, offer.id, action)
    except PermissionDenied:  # pragma: no cover - the technical account made it
        return offers.MSG_DENIED


def publish(s: Session, operator_id: int, offer_id: int) -> str | None:
    """« Publier » (or « Republier »): "" or the lifecycle's French error; None when it is
    not the operator's offer.  The platform's moderation mode decides the new state."""
    offer = own_offer(s, operator_id, offer_id)
    if offer is None:
        return None
    action = "republish" if offer.state == OfferState.FULL else "publish"
    return _transition(s, operator_id, offer.id, action)


def unpublish(s: Session, operator_id: int, offer_id: int) -> str | None:
    """« Dépublier »: "" or the lifecycle's error; None when not the operator's offer."""
    return _transition(s, operator_id, offer_id, "unpublish")


def remove(s: Session, operator_id: int, offer_id: int) -> str | None:
    """« Supprimer » (open applications refused, as in the dashboard), then the offer's
    ``remote_id`` is freed.  "" or the lifecycle's error; None when not the operator's."""
    with operator_lock(s, operator_id):
        offer = own_offer(s, operator_id, offer_id)
        if offer is None:
            return None
        remote_id, oid = offer.remote_id or "", offer.id
        error = _transition(s, operator_id, oid, "remove")
        if error:
            return error
        freed = f"{remote_id[: 99 - len(str(oid))]}{REMOVED_MARK}{oid}"
        s.execute(
            sa.update(Offer)
            .where(Offer.id == oid)
            .values(remote_id=freed)
            .execution_options(synchronize_session=False)
        )
        s.commit()
        return ""
