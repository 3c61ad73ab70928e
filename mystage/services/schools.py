"""The school side: the head's sign-up and staff, the school's set-up (classes, internship
weeks, settings), parents' authorizations, tracking tables, application lists, exports.

Conventions (as in :mod:`offers` and :mod:`structures`)
- Every public function takes the session and the calling :class:`User` and checks the
  caller's rights itself (:mod:`permissions`): whatever ids it is given, a caller who may
  not act gets :class:`permissions.PermissionDenied` (one message, whether the object is
  another school's or does not exist, so nothing leaks) and nothing changes.
- The school acted upon is the caller's own (``user.school_id`` with an active
  membership, or head): the optional ``school_id`` argument is only checked against it,
  except for admins, who must pass it.  Teachers the head restricted to some classes only
  ever see those classes, their pupils and their pupils' applications.
- Form-like results are ``errors: dict[str, str]`` (or ``(result, errors)``) keyed by the
  form field, with a French message; nothing is stored when there are errors.  Actions
  return "" or a French error.  Every change is committed here, with an audit row.
- Tables and lists are built by aggregate SQL (GROUP BY per pupil then per class), never
  per-row queries, so a school of 1,000 pupils answers at once.

Decisions
- The head (chef d'établissement) is known by role + ``school_id`` + an *active* account.
  Signing up with the school's official mailbox ``ce.<UAI>@ac-<académie>.fr`` gives a
  normal account (active once the mailed link is opened); with another address of the
  school's académie the account waits for an admin's validation (``pending_validation``).
  :mod:`accounts` has no activation hook, so the school's ``registered_at`` and ``email``
  are set lazily, the first time the head opens the space (:func:`space_context`), which
  also creates the head's own active membership row.
- Staff memberships: ``pending`` → ``active`` (accepted) / ``refused``; ``active`` →
  ``removed``.  Only ``active`` gives access.
- Classes are soft-deleted, and only when empty: the head moves the pupils first
  (:func:`move_pupil`).  A deleted class keeps its applications' history; its name gets a
  suffix so the name can be used again (names are unique per school).
- Internship weeks: the school's weeks (``class_id`` NULL) apply to every class; a class
  with weeks of its own follows those instead (:func:`mystage.services.weeks.weeks_for_class`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from mystage import clock
from mystage.models import (
    APP_STATE_LABELS,
    LEVEL_LABELS,
    PENDING_STATES,
    AccountStatus,
    Application,
    AppState,
    Convention,
    ConventionState,
    Offer,
    OneTimeToken,
    Role,
    School,
    SchoolClass,
    SchoolWeek,
    StaffClass,
    StaffMembership,
    TokenPurpose,
    User,
)
from mystage.notify import templates
from mystage.notify.outbox import queue_mail
from mystage.services import accounts, audit, permissions, weeks, xlsx
from mystage.services.accounts import passwords, tokens
from mystage.services.applications import ACTION_LABELS, actions_for
from mystage.services.ids import client_id, client_ids
from mystage.services.permissions import PermissionDenied
from mystage.services.text import fold

A = AppState

SPACE_URL = "/espace/etablissement"
STAFF_URL = "/espace/etablissement/equipe"
INVITATION_URL = "/invitation"
INVITATION_TTL = timedelta(days=14)
MAX_CLASSES_PER_PICK = 40
MAX_WEEKS = 45
CLASS_NAME_MAX = 60
NO_CLASS = 0  # class_table(…, NO_CLASS): pupils not in any class yet
MAX_RADIUS_KM = 60

# --- messages -------------------------------------------------------------------------------

MSG_DENIED = "Vous n'avez pas accès à cet établissement ou à cette action."
MSG_HEAD_ONLY = "Action réservée au chef d'établissement."
MSG_NOT_ACTIVE_MEMBER = (
    "Votre accès à l'espace de l'établissement n'est pas encore ouvert : le chef "
    "d'établissement doit d'abord accepter votre demande."
)
MSG_SCHOOL_REQUIRED = "Choisissez votre établissement dans la liste (ville, puis nom)."
MSG_SCHOOL_CLOSED = "Cet établissement est fermé : choisissez-en un autre."
MSG_NO_ACADEMY = "L'académie de cet établissement est inconnue : contactez l'équipe MyStage."
MSG_HEAD_EMAIL = (
    "Utilisez l'adresse officielle de l'établissement ({official}) ou votre adresse "
    "académique (…@{domain})."
)
MSG_HEAD_OTHER_UAI = (
    "Cette adresse est celle d'un autre établissement (UAI {uai}). Vérifiez l'établissement "
    "choisi : son adresse officielle est {official}."
)
MSG_OTHER_ACADEMY = "Cette adresse n'est pas de {academy} : utilisez une adresse en …@{domain}."
MSG_STAFF_EMAIL = "Utilisez votre adresse académique (…@{domain})."
MSG_STAFF_OFFICIAL = (
    "Cette adresse est celle de l'établissement, réservée au chef d'établissement : "
    "utilisez votre adresse académique personnelle."
)
MSG_FUNCTION = "Choisissez votre fonction."
MSG_FUNCTION_OTHER = "Choisissez la fonction de cette personne."
MSG_CLASSES = "Choisissez des classes de l'établissement."
MSG_SCOPE = "Choisissez ce que cette personne peut voir."
MSG_SCOPE_CLASSES = "Choisissez au moins une classe, ou donnez accès à tout l'établissement."
MSG_PASSWORD_MISMATCH = "Les deux mots de passe ne sont pas identiques."
MSG_REQUEST_DONE = "Cette demande a déjà été traitée."
MSG_HEAD_NOT_REMOVABLE = "Le compte d'un chef d'établissement ne peut pas être retiré ici."
MSG_ALREADY_REMOVED = "Cette personne n'a plus accès à l'établissement."
MSG_INVITE_MEMBER = "Cette personne fait déjà partie de l'établissement."
MSG_INVITE_PENDING = (
    "Cette personne a déjà demandé à rejoindre l'établissement : acceptez sa demande "
    "dans la liste des demandes."
)
MSG_INVITE_ACCOUNT = (
    "Un compte MyStage existe déjà avec cette adresse : contactez l'équipe MyStage pour "
    "le rattacher à votre établissement."
)
MSG_INVITATION_INVALID = (
    "Cette invitation n'est plus valide (déjà utilisée, annulée ou expirée). Demandez une "
    "nouvelle invitation à votre chef d'établissement."
)
MSG_INVITATION_DONE = "Cette invitation a déjà été utilisée ou annulée."
MSG_CLASS_NAME = "Indiquez le nom de la classe (exemple : 3e A)."
MSG_CLASS_NAME_LONG = "60 caractères au maximum."
MSG_CLASS_NAME_TAKEN = "Une classe de l'établissement porte déjà ce nom."
MSG_CLASS_LEVEL = "Choisissez le niveau de la classe."
MSG_CLASS_NOT_EMPTY = (
    "Cette classe compte encore {n} élève(s) : déplacez-les d'abord dans une autre classe."
)
MSG_MOVE_SAME = "L'élève est déjà dans cette classe."
MSG_WEEK_INVALID = "Semaine invalide : choisissez des semaines dans le calendrier."
MSG_WEEK_WEEKEND = "Le {label} tombe un week-end : choisissez des semaines du lundi au vendredi."
MSG_WEEK_OUTSIDE = (
    "La semaine du {label} n'est pas dans l'année scolaire {year} (de septembre à juin)."
)
MSG_TOO_MANY_WEEKS = "Choisissez au plus {n} semaines."
MSG_YEAR = "Choisissez l'année scolaire en cours ou la suivante."
MSG_SEARCH_SCOPE = "Choisissez le périmètre de recherche des élèves."
MSG_RADIUS = f"Indiquez un rayon entre 1 et {MAX_RADIUS_KM} km."
MSG_AUTH_DATE = "Indiquez la date de l'autorisation (jj/mm/aaaa)."
MSG_AUTH_FUTURE = "La date ne peut pas être dans le futur."
MSG_AUTH_OLD = "Cette date est trop ancienne : indiquez une date de cette année scolaire."
MSG_AUTH_NONE = "Aucune autorisation n'est enregistrée pour cet élève."

# --- staff functions (seed 002) -------------------------------------------------------------

# key: (role, label, default scope)
STAFF_FUNCTIONS: dict[str, tuple[str, str, str]] = {
    "professeur_principal": (Role.PROFESSEUR_PRINCIPAL, "Professeur principal", "classes"),
    "professeur": (Role.PROFESSEUR, "Professeur", "classes"),
    "cpe": (Role.PERSONNEL, "Conseiller principal d'éducation (CPE)", "school"),
    "documentaliste": (Role.PERSONNEL, "Professeur documentaliste", "school"),
    "psy_en": (Role.PERSONNEL, "Psychologue de l'Éducation nationale (psy-EN)", "school"),
    "secretariat": (Role.PERSONNEL, "Secrétariat", "school"),
    "referent": (Role.REFERENT_ETABLISSEMENT, "Référent stages de l'établissement", "school"),
}
HEAD_LABEL = "Chef d'établissement"
SCOPE_LABELS = {"school": "Tout l'établissement", "classes": "Ses classes seulement"}
MEMBER_STATUS_LABELS = {
    "pending": "Demande en attente",
    "active": "Accès ouvert",
    "refused": "Demande refusée",
    "removed": "Retiré(e)",
}
SEARCH_SCOPES = {
    "radius": "Autour de l'établissement (rayon en km)",
    "national": "Toute la France",
}


def staff_function_choices() -> list[dict[str, str]]:
    """``[{"value", "label"}]`` for the staff sign-up and invitation forms."""
    return [{"value": k, "label": v[1]} for k, v in STAFF_FUNCTIONS.items()]


def function_label(user: User) -> str:
    if user.role == Role.CHEF_ETABLISSEMENT:
        return HEAD_LABEL
    return user.job_title or {v[0]: v[1] for v in reversed(STAFF_FUNCTIONS.values())}.get(
        user.role, ""
    )


# --- académies and official mailboxes ------------------------------------------------------

# Our académie names (School.academy, Department.academy) → their mail domain.  The rule is
# ``ac-<name folded, spaces → dashes>.fr``; these are the exceptions.
_DOMAIN_EXCEPTIONS = {
    "Clermont-Ferrand": "ac-clermont.fr",
    "La Réunion": "ac-reunion.fr",
    "Nouvelle Calédonie": "ac-noumea.nc",
    "Polynésie Française": "ac-polynesie.pf",
    "Saint Pierre et Miquelon": "ac-spm.fr",
    "Wallis et Futuna": "ac-wf.wf",
}
# Domains still in use after a merger (Caen and Rouen became Normandie in 2020).
_LEGACY_DOMAINS = {"Normandie": ("ac-caen.fr", "ac-rouen.fr")}
_ACADEMY_PHRASES = {
    "Guadeloupe": "l'académie de la Guadeloupe",
    "Guyane": "l'académie de la Guyane",
    "Martinique": "l'académie de la Martinique",
    "Nouvelle Calédonie": "l'académie de Nouvelle-Calédonie",
    "Polynésie Française": "l'académie de Polynésie française",
    "Saint Pierre et Miquelon": "l'académie de Saint-Pierre-et-Miquelon",
    "Wallis et Futuna": "l'académie de Wallis-et-Futuna",
}
_UAI_LOCAL = re.compile(r"^ce\.(\d{7}[a-z])$")


def academy_domain(academy: str | None) -> str:
    """``"Créteil"`` → ``"ac-creteil.fr"``, ``"Aix-Marseille"`` → ``"ac-aix-marseille.fr"``,
    ``"Clermont-Ferrand"`` → ``"ac-clermont.fr"``; "" for an unknown académie."""
    if not academy or not isinstance(academy, str):
        return ""
    if academy in _DOMAIN_EXCEPTIONS:
        return _DOMAIN_EXCEPTIONS[academy]
    slug = fold(academy).replace(" ", "-")
    return f"ac-{slug}.fr" if slug else ""


def academy_domains(academy: str | None) -> tuple[str, ...]:
    """Every mail domain of the académie (current first, then legacy ones)."""
    main = academy_domain(academy)
    return (main, *_LEGACY_DOMAINS.get(academy or "", ())) if main else ()


def academy_phrase(academy: str) -> str:
    """« l'académie de Créteil », « l'académie d'Aix-Marseille »."""
    if academy in _ACADEMY_PHRASES:
        return _ACADEMY_PHRASES[academy]
    first = fold(academy)[:1]
    if first and first in "aeiouy":
        return f"l'académie d'{academy}"
    return f"l'académie de {academy}"


