"""Identifiers typed in the forms: e-mail addresses, French mobile numbers, and the local
« next » URL kept through a login."""

from __future__ import annotations

import re
from urllib.parse import quote

_EMAIL_RE = re.compile(
    r"^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$"
)
_PHONE_SEPARATORS = re.compile(r"[\s.\-/()]")
# Overseas mobiles: national prefix -> country code (ARCEP numbering plan).
_DOM_MOBILE = {
    "0690": "590",  # Guadeloupe, Saint-Martin, Saint-Barthélemy
    "0691": "590",
    "0694": "594",  # Guyane
    "0696": "596",  # Martinique
    "0697": "596",
    "0692": "262",  # La Réunion
    "0693": "262",
    "0639": "262",  # Mayotte
}
_DOM_CODES = {"590", "594", "596", "262"}


def normalize_email(raw: str | None) -> str | None:
    """Lower-cased, trimmed address, or None when it is not a plausible e-mail address."""
    if not isinstance(raw, str):
        return None
    email = raw.strip().lower()
    if len(email) > 254 or email.count("@") != 1:
        return None
    local = email.split("@", 1)[0]
    if len(local) > 64 or not _EMAIL_RE.match(email):
        return None
    return email


def normalize_phone(raw: str | None) -> str | None:
    """A French mobile number in E.164 (``06 12 34 56 78`` → ``+33612345678``), else None.

    Accepts ``06…``/``07…``, ``+33 6…``, ``+33 (0)6…``, ``0033 6…`` and overseas mobiles
    (``0690…`` → ``+590690…``, ``+262 692…``).  Landlines are refused (SMS needed).
    """
    if not isinstance(raw, str):
        return None
    p = _PHONE_SEPARATORS.sub("", raw.strip().replace("(0)", ""))
    if p.startswith("00"):
        p = "+" + p[2:]
    if p.startswith("+"):
        digits = p[1:]
        if not digits.isdigit():
            return None
        if digits.startswith("33"):
            rest = digits[2:]
            national = rest if rest.startswith("0") else "0" + rest
        else:
            code = digits[:3]
            rest = digits[3:]
            if code not in _DOM_CODES or len(rest) != 9:
                return None
            national = "0" + rest
            if _DOM_MOBILE.get(national[:4]) != code:
                return None
    else:
        national = p
    if len(national) != 10 or not national.isdigit() or national[:2] not in ("06", "07"):
        return None
    code = _DOM_MOBILE.get(national[:4], "33")
    return f"+{code}{national[1:]}"


def identifier_kind(raw: str | None) -> str | None:
    """``"email"``, ``"phone"`` or None for what a login field contains."""
    if not isinstance(raw, str):
        return None
    if "@" in raw:
        return "email" if normalize_email(raw) else None
    return "phone" if normalize_phone(raw) else None


def parse_identifier(raw: str | None) -> tuple[str | None, str | None]:
    kind = identifier_kind(raw)
    if kind == "email":
        return kind, normalize_email(raw)
    if kind == "phone":
        return kind, normalize_phone(raw)
    return None, None


def login_url(next_url: str | None) -> str:
    """``/connexion?suivant=…`` coming back to ``next_url`` — path *and* query string
    (``/espace/employeur?onglet=traitees``), percent-encoded so that its own ``?``, ``&`` and
    ``=`` survive; anything but a local path (:func:`safe_next_url`) comes back to ``/``."""
    return "/connexion?suivant=" + quote(safe_next_url(next_url), safe="/")


def safe_next_url(url: str | None) -> str:
    """A local path to go to after login (``/…``, never ``//host`` or a full URL), else "/"."""
    if not isinstance(url, str):
        return "/"
    url = url.strip()
    if (
        not url.startswith("/")
        or url.startswith("//")
        or "\\" in url
        or len(url) > 500
        or any(ord(ch) < 32 or ord(ch) == 127 for ch in url)
    ):
        return "/"
    return url
