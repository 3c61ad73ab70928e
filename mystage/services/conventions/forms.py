"""What each party fills in, checked field by field, and the steps it triggers.

- the employer's part (:func:`save_employer_part`): representative, tutor, the week's
  timetable (checked against the rules for minors and the school's weekly limit), lunch,
  activities, preparation, learning; « Envoyer à l'établissement » completes it;
- the school's part (:func:`save_school_part`): one or two legal representatives, the
  emergency contact, the pupil's address (asked here only), the referent teacher;
  « Valider » validates the convention and opens the signatures;
- the school's preset and mode (:func:`save_preset`) and the paper tick
  (:func:`set_paper_signed`).

Forms return ``errors: dict[str, str]`` keyed by field ({} = stored; "form" = a message for
the whole form); nothing is stored when a field is wrong.  An edit after a signature voids
the signatures (they signed another text) and tells those signatories.
"""

from __future__ import annotations

import json
import re
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from mystage.models import Application, Convention, School, User
from mystage.services import audit
from mystage.services.accounts import normalize_email, normalize_phone
from mystage.services.conventions import machine, preset
from mystage.services.conventions.access import (
    Loaded,
    is_employer,
    load,
    may_edit_school_part,
)
from mystage.services.conventions.hours import DAYS, FIELDS, check_timetable
from mystage.services.form_values import form_str

C = machine.C

MSG_NOT_FOUND = "Convention introuvable."
MSG_CLOSED = "Cette convention ne peut plus être modifiée ({label})."
MSG_RACE = "La convention vient d'être modifiée par quelqu'un d'autre : rechargez la page."
MSG_REQUIRED = "Ce champ est obligatoire."
MSG_EMAIL = "Adresse e-mail invalide (ex. : nom@exemple.fr)."
MSG_MOBILE = "Numéro de portable invalide (ex. : 06 12 34 56 78) : il reçoit le code de signature."
MSG_PHONE = "Numéro de téléphone invalide (ex. : 01 23 45 67 89)."
MSG_TOO_LONG = "{n} caractères au plus."
MSG_NOT_EMPLOYER_DONE = "L'employeur n'a pas encore complété sa partie."
MSG_CONTACT = "Indiquez l'e-mail ou le portable : il reçoit le lien de signature."
MSG_PAPER = (
    "Votre établissement signe ses conventions en ligne : la case papier n'est pas proposée."
)
MSG_HOURS = "Nombre d'heures invalide : de 1 à 35."
MSG_MODE = "Choisissez « conventions en ligne » ou « convention papier »."

SHORT = 200
LONG = 4000

EMPLOYER_TEXT = {
    # key: (path in employer_fields, limit, required on submit, kind)
    "rep_name": (("representative", "name"), SHORT, True, ""),
    "rep_function": (("representative", "function"), SHORT, True, ""),
    "rep_email": (("representative", "email"), 254, True, "email"),
    "tutor_name": (("tutor", "name"), SHORT, True, ""),
    "tutor_function": (("tutor", "function"), SHORT, True, ""),
    "tutor_email": (("tutor", "email"), 254, True, "email"),
    "tutor_phone": (("tutor", "phone"), 30, True, "phone"),
    "lunch": (("lunch",), 500, False, ""),
    "activities": (("activities",), LONG, True, ""),
    "preparation": (("preparation",), LONG, False, ""),
    "learning": (("learning",), LONG, False, ""),
}
SCHOOL_TEXT = {
    "rep1_name": (("legal_representatives", 0, "name"), SHORT, True, ""),
    "rep1_email": (("legal_representatives", 0, "email"), 254, False, "email"),
    "rep1_phone": (("legal_representatives", 0, "phone"), 30, False, "mobile"),
    "rep2_name": (("legal_representatives", 1, "name"), SHORT, False, ""),
    "rep2_email": (("legal_representatives", 1, "email"), 254, False, "email"),
    "rep2_phone": (("legal_representatives", 1, "phone"), 30, False, "mobile"),
    "emergency_name": (("emergency_contact", "name"), SHORT, True, ""),
    "emergency_phone": (("emergency_contact", "phone"), 30, True, "phone"),
    "pupil_address": (("pupil_address",), 500, True, ""),
    "teacher_name": (("referent_teacher", "name"), SHORT, True, ""),
    "teacher_email": (("referent_teacher", "email"), 254, True, "email"),
    "teacher_phone": (("referent_teacher", "phone"), 30, False, "phone"),
}
_SEPARATORS = re.compile(r"[\s.\-/]")


