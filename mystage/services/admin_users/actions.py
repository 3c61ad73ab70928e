"""The administrators' actions on an account (back office « Utilisateurs »), each checked
again here, done by a conditional UPDATE (two administrators, a double click: one wins, the
other is told), with an audit row and its mails in the same transaction:

resend the activation, mail a password-reset link, unlock after a lockout, block (every
session closed, login refused) and unblock, change the role within :mod:`.roles`,
anonymise (the « Supprimer mon compte » path).  An administrator never sees nor sets a
password.

Each returns ``{}`` when done (committed) or French errors by field (``form``, ``reason``,
``role``), nothing changed.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from mystage import clock
from mystage.models import ROLE_LABELS, AccountStatus, Role, User
from mystage.notify import templates
from mystage.notify.outbox import queue_mail
from mystage.services import accounts, audit, permissions
from mystage.services.accounts import LOCKOUT_THRESHOLD
from mystage.services.admin_users.profile import BLOCKER_TEXTS
from mystage.services.admin_users.roles import MSG_ROLE_FORBIDDEN, role_change_allowed
from mystage.services.ids import client_id
from mystage.services.privacy.account_deletion import deletion_blockers, erase_account

REASON_MAX = 500
ERASE_NOTE = "Compte supprimé par l'équipe MyStage."

MSG_ADMIN_ONLY = "Action réservée aux administrateurs."
MSG_NOT_FOUND = "Ce compte n'existe pas."
MSG_GONE = "Ce compte est anonymisé : plus aucune action n'est possible."
MSG_NOT_PENDING = "Ce compte est déjà activé : rien à renvoyer."
MSG_NOWHERE = "Ce compte n'a ni adresse e-mail ni numéro de téléphone."
MSG_NO_EMAIL = (
    "Ce compte n'a pas d'adresse e-mail : la personne demande un code par SMS avec « Mot de "
    "passe oublié ? » sur la page de connexion."
)
MSG_NO_RESET = "Ce compte est refusé ou désactivé : pas de lien de réinitialisation."
MSG_NOT_LOCKED = "Ce compte n'est pas verrouillé."
MSG_REASON_REQUIRED = "Indiquez le motif du blocage (il est envoyé à la personne)."
MSG_REASON_LONG = f"Le motif ne doit pas dépasser {REASON_MAX} caractères."
MSG_ALREADY_BLOCKED = "Ce compte est déjà bloqué."
MSG_NOT_BLOCKED = "Ce compte n'est pas bloqué."
MSG_SELF = "Vous ne pouvez pas faire cette action sur votre propre compte."
MSG_LAST_ADMIN = "C'est le dernier administrateur actif : nommez-en un autre d'abord."
MSG_CHANGED = "Le compte a changé entre-temps : rechargez la page et recommencez."


def _tu(user: User) -> bool:
    return user.role == Role.ELEVE


def _target(s: Session, actor: User | None, user_id: Any) -> tuple[User | None, dict[str, str]]:
    """The account acted upon, or the error: the caller must be an administrator, the id a
    real account, not anonymised."""
    if not permissions.can_admin(actor):
        return None, {"form": MSG_ADMIN_ONLY}
    uid = client_id(user_id)
    user = s.get(User, uid) if uid is not None else None
    if user is None:
        return None, {"form": MSG_NOT_FOUND}
    if user.anonymized_at is not None or user.deleted_at is not None:
        return None, {"form": MSG_GONE}
    return user, {}


def _done(s: Session) -> dict[str, str]:
    s.commit()
    return {}


def _fail(s: Session, errors: dict[str, str]) -> dict[str, str]:
    s.rollback()
    return errors


def _other_active_admins(s: Session, user_id: int) -> int:
    return int(
        s.execute(
            sa.select(sa.func.count())
            .select_from(User)
            .where(
                User.role == Role.ADMIN,
                User.status == AccountStatus.ACTIVE,
                User.blocked_at.is_(None),
                User.anonymized_at.is_(None),
                User.id != user_id,
            )
        ).scalar()
        or 0
    )


def _mail(s: Session, user: User, name: str, dedupe: str, **ctx: Any) -> None:
    if not user.email:
        return
    subject, body = templates.render(name, first_name=user.first_name, **ctx)
    queue_mail(
        s,
        to=user.email,
        subject=subject,
        body=body,
        template=name,
        user_id=user.id,
        dedupe_key=dedupe,
    )


def resend_activation(s: Session, actor: User | None, user_id: Any) -> dict[str, str]:
    """A new activation link (or SMS code for a phone-only account); earlier ones void."""
    user, errors = _target(s, actor, user_id)
    if user is None:
        return _fail(s, errors)
    if user.status != AccountStatus.PENDING_ACTIVATION:
        return _fail(s, {"form": MSG_NOT_PENDING})
    channel = accounts.send_activation(s, user)
    if not channel:
        return _fail(s, {"form": MSG_NOWHERE})
    audit.record(s, "user", user.id, "admin_resend_activation", actor, message=channel)
    return _done(s)


def send_reset_link(s: Session, actor: User | None, user_id: Any) -> dict[str, str]:
    """Mail a « choisir un nouveau mot de passe » link (1 h) to the account's address."""
    user, errors = _target(s, actor, user_id)
    if user is None:
        return _fail(s, errors)
    if not user.email:
        return _fail(s, {"form": MSG_NO_EMAIL})
    if not accounts.mail_reset_link(s, user):
        return _fail(s, {"form": MSG_NO_RESET})
    audit.record(s, "user", user.id, "admin_reset_link", actor)
    return _done(s)


