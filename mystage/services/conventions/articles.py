"""The text of one convention: the articles of :mod:`mystage.documents.articles` filled in
with what each party wrote (the JSON of ``Convention.employer_fields`` / ``school_fields``).

:func:`sections` is what the convention page shows and the PDF prints; :func:`document_text`
is its canonical plain text and :func:`document_hash` the SHA-256 each signature records, so
that the same JSON always gives the same text and the same hash (no clock, no locale, no
dictionary order), and any edit gives another hash.

Nothing here raises on odd input: missing keys, wrong types or hostile strings give
« (à compléter) » or the text as typed (control characters removed).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import timedelta
from typing import Any

from mystage.documents import articles as A
from mystage.services import weeks
from mystage.services.conventions.hours import DAYS, WEEK_MAX_HOURS, duration_label
from mystage.services.text import parse_time, time_label

MISSING = "(à compléter)"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")
_SPACES = re.compile(r"[ \t\u00a0]+")


def clean(value: Any, *, multiline: bool = False) -> str:
    """A value typed by someone, as it goes into the text: a string (anything else is
    empty), NFC, without control or invisible direction characters, spaces collapsed; line
    breaks kept only for ``multiline`` fields (at most one empty line in a row)."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return ""
    text = unicodedata.normalize("NFC", str(value)).replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    if not multiline:
        return " ".join(line for line in lines if line)
    text = "\n".join(lines).strip("\n")
    return re.sub(r"\n{3,}", "\n\n", text)


def _get(data: Any, *path: str, multiline: bool = False) -> str:
    for key in path:
        data = data.get(key) if isinstance(data, dict) else None
    return clean(data, multiline=multiline)


def _or_missing(text: str) -> str:
    return text or MISSING


def _join(*parts: str, sep: str = ", ") -> str:
    return sep.join(p for p in parts if p)


def _date(iso: str) -> str:
    d = weeks.parse_date(iso)
    return weeks.date_label(d) if d else clean(iso)


def _person(data: Any, *fields: str) -> str:
    """« Nom, fonction — courriel — téléphone » from the fields present, else « (à compléter) »."""
    data = data if isinstance(data, dict) else {}
    if "name" not in fields:
        return _or_missing(_join(*(_get(data, f) for f in fields), sep=" — "))
    head = _join(_get(data, "name"), *(_get(data, f) for f in fields if f == "function"))
    contacts = [_get(data, f) for f in fields if f not in ("name", "function")]
    return _or_missing(_join(head, *contacts, sep=" — "))