def _phone_any(raw: str) -> str | None:
    """A French phone number, landline or mobile, as « 01 23 45 67 89 »; None if invalid."""
    p = _SEPARATORS.sub("", raw)
    if p.startswith("+33"):
        p = "0" + p[3:].removeprefix("0")
    if len(p) != 10 or not p.isdigit() or p[0] != "0" or p[1] == "0":
        return None
    return " ".join(p[i : i + 2] for i in range(0, 10, 2))


def _mobile(raw: str) -> str | None:
    e164 = normalize_phone(raw)
    if e164 is None:
        return None
    return _phone_any(raw) or raw


_CHECKS = {
    "email": (normalize_email, MSG_EMAIL),
    "phone": (_phone_any, MSG_PHONE),
    "mobile": (_mobile, MSG_MOBILE),
}


def _get(data: dict[str, Any], path: tuple[Any, ...]) -> str:
    cur: Any = data
    for part in path:
        if isinstance(part, int):
            cur = cur[part] if isinstance(cur, list) and len(cur) > part else {}
        else:
            cur = cur.get(part, {}) if isinstance(cur, dict) else {}
    return cur if isinstance(cur, str) else ""


def _set(data: dict[str, Any], path: tuple[Any, ...], value: str) -> None:
    cur: Any = data
    for i, part in enumerate(path[:-1]):
        nxt = path[i + 1]
        if isinstance(part, int):
            while len(cur) <= part:
                cur.append({})
            if not isinstance(cur[part], dict):
                cur[part] = {}
            cur = cur[part]
        else:
            default: Any = [] if isinstance(nxt, int) else {}
            if not isinstance(cur.get(part), type(default)):
                cur[part] = default
            cur = cur[part]
    cur[path[-1]] = value


def _read(
    spec: dict[str, tuple], values: Any, target: dict[str, Any], *, submit: bool
) -> dict[str, str]:
    """Check every field of ``spec`` from the form ``values`` and write it into ``target``;
    returns the errors."""
    errors: dict[str, str] = {}
    for key, (path, limit, required, kind) in spec.items():
        raw = form_str(values, key, limit=limit * 4 + 100)
        if len(raw) > limit:
            errors[key] = MSG_TOO_LONG.format(n=limit)
            continue
        if not raw:
            if required and submit:
                errors[key] = MSG_REQUIRED
            _set(target, path, "")
            continue
        if kind:
            check, message = _CHECKS[kind]
            clean = check(raw)
            if clean is None:
                errors[key] = message
                continue
            raw = clean
        _set(target, path, raw)
    return errors


def employer_values(employer: dict[str, Any]) -> dict[str, str]:
    """The employer form's flat values from the stored JSON."""
    out = {key: _get(employer, path) for key, (path, *_) in EMPLOYER_TEXT.items()}
    table = employer.get("timetable") if isinstance(employer.get("timetable"), dict) else {}
    for day in DAYS:
        slot = table.get(day) if isinstance(table.get(day), dict) else {}
        for f in FIELDS:
            out[f"{day}_{f}"] = str(slot.get(f) or "")
    return out


def school_values(school: dict[str, Any]) -> dict[str, str]:
    return {key: _get(school, path) for key, (path, *_) in SCHOOL_TEXT.items()}


def _week_limit(s: Session, x: Loaded) -> int:
    school = s.get(School, x.app.school_id) if x.app.school_id else None
    return int(preset.load(school)["week_max_hours"])


def _closed(x: Loaded) -> str:
    if x.conv.state not in machine.OPEN_STATES:
        return MSG_CLOSED.format(label=machine.state_label(x.conv.state, paper=x.conv.paper))
    return ""


def _after_edit(s: Session, x: Loaded, user: User | None, voided: list[dict[str, Any]]) -> None:
    for person in voided:
        url = person["url"]
        if person["role"].startswith("legal_rep"):
            from mystage.services.conventions.signing import issue_link

            url = machine.LINK_URL.format(token=issue_link(s, x, person["role"]))
        machine.mail(s, x, person, "voided", url, "v")


