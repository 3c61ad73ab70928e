"""« Réglages » (back office): the platform settings the national team changes during the
year, stored in ``platform_settings`` through :mod:`mystage.services.platform` (each change
audited there).  Administrators only, except :func:`home_banner` (the public home page).

- ``offer_moderation``: how a « Publier » becomes visible — ``immediate`` (at once),
  ``email`` (the author confirms through the link mailed to them) or ``review`` (a
  moderator publishes or refuses it);
- ``employer_validation_required``: new structures wait for a validation before
  publishing;
- ``home_banner``: a message shown at the top of the home page (plain text, ≤ 300).
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from mystage.models import User
from mystage.services import permissions, platform

OFFER_MODERATION = "offer_moderation"
HOME_BANNER = "home_banner"
EMPLOYER_VALIDATION = platform.EMPLOYER_VALIDATION_REQUIRED
BANNER_MAX = 300

MODERATION_MODES = {
    "immediate": "Publiée immédiatement (« Publier » met l'offre en ligne)",
    "email": "Activée par l'employeur (lien envoyé par courriel à l'auteur)",
    "review": "Relue par un modérateur avant publication",
}
DEFAULT_MODERATION = "immediate"

MSG_MODE = "Choisissez un des trois modes."
MSG_BOOL = "Choisissez oui ou non."
MSG_BANNER_LONG = f"Le message ne doit pas dépasser {BANNER_MAX} caractères."
MSG_BANNER_LINES = "Le message tient sur une ligne (pas de retour à la ligne)."
MSG_UNKNOWN = "Réglage inconnu."

KEYS = (OFFER_MODERATION, EMPLOYER_VALIDATION, HOME_BANNER)


def _require(actor: User | None) -> None:
    permissions.require(permissions.can_admin(actor), "Action réservée aux administrateurs.")


def current(s: Session, actor: User | None) -> dict[str, str]:
    """The settings' values as the page shows them (defaults filled in)."""
    _require(actor)
    mode = platform.get_setting(s, OFFER_MODERATION, DEFAULT_MODERATION)
    return {
        OFFER_MODERATION: mode if mode in MODERATION_MODES else DEFAULT_MODERATION,
        EMPLOYER_VALIDATION: "1" if platform.employer_validation_required(s) else "0",
        HOME_BANNER: platform.get_setting(s, HOME_BANNER, ""),
    }


def clean(key: Any, value: Any) -> tuple[str | None, str]:
    """``(stored value, "")`` or ``(None, French error)`` for one setting."""
    if key == OFFER_MODERATION:
        if isinstance(value, str) and value in MODERATION_MODES:
            return value, ""
        return None, MSG_MODE
    if key == EMPLOYER_VALIDATION:
        if isinstance(value, bool):
            return ("1" if value else "0"), ""
        if value in ("0", "1"):
            return value, ""
        return None, MSG_BOOL
    if key == HOME_BANNER:
        if not isinstance(value, str):
            return None, MSG_BANNER_LONG
        text = value.strip()
        if "\n" in text or "\r" in text:
            return None, MSG_BANNER_LINES
        if len(text) > BANNER_MAX:
            return None, MSG_BANNER_LONG
        return text, ""
    return None, MSG_UNKNOWN


def save(s: Session, actor: User | None, key: Any, value: Any) -> str:
    """Change one setting (audited and committed by ``platform.set_setting``); returns a
    French error ("" when saved or unchanged — nothing is written then)."""
    _require(actor)
    stored, error = clean(key, value)
    if stored is None:
        return error
    if current(s, actor)[key] == stored:
        return ""
    platform.set_setting(s, actor, key, stored)
    return ""


def home_banner(s: Session) -> str:
    """The home page's message ("" when none), for every visitor."""
    return platform.get_setting(s, HOME_BANNER, "").strip()[:BANNER_MAX]
