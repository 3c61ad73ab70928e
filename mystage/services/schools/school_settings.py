"""The school's settings: where its pupils search, whether applications need the school's
validation, who receives the validation requests."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import Session

from mystage import clock
from mystage.models import (
    User,
)
from mystage.services import accounts, audit, platform
from mystage.services.form_values import form_bool, form_str
from mystage.services.schools.academies import official_mailbox
from mystage.services.schools.constants import MAX_RADIUS_KM, SEARCH_SCOPES
from mystage.services.schools.messages import MSG_NO_SECONDE, MSG_RADIUS, MSG_SEARCH_SCOPE
from mystage.services.schools.qpv import QPV_STATUS_LABELS, qpv_status
from mystage.services.schools.scope import caller_scope


def school_settings(s: Session, actor: User | None, school_id: Any = None) -> dict[str, Any]:
    """The school's settings as form values (every member reads them; the head edits).
    QPV: ``qpv_status`` (:func:`qpv.qpv_status`), its label, ``qpv_declared`` (the box of
    a lycée's head); ``no_seconde``: the ministry's sentence for a lycée without 2de GT."""
    sc = caller_scope(s, actor, school_id)
    sch = sc.school
    status = qpv_status(sch)
    return {
        "school_id": sch.id,
        "name": sch.name,
        "uai": sch.uai,
        "commune": sch.commune,
        "official_email": sch.email or official_mailbox(sch),
        "search_scope": sch.search_scope if sch.search_scope in SEARCH_SCOPES else "radius",
        "search_radius_km": sch.search_radius_km,
        "validation_required": platform.school_validates(sch),
        # SCHOOL_VALIDATION=mandatory: every school of the deployment validates, the box
        # is shown ticked and locked.
        "validation_locked": platform.school_validation_mandatory(),
        "referent_email": sch.referent_email,
        "can_edit": sc.manage,
        "kind": sch.kind,
        "qpv_status": status,
        "qpv_status_label": QPV_STATUS_LABELS[status],
        "qpv_declared": status in ("pending", "confirmed"),
        "qpv_declared_at": clock.fmt_paris(sch.qpv_declared_at, False),
        "qpv_confirmed_at": clock.fmt_paris(sch.qpv_confirmed_at, False),
        "no_seconde": MSG_NO_SECONDE if sch.kind == "lycee" and sch.seconde_gt == "no" else "",
    }


def update_settings(
    s: Session, actor: User | None, data: dict, school_id: Any = None
) -> dict[str, str]:
    """The head's settings: ``search_scope`` ("radius"/"national"), ``search_radius_km``
    (1–60, when radius), ``validation_required`` (applications validated by the school
    before they reach employers), ``referent_email`` (optional: who receives the
    validation requests, else the school's mailbox)."""
    sc = caller_scope(s, actor, school_id, manage=True)
    if not isinstance(data, dict):
        return {"form": "Formulaire invalide."}
    errors: dict[str, str] = {}
    scope = form_str(data, "search_scope", 20)
    if scope not in SEARCH_SCOPES:
        errors["search_scope"] = MSG_SEARCH_SCOPE
    radius = sc.school.search_radius_km
    raw_radius = form_str(data, "search_radius_km", 10)
    if scope == "radius" or raw_radius:
        try:
            radius = int(raw_radius)
        except ValueError:
            radius = 0
        if not 1 <= radius <= MAX_RADIUS_KM:
            errors["search_radius_km"] = MSG_RADIUS
    raw_ref = form_str(data, "referent_email", 300)
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
    if not platform.school_validation_mandatory():  # else locked: the stored choice is kept
        sch.validation_required = form_bool(data, "validation_required")
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