def official_mailbox(school: School) -> str:
    """``ce.<uai>@ac-<académie>.fr``: the school's official mailbox ("" if unknown)."""
    domain = academy_domain(school.academy)
    return f"ce.{school.uai.lower()}@{domain}" if domain and school.uai else ""


def _all_academy_domains() -> set[str]:
    import csv
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "data" / "departments.csv"
    with path.open(encoding="utf-8") as f:
        names = {row["academy"] for row in csv.DictReader(f) if row.get("academy")}
    out: set[str] = set()
    for name in names:
        out.update(academy_domains(name))
    return out


_KNOWN_DOMAINS: set[str] | None = None


def is_academy_domain(domain: str) -> bool:
    global _KNOWN_DOMAINS
    if _KNOWN_DOMAINS is None:
        _KNOWN_DOMAINS = _all_academy_domains()
    return domain in _KNOWN_DOMAINS


def check_head_email(school: School, email: str | None) -> tuple[str, str]:
    """Which address a head signs up with: ``("official", "")`` for the school's official
    mailbox, ``("academy", "")`` for another address of the school's académie (admin
    validation needed), else ``("", French error)``.  ``email`` is already normalised."""
    domains = academy_domains(school.academy)
    if not domains:
        return "", MSG_NO_ACADEMY
    official = official_mailbox(school)
    if not email or "@" not in email:
        return "", accounts.MSG_EMAIL_INVALID
    local, domain = email.rsplit("@", 1)
    uai_match = _UAI_LOCAL.match(local)
    if domain in domains:
        if uai_match and uai_match.group(1) != school.uai.lower():
            return "", MSG_HEAD_OTHER_UAI.format(uai=uai_match.group(1).upper(), official=official)
        return ("official", "") if uai_match else ("academy", "")
    if is_academy_domain(domain) or domain.startswith("ac-"):
        return "", MSG_OTHER_ACADEMY.format(
            academy=academy_phrase(school.academy), domain=domains[0]
        )
    return "", MSG_HEAD_EMAIL.format(official=official, domain=domains[0])


def check_staff_email(school: School, email: str | None) -> str:
    """ "" when ``email`` is a personal address of the school's académie, else the error."""
    domains = academy_domains(school.academy)
    if not domains:
        return MSG_NO_ACADEMY
    if not email or "@" not in email:
        return accounts.MSG_EMAIL_INVALID
    local, domain = email.rsplit("@", 1)
    if domain not in domains:
        if is_academy_domain(domain) or domain.startswith("ac-"):
            return MSG_OTHER_ACADEMY.format(
                academy=academy_phrase(school.academy), domain=domains[0]
            )
        return MSG_STAFF_EMAIL.format(domain=domains[0])
    if _UAI_LOCAL.match(local):
        return MSG_STAFF_OFFICIAL
    return ""


# --- mail templates ---------------------------------------------------------------------------


@templates.template("school_staff_request")
def _tpl_staff_request(
    url: str,
    school_name: str,
    requester_name: str,
    requester_email: str = "",
    function_label: str = "",
    first_name: str = "",
) -> tuple[str, str]:
    """To the head: a staff member signed up and asks to join the school's space."""
    details = ", ".join(x for x in (function_label, requester_email) if x)
    who = f"{requester_name} ({details})" if details else requester_name
    subject = f"Demande d'accès à l'espace de {school_name}"[:200]
    body = templates.mail_body(
        first_name,
        f"{who} a créé un compte MyStage et demande à rejoindre l'espace de votre "
        "établissement. Une fois accepté(e), cette personne pourra suivre les élèves et "
        "leurs candidatures, selon les droits que vous lui donnerez.",
        "Pour accepter ou refuser cette demande, ouvrez ce lien :",
        url=url,
        after="Si vous ne connaissez pas cette personne, refusez la demande.",
    )
    return subject, body


@templates.template("school_staff_decision")
def _tpl_staff_decision(
    url: str, school_name: str, accepted: bool, first_name: str = ""
) -> tuple[str, str]:
    """To a staff member: the head accepted (or refused) the request."""
    if accepted:
        subject = f"Votre accès à l'espace de {school_name} est ouvert"[:200]
        text = (
            f"Le chef d'établissement a accepté votre demande : vous pouvez maintenant "
            f"suivre les élèves de {school_name} et leurs candidatures."
        )
    else:
        subject = f"Votre demande d'accès à {school_name}"[:200]
        text = (
            f"Le chef d'établissement de {school_name} n'a pas accepté votre demande. Si vous "
            "pensez qu'il s'agit d'une erreur, adressez-vous à lui directement."
        )
    return subject, templates.mail_body(first_name, text, url=url)


@templates.template("school_invitation")
def _tpl_invitation(
    url: str, school_name: str, inviter_name: str, function_label: str, valid_for: str = "14 jours"
) -> tuple[str, str]:
    """To a staff member invited by the head: the link to create the account."""
    subject = f"Invitation à rejoindre l'espace de {school_name} sur MyStage"[:200]
    role = f" en tant que {function_label.lower()}" if function_label else ""
    body = templates.mail_body(
        "",
        f"{inviter_name or 'Le chef d’établissement'} vous invite à rejoindre l'espace de "
        f"{school_name}{role} sur MyStage, la plateforme des stages d'observation : vous "
        "pourrez y suivre les élèves et leurs candidatures.",
        f"Pour créer votre compte, ouvrez ce lien (valable {valid_for}, une seule fois) :",
        url=url,
        after="Si vous ne travaillez pas dans cet établissement, ignorez ce message.",
    )
    return subject, body


def _mail(s: Session, to: str, template: str, key: str, user_id: int | None = None, **ctx):
    subject, body = templates.render(template, **ctx)
    queue_mail(
        s, to=to, subject=subject, body=body, action_url=templates.link(ctx["url"]),
        template=template, user_id=user_id, dedupe_key=key[:200],
    )  # fmt: skip


# --- small helpers ----------------------------------------------------------------------------


def _id_list(value: Any, limit: int = MAX_CLASSES_PER_PICK) -> list[int] | None:
    """Ids from a list, tuple, set or comma-separated string; None when malformed."""
    return client_ids(value, limit)


def _str(data: Any, key: str, limit: int = 500) -> str:
    v = data.get(key) if isinstance(data, dict) else None
    if isinstance(v, bool) or v is None:
        return ""
    if isinstance(v, int | float):
        v = str(v)
    return v.strip()[:limit] if isinstance(v, str) else ""


def _bool(data: Any, key: str) -> bool:
    v = data.get(key) if isinstance(data, dict) else None
    if isinstance(v, bool):
        return v
    if isinstance(v, str):
        return v.strip().lower() in {"1", "true", "on", "oui", "yes"}
    return isinstance(v, int) and v == 1


def _fmt_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return clock.fmt_paris(value, with_time=False)
    return value.strftime("%d/%m/%Y")


def _name(first: str | None, last: str | None) -> str:
    return f"{first or ''} {last or ''}".strip()


class _FlushOnCommit:
    """The caller's session where ``commit()`` only flushes: :func:`accounts.register`
    commits its own work, but a sign-up here creates the account and its membership in ONE
    transaction (committed by the caller)."""

    def __init__(self, s: Session):
        self._s = s

    def commit(self) -> None:
        self._s.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._s, name)


# --- scope: who acts on which school -------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """The caller, the school acted upon and what they may see there."""

    user: User
    school: School
    manage: bool  # the school's head, or an admin
    class_ids: frozenset[int] | None  # None: every class (and pupils without a class)

    def sees_class(self, class_id: int | None) -> bool:
        return self.class_ids is None or (class_id is not None and class_id in self.class_ids)

    def pupil_conditions(self) -> list[Any]:
        """SQL conditions on ``User`` for the pupils this caller sees."""
        conds = [
            User.role == Role.ELEVE,
            User.school_id == self.school.id,
            User.deleted_at.is_(None),
        ]
        if self.class_ids is not None:
            conds.append(User.class_id.in_(sorted(self.class_ids) or [-1]))
        return conds


def _scope(s: Session, actor: User | None, school_id: Any = None, *, manage: bool = False) -> Scope:
    """Resolve the caller's school and rights; PermissionDenied when they have none there."""
    if not permissions.is_authenticated(actor):
        raise PermissionDenied(MSG_DENIED)
    if actor.role == Role.ADMIN:
        sid = client_id(school_id)
        school = s.get(School, sid) if sid is not None else None
        permissions.require(school is not None, MSG_DENIED)
        return Scope(actor, school, True, None)
    own = permissions.school_of_staff(s, actor)
    if own is None:
        raise PermissionDenied(
            MSG_NOT_ACTIVE_MEMBER if actor.role in permissions.STAFF else MSG_DENIED
        )
    if school_id is not None and client_id(school_id) != own:
        raise PermissionDenied(MSG_DENIED)
    is_head = permissions.can_manage_school(s, actor, own)
    if manage and not is_head:
        raise PermissionDenied(MSG_HEAD_ONLY)
    school = s.get(School, own)
    permissions.require(school is not None, MSG_DENIED)
    visible = permissions.visible_class_ids(s, actor)
    return Scope(actor, school, is_head, None if visible is None else frozenset(visible))


def _class(s: Session, scope: Scope, class_id: Any) -> SchoolClass:
    """A live class of the scope's school that the caller sees, else PermissionDenied."""
    cid = client_id(class_id)
    sc = s.get(SchoolClass, cid) if cid is not None else None
    if (
        sc is None
        or sc.school_id != scope.school.id
        or sc.deleted_at is not None
        or not scope.sees_class(sc.id)
    ):
        raise PermissionDenied(MSG_DENIED)
    return sc


def _pupil(s: Session, scope: Scope, pupil_id: Any) -> User:
    pid = client_id(pupil_id)
    pupil = s.get(User, pid) if pid is not None else None
    if (
        pupil is None
        or pupil.role != Role.ELEVE
        or pupil.deleted_at is not None
        or pupil.school_id != scope.school.id
        or not scope.sees_class(pupil.class_id)
    ):
        raise PermissionDenied(MSG_DENIED)
    return pupil


def _member(s: Session, scope: Scope, membership_id: Any) -> tuple[StaffMembership, User]:
    mid = client_id(membership_id)
    m = s.get(StaffMembership, mid) if mid is not None else None
    if m is None or m.school_id != scope.school.id:
        raise PermissionDenied(MSG_DENIED)
    user = s.get(User, m.user_id)
    if user is None:
        raise PermissionDenied(MSG_DENIED)
    return m, user


def _live_classes(s: Session, school_id: int, ids: list[int]) -> set[int]:
    if not ids:
        return set()
    return set(
        s.execute(
            sa.select(SchoolClass.id).where(
                SchoolClass.id.in_(ids),
                SchoolClass.school_id == school_id,
                SchoolClass.deleted_at.is_(None),
            )
        ).scalars()
    )


def _school_year(value: Any, *, for_edit: bool) -> int | None:
    """The school year asked (None → the active one); None when not allowed."""
    active = weeks.active_school_year()
    if value is None or value == "":
        return active
    year = client_id(value)
    allowed = {active, active + 1} if for_edit else {active - 1, active, active + 1}
    return year if year in allowed else None


# --- the school space -------------------------------------------------------------------------


