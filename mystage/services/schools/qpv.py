"""QPV of lycées: the head declares « en QPV ou à moins de 300 m d'un QPV », an admin
confirms or refuses.

The open data have no trustworthy QPV flag for lycées (the collèges' flag comes from the
reference file and is only shown).  ``School.qpv`` is what offers « réservées aux
établissements en QPV » read; for a lycée it becomes True only when an admin confirms the
head's declaration:

- declared: ``qpv_declared_at`` set, ``qpv`` still False (« en attente de confirmation »);
- confirmed: ``qpv`` True and ``qpv_confirmed_at`` set (the head is mailed);
- refused: the declaration is cleared (the head is mailed and may declare again);
- withdrawn by the head (box unchecked): declaration, confirmation and ``qpv`` cleared.

Every change writes an audit row; decisions are conditional UPDATEs (two admins deciding
at once: one wins, the other is told the declaration is no longer pending).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from mystage import clock
from mystage.models import AccountStatus, Role, School, User
from mystage.notify import templates
from mystage.services import audit, permissions
from mystage.services.ids import client_id
from mystage.services.permissions import PermissionDenied
from mystage.services.schools.constants import SPACE_URL
from mystage.services.schools.mails import send_mail
from mystage.services.schools.messages import MSG_DENIED, MSG_HEAD_ONLY
from mystage.services.schools.scope import caller_scope

QPV_LABEL = "Établissement en QPV ou à moins de 300 m d'un QPV"
QPV_SETTINGS_URL = f"{SPACE_URL}/parametres"
QPV_ADMIN_URL = "/espace/admin"
MSG_QPV_COLLEGE = (
    "Le statut QPV d'un collège vient des données nationales : il n'y a rien à déclarer."
)
MSG_QPV_INVALID = "Demande invalide."
MSG_QPV_NOT_PENDING = "Cet établissement n'a pas de déclaration QPV en attente."
QPV_STATUS_LABELS = {
    "none": "Non déclaré",
    "pending": "Déclaré, en attente de confirmation par l'équipe MyStage",
    "confirmed": "Confirmé par l'équipe MyStage",
    "file_yes": "En QPV ou à proximité, d'après les données nationales",
    "file_no": "Pas en QPV, d'après les données nationales",
}


@templates.template("school_qpv_request")
def _tpl_qpv_request(
    url: str, school_name: str, uai: str, commune: str, first_name: str = ""
) -> tuple[str, str]:
    """To the administrators: a lycée's head declared it in (or near) a QPV."""
    subject = f"Déclaration QPV à confirmer : {school_name}"[:200]
    body = templates.mail_body(
        first_name,
        f"Le chef d'établissement de {school_name} ({commune}, {uai}) déclare son "
        "établissement en quartier prioritaire de la politique de la ville, ou à moins de "
        "300 m d'un QPV. Tant que vous ne l'avez pas confirmé, ses élèves n'ont pas accès aux "
        "offres réservées aux établissements en QPV.",
        "Pour confirmer ou refuser cette déclaration, ouvrez ce lien :",
        url=url,
    )
    return subject, body


@templates.template("school_qpv_decision")
def _tpl_qpv_decision(
    url: str, school_name: str, accepted: bool, first_name: str = ""
) -> tuple[str, str]:
    """To the head: the MyStage team confirmed (or refused) the QPV declaration."""
    if accepted:
        subject = f"Statut QPV confirmé pour {school_name}"[:200]
        text = (
            f"L'équipe MyStage a confirmé que {school_name} est en quartier prioritaire de la "
            "politique de la ville, ou à moins de 300 m d'un QPV. Vos élèves ont maintenant "
            "accès aux offres réservées aux établissements en QPV."
        )
    else:
        subject = f"Votre déclaration QPV pour {school_name}"[:200]
        text = (
            f"L'équipe MyStage n'a pas pu confirmer que {school_name} est en quartier "
            "prioritaire de la politique de la ville ou à moins de 300 m d'un QPV. Si vous "
            "pensez qu'il s'agit d'une erreur, répondez à ce message en indiquant le nom du "
            "quartier, puis déclarez-le à nouveau dans les paramètres de l'établissement."
        )
    return subject, templates.mail_body(first_name, text, url=url)


def qpv_status(school: School) -> str:
    """``none`` / ``pending`` / ``confirmed`` for a lycée; ``file_yes`` / ``file_no`` for a
    collège (the reference file's flag)."""
    if school.kind != "lycee":
        return "file_yes" if school.qpv else "file_no"
    if school.qpv and school.qpv_confirmed_at is not None:
        return "confirmed"
    if school.qpv_declared_at is not None:
        return "pending"
    return "none"


def _active_users(s: Session, *conds: Any) -> list[tuple[int, str, str]]:
    return list(
        s.exec(
            select(User.id, User.email, User.first_name).where(
                *conds,
                User.status == AccountStatus.ACTIVE,
                User.email.is_not(None),
                User.deleted_at.is_(None),
                User.anonymized_at.is_(None),
            )
        ).all()
    )


