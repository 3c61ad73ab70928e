"""Platform settings (key → text value in ``platform_settings``), changed by admins."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session

from mystage import clock
from mystage.models import AuditLog, PlatformSetting, School, User
from mystage.services import permissions
from mystage.settings import get_settings

EMPLOYER_VALIDATION_REQUIRED = "employer_validation_required"

# Known settings: key → French label (admin page).
SETTINGS: dict[str, str] = {
    EMPLOYER_VALIDATION_REQUIRED: (
        "Les nouvelles structures d'accueil doivent être validées par l'équipe MyStage "
        "avant de publier leurs offres"
    ),
}

_TRUE = {"1", "true", "yes", "on", "oui"}


def get_setting(s: Session, key: str, default: str = "") -> str:
    value = s.execute(
        sa.select(PlatformSetting.value).where(PlatformSetting.key == key)
    ).scalar_one_or_none()
    return value if value is not None else default


def set_setting(s: Session, actor: User | None, key: str, value: str) -> None:
    """Admins only (PermissionDenied otherwise); commits and writes the audit log."""
    permissions.require(permissions.can_admin(actor))
    key = str(key)[:64]
    value = "" if value is None else str(value)
    now = clock.now()
    old = get_setting(s, key, "")
    updated = s.execute(
        sa.update(PlatformSetting)
        .where(PlatformSetting.key == key)
        .values(value=value, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if updated.rowcount == 0:
        s.add(PlatformSetting(key=key, value=value, updated_at=now))
    s.add(
        AuditLog(
            entity="setting",
            entity_id=0,
            action=f"set:{key}"[:40],
            from_state=old[:24],
            to_state=value[:24],
            actor_id=actor.id,
            actor_role=actor.role,
            created_at=now,
        )
    )
    s.commit()


def get_bool(s: Session, key: str, default: bool = False) -> bool:
    value = get_setting(s, key, "")
    if value == "":
        return default
    return value.strip().lower() in _TRUE


def school_validation_mandatory() -> bool:
    """Deployment setting ``SCHOOL_VALIDATION=mandatory`` (MyStage77 mode): every school
    validates its pupils' applications before they reach employers; the schools' own
    setting is then locked."""
    return get_settings().school_validation == "mandatory"


def school_validates(school: School | None) -> bool:
    """Do this school's pupils' applications go to the school first?  (The deployment's
    setting, else the school's own choice.)"""
    return school is not None and (school_validation_mandatory() or school.validation_required)


def employer_validation_required(s: Session) -> bool:
    """New structures wait for an admin's validation before publishing (default: no)."""
    return get_bool(s, EMPLOYER_VALIDATION_REQUIRED, False)