def _complete_head_setup(s: Session, head: User, school: School) -> bool:
    """First opening of the space by an active head: the school is registered, its official
    mailbox recorded, the head's own membership created.  True when something changed."""
    changed = False
    now = clock.now()
    if school.registered_at is None:
        school.registered_at = now
        changed = True
        audit.record(s, "school", school.id, "register", head, to_state="registered")
    if not school.email and head.email and head.email == official_mailbox(school):
        school.email = head.email
        changed = True
    membership = s.exec(
        select(StaffMembership).where(
            StaffMembership.user_id == head.id, StaffMembership.school_id == school.id
        )
    ).first()
    if membership is None:
        s.add(
            StaffMembership(
                user_id=head.id, school_id=school.id, status="active", created_at=now,
                decided_at=now,
            )
        )  # fmt: skip
        changed = True
    elif membership.status != "active":
        membership.status = "active"
        membership.decided_at = now
        changed = True
    if changed:
        school.updated_at = now
    return changed


def space_context(s: Session, user: User | None) -> dict[str, Any]:
    """What the school space needs first: the caller's school, role and rights, or why
    they see nothing yet (``member_status`` pending / refused / removed).  The first time
    the head opens it, the school is registered (see the module notes)."""
    if not permissions.is_authenticated(user) or user.role not in permissions.STAFF:
        raise PermissionDenied(MSG_DENIED)
    school = s.get(School, user.school_id) if user.school_id else None
    if school is None:
        raise PermissionDenied(MSG_DENIED)
    is_head = permissions.is_school_head(user, school.id)
    if is_head and _complete_head_setup(s, user, school):
        s.commit()
    status = "active" if is_head else "none"
    if not is_head:
        row = s.execute(
            sa.select(StaffMembership.status).where(
                StaffMembership.user_id == user.id, StaffMembership.school_id == school.id
            )
        ).scalar_one_or_none()
        status = row or "none"
    visible = permissions.visible_class_ids(s, user) if status == "active" else set()
    return {
        "school_id": school.id,
        "school_name": school.name,
        "uai": school.uai,
        "commune": school.commune,
        "academy": school.academy,
        "ep": school.ep,
        "qpv": bool(school.qpv),
        "official_email": official_mailbox(school),
        "is_head": is_head,
        "member_status": status,
        "member_status_label": MEMBER_STATUS_LABELS.get(status, ""),
        "function": function_label(user),
        "scope": "school" if visible is None else "classes",
        "class_ids": sorted(visible) if visible is not None else [],
        "registered": school.registered_at is not None,
        "validation_required": bool(school.validation_required),
    }


def class_choices(s: Session, school_id: Any) -> list[dict[str, Any]]:
    """Public: the live classes of a school (pupil and staff sign-up forms pick one)."""
    sid = client_id(school_id)
    if sid is None:
        return []
    rows = s.execute(
        sa.select(SchoolClass.id, SchoolClass.name, SchoolClass.level)
        .where(SchoolClass.school_id == sid, SchoolClass.deleted_at.is_(None))
        .order_by(SchoolClass.name)
    ).all()
    return [{"id": r.id, "name": r.name, "level": r.level} for r in rows]


# --- sign-up: head and staff -----------------------------------------------------------------


def _school_for_signup(s: Session, data: dict, errors: dict[str, str]) -> School | None:
    sid = client_id(data.get("school_id") if isinstance(data, dict) else None)
    school = s.get(School, sid) if sid is not None else None
    if school is None:
        errors["school_id"] = MSG_SCHOOL_REQUIRED
        return None
    if school.status not in ("open", ""):
        errors["school_id"] = MSG_SCHOOL_CLOSED
        return None
    return school


def _account_fields(data: dict, errors: dict[str, str]) -> str:
    """The account's own checks (names, password pair, terms) run with the school and
    address checks, so one answer lists every error; returns the password.  (When they
    pass, :func:`accounts.register` checks them again and creates the account.)"""
    password = data.get("password") if isinstance(data.get("password"), str) else ""
    password2 = data.get("password2") if isinstance(data.get("password2"), str) else ""
    names = (_str(data, "first_name", 200), _str(data, "last_name", 200), _str(data, "email"))
    pw_error = passwords.password_error(password, user_inputs=names)
    if "password2" in data and password != password2 and not pw_error:
        errors["password2"] = MSG_PASSWORD_MISMATCH
    elif pw_error:
        errors.setdefault("password", pw_error)
    if not _str(data, "first_name", 200):
        errors.setdefault("first_name", accounts.MSG_FIRST_NAME_REQUIRED)
    if not _str(data, "last_name", 200):
        errors.setdefault("last_name", accounts.MSG_LAST_NAME_REQUIRED)
    if not _bool(data, "accept_terms"):
        errors.setdefault("accept_terms", accounts.MSG_TERMS_REQUIRED)
    return password


def register_head(
    s: Session, *, data: dict, ip: str = ""
) -> tuple[dict[str, Any] | None, dict[str, str]]:
    """« Chef d'établissement, créez votre compte »: the school chosen from the embedded
    list (``school_id``), ``civility``, ``first_name``, ``last_name``, ``email``,
    ``password`` (+ ``password2``), ``accept_terms``.

    With the school's official mailbox the account is activated by the mailed link; with
    another address of the school's académie it also waits for an admin's validation
    (``pending_validation``).  Returns ``({"user_id", "school_id", "needs_validation"}, {})``
    or ``(None, errors)`` keyed by field, nothing stored.  An address that already has an
    account gets the same answer with ``user_id`` None: nothing created, the owner told."""
    if not isinstance(data, dict):
        return None, {"form": "Formulaire invalide."}
    errors: dict[str, str] = {}
    school = _school_for_signup(s, data, errors)
    raw_email = _str(data, "email", 300)
    email = accounts.normalize_email(raw_email)
    kind = ""
    if not raw_email:
        errors["email"] = "Indiquez votre adresse e-mail professionnelle."
    elif email is None:
        errors["email"] = accounts.MSG_EMAIL_INVALID
    elif school is not None:
        kind, err = check_head_email(school, email)
        if err:
            errors["email"] = err
    password = _account_fields(data, errors)
    if errors:
        s.rollback()
        return None, errors
    user, reg_errors = accounts.register(
        _FlushOnCommit(s),  # type: ignore[arg-type]
        role=Role.CHEF_ETABLISSEMENT,
        email=email,
        password=password,
        first_name=_str(data, "first_name", 200),
        last_name=_str(data, "last_name", 200),
        accept_terms=_bool(data, "accept_terms"),
        ip=ip or None,
        civility=_str(data, "civility", 8),
        job_title=HEAD_LABEL,
        school_id=school.id,
        staff_scope="school",
    )
    needs_validation = kind != "official"
    if user is None and not reg_errors:  # taken address: same answer, nothing created
        s.commit()
        return {"user_id": None, "school_id": school.id, "needs_validation": needs_validation}, {}
    if user is None:
        s.rollback()
        return None, reg_errors
    if needs_validation:
        user.status = AccountStatus.PENDING_VALIDATION
        audit.record(
            s, "user", user.id, "head_signup", user, to_state=AccountStatus.PENDING_VALIDATION,
            message=f"{school.uai} : adresse académique, validation par l'équipe MyStage",
        )  # fmt: skip
    else:
        audit.record(s, "user", user.id, "head_signup", user, message=f"{school.uai}")
    s.commit()
    return {"user_id": user.id, "school_id": school.id, "needs_validation": needs_validation}, {}


def _heads_to_tell(s: Session, school: School) -> list[tuple[str, str, int | None]]:
    """(address, first name, user id) of the school's active heads, else its mailbox."""
    rows = s.execute(
        sa.select(User.email, User.first_name, User.id).where(
            User.role == Role.CHEF_ETABLISSEMENT,
            User.school_id == school.id,
            User.status == AccountStatus.ACTIVE,
            User.deleted_at.is_(None),
            User.email.is_not(None),
        )
    ).all()
    out = [(r.email, r.first_name, r.id) for r in rows]
    if school.email and school.email not in {o[0] for o in out}:
        out.append((school.email, "", None))
    return out


def register_staff(
    s: Session, *, data: dict, ip: str = ""
) -> tuple[dict[str, Any] | None, dict[str, str]]:
    """Staff sign-up (professeurs, CPE, documentaliste, psy-EN, secrétariat, référent):
    ``school_id``, ``function`` (:data:`STAFF_FUNCTIONS`), ``class_ids`` (the classes they
    follow, optional), ``civility``, ``first_name``, ``last_name``, ``email`` (an address of
    the school's académie), ``password`` (+ ``password2``), ``accept_terms``.

    Creates the account (activated by the mailed link) and a *pending* membership: the
    head is told by mail and opens access (:func:`decide_staff`).  Returns
    ``({"user_id", "membership_id", "school_id"}, {})`` or ``(None, errors)``; an address
    that already has an account gets ids None, nothing created and its owner told."""
    if not isinstance(data, dict):
        return None, {"form": "Formulaire invalide."}
    errors: dict[str, str] = {}
    school = _school_for_signup(s, data, errors)
    function = _str(data, "function", 40)
    if function not in STAFF_FUNCTIONS:
        errors["function"] = MSG_FUNCTION
    raw_email = _str(data, "email", 300)
    email = accounts.normalize_email(raw_email)
    if not raw_email:
        errors["email"] = "Indiquez votre adresse e-mail académique."
    elif email is None:
        errors["email"] = accounts.MSG_EMAIL_INVALID
    elif school is not None and (err := check_staff_email(school, email)):
        errors["email"] = err
    class_ids = _id_list(data.get("class_ids"))
    if class_ids is None or (
        school is not None
        and class_ids
        and _live_classes(s, school.id, class_ids) != set(class_ids)
    ):
        errors["class_ids"] = MSG_CLASSES
    password = _account_fields(data, errors)
    if errors:
        s.rollback()
        return None, errors
    role, label, scope = STAFF_FUNCTIONS[function]
    user, reg_errors = accounts.register(
        _FlushOnCommit(s),  # type: ignore[arg-type]
        role=role,
        email=email,
        password=password,
        first_name=_str(data, "first_name", 200),
        last_name=_str(data, "last_name", 200),
        accept_terms=_bool(data, "accept_terms"),
        ip=ip or None,
        civility=_str(data, "civility", 8),
        job_title=label,
        school_id=school.id,
        staff_scope=scope,
    )
    if user is None and not reg_errors:  # taken address: same answer, nothing created
        s.commit()
        return {"user_id": None, "membership_id": None, "school_id": school.id}, {}
    if user is None:
        s.rollback()
        return None, reg_errors
    now = clock.now()
    membership = StaffMembership(
        user_id=user.id, school_id=school.id, status="pending", created_at=now
    )
    s.add(membership)
    s.flush()
    for cid in class_ids:
        s.add(
            StaffClass(
                user_id=user.id, class_id=cid, is_main_teacher=role == Role.PROFESSEUR_PRINCIPAL
            )
        )
    audit.record(s, "staff_membership", membership.id, "request", user, to_state="pending")
    for to, first_name, uid in _heads_to_tell(s, school):
        _mail(
            s, to, "school_staff_request", f"school_staff_request:{membership.id}:{to}", uid,
            url=STAFF_URL, school_name=school.name, requester_name=user.full_name,
            requester_email=user.email or "", function_label=label, first_name=first_name,
        )  # fmt: skip
    s.commit()
    return {"user_id": user.id, "membership_id": membership.id, "school_id": school.id}, {}


# --- staff management by the head -------------------------------------------------------------


