"""Why an employer refuses an application (seed 000 « un mail est envoyé à l'élève
expliquant cette décision »): a short list, required, plus an optional message
(``Application.refuse_message``).  The key is stored in ``Application.refuse_reason``."""

from __future__ import annotations

from typing import Any

REFUSE_REASONS: dict[str, str] = {
    "full": "Offre complète",
    "profile": "Profil ne correspondant pas",
    "week": "Semaine indisponible",
    "other": "Autre",
}

MSG_REASON_REQUIRED = "Choisissez le motif du refus."
MSG_REASON_UNKNOWN = "Motif de refus inconnu : choisissez-en un dans la liste."


def refuse_reason_error(reason: Any) -> str:
    """ "" when ``reason`` is a key of :data:`REFUSE_REASONS`, else a French error."""
    if reason is None or reason == "":
        return MSG_REASON_REQUIRED
    if not isinstance(reason, str) or reason not in REFUSE_REASONS:
        return MSG_REASON_UNKNOWN
    return ""


def refuse_reason_label(reason: Any) -> str:
    """« Offre complète »… for a stored key; "" for none or an unknown one."""
    return REFUSE_REASONS.get(reason, "") if isinstance(reason, str) else ""