def _tell_admins(s: Session, school: School) -> None:
    for admin_id, email, first_name in _active_users(s, User.role == Role.ADMIN):
        send_mail(
            s, email, "school_qpv_request",
            f"school_qpv_request:{school.id}:{clock.now():%Y%m%d%H%M}:{admin_id}",
            user_id=admin_id, url=QPV_ADMIN_URL, school_name=school.name, uai=school.uai,
            commune=school.commune, first_name=first_name,
        )  # fmt: skip


def declare_qpv(s: Session, actor: User | None, declared: Any, school_id: Any = None) -> str:
    """The head of a lycée checks (``declared`` True) or unchecks the box « Établissement
    en QPV ou à moins de 300 m d'un QPV ».  Returns "" or a French error; only the head
    (PermissionDenied for anyone else, admins included: they decide, they do not declare)."""
    if actor is not None and actor.role == Role.ADMIN:
        raise PermissionDenied(MSG_HEAD_ONLY)
    sc = caller_scope(s, actor, school_id, manage=True)
    if not isinstance(declared, bool):
        return MSG_QPV_INVALID
    sch = sc.school
    if sch.kind != "lycee":
        return MSG_QPV_COLLEGE
    before = qpv_status(sch)
    now = clock.now()
    if declared:
        if before != "none":
            return ""  # already declared (or confirmed): nothing changes
        sch.qpv_declared_at = now
        _tell_admins(s, sch)
        action = "qpv_declare"
    else:
        if before == "none" and not sch.qpv:
            return ""
        sch.qpv_declared_at = None
        sch.qpv_confirmed_at = None
        sch.qpv = False
        action = "qpv_withdraw"
    sch.updated_at = now
    audit.record(
        s, "school", sch.id, action, sc.user, from_state=before, to_state=qpv_status(sch)
    )  # fmt: skip
    s.commit()
    return ""


def pending_qpv(s: Session, actor: User | None, limit: int = 100) -> list[dict[str, Any]]:
    """Admins: the lycées whose QPV declaration awaits a decision, oldest first:
    ``{"id", "name", "uai", "commune", "department_code", "declared_at", "head"}``."""
    permissions.require(permissions.can_admin(actor), MSG_DENIED)
    rows = s.exec(
        select(School)
        .where(
            School.kind == "lycee",
            School.qpv_declared_at.is_not(None),
            School.qpv_confirmed_at.is_(None),
        )
        .order_by(School.qpv_declared_at, School.id)
        .limit(limit)
    ).all()
    heads: dict[int, str] = {}
    if rows:
        for sid, first, last, email in s.execute(
            sa.select(User.school_id, User.first_name, User.last_name, User.email)
            .where(
                User.role == Role.CHEF_ETABLISSEMENT,
                User.school_id.in_([r.id for r in rows]),
                User.status == AccountStatus.ACTIVE,
                User.deleted_at.is_(None),
            )
            .order_by(User.id)
        ):
            heads.setdefault(sid, f"{first} {last}".strip() + (f" ({email})" if email else ""))
    return [
        {
            "id": r.id,
            "name": r.name,
            "uai": r.uai,
            "commune": r.commune,
            "department_code": r.department_code,
            "declared_at": clock.fmt_paris(r.qpv_declared_at),
            "head": heads.get(r.id, ""),
        }
        for r in rows
    ]


def decide_qpv(s: Session, actor: User | None, school_id: Any, accept: Any) -> str:
    """Admins confirm (``accept`` True: ``qpv`` True, ``qpv_confirmed_at`` set) or refuse
    (the declaration is cleared) a lycée's pending declaration; the heads are mailed.
    Returns "" or a French error (nothing pending, bad request)."""
    permissions.require(permissions.can_admin(actor), MSG_DENIED)
    sid = client_id(school_id)
    if sid is None or not isinstance(accept, bool):
        return MSG_QPV_INVALID
    now = clock.now()
    values = (
        {"qpv": True, "qpv_confirmed_at": now, "updated_at": now}
        if accept
        else {"qpv_declared_at": None, "updated_at": now}
    )
    done = s.execute(
        sa.update(School)
        .where(
            School.id == sid,
            School.kind == "lycee",
            School.qpv_declared_at.is_not(None),
            School.qpv_confirmed_at.is_(None),
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if done != 1:
        s.rollback()
        return MSG_QPV_NOT_PENDING
    school = s.get(School, sid)
    s.refresh(school)
    audit.record(
        s, "school", sid, "qpv_confirm" if accept else "qpv_refuse", actor, from_state="pending",
        to_state="confirmed" if accept else "none",
    )  # fmt: skip
    for head_id, email, first_name in _active_users(
        s, User.role == Role.CHEF_ETABLISSEMENT, User.school_id == sid
    ):
        send_mail(
            s, email, "school_qpv_decision",
            f"school_qpv_decision:{sid}:{'yes' if accept else 'no'}:{now:%Y%m%d%H%M%S}:{head_id}",
            user_id=head_id, url=QPV_SETTINGS_URL, school_name=school.name, accepted=accept,
            first_name=first_name,
        )  # fmt: skip
    s.commit()
    return ""
