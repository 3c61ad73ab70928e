"""« Supprimer mon compte »: what stands in the way (:func:`deletion_blockers`) and the
deletion itself (:func:`delete_my_account`): the password again, the pending applications
withdrawn through the transition table (the employer told, as when a pupil cancels),
then :func:`~.erasure.anonymise_users`, in one transaction.

Who must do something first:

- a pupil with a confirmed internship still to come cancels it first (« Mes
  candidatures »: the employer is told, the place freed, the convention cancelled);
- an employer who owns a structure with other active members hands it over first (« Mon
  équipe »); alone, they close their offers still online first (« Mes offres »);
- the last active administrator (another one must exist).

A school head needs no successor: the school's space, classes and settings belong to the
school and stay; a successor signs up again with the school's official address.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from mystage import clock
from mystage.models import (
    PENDING_STATES,
    AccountStatus,
    Application,
    AppState,
    LoginAttempt,
    Offer,
    OfferState,
    Role,
    Structure,
    StructureMember,
    User,
)
from mystage.services import applications, structures
from mystage.services.accounts import passwords, ratelimit
from mystage.services.privacy.erasure import anonymise_users

SCOPE = "account_delete"
MAX_FAILURES = 5  # wrong passwords per account per WINDOW
WINDOW = timedelta(minutes=15)
NOTE = "Compte supprimé à la demande de son titulaire."

MSG_PASSWORD = "Saisissez votre mot de passe pour confirmer."
MSG_WRONG = "Mot de passe incorrect."
MSG_TOO_MANY = "Trop d'essais. Réessayez dans 15 minutes."
MSG_NOT_CONFIRMED = "Cochez la case pour confirmer la suppression."
MSG_DENIED = "Connectez-vous pour supprimer votre compte."
MSG_BLOCKED = "Votre compte ne peut pas encore être supprimé : voyez ci-dessus."

PUPIL_MSG_PASSWORD = "Saisis ton mot de passe pour confirmer."
PUPIL_MSG_WRONG = "Mot de passe incorrect."
PUPIL_MSG_TOO_MANY = "Trop d'essais. Réessaie dans 15 minutes."
PUPIL_MSG_NOT_CONFIRMED = "Coche la case pour confirmer la suppression."
PUPIL_MSG_BLOCKED = "Ton compte ne peut pas encore être supprimé : vois ci-dessus."

LIVE_OFFER_STATES = (OfferState.PUBLISHED, OfferState.FULL)


def _is_pupil(user: User) -> bool:
    return user.role == Role.ELEVE


def _blocker(text: str, label: str = "", href: str = "", kind: str = "") -> dict[str, str]:
    """``kind``: "internship", "team", "offers" or "last_admin" (the administrators' page
    words each in its own way)."""
    return {"text": text, "label": label, "href": href, "kind": kind}


def _upcoming_internships(s: Session, user: User) -> int:
    """Confirmed internships of ``user`` not over yet (their last week not past)."""
    monday = clock.monday_of(clock.today_paris())
    # A 2-week period started last Monday is still running: look one week further back.
    return int(
        s.execute(
            sa.select(sa.func.count())
            .select_from(Application)
            .where(
                Application.pupil_id == user.id,
                Application.state == AppState.CONFIRMED,
                Application.week_start >= monday - timedelta(days=7),
            )
        ).scalar()
        or 0
    )


def _owned_structures(s: Session, user: User) -> list[Structure]:
    return list(s.execute(sa.select(Structure).where(Structure.owner_id == user.id)).scalars())


def _other_members(s: Session, structure_id: int, user_id: int) -> int:
    return int(
        s.execute(
            sa.select(sa.func.count())
            .select_from(StructureMember)
            .where(
                StructureMember.structure_id == structure_id,
                StructureMember.status == "active",
                StructureMember.user_id.is_not(None),
                StructureMember.user_id != user_id,
            )
        ).scalar()
        or 0
    )


def _teams_with_owner(s: Session, user_id: int) -> list[tuple[int, int]]:
    """``(structure id, owner id)`` of the structures where the user is an active member
    and someone else is the owner: their work there goes to that owner."""
    return [
        (sid, oid)
        for sid, oid in s.execute(
            sa.select(StructureMember.structure_id, Structure.owner_id)
            .join(Structure, Structure.id == StructureMember.structure_id)
            .where(
                StructureMember.user_id == user_id,
                StructureMember.status == "active",
                Structure.owner_id.is_not(None),
                Structure.owner_id != user_id,
            )
        ).all()
    ]


def _live_offers(s: Session, user: User, structure_ids: list[int]) -> int:
    """Offers still online that the user answers for: theirs (created or receiving the
    applications) outside the teams they are a member of (those go to the owner), and every
    offer of the structures they own alone (``structure_ids``)."""
    mine = sa.or_(Offer.created_by_id == user.id, Offer.recipient_user_id == user.id)
    teams = [sid for sid, _ in _teams_with_owner(s, user.id)]
    if teams:
        mine = sa.and_(mine, sa.or_(Offer.structure_id.is_(None), Offer.structure_id.not_in(teams)))
    if structure_ids:
        mine = sa.or_(mine, Offer.structure_id.in_(structure_ids))
    return int(
        s.execute(
            sa.select(sa.func.count())
            .select_from(Offer)
            .where(mine, Offer.state.in_(LIVE_OFFER_STATES))
        ).scalar()
        or 0
    )


def deletion_blockers(s: Session, user: User | None) -> list[dict[str, str]]:
    """What ``user`` must do before their account can be deleted (text, link label, link),
    in French (« tu » for pupils); [] when nothing."""
    if user is None:
        return []
    out: list[dict[str, str]] = []
    if _is_pupil(user) and _upcoming_internships(s, user):
        out.append(
            _blocker(
                "Tu as un stage confirmé à venir. Annule-le d'abord (l'employeur sera "
                "prévenu et la place libérée), puis reviens ici.",
                "Mes candidatures",
                applications.PUPIL_URL,
                "internship",
            )
        )
    owned = _owned_structures(s, user)
    alone: list[int] = []
    for st in owned:
        if _other_members(s, st.id, user.id):
            out.append(
                _blocker(
                    f"Vous êtes responsable de « {st.name} », qui a d'autres membres : "
                    "confiez-la d'abord à l'un d'eux.",
                    "Mon équipe",
                    "/espace/employeur/equipe",
                    "team",
                )
            )
        else:
            alone.append(st.id)
    if user.role in (Role.EMPLOYEUR, Role.OPERATEUR) or owned:
        if _live_offers(s, user, alone):
            out.append(
                _blocker(
                    "Des offres dont vous êtes responsable sont encore en ligne : "
                    "dépubliez-les d'abord (les élèves en attente de réponse seront prévenus "
                    "par vos refus ou à l'expiration).",
                    "Mes offres",
                    "/espace/employeur",
                    "offers",
                )
            )
    if user.role == Role.ADMIN:
        others = s.execute(
            sa.select(sa.func.count())
            .select_from(User)
            .where(
                User.role == Role.ADMIN,
                User.status == AccountStatus.ACTIVE,
                User.id != user.id,
            )
        ).scalar()
        if not others:
            out.append(
                _blocker(
                    "Vous êtes le dernier administrateur : nommez-en un autre d'abord.",
                    "Administration",
                    "/admin",
                    "last_admin",
                )
            )
    return out


def erase_account(s: Session, user: User, actor: User, note: str) -> bool:
    """The erasure itself, in the caller's transaction (no commit): the account row locked
    by a conditional UPDATE (False when it is anonymised already: a second click, another
    tab, another administrator), a team member's work handed to the owners, the account
    anonymised, its pending and accepted applications withdrawn (the employers told, with
    ``note``).  Used by « Supprimer mon compte » and by the administrators (issue 18)."""
    now = clock.now()
    user_id = user.id
    # Lock the account row: a second click (another tab) waits, then finds it anonymised.
    locked = s.execute(
        sa.update(User)
        .where(User.id == user_id, User.anonymized_at.is_(None))
        .values(updated_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not locked:
        return False
    # A team member's offers and pending work go to the structure's owner (as when a
    # member leaves the team), so their applications keep a recipient.
    for structure_id, owner_id in _teams_with_owner(s, user_id):
        structures.transfer_work(s, structure_id, user_id, owner_id, actor)
    # Anonymise first, so the withdrawal mails already say « Élève (compte supprimé) ».
    anonymise_users(s, [user_id], now, actor=actor)
    applications.move(
        s,
        "cancel_by_pupil",
        [
            Application.pupil_id == user_id,
            Application.state.in_([*PENDING_STATES, AppState.ACCEPTED]),
        ],
        actor=actor,
        note=note,
    )
    return True


def delete_my_account(
    s: Session, user: User | None, password: Any, confirmed: Any = True
) -> dict[str, str]:
    """Delete the caller's account: {} when done (committed; every session gone), else
    French errors by field (``password``, ``confirm``, ``form``) and nothing changed."""
    if user is None or user.id is None or user.anonymized_at is not None:
        return {"form": MSG_DENIED}
    user = s.get(User, user.id)
    if user is None or user.anonymized_at is not None:
        return {"form": MSG_DENIED}
    pupil = _is_pupil(user)
    if confirmed is not True:
        return {"confirm": PUPIL_MSG_NOT_CONFIRMED if pupil else MSG_NOT_CONFIRMED}
    if not isinstance(password, str) or not password:
        return {"password": PUPIL_MSG_PASSWORD if pupil else MSG_PASSWORD}
    key = ratelimit.ident_key(f"user:{user.id}")
    if not ratelimit.check(s, SCOPE, key, MAX_FAILURES, WINDOW, failures_only=True):
        return {"password": PUPIL_MSG_TOO_MANY if pupil else MSG_TOO_MANY}
    if not passwords.verify_password(password[:200], user.password_hash):
        ratelimit.record(s, SCOPE, key, success=False)
        s.commit()
        return {"password": PUPIL_MSG_WRONG if pupil else MSG_WRONG}
    if deletion_blockers(s, user):
        return {"form": PUPIL_MSG_BLOCKED if pupil else MSG_BLOCKED}
    if not erase_account(s, user, user, NOTE):
        s.rollback()
        return {"form": MSG_DENIED}
    s.execute(
        sa.delete(LoginAttempt)
        .where(LoginAttempt.key == key)
        .execution_options(synchronize_session=False)
    )
    s.commit()
    return {}
