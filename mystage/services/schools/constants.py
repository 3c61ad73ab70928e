"""The school space's fixed values: its addresses, limits, the staff functions and labels."""

from __future__ import annotations

from datetime import timedelta

from mystage.models import (
    AppState,
    Role,
    User,
)

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
