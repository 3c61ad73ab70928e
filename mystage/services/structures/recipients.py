"""Who receives an offer's mails (new application, withdrawal, confirmation, convention to
sign, the employers' reminders): the offer's space decides.

- An offer of a structure: the structure's active members who may access the offer's
  space (``StructureMember.all_spaces`` or a ``SpaceMember`` row with ``access``) and did
  not untick « Recevoir les notifications » for it (``SpaceMember.notify`` False; no row =
  notified); nobody left → the structure's owner.
- ``Offer.contact_email`` (the « Courriel » of the offer form, the creator's address by
  default): when it is not the address of a MyStage account (a shared mailbox such as
  « stages@… ») it receives them too; the address of an account follows that account's
  membership and choices (a member who unticked, or left the team, is not written to).
- An offer without structure: as before, its contact address, else its recipient / creator.

Set-based: :func:`recipients_for_offers` reads any number of offers' recipients in a few
queries (the jobs call it per chunk of offers); :func:`offer_recipients` is one offer.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from mystage.models import AccountStatus, Structure, StructureMember, User
from mystage.models import SpaceMember as SM

Recipient = tuple[str, str, int | None]  # (e-mail, first name, user id)
CHUNK = 5000


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for i in range(0, len(ids), CHUNK):
        yield ids[i : i + CHUNK]


def _usable() -> list[sa.ColumnElement[bool]]:
    return [
        User.status == AccountStatus.ACTIVE,
        User.deleted_at.is_(None),
        User.anonymized_at.is_(None),
        User.email.is_not(None),
        User.email != "",
    ]


def _without_structure(offer: Any, users: dict[int, Any]) -> list[Recipient]:
    """Today's rule for offers without structure: the contact address overrides the
    address of the recipient (else the creator) account (``users``: those accounts)."""
    user = None
    for uid in (offer.recipient_user_id, offer.created_by_id):
        if uid is not None and uid in users:
            user = users[uid]
            break
    email = offer.contact_email or (user.email if user is not None else "") or ""
    if not email:
        return []
    return [(email, user.first_name if user is not None else "", user.id if user else None)]


def _accounts(s: Session, offers: list[Any]) -> dict[int, Any]:
    """The recipient / creator accounts of ``offers`` (id → row), by chunks."""
    ids = sorted(
        {u for o in offers for u in (o.recipient_user_id, o.created_by_id) if u is not None}
    )
    out: dict[int, Any] = {}
    for chunk in _chunks(ids):
        for r in s.execute(
            sa.select(User.id, User.email, User.first_name).where(User.id.in_(chunk))
        ).all():
            out[r.id] = r
    return out


def recipients_for_offers(s: Session, offers: Iterable[Any]) -> dict[int, list[Recipient]]:
    """Offer id → its recipients (no address twice), for offers given as rows or models
    with ``id, structure_id, space_id, contact_email, recipient_user_id, created_by_id``."""
    offers = list(offers)
    out: dict[int, list[Recipient]] = {}
    structure_ids = sorted({o.structure_id for o in offers if o.structure_id is not None})
    space_ids = sorted({o.space_id for o in offers if o.space_id is not None})
    members: dict[int, list[Any]] = {}
    owners: dict[int, Any] = {}
    for ids in _chunks(structure_ids):
        rows = s.execute(
            sa.select(
                StructureMember.structure_id,
                StructureMember.all_spaces,
                StructureMember.role,
                User.id,
                User.email,
                User.first_name,
            )  # fmt: skip
            .join(User, User.id == StructureMember.user_id)
            .where(
                StructureMember.structure_id.in_(ids),
                StructureMember.status == "active",
                *_usable(),
            )  # fmt: skip
            .order_by(
                StructureMember.structure_id,
                sa.case((StructureMember.role == "owner", 0), else_=1),
                StructureMember.id,
            )
        ).all()
        for r in rows:
            members.setdefault(r.structure_id, []).append(r)
        for r in s.execute(
            sa.select(Structure.id.label("structure_id"), User.id, User.email, User.first_name)
            .join(User, User.id == Structure.owner_id)
            .where(Structure.id.in_(ids), *_usable())
        ).all():
            owners[r.structure_id] = r
    settings: dict[tuple[int, int], Any] = {}
    for ids in _chunks(space_ids):
        for r in s.execute(
            sa.select(SM.space_id, SM.user_id, SM.notify, SM.access).where(SM.space_id.in_(ids))
        ).all():
            settings[(r.space_id, r.user_id)] = r
    # Account addresses are stored lower-cased (accounts.normalize_email).
    contacts = sorted(
        {(o.contact_email or "").strip().lower() for o in offers if o.structure_id is not None}
        - {""}
    )
    account_addresses: set[str] = set()
    for i in range(0, len(contacts), CHUNK):
        account_addresses.update(
            (e or "").lower()
            for e in s.execute(
                sa.select(User.email).where(User.email.in_(contacts[i : i + CHUNK]))
            ).scalars()
        )
    fallback = [o for o in offers if o.structure_id is None]
    users = _accounts(s, fallback)
    for o in offers:
        if o.structure_id is None:
            out[o.id] = _without_structure(o, users)
            continue
        found: list[Recipient] = []
        for m in members.get(o.structure_id, []):
            row = settings.get((o.space_id, m.id)) if o.space_id is not None else None
            may_see = m.role == "owner" or m.all_spaces or (row is not None and row.access)
            if may_see and (row is None or row.notify):
                found.append((m.email, m.first_name, m.id))
        if not found and o.structure_id in owners:
            r = owners[o.structure_id]
            found.append((r.email, r.first_name, r.id))
        contact = (o.contact_email or "").strip()
        if contact and contact.lower() not in account_addresses:
            found.append((contact, "", None))
        seen: set[str] = set()
        unique = []
        for rec in found:
            if rec[0].lower() not in seen:
                seen.add(rec[0].lower())
                unique.append(rec)
        out[o.id] = unique or _without_structure(o, _accounts(s, [o]))
    return out


def offer_recipients(s: Session, offer: Any) -> list[Recipient]:
    """``[(e-mail, first name, user id)]`` of whoever receives ``offer``'s mails."""
    return recipients_for_offers(s, [offer]).get(offer.id, [])
