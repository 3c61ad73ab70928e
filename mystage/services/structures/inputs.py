"""Form input helpers shared by the structure forms and the offer form: trimmed strings,
booleans, lengths, web address, phone numbers, and the place of an address."""

from __future__ import annotations

from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlmodel import Session

from mystage.models import Department
from mystage.services import accounts, geo
from mystage.services.form_values import form_str

MSG_POSTAL_CODE = "Code postal invalide (5 chiffres)."
MSG_CITY_REQUIRED = "Indiquez la ville."
MSG_WEBSITE = "Adresse web invalide (exemple : https://www.exemple.fr)."
MSG_TOO_LONG = "{n} caractères au maximum."


def too_long(value: str, n: int) -> str | None:
    return MSG_TOO_LONG.format(n=f"{n:,}".replace(",", "\u202f")) if len(value) > n else None


def checked_text(
    data: dict, key: str, errors: dict[str, str], max_len: int, *, read: int, required: str = ""
) -> str:
    """A text field (the first ``read`` characters, trimmed): ``required`` is the message
    when it is empty (optional field if ""), then at most ``max_len`` characters."""
    value = form_str(data, key, read)
    if required and not value:
        errors[key] = required
    elif err := too_long(value, max_len):
        errors[key] = err
    return value


def checked_postal_code(data: dict, errors: dict[str, str]) -> str:
    """« Code postal »: 5 digits (spaces ignored)."""
    postal_code = form_str(data, "postal_code", 10).replace(" ", "")
    if len(postal_code) != 5 or not postal_code.isdigit():
        errors["postal_code"] = MSG_POSTAL_CODE
    return postal_code


def normalize_website(raw: str) -> tuple[str, str | None]:
    """``(url, error)``: "" is fine (optional); « www.exemple.fr » gets ``https://``."""
    raw = (raw or "").strip()
    if not raw:
        return "", None
    url = raw if "://" in raw else "https://" + raw
    try:
        parts = urlsplit(url)
    except ValueError:
        return raw, MSG_WEBSITE
    host = parts.hostname or ""
    if (
        parts.scheme not in ("http", "https")
        or "." not in host
        or any(ch.isspace() for ch in url)
        or len(url) > 300
        or parts.username
        or parts.password
    ):
        return raw, MSG_WEBSITE
    return url, None


def normalize_any_phone(raw: str | None) -> str | None:
    """A French phone number, mobile or landline, in E.164 (``02 40 99 15 44`` →
    ``+33240991544``); overseas mobiles as in :func:`accounts.normalize_phone`; else None."""
    mobile = accounts.normalize_phone(raw)
    if mobile:
        return mobile
    if not isinstance(raw, str):
        return None
    p = "".join(ch for ch in raw.strip().replace("(0)", "") if ch not in " .-/()\u00a0")
    if p.startswith("0033"):
        p = "+33" + p[4:]
    if p.startswith("+33"):
        p = "0" + p[3:]
    if len(p) == 10 and p.isdigit() and p[0] == "0" and p[1] in "123459":
        return "+33" + p[1:]
    return None


def display_phone(e164: str | None) -> str:
    """``+33240991544`` → ``02 40 99 15 44`` (other numbers unchanged)."""
    if not e164:
        return ""
    if e164.startswith("+33") and len(e164) == 12:
        national = "0" + e164[3:]
    elif e164.startswith(("+590", "+594", "+596", "+262")) and len(e164) == 13:
        national = "0" + e164[4:]
    else:
        return e164
    return " ".join(national[i : i + 2] for i in range(0, 10, 2))


def geocode_place(s: Session, street: str, postal_code: str, city: str) -> geo.GeoResult | None:
    """The address, else « postal code + city », else the postal code (commune precision)."""
    for query in (f"{street} {postal_code} {city}", f"{postal_code} {city}", postal_code):
        query = query.strip()
        if not query:
            continue
        found = geo.geocode(s, query)
        if found is not None and found.precision != geo.PRECISION_DEPARTMENT:
            return found
    return None


def academy_of(s: Session, department_code: str) -> str:
    if not department_code:
        return ""
    value = s.execute(
        sa.select(Department.academy).where(Department.code == department_code)
    ).scalar_one_or_none()
    return value or ""