def staff_list(s: Session, actor: User | None, school_id: Any = None) -> dict[str, list[dict]]:
    """The school's staff for the head: ``{"pending": [...], "active": [...],
    "former": [...], "invitations": [...]}``; each member ``{"id" (membership id),
    "user_id", "name", "email", "function", "is_head", "scope", "scope_label",
    "classes": [{"id", "name", "main"}], "account_active", "created_at", "status"}``."""
    scope = _scope(s, actor, school_id, manage=True)
    rows = s.execute(
        sa.select(StaffMembership, User)
        .join(User, User.id == StaffMembership.user_id)
        .where(StaffMembership.school_id == scope.school.id, User.deleted_at.is_(None))
        .order_by(
            sa.case((User.role == Role.CHEF_ETABLISSEMENT, 0), else_=1),
            User.last_name,
            User.first_name,
            StaffMembership.id,
        )
    ).all()
    user_ids = [u.id for _, u in rows]
    classes: dict[int, list[dict]] = {}
    if user_ids:
        for uid, cid, name, main in s.execute(
            sa.select(
                StaffClass.user_id, SchoolClass.id, SchoolClass.name, StaffClass.is_main_teacher
            )
            .join(SchoolClass, SchoolClass.id == StaffClass.class_id)
            .where(
                StaffClass.user_id.in_(user_ids),
                SchoolClass.school_id == scope.school.id,
                SchoolClass.deleted_at.is_(None),
            )
            .order_by(SchoolClass.name)
        ):
            classes.setdefault(uid, []).append({"id": cid, "name": name, "main": bool(main)})
    out: dict[str, list[dict]] = {"pending": [], "active": [], "former": []}
    for m, u in rows:
        is_head = u.role == Role.CHEF_ETABLISSEMENT
        staff_scope = "school" if is_head else (u.staff_scope or "school")
        item = {
            "id": m.id,
            "user_id": u.id,
            "name": u.full_name or (u.email or ""),
            "email": u.email or "",
            "function": function_label(u),
            "is_head": is_head,
            "scope": staff_scope,
            "scope_label": SCOPE_LABELS.get(staff_scope, ""),
            "classes": classes.get(u.id, []),
            "account_active": u.status == AccountStatus.ACTIVE,
            "status": m.status,
            "status_label": MEMBER_STATUS_LABELS.get(m.status, m.status),
            "created_at": _fmt_date(m.created_at),
        }
        key = {"pending": "pending", "active": "active"}.get(m.status, "former")
        out[key].append(item)
    out["invitations"] = _invitations(s, scope.school.id)
    return out