def save_employer_part(
    s: Session, user: User | None, conv_id: Any, values: Any, *, submit: bool
) -> dict[str, str]:
    """Store the employer's part; ``submit``: it is complete and goes to the school."""
    x = load(s, conv_id)
    if x is None or not is_employer(s, user, x):
        return {"form": MSG_NOT_FOUND}
    if msg := _closed(x):
        return {"form": msg}
    employer, school = machine.fields(x.conv)
    errors = _read(EMPLOYER_TEXT, values, employer, submit=submit)
    raw_table = {day: {f: form_str(values, f"{day}_{f}", limit=20) for f in FIELDS} for day in DAYS}
    clean, table_errors = check_timetable(raw_table, week_max_hours=_week_limit(s, x))
    if submit and not any(v["start"] for v in clean.values()) and "semaine" not in table_errors:
        table_errors["semaine"] = "Indiquez les horaires d'au moins un jour."
    errors.update(table_errors)
    if errors:
        return errors
    employer["timetable"] = clean
    stored = {"employer_fields": json.dumps(employer, ensure_ascii=False)}
    state = x.conv.state
    signed_before = machine.live_signatures(s, x.conv.id)
    voided = machine.void_signatures(s, x, user) if signed_before else []
    if state in (C.VALIDATED, C.SIGNING):
        # the school validated another text: it validates again
        ok = machine.move(s, x, "reopen", user, values=stored, bump=True)
        if ok:
            machine.mail(s, x, machine.school_contact(s, x), "to_employer_again",
                         machine.SCHOOL_URL.format(id=x.conv.id), "r")  # fmt: skip
    elif submit:
        ok = machine.move(s, x, "complete", user, values=stored, bump=True)
        if ok and state == C.DRAFT:
            machine.mail(s, x, machine.school_contact(s, x), "to_school",
                         machine.SCHOOL_URL.format(id=x.conv.id), "c")  # fmt: skip
    else:
        ok = machine.save_fields(s, x, user, values=stored)
    if not ok:
        s.rollback()
        return {"form": MSG_RACE}
    _after_edit(s, x, user, voided)
    s.commit()
    return {}


def save_school_part(
    s: Session, user: User | None, conv_id: Any, values: Any, *, submit: bool
) -> dict[str, str]:
    """Store the school's part; ``submit``: validate the convention (signatures open)."""
    x = load(s, conv_id)
    if x is None or not may_edit_school_part(s, user, x):
        return {"form": MSG_NOT_FOUND}
    if msg := _closed(x):
        return {"form": msg}
    employer, school = machine.fields(x.conv)
    before = school_values(school)
    errors = _read(SCHOOL_TEXT, values, school, submit=submit)
    reps = school.get("legal_representatives") or []
    school["legal_representatives"] = [
        r for r in reps if isinstance(r, dict) and any(str(v).strip() for v in r.values())
    ]
    if submit:
        for i in (1, 2):
            name = form_str(values, f"rep{i}_name")
            if name and not (
                form_str(values, f"rep{i}_email") or form_str(values, f"rep{i}_phone")
            ):
                errors.setdefault(f"rep{i}_email", MSG_CONTACT)
        if x.conv.state == C.DRAFT:
            errors["form"] = MSG_NOT_EMPLOYER_DONE
    if errors:
        return errors
    school_row = s.get(School, x.app.school_id) if x.app.school_id else None
    school["terms"] = preset.terms(preset.load(school_row))
    stored = {"school_fields": json.dumps(school, ensure_ascii=False)}
    changed = school_values(school) != before or x.conv.school_fields != stored["school_fields"]
    state = x.conv.state
    voided = machine.void_signatures(s, x, user) if changed else []
    if submit or state in (C.VALIDATED, C.SIGNING):
        ok = machine.move(s, x, "validate", user, values=stored, bump=changed)
    else:
        ok = machine.save_fields(s, x, user, values=stored)
    if not ok:
        s.rollback()
        return {"form": MSG_RACE}
    if submit and state == C.EMPLOYER_DONE or (changed and state in (C.VALIDATED, C.SIGNING)):
        _revoke_changed_links(s, x, before, school_values(school))
    _after_edit(s, x, user, voided)
    if submit and state == C.EMPLOYER_DONE and preset.mode(school_row) == "online":
        from mystage.services.conventions.signing import invite_all

        invite_all(s, x)
    s.commit()
    return {}


