"""Reading a pasted class list (« Nom Prénom ; contact », tolerant): one line → a pupil's
first and last name and their optional contact, with a French error per line."""

from __future__ import annotations

import re
from typing import Any

from mystage.services import accounts
from mystage.services.text import fold

ROSTER_MAX_LINES = 80
ROSTER_PASTE_MAX = 20_000  # characters
NAME_MAX = 100

MSG_ROSTER_EMPTY = "Collez la liste des élèves : un élève par ligne, « Nom Prénom ; contact »."
MSG_ROSTER_TOO_MANY = f"{ROSTER_MAX_LINES} élèves au plus à la fois : collez la liste en deux fois."
MSG_LINE_NAME = "Indiquez le nom et le prénom (exemple : « Martin Léa »)."
MSG_LINE_NAME_LONG = f"Nom ou prénom trop long ({NAME_MAX} caractères au plus)."
MSG_LINE_CONTACT = (
    "« {contact} » n'est ni une adresse e-mail ni un numéro de portable "
    "(exemple : lea.martin@exemple.fr ou 06 12 34 56 78)."
)
MSG_LINE_DUPLICATE = "Cet élève est déjà sur la ligne {line}."
MSG_LINE_LISTED = "Cet élève est déjà dans la liste de la classe."
MSG_FIRST_NAME = "Indiquez le prénom de l'élève."
MSG_LAST_NAME = "Indiquez le nom de l'élève."
MSG_CONTACT = "Adresse e-mail ou numéro de portable invalide (exemple : 06 12 34 56 78)."

_PHONE_CHARS = re.compile(r"^[+()\d][\d\s.\-()/+]{7,}$")


def name_key(first: str, last: str) -> str:
    return f"{fold(last)}|{fold(first)}"[:210]


def parse_contact(raw: str) -> tuple[str, str] | None:
    """(normalised contact, "email" | "phone"), ("", "") for nothing, None when invalid."""
    text = (raw or "").strip()
    if not text:
        return "", ""
    if "@" in text:
        email = accounts.normalize_email(text)
        return (email, "email") if email else None
    phone = accounts.normalize_phone(text)
    return (phone, "phone") if phone else None


def _looks_like_contact(word: str) -> bool:
    return "@" in word or bool(_PHONE_CHARS.match(word))


def _split_name(text: str) -> tuple[str, str]:
    """« Nom Prénom » → (first, last).  « Nom, Prénom » splits at the comma; otherwise the
    leading words in capitals are the last name (« DE LA TOUR Jean »), else the first word
    (« Martin Léa Marie » → last « Martin », first « Léa Marie »)."""
    text = " ".join(text.split())
    if "," in text:
        last, _, first = text.partition(",")
        return first.strip(), last.strip()
    words = text.split(" ")
    if len(words) < 2:
        return "", text
    caps = 0
    for w in words:
        letters = [c for c in w if c.isalpha()]
        if letters and all(c.isupper() for c in letters) and len(letters) > 1:
            caps += 1
        else:
            break
    cut = caps if 0 < caps < len(words) else 1
    return " ".join(words[cut:]), " ".join(words[:cut])


def _nice_first(first: str) -> str:
    """A first name typed in capitals gets ordinary case (« LÉA » → « Léa »)."""
    letters = [c for c in first if c.isalpha()]
    if letters and all(c.isupper() for c in letters):
        return first.lower().title()
    return first


def parse_line(raw: str) -> dict[str, Any]:
    """One line of a pasted list → ``{"first_name", "last_name", "contact", "contact_kind",
    "error"}`` (``error`` "" when the line is good)."""
    text = raw.strip().strip("\ufeff")
    name_part, contact_part = text, ""
    for sep in (";", "\t", "|"):
        if sep in text:
            name_part, _, contact_part = text.partition(sep)
            contact_part = contact_part.strip().strip(";").strip()
            break
    else:
        words = text.split()
        tail = [w for w in words if _looks_like_contact(w)]
        if tail:
            contact_part = " ".join(tail)
            name_part = " ".join(w for w in words if w not in tail)
        elif re.search(r"\d[\d\s.\-]{7,}\d$", text):  # « Martin Léa 06 12 34 56 78 »
            m = re.search(r"(\+?\d[\d\s.\-]{7,}\d)$", text)
            contact_part, name_part = m.group(1), text[: m.start()]
    first, last = _split_name(name_part.strip().strip(",").strip())
    first = _nice_first(accounts_clean(first))
    last = accounts_clean(last)
    out = {"first_name": first, "last_name": last, "contact": "", "contact_kind": "", "error": ""}
    if not first or not last:
        out["error"] = MSG_LINE_NAME
    elif len(first) > NAME_MAX or len(last) > NAME_MAX:
        out["error"] = MSG_LINE_NAME_LONG
    found = parse_contact(contact_part)
    if found is None:
        out["error"] = out["error"] or MSG_LINE_CONTACT.format(contact=contact_part[:60])
    else:
        out["contact"], out["contact_kind"] = found
    return out


def accounts_clean(text: str) -> str:
    """A name as typed without control characters or doubled spaces."""
    return " ".join("".join(c for c in (text or "") if c.isprintable()).split())


def parse_roster(text: Any, listed: set[str] | None = None) -> tuple[list[dict[str, Any]], str]:
    """The lines of a pasted list (blank lines skipped), each with its number ``line`` and
    ``error``; and the error of the whole paste ("" when it can be stored)."""
    if not isinstance(text, str) or not text.strip():
        return [], MSG_ROSTER_EMPTY
    if len(text) > ROSTER_PASTE_MAX:
        return [], MSG_ROSTER_TOO_MANY
    raw_lines = [(i, ln) for i, ln in enumerate(text.splitlines(), start=1) if ln.strip()]
    if len(raw_lines) > ROSTER_MAX_LINES:
        return [], MSG_ROSTER_TOO_MANY
    listed = listed or set()
    seen: dict[str, int] = {}
    lines = []
    for number, raw in raw_lines:
        item = parse_line(raw)
        item["line"] = number
        item["raw"] = raw.strip()[:200]
        key = name_key(item["first_name"], item["last_name"])
        if not item["error"]:
            if key in seen:
                item["error"] = MSG_LINE_DUPLICATE.format(line=seen[key])
            elif key in listed:
                item["error"] = MSG_LINE_LISTED
        seen.setdefault(key, number)
        lines.append(item)
    return lines, ""