def _minutes(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def day_rows(employer: dict) -> list[dict[str, str]]:
    """One row per day of the week: day (« Lundi »), arrival, break, departure and presence
    labels (« 9 h », « 12 h – 13 h », « 7 h »); a day without hours has empty labels."""
    timetable = employer.get("timetable") if isinstance(employer, dict) else None
    timetable = timetable if isinstance(timetable, dict) else {}
    rows = []
    for day in DAYS:
        raw = timetable.get(day)
        raw = raw if isinstance(raw, dict) else {}
        t = {
            k: parse_time(clean(raw.get(k))) or ""
            for k in ("start", "end", "break_start", "break_end")
        }
        row = {"day": day.capitalize(), "start": "", "end": "", "break": "", "presence": ""}
        if t["start"] and t["end"] and _minutes(t["end"]) > _minutes(t["start"]):
            presence = _minutes(t["end"]) - _minutes(t["start"])
            if t["break_start"] and t["break_end"]:
                pause = _minutes(t["break_end"]) - _minutes(t["break_start"])
                if 0 < pause < presence:
                    presence -= pause
                    row["break"] = f"{time_label(t['break_start'])} – {time_label(t['break_end'])}"
            row.update(start=time_label(t["start"]), end=time_label(t["end"]))
            row["presence"] = duration_label(presence)
            row["minutes"] = str(presence)
        rows.append(row)
    return rows


def week_total(rows: list[dict[str, str]]) -> str:
    """« 35 h » (presence over the week), "" when no day has hours."""
    total = sum(int(r.get("minutes") or 0) for r in rows)
    return duration_label(total) if total else ""


def day_line(row: dict[str, str]) -> str:
    """« Lundi : 9 h – 17 h, pause 12 h – 13 h (7 h de présence) » or « Samedi : repos »."""
    if not row["presence"]:
        return f"{row['day']} : repos"
    pause = f", pause {row['break']}" if row["break"] else ", sans pause"
    return f"{row['day']} : {row['start']} – {row['end']}{pause} ({row['presence']} de présence)"


def week_dates(employer: dict) -> tuple[str, str]:
    """(« 8 juin 2026 », « 12 juin 2026 »): the week's first and last day, or « (à compléter) »."""
    start = weeks.parse_date(_get(employer, "week", "start"))
    end = weeks.parse_date(_get(employer, "week", "end"))
    if start and not end:
        end = start + timedelta(days=4)
    return (
        weeks.date_label(start) if start else MISSING,
        weeks.date_label(end) if end else MISSING,
    )


def _week_max(school: dict) -> int:
    raw = _get(school, "terms", "week_max_hours")
    return int(raw) if raw.isdigit() and 1 <= int(raw) <= WEEK_MAX_HOURS else WEEK_MAX_HOURS


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n\n") if p.strip()]


def sections(employer: dict, school: dict) -> list[dict]:
    """The whole convention, filled in: ``[{"title": str, "paragraphs": [str, …]}, …]``."""
    e = employer if isinstance(employer, dict) else {}
    sc = school if isinstance(school, dict) else {}
    first, last = week_dates(e)
    rows = day_rows(e)
    total = week_total(rows)

    school_line = _or_missing(
        _join(
            _get(sc, "school", "name"),
            f"UAI {_get(sc, 'school', 'uai')}" if _get(sc, "school", "uai") else "",
            _get(sc, "school", "address"),
            _join(_get(sc, "school", "postal_code"), _get(sc, "school", "city"), sep=" "),
        )
    )
    structure_line = _or_missing(
        _join(
            _get(e, "structure", "name"),
            f"SIRET {_get(e, 'structure', 'siret')}" if _get(e, "structure", "siret") else "",
            _get(e, "structure", "address"),
            _join(_get(e, "structure", "postal_code"), _get(e, "structure", "city"), sep=" "),
        )
    )
    place_line = _or_missing(
        _join(
            _get(e, "place", "street"),
            _join(_get(e, "place", "postal_code"), _get(e, "place", "city"), sep=" "),
        )
    )
    pupil = sc.get("pupil") if isinstance(sc.get("pupil"), dict) else {}
    birth = _get(pupil, "birth_date")
    reps = sc.get("legal_representatives")
    reps = [r for r in reps if isinstance(r, dict)] if isinstance(reps, list) else []
    rep_lines = [
        f"Représentant légal {i} : {_person(r, 'name', 'email', 'phone')}"
        for i, r in enumerate(reps[:2], start=1)
    ] or [f"Représentant légal : {MISSING}"]
    teacher = sc.get("referent_teacher")
    teacher_line = (
        _person(teacher, "name", "email", "phone")
        if isinstance(teacher, dict)
        else _or_missing(clean(teacher))
    )

    parties = [
        f"L'établissement scolaire : {school_line}, représenté par "
        f"{_or_missing(_get(sc, 'school', 'head'))}, chef d'établissement.",
        f"La structure d'accueil : {structure_line}, représentée par "
        f"{_person(e.get('representative'), 'name', 'function', 'email')}.",
        f"Lieu du stage : {place_line}.",
        "L'élève : "
        + _or_missing(_join(_get(pupil, "first_name"), _get(pupil, "last_name"), sep=" "))
        + f", né(e) le {_or_missing(_date(birth) if birth else '')}"
        + f", classe {_or_missing(_get(pupil, 'class'))}"
        + f", demeurant {_or_missing(_get(sc, 'pupil_address'))}.",
        *rep_lines,
        "Personne à prévenir en cas d'urgence : "
        + _person(sc.get("emergency_contact"), "name", "phone"),
    ]

    start, end = (weeks.parse_date(_get(e, "week", k)) for k in ("start", "end"))
    several = bool(start and end and (end - start).days > 6)  # a 2de period of two weeks
    hours = [
        f"Du {first} au {last}.",
        "Horaires de présence de l'élève, chaque semaine :"
        if several
        else "Horaires de présence de l'élève :",
    ]
    hours += [day_line(r) for r in rows] if total else [MISSING]
    if total:
        hours.append(f"Total de la semaine : {total} de présence.")
    lunch = _get(e, "lunch")
    if lunch:
        hours.append(f"Pause du déjeuner : {lunch}")
    hours.append(A.hours_rule(_week_max(sc)))

    activities = [
        A.ACTIVITIES,
        f"Offre de stage : {_or_missing(_get(e, 'offer_title'))}",
        "Activités prévues : " + _or_missing(_get(e, "activities", multiline=True)),
        "Préparation de la séquence : " + _or_missing(_get(e, "preparation", multiline=True)),
        "Ce que l'élève découvrira : " + _or_missing(_get(e, "learning", multiline=True)),
    ]
    supervision = [
        A.SUPERVISION,
        "Tuteur dans la structure d'accueil : "
        + _person(e.get("tutor"), "name", "function", "email", "phone"),
        f"Professeur référent : {teacher_line}",
    ]
    insurance = [
        A.INSURANCE,
        "Assurance (conditions de l'établissement) : "
        + _or_missing(_get(sc, "terms", "insurance", multiline=True)),
        A.ACCIDENT,
    ]
    meals = [
        A.MEALS_DEFAULT,
        "Repas (structure d'accueil) : " + _or_missing(_get(e, "meals", multiline=True)),
        "Repas (conditions de l'établissement) : "
        + _or_missing(_get(sc, "terms", "meals", multiline=True)),
        "Transport (conditions de l'établissement) : "
        + _or_missing(_get(sc, "terms", "transport", multiline=True)),
        "Déplacements pendant la journée : " + _or_missing(_get(e, "travel", multiline=True)),
    ]
    clauses = _paragraphs(_get(sc, "terms", "clauses", multiline=True))
    return [
        {"title": "Textes de référence", "paragraphs": [*A.VISAS, A.AGREED]},
        {"title": A.ART_PARTIES, "paragraphs": parties},
        {"title": A.ART_OBJECT, "paragraphs": [A.OBJECT]},
        {"title": A.ART_HOURS, "paragraphs": hours},
        {"title": A.ART_STATUS, "paragraphs": [A.STATUS]},
        {"title": A.ART_ACTIVITIES, "paragraphs": activities},
        {"title": A.ART_SUPERVISION, "paragraphs": supervision},
        {"title": A.ART_INSURANCE, "paragraphs": insurance},
        {"title": A.ART_DUTIES, "paragraphs": [*(f"– {d}" for d in A.DUTIES), A.TERMINATION]},
        {"title": A.ART_MEALS, "paragraphs": meals},
        {"title": A.ART_DURATION, "paragraphs": [A.DURATION]},
        {
            "title": A.ART_SCHOOL_TERMS,
            "paragraphs": clauses or ["Aucune condition particulière."],
        },
        {"title": A.ART_EVIDENCE, "paragraphs": list(A.EVIDENCE)},
    ]


def document_text(secs: list[dict]) -> str:
    """The canonical text of the convention (what is signed and hashed): the title, then
    each section's title and paragraphs, separated by empty lines, NFC, ending with « \\n »."""
    blocks = [A.FULL_TITLE]
    for sec in secs if isinstance(secs, list) else []:
        if not isinstance(sec, dict):
            continue
        blocks.append(clean(sec.get("title")))
        paragraphs = sec.get("paragraphs")
        for p in paragraphs if isinstance(paragraphs, list) else []:
            blocks.append(clean(p, multiline=True))
    return unicodedata.normalize("NFC", "\n\n".join(b for b in blocks if b)) + "\n"


def document_hash(text: str) -> str:
    """SHA-256 (hex) of the canonical text, as UTF-8."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def annex(employer: dict, school: dict) -> dict:
    """What the PDF's annex page shows: dates, the daily hours table, lunch, activities,
    place and tutor (``render_pdf(…, annex=annex(employer, school))``)."""
    e = employer if isinstance(employer, dict) else {}
    first, last = week_dates(e)
    rows = day_rows(e)
    pupil = school.get("pupil") if isinstance(school, dict) else None
    return {
        "pupil": _or_missing(_join(_get(pupil, "first_name"), _get(pupil, "last_name"), sep=" ")),
        "dates": f"Du {first} au {last}",
        "rows": rows,
        "total": week_total(rows),
        "lunch": _get(e, "lunch"),
        "activities": _or_missing(_get(e, "activities", multiline=True)),
        "place": _or_missing(
            _join(
                _get(e, "structure", "name"),
                _get(e, "place", "street"),
                _join(_get(e, "place", "postal_code"), _get(e, "place", "city"), sep=" "),
            )
        ),
        "tutor": _person(e.get("tutor"), "name", "function", "email", "phone"),
    }
