"""Which role an administrator may give an account instead of its own (« Changer le
profil »), and the rules said in words on the user page.

- never to or from « Élève » (a pupil's account is tied to a school, a class, a parent's
  consent), « Parent » or « Opérateur » (tied to an operator: « Opérateurs » page);
- never to « Administrateur », and an administrator's role is not changed here;
- between school staff roles (chef d'établissement, professeurs, personnels, référent
  établissement), for an account attached to a school;
- any adult profile (school staff, employer, référent) ↔ « Modérateur »; from
  « Modérateur » back to a school role only with a school, to a référent role only with
  its territory (department or academy) on the account.
"""

from __future__ import annotations

from typing import Any

from mystage.models import REFERENT_ROLES, ROLE_LABELS, SCHOOL_STAFF_ROLES, Role

ADULT_ROLES = frozenset(SCHOOL_STAFF_ROLES | REFERENT_ROLES | {Role.EMPLOYEUR})

ROLE_RULES = (
    "Profils possibles : entre profils du personnel d'un établissement (pour un compte "
    "rattaché à un établissement) ; d'un profil adulte (personnel, employeur, référent) vers "
    "« Modérateur » et retour. Jamais vers ou depuis « Élève », « Parent » ou « Opérateur », "
    "jamais vers « Administrateur » ; le profil d'un administrateur ne se change pas ici."
)

MSG_ROLE_FORBIDDEN = "Ce changement de profil n'est pas permis (voir les règles ci-dessus)."


def _fits(user: Any, role: str) -> bool:
    """The account holds what ``role`` needs (a school, a territory)."""
    if role in SCHOOL_STAFF_ROLES:
        return user.school_id is not None
    if role == Role.REFERENT_DEPARTEMENTAL:
        return bool(user.department_code)
    if role == Role.REFERENT_ACADEMIQUE:
        return bool(user.academy)
    return True


def role_change_allowed(user: Any, new_role: Any) -> bool:
    """May ``user``'s role become ``new_role`` (a ``Role`` value)?"""
    if not isinstance(new_role, str) or new_role not in ROLE_LABELS:
        return False
    old = user.role
    if new_role == old or new_role == Role.ADMIN or old == Role.ADMIN:
        return False
    if old in SCHOOL_STAFF_ROLES and new_role in SCHOOL_STAFF_ROLES:
        return _fits(user, new_role)
    if new_role == Role.MODERATEUR:
        return old in ADULT_ROLES
    if old == Role.MODERATEUR:
        return new_role in ADULT_ROLES and _fits(user, new_role)
    return False


def role_choices(user: Any) -> list[dict[str, str]]:
    """The roles ``user`` may be given, as ``{"value", "label"}`` in the labels' order."""
    return [
        {"value": str(role), "label": label}
        for role, label in ROLE_LABELS.items()
        if role_change_allowed(user, str(role))
    ]
