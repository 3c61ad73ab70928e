"""The structure profile: its form (shared with the sign-up), shown and edited by its owner
or an admin."""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from mystage import clock
from mystage.models import Structure, User
from mystage.services import audit, ministries
from mystage.services.form_values import form_bool, form_str
from mystage.services.siret import normalize_siret, siret_error
from mystage.services.structures.inputs import (
    MSG_CITY_REQUIRED,
    checked_postal_code,
    checked_text,
    geocode_place,
    normalize_website,
)
from mystage.services.structures.membership import target_structure
from mystage.services.structures.naf import naf_code_of

STATUTS: dict[str, str] = {
    "entreprise": "Entreprise",
    "association": "Association",
    "administration": "Administration",
    "collectivite": "Collectivité territoriale",
}

MSG_NAME_REQUIRED = "Indiquez la raison sociale."
MSG_ACTIVITY_REQUIRED = "Décrivez rapidement l'activité de votre structure."
MSG_NAF_REQUIRED = "Indiquez le code NAF (exemple : 62.01Z)."
MSG_NAF_UNKNOWN = "Code NAF inconnu (exemple : 62.01Z)."
MSG_STATUT = "Choisissez le statut de la structure."
MSG_ADDRESS_REQUIRED = "Indiquez l'adresse."
MSG_ADDRESS_NOT_FOUND = "Adresse introuvable : vérifiez l'adresse, le code postal et la ville."
MSG_SIRET_TAKEN = "Une autre structure utilise déjà ce numéro SIRET."


def validate_structure_form(
    s: Session, data: dict, errors: dict[str, str], *, siret_required: bool = True
) -> dict[str, Any]:
    """The structure part of the sign-up / profile form → clean values (fills ``errors``)."""
    clean: dict[str, Any] = {}
    name = checked_text(data, "name", errors, 200, read=300, required=MSG_NAME_REQUIRED)
    clean["name"] = name
    activity = checked_text(data, "activity", errors, 250, read=400, required=MSG_ACTIVITY_REQUIRED)
    clean["activity"] = activity
    raw_siret = form_str(data, "siret", 40)
    if raw_siret or siret_required:
        if err := siret_error(raw_siret):
            errors["siret"] = err
    clean["siret"] = normalize_siret(raw_siret) or None
    naf_raw = form_str(data, "naf_code", 20)
    if not naf_raw:
        errors["naf_code"] = MSG_NAF_REQUIRED
    else:
        code = naf_code_of(s, naf_raw)
        if code is None:
            errors["naf_code"] = MSG_NAF_UNKNOWN
        clean["naf_code"] = code or ""
    statut = form_str(data, "statut", 30)
    if statut not in STATUTS:
        errors["statut"] = MSG_STATUT
    clean["status"] = statut
    address = checked_text(data, "address", errors, 250, read=400, required=MSG_ADDRESS_REQUIRED)
    clean["address"] = address
    postal_code = checked_postal_code(data, errors)
    clean["postal_code"] = postal_code
    city = checked_text(data, "city", errors, 100, read=200, required=MSG_CITY_REQUIRED)
    clean["city"] = city
    website, err = normalize_website(form_str(data, "website", 400))
    if err:
        errors["website"] = err
    clean["website"] = website
    clean["is_public"] = form_bool(data, "is_public")
    # « Institution de tutelle »: required for a public structure, cleared otherwise.
    clean["ministry"], err = ministries.check_public(data.get("ministry"), clean["is_public"])
    if err:
        errors["ministry"] = err
    if "description" in data:
        description = checked_text(data, "description", errors, 1000, read=1200)
        clean["description"] = description
    if not any(k in errors for k in ("address", "postal_code", "city")):
        found = geocode_place(s, address, postal_code, city)
        if found is None:
            errors["address"] = MSG_ADDRESS_NOT_FOUND
        else:
            clean.update(
                latitude=found.latitude,
                longitude=found.longitude,
                insee_code=found.insee_code,
                department_code=found.department_code,
            )
    return clean


def structure_by_siret(s: Session, siret: str | None) -> Structure | None:
    if not siret:
        return None
    found = s.exec(select(Structure).where(Structure.siret == siret)).first()
    for _ in range(5):  # a merged duplicate (back office) leads to the structure kept
        if found is None or found.merged_into_id is None:
            break
        found = s.get(Structure, found.merged_into_id)
    return found


def structure_form(s: Session, actor: User | None, structure_id: int | None = None) -> dict:
    """The structure profile as form values (owner or admin)."""
    st = target_structure(s, actor, structure_id)
    return {
        "id": st.id,
        "name": st.name,
        "activity": st.activity,
        "description": st.description,
        "siret": st.siret or "",
        "naf_code": st.naf_code,
        "statut": st.status,
        "address": st.address,
        "postal_code": st.postal_code,
        "city": st.city,
        "website": st.website,
        "is_public": st.is_public,
        "ministry": st.ministry,
        "ministry_label": ministries.label(st.ministry),
        "logo_url": f"/api/logos/{st.id}" if st.logo_path else "",
        "validation_status": st.validation_status,
    }


def update_structure(
    s: Session, actor: User | None, data: dict, structure_id: int | None = None
) -> dict[str, str]:
    """Edit the structure (owner of the actor's structure, or admin with ``structure_id``).
    Same fields and validations as the sign-up's structure part (+ optional
    ``description``); a SIRET used by another structure is refused."""
    st = target_structure(s, actor, structure_id)
    if not isinstance(data, dict):
        return {"form": "Formulaire invalide."}
    errors: dict[str, str] = {}
    clean = validate_structure_form(s, data, errors, siret_required=bool(st.siret))
    if "siret" not in errors and clean.get("siret") and clean["siret"] != st.siret:
        other = structure_by_siret(s, clean["siret"])
        if other is not None and other.id != st.id:
            errors["siret"] = MSG_SIRET_TAKEN
    if errors:
        s.rollback()
        return errors
    for key, value in clean.items():
        setattr(st, key, value)
    st.updated_at = clock.now()
    audit.record(s, "structure", st.id, "update", actor)
    try:
        s.commit()
    except IntegrityError:
        s.rollback()
        return {"siret": MSG_SIRET_TAKEN}
    return {}
