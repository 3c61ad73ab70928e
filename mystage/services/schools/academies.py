"""Académies and their mail domains: the school's official mailbox and which address a
head or a staff member may sign up with."""

from __future__ import annotations

import re

from mystage.models import (
    School,
)
from mystage.services import accounts
from mystage.services.schools.messages import (
    MSG_HEAD_EMAIL,
    MSG_HEAD_OTHER_UAI,
    MSG_NO_ACADEMY,
    MSG_OTHER_ACADEMY,
    MSG_STAFF_EMAIL,
    MSG_STAFF_OFFICIAL,
)
from mystage.services.text import fold

# Our académie names (School.academy, Department.academy) → their mail domain.  The rule is
# ``ac-<name folded, spaces → dashes>.fr``; these are the exceptions.
_DOMAIN_EXCEPTIONS = {
    "Clermont-Ferrand": "ac-clermont.fr",
    "La Réunion": "ac-reunion.fr",
    "Nouvelle Calédonie": "ac-noumea.nc",
    "Polynésie Française": "ac-polynesie.pf",
    "Saint Pierre et Miquelon": "ac-spm.fr",
    "Wallis et Futuna": "ac-wf.wf",
}

# Domains still in use after a merger (Caen and Rouen became Normandie in 2020).
_LEGACY_DOMAINS = {"Normandie": ("ac-caen.fr", "ac-rouen.fr")}
_ACADEMY_PHRASES = {
    "Guadeloupe": "l'académie de la Guadeloupe",
    "Guyane": "l'académie de la Guyane",
    "Martinique": "l'académie de la Martinique",
    "Nouvelle Calédonie": "l'académie de Nouvelle-Calédonie",
    "Polynésie Française": "l'académie de Polynésie française",
    "Saint Pierre et Miquelon": "l'académie de Saint-Pierre-et-Miquelon",
    "Wallis et Futuna": "l'académie de Wallis-et-Futuna",
}
_UAI_LOCAL = re.compile(r"^ce\.(\d{7}[a-z])$")


def academy_domain(academy: str | None) -> str:
    """``"Créteil"`` → ``"ac-creteil.fr"``, ``"Aix-Marseille"`` → ``"ac-aix-marseille.fr"``,
    ``"Clermont-Ferrand"`` → ``"ac-clermont.fr"``; "" for an unknown académie."""
    if not academy or not isinstance(academy, str):
        return ""
    if academy in _DOMAIN_EXCEPTIONS:
        return _DOMAIN_EXCEPTIONS[academy]
    slug = fold(academy).replace(" ", "-")
    return f"ac-{slug}.fr" if slug else ""


def academy_domains(academy: str | None) -> tuple[str, ...]:
    """Every mail domain of the académie (current first, then legacy ones)."""
    main = academy_domain(academy)
    return (main, *_LEGACY_DOMAINS.get(academy or "", ())) if main else ()


def academy_phrase(academy: str) -> str:
    """« l'académie de Créteil », « l'académie d'Aix-Marseille »."""
    if academy in _ACADEMY_PHRASES:
        return _ACADEMY_PHRASES[academy]
    first = fold(academy)[:1]
    if first and first in "aeiouy":
        return f"l'académie d'{academy}"
    return f"l'académie de {academy}"


def official_mailbox(school: School) -> str:
    """``ce.<uai>@ac-<académie>.fr``: the school's official mailbox ("" if unknown)."""
    domain = academy_domain(school.academy)
    return f"ce.{school.uai.lower()}@{domain}" if domain and school.uai else ""


def _all_academy_domains() -> set[str]:
    import csv
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent.parent / "data" / "departments.csv"
    with path.open(encoding="utf-8") as f:
        names = {row["academy"] for row in csv.DictReader(f) if row.get("academy")}
    out: set[str] = set()
    for name in names:
        out.update(academy_domains(name))
    return out


_KNOWN_DOMAINS: set[str] | None = None


def is_academy_domain(domain: str) -> bool:
    global _KNOWN_DOMAINS
    if _KNOWN_DOMAINS is None:
        _KNOWN_DOMAINS = _all_academy_domains()
    return domain in _KNOWN_DOMAINS


def check_head_email(school: School, email: str | None) -> tuple[str, str]:
    """Which address a head signs up with: ``("official", "")`` for the school's official
    mailbox, ``("academy", "")`` for another address of the school's académie (admin
    validation needed), else ``("", French error)``.  ``email`` is already normalised."""
    domains = academy_domains(school.academy)
    if not domains:
        return "", MSG_NO_ACADEMY
    official = official_mailbox(school)
    if not email or "@" not in email:
        return "", accounts.MSG_EMAIL_INVALID
    local, domain = email.rsplit("@", 1)
    uai_match = _UAI_LOCAL.match(local)
    if domain in domains:
        if uai_match and uai_match.group(1) != school.uai.lower():
            return "", MSG_HEAD_OTHER_UAI.format(uai=uai_match.group(1).upper(), official=official)
        return ("official", "") if uai_match else ("academy", "")
    if is_academy_domain(domain) or domain.startswith("ac-"):
        return "", MSG_OTHER_ACADEMY.format(
            academy=academy_phrase(school.academy), domain=domains[0]
        )
    return "", MSG_HEAD_EMAIL.format(official=official, domain=domains[0])


def check_staff_email(school: School, email: str | None) -> str:
    """ "" when ``email`` is a personal address of the school's académie, else the error."""
    domains = academy_domains(school.academy)
    if not domains:
        return MSG_NO_ACADEMY
    if not email or "@" not in email:
        return accounts.MSG_EMAIL_INVALID
    local, domain = email.rsplit("@", 1)
    if domain not in domains:
        if is_academy_domain(domain) or domain.startswith("ac-"):
            return MSG_OTHER_ACADEMY.format(
                academy=academy_phrase(school.academy), domain=domains[0]
            )
        return MSG_STAFF_EMAIL.format(domain=domains[0])
    if _UAI_LOCAL.match(local):
        return MSG_STAFF_OFFICIAL
    return ""