def _unlock_note(user: User, now) -> str:
    """« verrouillé jusqu'au …, 3/10 échecs remis à zéro » (the state before the unlock)."""
    locked = clock.as_utc(user.locked_until)
    parts = []
    if locked is not None and locked > now:
        parts.append(f"verrouillé jusqu'au {clock.fmt_paris(locked)}")
    if user.failed_logins:
        parts.append(f"{user.failed_logins}/{LOCKOUT_THRESHOLD} échecs remis à zéro")
    return ", ".join(parts)


def unlock(s: Session, actor: User | None, user_id: Any) -> dict[str, str]:
    """End a lockout after wrong passwords (counter to 0, no lock)."""
    user, errors = _target(s, actor, user_id)
    if user is None:
        return _fail(s, errors)
    now = clock.now()
    done = s.execute(
        sa.update(User)
        .where(
            User.id == user.id,
            sa.or_(User.locked_until > now, User.failed_logins > 0),
        )
        .values(failed_logins=0, locked_until=None, updated_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not done:
        return _fail(s, {"form": MSG_NOT_LOCKED})
    audit.record(
        s,
        "user",
        user.id,
        "admin_unlock",
        actor,
        message=_unlock_note(user, now),
    )
    return _done(s)


def block(s: Session, actor: User | None, user_id: Any, reason: Any) -> dict[str, str]:
    """Block the account: every session closed, login refused (« Ce compte est bloqué… »);
    the person is told by mail with the reason."""
    user, errors = _target(s, actor, user_id)
    if user is None:
        return _fail(s, errors)
    text = clean_reason(reason)
    if not text:
        return _fail(s, {"reason": MSG_REASON_REQUIRED})
    if len(text) > REASON_MAX:
        return _fail(s, {"reason": MSG_REASON_LONG})
    if user.id == actor.id:
        return _fail(s, {"form": MSG_SELF})
    if user.role == Role.ADMIN and not _other_active_admins(s, user.id):
        return _fail(s, {"form": MSG_LAST_ADMIN})
    now = clock.now()
    done = s.execute(
        sa.update(User)
        .where(User.id == user.id, User.blocked_at.is_(None), User.anonymized_at.is_(None))
        .values(blocked_at=now, blocked_reason=text, updated_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not done:
        return _fail(s, {"form": MSG_ALREADY_BLOCKED})
    closed = accounts.revoke_all(s, user.id)
    audit.record(
        s,
        "user",
        user.id,
        "admin_block",
        actor,
        from_state="",
        to_state="blocked",
        message=f"{text} ({closed} session(s) fermée(s))",
    )
    _mail(
        s,
        user,
        "account_blocked",
        f"account_blocked:{user.id}:{now.isoformat()}",
        reason=text,
        tu=_tu(user),
    )
    return _done(s)


def unblock(s: Session, actor: User | None, user_id: Any) -> dict[str, str]:
    """Lift a block: the account logs in again (the person is told)."""
    user, errors = _target(s, actor, user_id)
    if user is None:
        return _fail(s, errors)
    now = clock.now()
    done = s.execute(
        sa.update(User)
        .where(User.id == user.id, User.blocked_at.is_not(None))
        .values(blocked_at=None, blocked_reason="", updated_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not done:
        return _fail(s, {"form": MSG_NOT_BLOCKED})
    audit.record(s, "user", user.id, "admin_unblock", actor, from_state="blocked", to_state="")
    _mail(
        s, user, "account_unblocked", f"account_unblocked:{user.id}:{now.isoformat()}", tu=_tu(user)
    )
    return _done(s)


def change_role(s: Session, actor: User | None, user_id: Any, new_role: Any) -> dict[str, str]:
    """Give the account another role within :func:`.roles.role_change_allowed` (the person
    is told by mail)."""
    user, errors = _target(s, actor, user_id)
    if user is None:
        return _fail(s, errors)
    if user.id == actor.id:
        return _fail(s, {"role": MSG_SELF})
    if not role_change_allowed(user, new_role):
        return _fail(s, {"role": MSG_ROLE_FORBIDDEN})
    old = user.role
    now = clock.now()
    done = s.execute(
        sa.update(User)
        .where(User.id == user.id, User.role == old, User.anonymized_at.is_(None))
        .values(role=new_role, updated_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not done:
        return _fail(s, {"role": MSG_CHANGED})
    audit.record(s, "user", user.id, "admin_role", actor, from_state=old, to_state=new_role)
    _mail(
        s,
        user,
        "account_role_changed",
        f"account_role_changed:{user.id}:{new_role}:{now.isoformat()}",
        role_label=ROLE_LABELS.get(new_role, new_role),
    )
    return _done(s)


def anonymise(s: Session, actor: User | None, user_id: Any) -> dict[str, str]:
    """Anonymise the account by the « Supprimer mon compte » path (pending applications
    withdrawn, a team member's work handed to the owner, every session closed).  Refused
    for the caller's own account, the last administrator, and while
    :func:`deletion_blockers` stand."""
    user, errors = _target(s, actor, user_id)
    if user is None:
        return _fail(s, errors)
    if user.id == actor.id:
        return _fail(s, {"form": MSG_SELF})
    if user.role == Role.ADMIN and not _other_active_admins(s, user.id):
        return _fail(s, {"form": MSG_LAST_ADMIN})
    blockers = deletion_blockers(s, user)
    if blockers:
        text = " ".join(BLOCKER_TEXTS.get(b.get("kind", ""), b["text"]) for b in blockers)
        return _fail(s, {"form": text})
    user_id_ = user.id
    role = user.role
    if not erase_account(s, user, actor, ERASE_NOTE):
        return _fail(s, {"form": MSG_GONE})
    audit.record(s, "user", user_id_, "admin_anonymise", actor, from_state=role, to_state="")
    return _done(s)


def clean_reason(value: Any) -> str:
    """A one-line reason typed in the form: a string, no control characters, trimmed."""
    if not isinstance(value, str):
        return ""
    return "".join(ch for ch in value if ch >= " " and ch != "\x7f").strip()
