"""SIRET numbers (14 digits: SIREN 9 + NIC 5) checked with the Luhn key.

La Poste is the one known exception: its establishments share the SIREN 356 000 000 and
their SIRET are valid when the sum of their digits is a multiple of 5 (INSEE rule), even
though most fail the Luhn key.
"""

from __future__ import annotations

import re

MSG_LENGTH = "Le numéro SIRET doit comporter 14 chiffres."
MSG_KEY = "Ce numéro SIRET n'est pas valide (clé de contrôle incorrecte)."

LA_POSTE_SIREN = "356000000"
_SEPARATORS = re.compile(r"[\s.\-\u00a0\u202f]")


def normalize_siret(raw: str | None) -> str:
    """The digits typed, without spaces, dots or dashes (« 732 829 320 00074 » → 14 digits)."""
    if not isinstance(raw, str):
        return ""
    return _SEPARATORS.sub("", raw.strip())


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def siret_error(raw: str | None) -> str | None:
    """French message for the « N° SIRET » field, or None when the number is valid."""
    siret = normalize_siret(raw)
    if len(siret) != 14 or not siret.isdigit() or not siret.isascii():
        return MSG_LENGTH
    if luhn_ok(siret):
        return None
    if siret[:9] == LA_POSTE_SIREN and sum(int(c) for c in siret) % 5 == 0:
        return None
    return MSG_KEY


def siren_of(siret: str) -> str:
    return normalize_siret(siret)[:9]