def _revoke_changed_links(
    s: Session, x: Loaded, before: dict[str, str], after: dict[str, str]
) -> None:
    from mystage.services.conventions.signing import revoke_links

    for i in (1, 2):
        keys = (f"rep{i}_name", f"rep{i}_email", f"rep{i}_phone")
        if any(before[k] != after[k] for k in keys):
            revoke_links(s, x.conv.id, f"legal_rep_{i}")


# --- the school's preset and mode -------------------------------------------------------------


def _staff_school(s: Session, user: User | None) -> School | None:
    from mystage.services import permissions

    school_id = permissions.school_of_staff(s, user)
    return s.get(School, school_id) if school_id else None


def preset_values(s: Session, user: User | None) -> dict[str, str] | None:
    school = _staff_school(s, user)
    if school is None:
        return None
    p = preset.load(school)
    return {"mode": preset.mode(school), **preset.terms(p)}


def save_preset(s: Session, user: User | None, values: Any) -> dict[str, str]:
    """The head edits the school's convention model; its terms flow into the conventions
    not yet validated (their text changes: new version)."""
    from mystage.services import permissions

    school = _staff_school(s, user)
    if school is None or not permissions.can_manage_school(s, user, school.id):
        return {"form": "Seul le chef d'établissement modifie le modèle de convention."}
    errors: dict[str, str] = {}
    mode = form_str(values, "mode", limit=20)
    if mode not in preset.MODES:
        errors["mode"] = MSG_MODE
    hours_raw = form_str(values, "week_max_hours", limit=10)
    try:
        hours = int(hours_raw)
    except ValueError:
        hours = 0
    if not 1 <= hours <= 35:
        errors["week_max_hours"] = MSG_HOURS
    out: dict[str, Any] = {"week_max_hours": hours}
    for key in ("meals", "transport", "insurance", "clauses"):
        raw = form_str(values, key, limit=preset.TEXT_MAX * 2)
        if len(raw) > preset.TEXT_MAX:
            errors[key] = MSG_TOO_LONG.format(n=preset.TEXT_MAX)
        out[key] = raw
    if errors:
        return errors
    school.convention_mode = mode
    school.convention_preset = json.dumps(out, ensure_ascii=False)
    s.add(school)
    audit.record(s, "school", school.id, "convention_preset", user)
    _flow_terms(s, school, preset.terms(out))
    s.commit()
    return {}


def _flow_terms(s: Session, school: School, terms: dict[str, str]) -> None:
    """Copy the new terms into the school's conventions not yet validated."""
    rows = s.execute(
        sa.select(Convention)
        .join(Application, Application.id == Convention.application_id)
        .where(Application.school_id == school.id, Convention.state.in_([C.DRAFT, C.EMPLOYER_DONE]))
    ).scalars()
    for conv in rows:
        employer, school_part = machine.fields(conv)
        if school_part.get("terms") == terms:
            continue
        school_part["terms"] = terms
        s.execute(
            sa.update(Convention)
            .where(Convention.id == conv.id, Convention.version == conv.version)
            .values(school_fields=json.dumps(school_part, ensure_ascii=False),
                    version=Convention.version + 1)
            .execution_options(synchronize_session=False)
        )  # fmt: skip


def set_paper_signed(s: Session, user: User | None, conv_id: Any, signed: Any) -> str:
    """« Convention signée (papier) » ticked (or unticked) by the school's staff, for a
    school that signs on paper."""
    x = load(s, conv_id)
    if x is None or not may_edit_school_part(s, user, x) or not isinstance(signed, bool):
        return MSG_NOT_FOUND
    school = s.get(School, x.app.school_id) if x.app.school_id else None
    if preset.mode(school) != "paper":
        return MSG_PAPER
    if signed:
        if x.conv.state == C.SIGNED:
            return ""
        ok = machine.move(s, x, "paper_signed", user, values={"paper": True})
    else:
        if not (x.conv.state == C.SIGNED and x.conv.paper):
            return ""
        back = (
            C.VALIDATED if x.conv.validated_at
            else C.EMPLOYER_DONE if x.conv.employer_completed_at
            else C.DRAFT
        )  # fmt: skip
        ok = machine.move(s, x, "paper_unsigned", user, to_state=back,
                          values={"paper": False, "signed_at": None})  # fmt: skip
    if not ok:
        s.rollback()
        return MSG_RACE
    s.commit()
    return ""