def decide_staff(s: Session, actor: User | None, membership_id: Any, accept: Any) -> str:
    """The head accepts or refuses a pending request; the person is told by mail."""
    scope = _scope_for_membership(s, actor, membership_id)
    m, user = _member(s, scope, membership_id)
    accepted = accept is True or (isinstance(accept, str) and accept in ("1", "true", "oui"))
    now = clock.now()
    new_status = "active" if accepted else "refused"
    done = s.execute(
        sa.update(StaffMembership)
        .where(StaffMembership.id == m.id, StaffMembership.status == "pending")
        .values(status=new_status, decided_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if done != 1:
        s.rollback()
        return MSG_REQUEST_DONE
    if not accepted:
        _drop_staff_classes(s, user.id, scope.school.id)
    audit.record(
        s, "staff_membership", m.id, "accept" if accepted else "refuse", scope.user,
        from_state="pending", to_state=new_status,
    )  # fmt: skip
    if user.email:
        _mail(
            s, user.email, "school_staff_decision", f"school_staff_decision:{m.id}", user.id,
            url=SPACE_URL, school_name=scope.school.name, accepted=accepted,
            first_name=user.first_name,
        )  # fmt: skip
    s.commit()
    return ""


def _drop_staff_classes(s: Session, user_id: int, school_id: int) -> None:
    s.execute(
        sa.delete(StaffClass)
        .where(
            StaffClass.user_id == user_id,
            StaffClass.class_id.in_(
                sa.select(SchoolClass.id).where(SchoolClass.school_id == school_id)
            ),
        )
        .execution_options(synchronize_session=False)
    )


def _scope_for_membership(s: Session, actor: User | None, membership_id: Any) -> Scope:
    if actor is not None and actor.role == Role.ADMIN:
        mid = client_id(membership_id)
        m = s.get(StaffMembership, mid) if mid is not None else None
        return _scope(s, actor, m.school_id if m else None, manage=True)
    return _scope(s, actor, manage=True)


def remove_staff(s: Session, actor: User | None, membership_id: Any) -> str:
    """The head removes a staff member (active or pending): no access any more, their
    class rights are dropped.  Heads cannot be removed here."""
    scope = _scope_for_membership(s, actor, membership_id)
    m, user = _member(s, scope, membership_id)
    if user.role == Role.CHEF_ETABLISSEMENT:
        return MSG_HEAD_NOT_REMOVABLE
    done = s.execute(
        sa.update(StaffMembership)
        .where(StaffMembership.id == m.id, StaffMembership.status.in_(("active", "pending")))
        .values(status="removed", decided_at=clock.now())
        .execution_options(synchronize_session=False)
    ).rowcount
    if done != 1:
        s.rollback()
        return MSG_ALREADY_REMOVED
    _drop_staff_classes(s, user.id, scope.school.id)
    audit.record(
        s, "staff_membership", m.id, "remove", scope.user, from_state=m.status,
        to_state="removed",
    )  # fmt: skip
    s.commit()
    return ""


def set_staff_rights(
    s: Session,
    actor: User | None,
    membership_id: Any,
    *,
    scope: Any,
    class_ids: Any = (),
    main_class_ids: Any = (),
) -> dict[str, str]:
    """The head sets what a staff member sees: ``scope`` "school" (everything) or
    "classes" (only ``class_ids``), and the classes where they are professeur principal
    (``main_class_ids``, a subset of their classes).  Errors keyed ``scope`` /
    ``class_ids`` / ``main_class_ids``."""
    sc = _scope_for_membership(s, actor, membership_id)
    m, user = _member(s, sc, membership_id)
    if user.role == Role.CHEF_ETABLISSEMENT:
        return {"scope": "Le chef d'établissement voit toujours tout l'établissement."}
    errors: dict[str, str] = {}
    if scope not in SCOPE_LABELS:
        errors["scope"] = MSG_SCOPE
    ids = _id_list(class_ids)
    mains = _id_list(main_class_ids)
    if ids is None or (ids and _live_classes(s, sc.school.id, ids) != set(ids)):
        errors["class_ids"] = MSG_CLASSES
    if mains is None or (ids is not None and not set(mains) <= set(ids)):
        errors["main_class_ids"] = MSG_CLASSES
    if scope == "classes" and ids is not None and not ids and "class_ids" not in errors:
        errors["class_ids"] = MSG_SCOPE_CLASSES
    if errors:
        s.rollback()
        return errors
    _drop_staff_classes(s, user.id, sc.school.id)
    for cid in ids:
        s.add(StaffClass(user_id=user.id, class_id=cid, is_main_teacher=cid in mains))
    user.staff_scope = scope
    user.updated_at = clock.now()
    audit.record(
        s, "staff_membership", m.id, "rights", sc.user,
        message=json.dumps({"scope": scope, "classes": ids, "main": mains}),
    )  # fmt: skip
    s.commit()
    return {}


# --- invitations --------------------------------------------------------------------------------


def _invitation_prefix(school_id: int) -> str:
    return json.dumps({"school_id": school_id})[:-1] + ","


def _invitations(s: Session, school_id: int) -> list[dict[str, Any]]:
    now = clock.now()
    rows = s.exec(
        select(OneTimeToken)
        .where(
            OneTimeToken.purpose == TokenPurpose.INVITATION,
            OneTimeToken.used_at.is_(None),
            OneTimeToken.expires_at > now,
            OneTimeToken.payload.startswith(_invitation_prefix(school_id), autoescape=True),
        )
        .order_by(OneTimeToken.created_at.desc())
    ).all()
    out = []
    for t in rows:
        p = tokens.payload_of(t)
        out.append(
            {
                "id": t.id,
                "email": t.target,
                "function": STAFF_FUNCTIONS.get(p.get("function"), ("", ""))[1],
                "created_at": _fmt_date(t.created_at),
                "expires_at": _fmt_date(t.expires_at),
            }
        )
    return out


def invite_staff(s: Session, actor: User | None, data: dict, school_id: Any = None) -> dict:
    """The head invites a staff member by mail: ``email`` (an address of the school's
    académie), ``function``, ``scope`` ("school"/"classes", default by function),
    ``class_ids``.  The mail carries a single-use link ``/invitation?token=…`` (14 days)
    to create the account (:func:`accept_invitation`).  A new invitation to the same
    address replaces the previous one.  Returns errors keyed by field ({} when sent)."""
    sc = _scope(s, actor, school_id, manage=True)
    if not isinstance(data, dict):
        return {"form": "Formulaire invalide."}
    errors: dict[str, str] = {}
    raw_email = _str(data, "email", 300)
    email = accounts.normalize_email(raw_email)
    if not raw_email:
        errors["email"] = "Indiquez l'adresse e-mail académique de la personne."
    elif email is None:
        errors["email"] = accounts.MSG_EMAIL_INVALID
    elif err := check_staff_email(sc.school, email):
        errors["email"] = err.replace("votre adresse", "son adresse").replace(
            "Utilisez", "Indiquez"
        )
    function = _str(data, "function", 40)
    if function not in STAFF_FUNCTIONS:
        errors["function"] = MSG_FUNCTION_OTHER
    staff_scope = _str(data, "scope", 10) or (STAFF_FUNCTIONS.get(function, ("", "", ""))[2])
    # No function chosen: its message alone (the scope follows from the function).
    if staff_scope not in SCOPE_LABELS and "function" not in errors:
        errors["scope"] = MSG_SCOPE
    ids = _id_list(data.get("class_ids"))
    if ids is None or (ids and _live_classes(s, sc.school.id, ids) != set(ids)):
        errors["class_ids"] = MSG_CLASSES
    elif staff_scope == "classes" and not ids:
        errors["class_ids"] = MSG_SCOPE_CLASSES
    if "email" not in errors and email:
        existing = s.exec(select(User).where(User.email == email)).first()
        if existing is not None:
            status = s.execute(
                sa.select(StaffMembership.status).where(
                    StaffMembership.user_id == existing.id,
                    StaffMembership.school_id == sc.school.id,
                )
            ).scalar_one_or_none()
            errors["email"] = {"active": MSG_INVITE_MEMBER, "pending": MSG_INVITE_PENDING}.get(
                status or "", MSG_INVITE_ACCOUNT
            )
    if errors:
        s.rollback()
        return errors
    now = clock.now()
    s.execute(  # a new invitation replaces the previous one to that address
        sa.update(OneTimeToken)
        .where(
            OneTimeToken.purpose == TokenPurpose.INVITATION,
            OneTimeToken.target == email,
            OneTimeToken.used_at.is_(None),
            OneTimeToken.payload.startswith(_invitation_prefix(sc.school.id), autoescape=True),
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    payload = {
        "school_id": sc.school.id,
        "email": email,
        "function": function,
        "scope": staff_scope,
        "class_ids": ids,
        "invited_by": sc.user.id,
    }
    raw = tokens.issue(
        s, TokenPurpose.INVITATION, target=email, payload=payload, ttl=INVITATION_TTL
    )
    url = f"{INVITATION_URL}?token={raw}"
    _mail(
        s, email, "school_invitation", f"school_invitation:{tokens.hash_token(raw)[:32]}", None,
        url=url, school_name=sc.school.name, inviter_name=sc.user.full_name,
        function_label=STAFF_FUNCTIONS[function][1],
    )  # fmt: skip
    audit.record(s, "school", sc.school.id, "invite", sc.user, message=f"{email} ({function})")
    s.commit()
    return {}


def cancel_invitation(s: Session, actor: User | None, invitation_id: Any) -> str:
    """The head withdraws an invitation not used yet."""
    tid = client_id(invitation_id)
    tok = s.get(OneTimeToken, tid) if tid is not None else None
    is_invitation = tok is not None and tok.purpose == TokenPurpose.INVITATION
    school_id = tokens.payload_of(tok).get("school_id") if is_invitation else None
    admin = actor is not None and actor.role == Role.ADMIN
    sc = _scope(s, actor, school_id if admin else None, manage=True)
    if not is_invitation or school_id != sc.school.id:
        raise PermissionDenied(MSG_DENIED)
    done = s.execute(
        sa.update(OneTimeToken)
        .where(OneTimeToken.id == tok.id, OneTimeToken.used_at.is_(None))
        .values(used_at=clock.now())
        .execution_options(synchronize_session=False)
    ).rowcount
    if done != 1:
        s.rollback()
        return MSG_INVITATION_DONE
    audit.record(s, "school", sc.school.id, "cancel_invitation", sc.user, message=tok.target)
    s.commit()
    return ""


def _live_invitation(s: Session, raw: Any) -> OneTimeToken | None:
    if not isinstance(raw, str) or not raw or len(raw) > 200:
        return None
    return s.exec(
        select(OneTimeToken).where(
            OneTimeToken.token_hash == tokens.hash_token(raw),
            OneTimeToken.purpose == TokenPurpose.INVITATION,
            OneTimeToken.used_at.is_(None),
            OneTimeToken.expires_at > clock.now(),
        )
    ).first()


def invitation_info(s: Session, raw_token: Any) -> dict[str, str] | None:
    """What the invitation page shows before the account is created (the token is not
    used up): ``{"school_name", "commune", "email", "function"}``, or None if invalid."""
    tok = _live_invitation(s, raw_token)
    if tok is None:
        return None
    p = tokens.payload_of(tok)
    school = s.get(School, p.get("school_id")) if client_id(p.get("school_id")) else None
    if school is None:
        return None
    return {
        "school_name": school.name,
        "commune": school.commune,
        "email": tok.target,
        "function": STAFF_FUNCTIONS.get(p.get("function"), ("", ""))[1],
    }


def accept_invitation(
    s: Session,
    token: Any,
    first_name: Any,
    last_name: Any,
    password: Any,
    *,
    accept_terms: bool = True,
) -> tuple[User | None, dict[str, str]]:
    """Open an invitation: the invitee chooses names and password and becomes an active
    member of the school (account active at once: the link proved the address).  Errors:
    ``first_name`` / ``last_name`` / ``password`` (the link stays usable) or ``token``."""
    errors: dict[str, str] = {}
    first = first_name.strip() if isinstance(first_name, str) else ""
    last = last_name.strip() if isinstance(last_name, str) else ""
    if not first:
        errors["first_name"] = accounts.MSG_FIRST_NAME_REQUIRED
    elif len(first) > 100:
        errors["first_name"] = accounts.MSG_NAME_TOO_LONG
    if not last:
        errors["last_name"] = accounts.MSG_LAST_NAME_REQUIRED
    elif len(last) > 100:
        errors["last_name"] = accounts.MSG_NAME_TOO_LONG
    pw = password if isinstance(password, str) else ""
    if err := passwords.password_error(pw, user_inputs=(first, last)):
        errors["password"] = err
    if not accept_terms:
        errors["accept_terms"] = accounts.MSG_TERMS_REQUIRED
    if _live_invitation(s, token) is None:
        return None, {"token": MSG_INVITATION_INVALID}
    if errors:
        return None, errors
    tok = tokens.consume(s, TokenPurpose.INVITATION, token)
    p = tokens.payload_of(tok) if tok is not None else {}
    school = s.get(School, p.get("school_id")) if client_id(p.get("school_id")) else None
    function = p.get("function")
    if tok is None or school is None or function not in STAFF_FUNCTIONS:
        s.rollback()
        return None, {"token": MSG_INVITATION_INVALID}
    role, label, _default = STAFF_FUNCTIONS[function]
    staff_scope = p.get("scope") if p.get("scope") in SCOPE_LABELS else "school"
    user, reg_errors = accounts.create_active_account(
        s, role=role, email=tok.target, password=pw, first_name=first, last_name=last,
        job_title=label, school_id=school.id, staff_scope=staff_scope,
    )  # fmt: skip
    if user is None:
        s.rollback()
        if "password" in reg_errors:
            return None, {"password": reg_errors["password"]}
        return None, {"token": MSG_INVITE_ACCOUNT}
    now = clock.now()
    user.terms_accepted_at = now
    user.privacy_accepted_at = now
    inviter = client_id(p.get("invited_by"))
    membership = StaffMembership(
        user_id=user.id, school_id=school.id, status="active", created_at=now, decided_at=now,
        invited_by_id=inviter if inviter and s.get(User, inviter) else None,
    )  # fmt: skip
    s.add(membership)
    s.flush()
    ids = _id_list(p.get("class_ids")) or []
    for cid in sorted(_live_classes(s, school.id, ids)):
        s.add(
            StaffClass(
                user_id=user.id, class_id=cid, is_main_teacher=role == Role.PROFESSEUR_PRINCIPAL
            )
        )
    audit.record(
        s, "staff_membership", membership.id, "invitation_accepted", user, to_state="active"
    )
    s.commit()
    return user, {}


# --- classes ----------------------------------------------------------------------------------


def _clean_class_name(raw: Any) -> tuple[str, str | None]:
    name = " ".join(raw.split()) if isinstance(raw, str) else ""
    if not name:
        return "", MSG_CLASS_NAME
    if len(name) > CLASS_NAME_MAX:
        return name, MSG_CLASS_NAME_LONG
    return name, None


def _class_level(raw: Any, name: str) -> tuple[str, str | None]:
    """The level chosen, or guessed from the name (« 3e A » → 3e); "" is allowed."""
    if raw is None or raw == "":
        low = fold(name)
        for prefix, level in (("3e", "3e"), ("4e", "4e"), ("2de", "2de_gt"), ("2nde", "2de_gt")):
            if low.startswith(prefix):
                return level, None
        return "", None
    if isinstance(raw, str) and raw in LEVEL_LABELS:
        return raw, None
    return "", MSG_CLASS_LEVEL


def _name_taken(s: Session, school_id: int, name: str, except_id: int | None = None) -> bool:
    stmt = sa.select(SchoolClass.id).where(
        SchoolClass.school_id == school_id,
        sa.func.lower(SchoolClass.name) == name.lower(),
    )
    if except_id is not None:
        stmt = stmt.where(SchoolClass.id != except_id)
    return s.execute(stmt).first() is not None


def classes(s: Session, actor: User | None, school_id: Any = None) -> list[dict[str, Any]]:
    """The classes the caller sees: ``[{"id", "name", "level", "level_label", "pupils",
    "authorized", "main_teachers", "has_own_weeks"}]`` (one GROUP BY query + one for the
    professeurs principaux)."""
    sc = _scope(s, actor, school_id)
    pupil_join = sa.and_(
        User.class_id == SchoolClass.id, User.role == Role.ELEVE, User.deleted_at.is_(None)
    )
    stmt = (
        sa.select(
            SchoolClass.id,
            SchoolClass.name,
            SchoolClass.level,
            sa.func.count(User.id).label("pupils"),
            sa.func.count(User.parental_authorization_at).label("authorized"),
        )
        .outerjoin(User, pupil_join)
        .where(SchoolClass.school_id == sc.school.id, SchoolClass.deleted_at.is_(None))
        .group_by(SchoolClass.id, SchoolClass.name, SchoolClass.level)
        .order_by(SchoolClass.name)
    )
    if sc.class_ids is not None:
        stmt = stmt.where(SchoolClass.id.in_(sorted(sc.class_ids) or [-1]))
    rows = s.execute(stmt).all()
    ids = [r.id for r in rows]
    mains: dict[int, list[str]] = {}
    own_weeks: set[int] = set()
    if ids:
        for cid, first, last in s.execute(
            sa.select(StaffClass.class_id, User.first_name, User.last_name)
            .join(User, User.id == StaffClass.user_id)
            .join(
                StaffMembership,
                sa.and_(
                    StaffMembership.user_id == User.id,
                    StaffMembership.school_id == sc.school.id,
                    StaffMembership.status == "active",
                ),
            )
            .where(StaffClass.class_id.in_(ids), StaffClass.is_main_teacher.is_(True))
            .order_by(User.last_name)
        ):
            mains.setdefault(cid, []).append(_name(first, last))
        own_weeks = set(
            s.execute(
                sa.select(SchoolWeek.class_id)
                .where(SchoolWeek.class_id.in_(ids), SchoolWeek.school_id == sc.school.id)
                .distinct()
            ).scalars()
        )
    return [
        {
            "id": r.id,
            "name": r.name,
            "level": r.level,
            "level_label": LEVEL_LABELS.get(r.level, ""),
            "pupils": int(r.pupils or 0),
            "authorized": int(r.authorized or 0),
            "main_teachers": mains.get(r.id, []),
            "has_own_weeks": r.id in own_weeks,
        }
        for r in rows
    ]


def create_class(
    s: Session, actor: User | None, name: Any, level: Any = "", school_id: Any = None
) -> tuple[int | None, dict[str, str]]:
    """The head creates a class: ``(id, {})`` or ``(None, {"name"|"level": error})``."""
    sc = _scope(s, actor, school_id, manage=True)
    clean, err = _clean_class_name(name)
    errors: dict[str, str] = {}
    if err:
        errors["name"] = err
    elif _name_taken(s, sc.school.id, clean):
        errors["name"] = MSG_CLASS_NAME_TAKEN
    lvl, lerr = _class_level(level, clean)
    if lerr:
        errors["level"] = lerr
    if errors:
        s.rollback()
        return None, errors
    row = SchoolClass(school_id=sc.school.id, name=clean, level=lvl, created_at=clock.now())
    s.add(row)
    try:
        s.flush()
    except sa.exc.IntegrityError:
        s.rollback()
        return None, {"name": MSG_CLASS_NAME_TAKEN}
    audit.record(s, "school_class", row.id, "create", sc.user, message=clean)
    class_id = row.id
    s.commit()
    return class_id, {}


def rename_class(
    s: Session, actor: User | None, class_id: Any, name: Any, level: Any = None
) -> dict[str, str]:
    """The head renames a class (and changes its level when ``level`` is given)."""
    sc = _scope_for_class(s, actor, class_id, manage=True)
    row = _class(s, sc, class_id)
    clean, err = _clean_class_name(name)
    errors: dict[str, str] = {}
    if err:
        errors["name"] = err
    elif _name_taken(s, sc.school.id, clean, except_id=row.id):
        errors["name"] = MSG_CLASS_NAME_TAKEN
    lvl = row.level
    if level is not None:
        lvl, lerr = _class_level(level, clean)
        if lerr:
            errors["level"] = lerr
    if errors:
        s.rollback()
        return errors
    old = row.name
    row.name, row.level = clean, lvl
    try:
        s.flush()
    except sa.exc.IntegrityError:
        s.rollback()
        return {"name": MSG_CLASS_NAME_TAKEN}
    audit.record(s, "school_class", row.id, "rename", sc.user, message=f"{old} → {clean}")
    s.commit()
    return {}


def delete_class(s: Session, actor: User | None, class_id: Any) -> str:
    """The head deletes an *empty* class (soft delete; its staff rights and own weeks go,
    its applications keep it for history).  A class with pupils is refused: move them."""
    sc = _scope_for_class(s, actor, class_id, manage=True)
    row = _class(s, sc, class_id)
    pupils = s.execute(
        sa.select(sa.func.count(User.id)).where(
            User.class_id == row.id, User.role == Role.ELEVE, User.deleted_at.is_(None)
        )
    ).scalar_one()
    if pupils:
        return MSG_CLASS_NOT_EMPTY.format(n=pupils)
    suffix = f" (supprimée n° {row.id})"
    old = row.name
    row.name = row.name[: CLASS_NAME_MAX - len(suffix)] + suffix
    row.deleted_at = clock.now()
    s.execute(sa.delete(StaffClass).where(StaffClass.class_id == row.id))
    s.execute(sa.delete(SchoolWeek).where(SchoolWeek.class_id == row.id))
    audit.record(s, "school_class", row.id, "delete", sc.user, message=old)
    s.commit()
    return ""


def _scope_for_class(s: Session, actor: User | None, class_id: Any, *, manage: bool) -> Scope:
    """The caller's scope; admins act on the class's own school."""
    if actor is not None and actor.role == Role.ADMIN:
        cid = client_id(class_id)
        row = s.get(SchoolClass, cid) if cid is not None else None
        return _scope(s, actor, row.school_id if row else None, manage=manage)
    return _scope(s, actor, manage=manage)


def _scope_for_pupil(s: Session, actor: User | None, pupil_id: Any) -> Scope:
    if actor is not None and actor.role == Role.ADMIN:
        pid = client_id(pupil_id)
        row = s.get(User, pid) if pid is not None else None
        return _scope(s, actor, row.school_id if row else None)
    return _scope(s, actor)


def move_pupil(s: Session, actor: User | None, pupil_id: Any, class_id: Any) -> str:
    """Move a pupil to another class of the school (staff who see both classes; only
    whole-school staff may take a pupil out of every class with ``class_id`` None/0)."""
    sc = _scope_for_pupil(s, actor, pupil_id)
    pupil = _pupil(s, sc, pupil_id)
    if class_id in (None, "", 0, "0"):
        if sc.class_ids is not None:
            raise PermissionDenied(MSG_DENIED)
        target_id = None
    else:
        target_id = _class(s, sc, class_id).id
    if pupil.class_id == target_id:
        return MSG_MOVE_SAME
    old = pupil.class_id
    pupil.class_id = target_id
    pupil.updated_at = clock.now()
    audit.record(
        s, "user", pupil.id, "move_class", sc.user, from_state=str(old or ""),
        to_state=str(target_id or ""),
    )  # fmt: skip
    s.commit()
    return ""


# --- internship weeks ----------------------------------------------------------------------------


def school_weeks(
    s: Session, actor: User | None, *, year: Any = None, school_id: Any = None
) -> dict[str, Any]:
    """The week calendar of the school year (``year`` None → the active one): every
    Monday of the year, the school's weeks and each visible class's own weeks (ISO dates),
    and whether the caller may change them (the head)."""
    sc = _scope(s, actor, school_id)
    y = _school_year(year, for_edit=False)
    if y is None:
        raise PermissionDenied(MSG_YEAR)
    rows = s.execute(
        sa.select(SchoolWeek.class_id, SchoolWeek.week_start)
        .where(SchoolWeek.school_id == sc.school.id, SchoolWeek.school_year == y)
        .order_by(SchoolWeek.week_start)
    ).all()
    school_list = [w.isoformat() for c, w in rows if c is None]
    by_class: dict[int, list[str]] = {}
    for c, w in rows:
        if c is not None and sc.sees_class(c):
            by_class.setdefault(c, []).append(w.isoformat())
    today = clock.today_paris()
    calendar = [
        {
            "value": m.isoformat(),
            "label": weeks.week_label(m),
            "month": f"{weeks.MONTHS[m.month - 1]} {m.year}",
            "past": m + timedelta(days=4) < today,
        }
        for m in weeks.weeks_of_school_year(y)
    ]
    active = weeks.active_school_year()
    return {
        "year": y,
        "year_label": weeks.school_year_label(y),
        "years": [{"value": v, "label": weeks.school_year_label(v)} for v in (active, active + 1)],
        "calendar": calendar,
        "school": school_list,
        "classes": [
            {"id": c["id"], "name": c["name"], "weeks": by_class.get(c["id"], [])}
            for c in classes(s, actor, sc.school.id if actor.role == Role.ADMIN else None)
        ],
        "can_edit": sc.manage,
    }


def set_weeks(
    s: Session,
    actor: User | None,
    week_values: Any,
    *,
    class_id: Any = None,
    year: Any = None,
    school_id: Any = None,
) -> dict[str, str]:
    """The head sets the internship weeks of the school (``class_id`` None) or of one class
    (an empty list: the class follows the school's weeks again) for a school year (the
    active one or the next).  ``week_values``: ISO dates (any weekday of the week) or ISO
    weeks.  Errors keyed ``weeks`` (or ``year``); the list replaces the previous one."""
    sc = _scope(s, actor, school_id, manage=True)
    target = _class(s, sc, class_id).id if class_id not in (None, "", 0, "0") else None
    y = _school_year(year, for_edit=True)
    if y is None:
        return {"year": MSG_YEAR}
    if isinstance(week_values, str):
        week_values = [v for v in week_values.replace(";", ",").split(",") if v.strip()]
    if not isinstance(week_values, list | tuple | set | frozenset):
        return {"weeks": MSG_WEEK_INVALID}
    values = list(week_values)
    if len(values) > MAX_WEEKS:
        return {"weeks": MSG_TOO_MANY_WEEKS.format(n=MAX_WEEKS)}
    allowed = set(weeks.weeks_of_school_year(y))
    chosen: set[date] = set()
    for value in values:
        d = weeks.parse_date(value) if isinstance(value, str | date) else None
        if d is None and isinstance(value, str):
            d = weeks.parse_week(value)
        if d is None:
            return {"weeks": MSG_WEEK_INVALID}
        if d.weekday() >= 5:
            return {"weeks": MSG_WEEK_WEEKEND.format(label=weeks.date_label(d))}
        monday = clock.monday_of(d)
        if monday not in allowed:
            return {
                "weeks": MSG_WEEK_OUTSIDE.format(
                    label=weeks.date_label(monday), year=weeks.school_year_label(y)
                )
            }
        chosen.add(monday)
    s.execute(
        sa.delete(SchoolWeek).where(
            SchoolWeek.school_id == sc.school.id,
            SchoolWeek.school_year == y,
            SchoolWeek.class_id.is_(None) if target is None else SchoolWeek.class_id == target,
        )
    )
    for monday in sorted(chosen):
        s.add(SchoolWeek(school_id=sc.school.id, class_id=target, week_start=monday, school_year=y))
    audit.record(
        s, "school", sc.school.id, "weeks", sc.user,
        message=json.dumps(
            {"class_id": target, "year": y, "weeks": [m.isoformat() for m in sorted(chosen)]}
        ),
    )  # fmt: skip
    s.commit()
    return {}


# --- settings -------------------------------------------------------------------------------------


def school_settings(s: Session, actor: User | None, school_id: Any = None) -> dict[str, Any]:
    """The school's settings as form values (every member reads them; the head edits)."""
    sc = _scope(s, actor, school_id)
    sch = sc.school
    return {
        "school_id": sch.id,
        "name": sch.name,
        "uai": sch.uai,
        "commune": sch.commune,
        "official_email": sch.email or official_mailbox(sch),
        "search_scope": sch.search_scope if sch.search_scope in SEARCH_SCOPES else "radius",
        "search_radius_km": sch.search_radius_km,
        "validation_required": bool(sch.validation_required),
        "referent_email": sch.referent_email,
        "can_edit": sc.manage,
    }


def update_settings(
    s: Session, actor: User | None, data: dict, school_id: Any = None
) -> dict[str, str]:
    """The head's settings: ``search_scope`` ("radius"/"national"), ``search_radius_km``
    (1–60, when radius), ``validation_required`` (applications validated by the school
    before they reach employers), ``referent_email`` (optional: who receives the
    validation requests, else the school's mailbox)."""
    sc = _scope(s, actor, school_id, manage=True)
    if not isinstance(data, dict):
        return {"form": "Formulaire invalide."}
    errors: dict[str, str] = {}
    scope = _str(data, "search_scope", 20)
    if scope not in SEARCH_SCOPES:
        errors["search_scope"] = MSG_SEARCH_SCOPE
    radius = sc.school.search_radius_km
    raw_radius = _str(data, "search_radius_km", 10)
    if scope == "radius" or raw_radius:
        try:
            radius = int(raw_radius)
        except ValueError:
            radius = 0
        if not 1 <= radius <= MAX_RADIUS_KM:
            errors["search_radius_km"] = MSG_RADIUS
    raw_ref = _str(data, "referent_email", 300)
    referent = accounts.normalize_email(raw_ref) if raw_ref else ""
    if referent is None:
        errors["referent_email"] = accounts.MSG_EMAIL_INVALID
    if errors:
        s.rollback()
        return errors
    sch = sc.school
    before = {
        "search_scope": sch.search_scope,
        "search_radius_km": sch.search_radius_km,
        "validation_required": sch.validation_required,
        "referent_email": sch.referent_email,
    }
    sch.search_scope = scope
    sch.search_radius_km = radius
    sch.validation_required = _bool(data, "validation_required")
    sch.referent_email = referent
    sch.updated_at = clock.now()
    after = {
        "search_scope": scope,
        "search_radius_km": radius,
        "validation_required": sch.validation_required,
        "referent_email": referent,
    }
    audit.record(
        s, "school", sch.id, "settings", sc.user,
        message=json.dumps({"before": before, "after": after}, ensure_ascii=False),
    )  # fmt: skip
    s.commit()
    return {}


# --- parents' authorization -------------------------------------------------------------------


def _auth_datetime(raw: Any) -> tuple[datetime | None, str | None]:
    """The authorization date (``2026-10-05`` or ``05/10/2026``; "" → today) stored as noon,
    Paris time; an error for a future date or one before the previous school year."""
    today = clock.today_paris()
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        d = today
    elif isinstance(raw, date) and not isinstance(raw, datetime):
        d = raw
    elif isinstance(raw, str):
        text = raw.strip()
        d = weeks.parse_date(text)
        if d is None:
            m = re.match(r"^(\d{1,2})/(\d{1,2})/(\d{4})$", text)
            if m:
                try:
                    d = date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
                except ValueError:
                    d = None
        if d is None:
            return None, MSG_AUTH_DATE
    else:
        return None, MSG_AUTH_DATE
    if d > today:
        return None, MSG_AUTH_FUTURE
    if d < date(weeks.school_year_of(today) - 1, 9, 1):
        return None, MSG_AUTH_OLD
    local = datetime(d.year, d.month, d.day, 12, 0, tzinfo=clock.PARIS)
    return local.astimezone(UTC), None


def record_authorization(
    s: Session, actor: User | None, pupil_id: Any, on: Any = ""
) -> dict[str, str]:
    """Record the parents' authorization of one pupil (date ``on``, default today): the
    pupil may apply from now on.  Errors keyed ``date``."""
    sc = _scope_for_pupil(s, actor, pupil_id)
    pupil = _pupil(s, sc, pupil_id)
    when, err = _auth_datetime(on)
    if err:
        return {"date": err}
    pupil.parental_authorization_at = when
    pupil.parental_authorization_by_id = sc.user.id
    pupil.updated_at = clock.now()
    audit.record(
        s, "user", pupil.id, "parental_authorization", sc.user, message=when.date().isoformat()
    )
    s.commit()
    return {}


def record_class_authorizations(
    s: Session, actor: User | None, class_id: Any, on: Any = ""
) -> tuple[int, dict[str, str]]:
    """Every pupil of the class without an authorization gets one (one UPDATE), e.g.
    after collecting the signed forms: ``(number of pupils changed, errors)``."""
    sc = _scope_for_class(s, actor, class_id, manage=False)
    row = _class(s, sc, class_id)
    when, err = _auth_datetime(on)
    if err:
        return 0, {"date": err}
    count = s.execute(
        sa.update(User)
        .where(
            User.class_id == row.id,
            User.school_id == sc.school.id,
            User.role == Role.ELEVE,
            User.deleted_at.is_(None),
            User.parental_authorization_at.is_(None),
        )
        .values(
            parental_authorization_at=when,
            parental_authorization_by_id=sc.user.id,
            updated_at=clock.now(),
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    audit.record(
        s, "school_class", row.id, "parental_authorizations", sc.user,
        message=f"{count} élève(s), {when.date().isoformat()}",
    )  # fmt: skip
    s.commit()
    return int(count or 0), {}


def undo_authorization(s: Session, actor: User | None, pupil_id: Any) -> str:
    """Remove a pupil's recorded authorization (recorded by mistake): applying is closed
    again (applications already sent stay as they are)."""
    sc = _scope_for_pupil(s, actor, pupil_id)
    pupil = _pupil(s, sc, pupil_id)
    if pupil.parental_authorization_at is None:
        return MSG_AUTH_NONE
    pupil.parental_authorization_at = None
    pupil.parental_authorization_by_id = None
    pupil.updated_at = clock.now()
    audit.record(s, "user", pupil.id, "parental_authorization_undo", sc.user)
    s.commit()
    return ""


def authorization_sheet(s: Session, actor: User | None, class_id: Any) -> dict[str, Any]:
    """The printable parental authorization form of a class, one per pupil: the school,
    the class, the school year, the pupils' names and the text to sign."""
    sc = _scope_for_class(s, actor, class_id, manage=False)
    row = _class(s, sc, class_id)
    pupils = s.execute(
        sa.select(User.id, User.first_name, User.last_name, User.parental_authorization_at)
        .where(User.class_id == row.id, *sc.pupil_conditions())
        .order_by(User.last_name, User.first_name, User.id)
    ).all()
    year = weeks.school_year_label(weeks.active_school_year())
    school_name = f"{sc.school.name} ({sc.school.commune})" if sc.school.commune else sc.school.name
    return {
        "title": "Autorisation parentale — stage d'observation",
        "school_name": school_name,
        "class_name": row.name,
        "year_label": year,
        "paragraphs": [
            "Je soussigné(e) ……………………………………………, représentant(e) légal(e) de l'élève "
            "{pupil}, en classe de " + row.name + " au " + school_name + ", autorise mon "
            "enfant à utiliser la plateforme MyStage pour chercher un stage d'observation et "
            f"envoyer ses candidatures pendant l'année scolaire {year}.",
            "Mon enfant pourra créer un compte avec une adresse e-mail ou un numéro de "
            "téléphone portable, consulter les offres, postuler et recevoir les réponses des "
            "employeurs. Ses candidatures sont suivies par son professeur principal et "
            "l'établissement.",
            "Fait à ……………………………, le ……………………………",
            "Signature du représentant légal :",
        ],
        "pupils": [
            {
                "id": p.id,
                "name": _name(p.first_name, p.last_name),
                "authorized": p.parental_authorization_at is not None,
            }
            for p in pupils
        ],
    }


# --- tracking tables ------------------------------------------------------------------------------

# The best state a pupil reached (higher is further); ties impossible.
STATE_RANK: dict[str, int] = {
    A.CANCELLED_BY_PUPIL: 1,
    A.WITHDRAWN: 2,
    A.CANCELLED_BY_EMPLOYER: 3,
    A.REFUSED_BY_SCHOOL: 4,
    A.EXPIRED: 5,
    A.REFUSED: 6,
    A.EXPIRED_BY_PUPIL: 7,
    A.PLACE_UNAVAILABLE: 8,
    A.SUBMITTED: 9,
    A.AWAITING_SCHOOL: 10,
    A.SENT: 11,
    A.READ: 12,
    A.UNDER_REVIEW: 13,
    A.ACCEPTED: 14,
    A.CONFIRMED: 15,
}
_RANK_STATE = {v: k for k, v in STATE_RANK.items()}
STAGES = {
    "confirme": ("Stage confirmé", "green"),
    "accepte": ("Acceptée, à confirmer", "blue"),
    "en_attente": ("En attente de réponse", "orange"),
    "sans_suite": ("Sans suite", "red"),
    "sans_candidature": ("Aucune candidature", "gray"),
}
CLASS_FILTERS = {
    "": "Tous les élèves",
    "sans_candidature": "Sans candidature",
    "en_attente": "En attente",
    "confirme": "Confirmé",
    "sans_autorisation": "Sans autorisation parentale",
}
CLASS_SORTS = ("name", "authorization", "applications", "state", "last_activity")
CLOSED_STATES = frozenset(AppState) - PENDING_STATES - {A.ACCEPTED, A.CONFIRMED}


def stage_of(state: str | None) -> str:
    """The plain-words group of a state: confirme, accepte, en_attente, sans_suite."""
    if not state:
        return "sans_candidature"
    if state == A.CONFIRMED:
        return "confirme"
    if state == A.ACCEPTED:
        return "accepte"
    if state in PENDING_STATES:
        return "en_attente"
    return "sans_suite"


def state_colour(state: str | None) -> str:
    return STAGES[stage_of(state)][1]


def _rank_expr():
    return sa.case(*[(Application.state == st, rank) for st, rank in STATE_RANK.items()], else_=0)


def _pupil_stats(year: int, pupils_subq) -> Any:
    """Per pupil, their applications of the school year: count, best state rank, pending
    count, a confirmed application id, last change, signed convention flag."""
    pending = sa.case((Application.state.in_(sorted(PENDING_STATES)), 1), else_=0)
    signed = (
        sa.select(Convention.id)
        .where(
            Convention.application_id == Application.id,
            Convention.state == ConventionState.SIGNED,
        )
        .exists()
    )
    return (
        sa.select(
            Application.pupil_id.label("pupil_id"),
            sa.func.count(Application.id).label("n_apps"),
            sa.func.max(_rank_expr()).label("best"),
            sa.func.sum(pending).label("n_pending"),
            sa.func.max(sa.case((Application.state == A.CONFIRMED, Application.id))).label(
                "confirmed_id"
            ),
            sa.func.max(sa.func.coalesce(Application.updated_at, Application.created_at)).label(
                "last_change"
            ),
            sa.func.max(sa.case((signed, 1), else_=0)).label("signed"),
        )
        .where(Application.school_year == year, Application.pupil_id.in_(pupils_subq))
        .group_by(Application.pupil_id)
        .subquery("stats")
    )


def school_table(
    s: Session, actor: User | None, *, school_id: Any = None, year: Any = None
) -> dict[str, Any]:
    """One row per class the caller sees (+ « Sans classe » for whole-school staff when
    some pupils have none): ``{"id", "name", "level", "pupils", "authorized",
    "no_application", "applied", "accepted" (≥1 application accepted, confirmed or not),
    "confirmed", "convention_signed", "progress" (confirmed / pupils, 0..1),
    "progress_percent"}`` and the ``total`` row.  Two aggregate queries."""
    sc = _scope(s, actor, school_id)
    y = _school_year(year, for_edit=False)
    if y is None:
        raise PermissionDenied(MSG_YEAR)
    pupils = sa.select(User.id).where(*sc.pupil_conditions())
    st = _pupil_stats(y, pupils)
    n = sa.func.coalesce(st.c.n_apps, 0)
    stmt = (
        sa.select(
            User.class_id,
            sa.func.count(User.id).label("pupils"),
            sa.func.count(User.parental_authorization_at).label("authorized"),
            sa.func.sum(sa.case((n == 0, 1), else_=0)).label("no_application"),
            sa.func.sum(sa.case((n > 0, 1), else_=0)).label("applied"),
            sa.func.sum(sa.case((st.c.best >= STATE_RANK[A.ACCEPTED], 1), else_=0)).label(
                "accepted"
            ),
            sa.func.sum(sa.case((st.c.confirmed_id.is_not(None), 1), else_=0)).label("confirmed"),
            sa.func.sum(sa.func.coalesce(st.c.signed, 0)).label("convention_signed"),
        )
        .select_from(User)
        .outerjoin(st, st.c.pupil_id == User.id)
        .where(*sc.pupil_conditions())
        .group_by(User.class_id)
    )
    counts = {r.class_id: r for r in s.execute(stmt)}
    class_rows = classes(s, actor, sc.school.id if actor.role == Role.ADMIN else None)
    keys = ("pupils", "authorized", "no_application", "applied", "accepted", "confirmed")
    keys = (*keys, "convention_signed")

    def row(cid, name, level):
        r = counts.get(cid)
        item = {"id": cid or NO_CLASS, "name": name, "level": LEVEL_LABELS.get(level, "")}
        for k in keys:
            item[k] = int(getattr(r, k) or 0) if r is not None else 0
        item["progress"] = item["confirmed"] / item["pupils"] if item["pupils"] else 0.0
        item["progress_percent"] = round(item["progress"] * 100)
        return item

    rows = [row(c["id"], c["name"], c["level"]) for c in class_rows]
    if sc.class_ids is None and None in counts:
        rows.append(row(None, "Sans classe", ""))
    total = {"id": -1, "name": "Total", "level": ""}
    for k in keys:
        total[k] = sum(r[k] for r in rows)
    total["progress"] = total["confirmed"] / total["pupils"] if total["pupils"] else 0.0
    total["progress_percent"] = round(total["progress"] * 100)
    return {
        "school_name": sc.school.name,
        "year_label": weeks.school_year_label(y),
        "rows": rows,
        "total": total,
    }


def _class_query(sc: Scope, class_id: int | None, y: int, filter_: str, sort: str, desc: bool):
    conds = list(sc.pupil_conditions())
    conds.append(User.class_id.is_(None) if class_id is None else User.class_id == class_id)
    pupils = sa.select(User.id).where(*conds)
    st = _pupil_stats(y, pupils)
    conf = sa.orm.aliased(Application)
    n = sa.func.coalesce(st.c.n_apps, 0)
    last = sa.func.coalesce(st.c.last_change, User.last_login_at)
    stmt = (
        sa.select(
            User.id,
            User.first_name,
            User.last_name,
            User.email,
            User.parental_authorization_at,
            n.label("n_apps"),
            st.c.best,
            sa.func.coalesce(st.c.n_pending, 0).label("n_pending"),
            sa.func.coalesce(st.c.signed, 0).label("signed"),
            last.label("last_activity"),
            conf.week_start,
            Offer.id.label("offer_id"),
            Offer.title,
            Offer.employer_name,
            Offer.city,
        )
        .select_from(User)
        .outerjoin(st, st.c.pupil_id == User.id)
        .outerjoin(conf, conf.id == st.c.confirmed_id)
        .outerjoin(Offer, Offer.id == conf.offer_id)
        .where(*conds)
    )
    if filter_ == "sans_candidature":
        stmt = stmt.where(n == 0)
    elif filter_ == "en_attente":
        stmt = stmt.where(sa.func.coalesce(st.c.n_pending, 0) > 0, st.c.confirmed_id.is_(None))
    elif filter_ == "confirme":
        stmt = stmt.where(st.c.confirmed_id.is_not(None))
    elif filter_ == "sans_autorisation":
        stmt = stmt.where(User.parental_authorization_at.is_(None))
    name_order = [sa.func.lower(User.last_name), sa.func.lower(User.first_name), User.id]
    key = {
        "authorization": sa.case((User.parental_authorization_at.is_(None), 0), else_=1),
        "applications": n,
        "state": sa.func.coalesce(st.c.best, 0),
        "last_activity": sa.case((last.is_(None), 0), else_=1),
    }.get(sort)
    if key is None:
        order = [o.desc() if desc else o for o in name_order[:2]] + [User.id]
    elif sort == "last_activity":
        order = [key.desc() if desc else key, last.desc() if desc else last, *name_order]
    else:
        order = [key.desc() if desc else key, *name_order]
    return stmt.order_by(*order)


def _class_rows(
    s: Session, actor: User | None, class_id: Any, filter_: Any, sort: Any, descending: Any, year
) -> tuple[Scope, dict[str, Any], int, list[Any]]:
    sc = _scope_for_class(s, actor, class_id, manage=False)
    if class_id in (None, "", 0, "0"):
        if sc.class_ids is not None:
            raise PermissionDenied(MSG_DENIED)
        cls = {"id": NO_CLASS, "name": "Sans classe", "level": ""}
        cid = None
    else:
        row = _class(s, sc, class_id)
        cls = {"id": row.id, "name": row.name, "level": LEVEL_LABELS.get(row.level, "")}
        cid = row.id
    y = _school_year(year, for_edit=False)
    if y is None:
        raise PermissionDenied(MSG_YEAR)
    f = filter_ if isinstance(filter_, str) and filter_ in CLASS_FILTERS else ""
    srt = sort if isinstance(sort, str) and sort in CLASS_SORTS else "name"
    rows = s.execute(_class_query(sc, cid, y, f, srt, descending is True)).all()
    return sc, cls, y, rows


def _pupil_row(r: Any) -> dict[str, Any]:
    state = _RANK_STATE.get(r.best or 0, "") if r.n_apps else ""
    stage = stage_of(state)
    return {
        "id": r.id,
        "name": _name(r.last_name.upper() if r.last_name else "", r.first_name),
        "first_name": r.first_name,
        "last_name": r.last_name,
        "authorized": r.parental_authorization_at is not None,
        "authorized_on": _fmt_date(r.parental_authorization_at),
        "applications": int(r.n_apps or 0),
        "pending": int(r.n_pending or 0),
        "state": state,
        "state_label": APP_STATE_LABELS.get(state, STAGES["sans_candidature"][0]),
        "stage": stage,
        "stage_label": STAGES[stage][0],
        "colour": STAGES[stage][1],
        "offer_id": r.offer_id or 0,
        "offer_title": r.title or "",
        "employer_name": r.employer_name or "",
        "offer_city": r.city or "",
        "week_label": weeks.week_label(r.week_start) if r.week_start else "",
        "convention_signed": bool(r.signed),
        "last_activity": _fmt_date(r.last_activity),
        "last_activity_iso": clock.as_utc(r.last_activity).isoformat() if r.last_activity else "",
    }


def class_table(
    s: Session,
    actor: User | None,
    class_id: Any,
    *,
    filter: Any = "",  # noqa: A002 - the UI's word
    sort: Any = "name",
    descending: Any = False,
    year: Any = None,
) -> dict[str, Any]:
    """One row per pupil of the class (``class_id`` 0/None: pupils without a class, for
    whole-school staff): authorization, number of applications, best state reached (label
    and colour), confirmed offer with structure and week, last activity.  ``filter`` in
    :data:`CLASS_FILTERS` (sans_candidature, en_attente, confirme, sans_autorisation),
    ``sort`` in :data:`CLASS_SORTS`.  One query."""
    sc, cls, y, rows = _class_rows(s, actor, class_id, filter, sort, descending, year)
    out = [_pupil_row(r) for r in rows]
    return {
        "class": cls,
        "school_name": sc.school.name,
        "year_label": weeks.school_year_label(y),
        "rows": out,
        "filters": [{"value": k, "label": v} for k, v in CLASS_FILTERS.items()],
        "can_manage": sc.manage,
    }


def pupil_applications(s: Session, actor: User | None, pupil_id: Any) -> dict[str, Any]:
    """A pupil's applications for the staff (read-only), with the actions the caller may
    take on each (the school's validation when it is awaited and allowed)."""
    sc = _scope_for_pupil(s, actor, pupil_id)
    pupil = _pupil(s, sc, pupil_id)
    class_name = ""
    if pupil.class_id:
        class_name = (
            s.execute(
                sa.select(SchoolClass.name).where(SchoolClass.id == pupil.class_id)
            ).scalar_one_or_none()
            or ""
        )
    rows = s.execute(
        sa.select(Application, Offer.title, Offer.employer_name, Offer.city)
        .join(Offer, Offer.id == Application.offer_id)
        .where(Application.pupil_id == pupil.id)
        .order_by(Application.week_start.desc(), Application.id.desc())
    ).all()
    apps = []
    for app, title, employer, city in rows:
        allowed = permissions.can_validate_application(sc.user, app, s=s)
        actions = actions_for(app.state, "school") if allowed else []
        apps.append(
            {
                "id": app.id,
                "offer_id": app.offer_id,
                "offer_title": title,
                "employer_name": employer,
                "city": city,
                "week_label": weeks.week_label(app.week_start),
                "state": app.state,
                "state_label": APP_STATE_LABELS.get(app.state, app.state),
                "stage": stage_of(app.state),
                "colour": state_colour(app.state),
                "submitted_on": _fmt_date(app.submitted_at or app.created_at),
                "updated_on": _fmt_date(app.updated_at),
                "referent_email": app.referent_email,
                "school_message": app.school_message,
                "employer_message": app.accept_message or app.refuse_message or "",
                "actions": [{"action": a, "label": ACTION_LABELS.get(a, a)} for a in actions],
            }
        )
    return {
        "pupil": {
            "id": pupil.id,
            "name": pupil.full_name,
            "email": pupil.email or "",
            "class_id": pupil.class_id or NO_CLASS,
            "class_name": class_name,
            "level": LEVEL_LABELS.get(pupil.level, pupil.level),
            "authorized": pupil.parental_authorization_at is not None,
            "authorized_on": _fmt_date(pupil.parental_authorization_at),
        },
        "applications": apps,
    }


# --- dashboard tabs (seed 000) ------------------------------------------------------------------

TABS = {
    "en_attente": "Candidatures en attente",
    "a_valider": "À valider par l'établissement",
    "traitees": "Candidatures traitées",
    "referents": "Candidatures des référents",
}
_TAB_STATES = {
    "en_attente": sorted(PENDING_STATES | {A.ACCEPTED}),
    "a_valider": [A.AWAITING_SCHOOL],
    "traitees": sorted(CLOSED_STATES | {A.CONFIRMED}),
    "referents": None,
}


def _tab_base(sc: Scope, y: int):
    conds = [Application.school_id == sc.school.id, Application.school_year == y]
    if sc.class_ids is not None:
        conds.append(User.class_id.in_(sorted(sc.class_ids) or [-1]))
    return conds


def application_tabs(
    s: Session,
    actor: User | None,
    tab: Any = "en_attente",
    *,
    page: Any = 1,
    per_page: int = 50,
    year: Any = None,
    school_id: Any = None,
) -> dict[str, Any]:
    """The school dashboard's application lists: « Candidatures en attente » (waiting for
    the school, the employer or the pupil's confirmation), « À valider » (awaiting the
    school), « Candidatures traitées » (confirmed = acceptée, or closed = fermée) and
    « Candidatures des référents » (every application by référent address, with a
    summary per référent).  ``{"tab", "counts": {tab: n}, "rows", "total", "page",
    "pages", "referents"}``; restricted teachers see only their classes."""
    sc = _scope(s, actor, school_id)
    y = _school_year(year, for_edit=False)
    if y is None:
        raise PermissionDenied(MSG_YEAR)
    t = tab if isinstance(tab, str) and tab in TABS else "en_attente"
    p = client_id(page) or 1
    per = max(1, min(int(per_page) if isinstance(per_page, int) else 50, 200))
    base = _tab_base(sc, y)
    joined = sa.select(Application.state, sa.func.count(Application.id)).join(
        User, User.id == Application.pupil_id
    )
    by_state = dict(s.execute(joined.where(*base).group_by(Application.state)).all())
    counts = {
        k: sum(int(by_state.get(st, 0)) for st in (states or by_state.keys()))
        for k, states in _TAB_STATES.items()
    }
    conds = list(base)
    if _TAB_STATES[t] is not None:
        conds.append(Application.state.in_(_TAB_STATES[t]))
    total = counts[t]
    pages = max(1, -(-total // per))
    p = min(p, pages)
    order = (
        [Application.referent_email, Application.submitted_at.desc(), Application.id.desc()]
        if t == "referents"
        else [sa.func.coalesce(Application.updated_at, Application.created_at).desc(),
              Application.id.desc()]
    )  # fmt: skip
    rows = s.execute(
        sa.select(
            Application.id,
            Application.state,
            Application.week_start,
            Application.referent_email,
            Application.submitted_at,
            Application.created_at,
            Application.updated_at,
            Offer.title,
            Offer.employer_name,
            Offer.city,
            User.id.label("pupil_id"),
            User.first_name,
            User.last_name,
            SchoolClass.name.label("class_name"),
        )
        .join(Offer, Offer.id == Application.offer_id)
        .join(User, User.id == Application.pupil_id)
        .outerjoin(SchoolClass, SchoolClass.id == User.class_id)
        .where(*conds)
        .order_by(*order)
        .limit(per)
        .offset((p - 1) * per)
    ).all()
    out = []
    for r in rows:
        stage = stage_of(r.state)
        closed = r.state in CLOSED_STATES
        out.append(
            {
                "id": r.id,
                "offer_title": r.title,
                "employer_name": r.employer_name,
                "city": r.city,
                "pupil_id": r.pupil_id,
                "pupil_name": _name(r.first_name, r.last_name),
                "class_name": r.class_name or "",
                "week_label": weeks.week_label(r.week_start),
                "state": r.state,
                "state_label": APP_STATE_LABELS.get(r.state, r.state),
                "status": "Fermée" if closed else ("Acceptée" if r.state == A.CONFIRMED else ""),
                "colour": STAGES[stage][1],
                "date": _fmt_date(r.submitted_at or r.created_at),
                "referent_email": r.referent_email,
                "can_validate": r.state == A.AWAITING_SCHOOL,
            }
        )
    referents = []
    if t == "referents":
        awaiting = sa.case((Application.state == A.AWAITING_SCHOOL, 1), else_=0)
        pending = sa.case((Application.state.in_(sorted(PENDING_STATES)), 1), else_=0)
        for ref, n_all, n_wait, n_pending in s.execute(
            sa.select(
                Application.referent_email,
                sa.func.count(Application.id),
                sa.func.sum(awaiting),
                sa.func.sum(pending),
            )
            .join(User, User.id == Application.pupil_id)
            .where(*base)
            .group_by(Application.referent_email)
            .order_by(Application.referent_email)
        ):
            referents.append(
                {
                    "email": ref or "",
                    "applications": int(n_all or 0),
                    "awaiting_school": int(n_wait or 0),
                    "pending": int(n_pending or 0),
                }
            )
    return {
        "tab": t,
        "tabs": [{"value": k, "label": v, "count": counts[k]} for k, v in TABS.items()],
        "counts": counts,
        "rows": out,
        "total": total,
        "page": p,
        "pages": pages,
        "referents": referents,
    }


# --- exports ------------------------------------------------------------------------------------

SCHOOL_COLUMNS = [
    xlsx.Column("name", "Classe"),
    xlsx.Column("level", "Niveau"),
    xlsx.Column("pupils", "Élèves", "int"),
    xlsx.Column("authorized", "Autorisation parentale", "int"),
    xlsx.Column("no_application", "Sans candidature", "int"),
    xlsx.Column("applied", "Ont postulé", "int"),
    xlsx.Column("accepted", "Acceptés", "int"),
    xlsx.Column("confirmed", "Stage confirmé", "int"),
    xlsx.Column("convention_signed", "Convention signée", "int"),
    xlsx.Column("progress", "Avancement", "percent"),
]
CLASS_COLUMNS = [
    xlsx.Column("last_name", "Nom"),
    xlsx.Column("first_name", "Prénom"),
    xlsx.Column("authorized_at", "Autorisation parentale", "date"),
    xlsx.Column("applications", "Candidatures", "int"),
    xlsx.Column("state_label", "État le plus avancé"),
    xlsx.Column("offer_title", "Stage confirmé"),
    xlsx.Column("employer_name", "Structure"),
    xlsx.Column("week_start", "Semaine du", "date"),
    xlsx.Column("convention_signed", "Convention signée", "bool"),
    xlsx.Column("last_activity", "Dernière activité", "date"),
]


def school_table_xlsx(
    s: Session, actor: User | None, *, school_id: Any = None, year: Any = None
) -> bytes:
    """The school-wide table as an xlsx file (same rows and rights as :func:`school_table`,
    plus the total row)."""
    table = school_table(s, actor, school_id=school_id, year=year)
    rows = [*table["rows"], table["total"]]
    return xlsx.write(rows, SCHOOL_COLUMNS, sheet=f"Suivi {table['year_label']}")


def class_table_xlsx(
    s: Session,
    actor: User | None,
    class_id: Any,
    *,
    filter: Any = "",  # noqa: A002
    sort: Any = "name",
    descending: Any = False,
    year: Any = None,
) -> bytes:
    """The class table as an xlsx file (same rows, filter and sort as :func:`class_table`),
    dates as real dates."""
    _sc, cls, _y, rows = _class_rows(s, actor, class_id, filter, sort, descending, year)

    def item(r: Any) -> dict[str, Any]:
        d = _pupil_row(r)
        d["authorized_at"] = r.parental_authorization_at
        d["week_start"] = r.week_start
        d["last_activity"] = r.last_activity
        d["state_label"] = d["state_label"] if d["applications"] else ""
        return d

    return xlsx.write((item(r) for r in rows), CLASS_COLUMNS, sheet=cls["name"])


def export_filename(kind: str, name: str = "") -> str:
    """« suivi-3e-a-2026-11-22.xlsx »: a safe file name for a download."""
    slug = fold(name).replace(" ", "-")[:40] or "etablissement"
    return f"suivi-{kind}-{slug}-{clock.today_paris().isoformat()}.xlsx"
