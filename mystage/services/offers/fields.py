"""The offer form's vocabulary: the four steps and their fields, the choices (levels,
handicaps, 2de periods, group kinds, days), the limits, the French messages of each field,
and the small parsers of typed values (numbers, hours, the JSON of hours / draft snapshots).
"""

from __future__ import annotations

import json
from typing import Any

from mystage.services import accounts

STEPS = (1, 2, 3, 4)
STEP_TITLES = {1: "Structure", 2: "Offre", 3: "Accueil", 4: "Infos pratiques"}
STEP_FIELDS: dict[int, tuple[str, ...]] = {
    1: (
        "employer_name",
        "employer_description",
        "employer_website",
        "street",
        "postal_code",
        "city",
        "is_public",
        "ministry",
        "space_id",
    ),
    2: (
        "title",
        "description",
        "sector_id",
        "work_environment",
        "accessibility_text",
        "handicap_visual",
        "handicap_motor",
        "handicap_mental",
        "handicap_hearing",
    ),
    3: (
        "level_4e",
        "level_3e",
        "level_2de",
        "seconde_period",
        "all_year",
        "weeks",
        "places",
        "week_places",
        "group_kind",
        "max_per_group",
        "application_start",
        "application_end",
        "reserved_rep",
        "reserved_qpv",
        "reserved_school_ids",
    ),
    4: (
        "hours_mode",
        "hours_start",
        "hours_end",
        "per_day",
        "lunch_break",
        "meals_on_site",
        "meals",
        "travel",
        "tutor_name",
        "tutor_role",
        "tutor_email",
        "tutor_phone",
        "contact_email",
        "show_contact",
    ),
}

LEVELS = {"level_4e": "4e", "level_3e": "3e", "level_2de": "2de générale et technologique"}
HANDICAPS = {
    "handicap_visual": "Handicap visuel",
    "handicap_motor": "Handicap moteur",
    "handicap_mental": "Handicap mental",
    "handicap_hearing": "Handicap auditif",
}
SECONDE_PERIODS = {
    "both": "Stage de 2 semaines",
    "week1": "Stage de 1 semaine (1re semaine)",
    "week2": "Stage de 1 semaine (2e semaine)",
}
GROUP_KINDS = {"individual": "Accueil individuel", "group": "Accueil en groupe"}
DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi")
MAX_PLACES = 200
MAX_RESERVED_SCHOOLS = 50
MAX_WEEKS = 120

# --- Messages of the form (keyed by field in ``save_step``'s errors) --------------------------

MSG_REMOVED = "Cette offre a été supprimée : elle ne peut plus être modifiée."
MSG_STEP_ORDER = "Enregistrez d'abord l'étape {n} « {title} »."
MSG_EMPLOYER_NAME = "Indiquez le nom de la structure qui accueille l'élève."
MSG_STREET = "Indiquez l'adresse du lieu de stage."
MSG_STREET_NOT_FOUND = "Adresse introuvable : vérifiez la rue, le code postal et la ville."
MSG_TITLE = "Indiquez le titre de l'offre."
MSG_DESCRIPTION = "Décrivez le stage : les activités proposées, le lieu, la tenue à prévoir…"
MSG_SECTOR = "Choisissez un secteur d'activité."
MSG_LEVELS = "Choisissez au moins un niveau : collégiens (4e, 3e) ou lycéens de 2de."
MSG_SECONDE_PERIOD = "Choisissez la période de stage des élèves de 2de."
MSG_WEEKS_REQUIRED = "Choisissez au moins une semaine, ou « Toute l'année »."
MSG_WEEK_INVALID = "Semaine invalide."
MSG_WEEK_PAST = "La {label} est passée : choisissez des semaines à venir."
MSG_WEEK_RANGE = (
    "Choisissez des semaines de l'année scolaire en cours ou de la suivante (de septembre à juin)."
)
MSG_WEEK_TAKEN = (
    "La {label} a déjà {n} élève(s) confirmé(s) : vous ne pouvez pas la retirer de l'offre."
)
MSG_WEEK_SHRINK = "La {label} ne peut pas avoir moins de {n} place(s) : {n} élève(s) confirmé(s)."
MSG_PLACES = "Indiquez un nombre de places entre 1 et 200."
MSG_WEEK_PLACES = "Nombre de places invalide pour la {label} (entre 1 et 200)."
MSG_GROUP_KIND = "Choisissez un accueil individuel ou en groupe."
MSG_MAX_PER_GROUP = "Indiquez le nombre maximum d'élèves par groupe."
MSG_MAX_PER_GROUP_TOO_BIG = "Pas plus que le nombre de places ({n})."
MSG_DATE = "Date invalide."
MSG_WINDOW = "La date de fin doit être postérieure à la date de début."
MSG_WINDOW_PAST = (
    "La date de fin de candidature est passée : choisissez une date à venir "
    "(pour ne plus recevoir de candidatures, utilisez « Suspendre les candidatures »)."
)
MSG_SCHOOL_UNKNOWN = "Établissement inconnu : choisissez-le dans la liste proposée."
MSG_TOO_MANY_SCHOOLS = "50 établissements au maximum."
MSG_HOURS_MODE = "Choisissez des horaires identiques chaque jour ou jour par jour."
MSG_HOUR_START = "Indiquez l'heure d'arrivée (exemple : 09:00)."
MSG_HOUR_END = "Indiquez l'heure de départ (exemple : 17:00)."
MSG_HOUR_INVALID = "Heure invalide (exemple : 09:00)."
MSG_HOUR_ORDER = "L'heure de fin doit être après l'heure de début."
MSG_PER_DAY_NONE = "Indiquez les horaires d'au moins un jour."
MSG_PER_DAY_CHECK = "Vérifiez les horaires jour par jour."
MSG_TUTOR_NAME = "Indiquez le nom du tuteur ou de la tutrice."
MSG_TUTOR_EMAIL = "Indiquez l'adresse e-mail du tuteur ou de la tutrice."
MSG_EMAIL_INVALID = accounts.MSG_EMAIL_INVALID
MSG_PHONE_INVALID = "Numéro de téléphone invalide (exemple : 02 40 99 15 44)."
MSG_CONTACT_EMAIL = "Indiquez l'adresse e-mail qui recevra les candidatures."


# --- parsers ---------------------------------------------------------------------------------


def parse_int(raw: Any) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str) and raw.strip().lstrip("-").isdigit() and len(raw.strip()) < 10:
        return int(raw.strip())
    return None


def parse_json(raw: str) -> dict:
    try:
        value = json.loads(raw) if raw else {}
    except (ValueError, TypeError):
        return {}
    return value if isinstance(value, dict) else {}


def sanitize(value: Any, depth: int = 0) -> Any:
    """A JSON-safe, bounded copy of form data (for the draft snapshot)."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return value
    if isinstance(value, str):
        return value[:2000]
    if depth >= 3:
        return None
    if isinstance(value, list | tuple):
        return [sanitize(v, depth + 1) for v in list(value)[:300]]
    if isinstance(value, dict):
        return {str(k)[:40]: sanitize(v, depth + 1) for k, v in list(value.items())[:300]}
    return str(value)[:2000]
