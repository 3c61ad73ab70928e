"""A school's « Modèle de convention de l'établissement »: the weekly limit of hours (lower
than the law's 35 h if the school wants), the complementary terms (meals, transport,
insurance) and its own clauses, and whether it signs conventions online or on paper.

Edited once by the head; its terms flow into the conventions not yet validated."""

from __future__ import annotations

import json
from typing import Any

from mystage.models import School
from mystage.services.conventions.hours import WEEK_MAX_HOURS

MODES = {"online": "Conventions en ligne (signature sur MyStage)", "paper": "Convention papier"}
TEXT_MAX = 4000
DEFAULT: dict[str, Any] = {
    "week_max_hours": WEEK_MAX_HOURS,
    "meals": "Les repas restent à la charge de la famille, sauf accord de la structure "
    "d'accueil pour un repas sur place.",
    "transport": "Le trajet entre le domicile et le lieu de stage est organisé par la famille, "
    "à ses frais.",
    "insurance": "La responsabilité civile de l'élève est couverte par l'assurance scolaire "
    "de la famille ou de l'établissement.",
    "clauses": "",
}


def load(school: School | None) -> dict[str, Any]:
    """The school's preset over the defaults (never raises on a bad column)."""
    out = dict(DEFAULT)
    try:
        raw = json.loads(school.convention_preset or "{}") if school is not None else {}
    except (TypeError, ValueError, AttributeError):
        raw = {}
    if isinstance(raw, dict):
        for key in DEFAULT:
            if key in raw:
                out[key] = raw[key]
    try:
        hours = int(out["week_max_hours"])
    except (TypeError, ValueError):
        hours = WEEK_MAX_HOURS
    out["week_max_hours"] = hours if 1 <= hours <= WEEK_MAX_HOURS else WEEK_MAX_HOURS
    for key in ("meals", "transport", "insurance", "clauses"):
        out[key] = str(out[key] or "")[:TEXT_MAX]
    return out


def terms(p: dict[str, Any]) -> dict[str, str]:
    """What a convention copies from the preset (its « conditions complémentaires » and
    the school's weekly limit of hours, stated in its article on hours)."""
    out = {k: str(p.get(k) or "") for k in ("meals", "transport", "insurance", "clauses")}
    out["week_max_hours"] = str(p.get("week_max_hours") or WEEK_MAX_HOURS)
    return out


def mode(school: School | None) -> str:
    value = getattr(school, "convention_mode", "") or "online"
    return value if value in MODES else "online"
