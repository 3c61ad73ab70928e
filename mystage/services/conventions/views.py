"""What the pages show: the employer's « Mes conventions de stage », the school's
« Conventions », the pupil's rows, and one convention as its reader sees it (parts, text,
signatories, what the reader may do)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from mystage.models import (
    Application,
    Convention,
    Offer,
    School,
    SchoolClass,
    Signature,
    User,
)
from mystage.services import permissions, weeks
from mystage.services.conventions import document, forms, machine, preset, signing
from mystage.services.conventions.access import (
    Loaded,
    is_employer,
    load,
    may_edit_school_part,
    may_view,
    user_role,
)

C = machine.C
LIST_MAX = 1000


def _signed_counts(s: Session, conv_ids: list[int]) -> tuple[Counter[int], set[tuple[int, str]]]:
    counts: Counter[int] = Counter()
    pairs: set[tuple[int, str]] = set()
    for i in range(0, len(conv_ids), 500):
        rows = s.execute(
            sa.select(Signature.convention_id, Signature.signatory_role).where(
                Signature.convention_id.in_(conv_ids[i : i + 500]), Signature.voided_at.is_(None)
            )
        ).all()
        for cid, role in rows:
            counts[cid] += 1
            pairs.add((cid, role))
    return counts, pairs


def _total(conv: Convention) -> int:
    _, school = machine.fields(conv)
    reps = [
        r for r in (school.get("legal_representatives") or [])[:2]
        if isinstance(r, dict) and str(r.get("name") or "").strip()
    ]  # fmt: skip
    return 3 + len(reps)


def _rows(s: Session, where: list[Any], role: str | None, url: str) -> list[dict[str, str]]:
    stmt = (
        sa.select(Convention, Application, Offer, User, SchoolClass.name, School.name, School.convention_mode)
        .join(Application, Application.id == Convention.application_id)
        .join(Offer, Offer.id == Application.offer_id)
        .join(User, User.id == Application.pupil_id)
        .outerjoin(SchoolClass, SchoolClass.id == Application.class_id)
        .outerjoin(School, School.id == Application.school_id)
        .where(*where)
        .order_by(Convention.week_start, User.last_name, Convention.id)
        .limit(LIST_MAX)
    )  # fmt: skip
    found = s.execute(stmt).all()
    counts, pairs = _signed_counts(s, [r[0].id for r in found])
    out = []
    for conv, app, offer, pupil, class_name, school_name, mode in found:
        total = _total(conv)
        online = (mode or "online") == "online"
        signable = (
            role is not None and online and conv.state in machine.SIGNABLE_STATES
            and (conv.id, role) not in pairs
        )  # fmt: skip
        out.append(
            {
                "id": str(conv.id),
                "uuid": conv.uuid,
                "application_id": str(app.id),
                "pupil": f"{pupil.first_name} {pupil.last_name}".strip(),
                "class_name": class_name or "",
                "school": school_name or "",
                "offer_title": offer.title,
                "week": weeks.application_period_label(conv.week_start, app.week_count),
                "state": conv.state,
                "state_label": machine.state_label(conv.state, counts[conv.id], total, conv.paper),
                "signed_count": str(counts[conv.id]),
                "signatory_count": str(total),
                "can_sign": "1" if signable else "",
                "paper_mode": "" if online else "1",
                "url": url.format(id=conv.id),
            }
        )
    return out


def employer_list(s: Session, user: User | None) -> list[dict[str, str]]:
    """The conventions of the offers the caller may manage (structure members, author)."""
    if user is None or user.role not in permissions.OFFER_POSTERS:
        return []
    owned = permissions.offer_scope(s, user)  # a member limited to spaces: those only
    return _rows(s, [owned, Convention.state != C.CANCELLED], "employer",
                 machine.EMPLOYER_URL)  # fmt: skip


def school_list(s: Session, user: User | None) -> list[dict[str, str]]:
    """The conventions of the caller's school (of their classes when restricted)."""
    school_id = permissions.school_of_staff(s, user)
    if school_id is None:
        return []
    where: list[Any] = [Application.school_id == school_id, Convention.state != C.CANCELLED]
    visible = permissions.visible_class_ids(s, user)
    if visible is not None:
        where.append(Application.class_id.in_(sorted(visible) or [-1]))
    role = "school_head" if permissions.is_school_head(user, school_id) else None
    return _rows(s, where, role, machine.SCHOOL_URL)


def pupil_rows(s: Session, user: User | None) -> dict[int, dict[str, str]]:
    """The caller's conventions by application id (for « Mes candidatures »)."""
    if user is None or user.role != "eleve":
        return {}
    rows = _rows(s, [Application.pupil_id == user.id, Convention.state != C.CANCELLED],
                 "pupil", machine.PUPIL_URL)  # fmt: skip
    return {int(r["application_id"]): r for r in rows}


def describe(s: Session, x: Loaded, *, role: str, viewer: User | None) -> dict[str, Any]:
    """A convention as a party reads it (no permission check: callers check)."""
    employer, school = machine.fields(x.conv)
    live = {sig.signatory_role: sig for sig in machine.live_signatures(s, x.conv.id)}
    people = machine.signatories(s, x)
    school_row = s.get(School, x.app.school_id) if x.app.school_id else None
    signatories = [
        {
            "role": p["role"],
            "label": p["label"],
            "name": p["name"],
            "signed": "1" if p["role"] in live else "",
            "signed_at": live[p["role"]].signed_at.strftime("%d/%m/%Y %H:%M")
            if p["role"] in live
            else "",
            "method": {"sms": "code par SMS", "mail": "code par e-mail"}.get(
                live[p["role"]].method, ""
            )
            if p["role"] in live
            else "",
        }
        for p in people
    ]
    try:
        secs = document.sections(x)
    except Exception:  # noqa: BLE001 - the page still shows the parts
        secs = []
    return {
        "id": x.conv.id,
        "uuid": x.conv.uuid,
        "state": x.conv.state,
        "state_label": machine.state_label(x.conv.state, len(live), len(people), x.conv.paper),
        "paper": x.conv.paper,
        "mode": preset.mode(school_row),
        "week": weeks.application_period_label(x.conv.week_start, x.app.week_count),
        "pupil": f"{x.pupil.first_name} {x.pupil.last_name}".strip(),
        "school": str((school.get("school") or {}).get("name") or ""),
        "structure": str((employer.get("structure") or {}).get("name") or ""),
        "offer_title": x.offer.title,
        "employer_values": forms.employer_values(employer),
        "school_values": forms.school_values(school),
        "signatories": signatories,
        "sections": secs,
        "pdf_url": f"/api/conventions/{x.conv.uuid}.pdf",
        "my_role": role,
        "can_sign": False,
        "can_edit_employer": False,
        "can_edit_school": False,
    }


def view(s: Session, user: User | None, conv_id: Any) -> dict[str, Any] | None:
    """One convention for the caller, None when they may not see it (a 404 for the page)."""
    x = load(s, conv_id)
    if x is None or not may_view(s, user, x):
        return None
    role = user_role(s, user, x)
    out = describe(s, x, role=role, viewer=user)
    is_open = x.conv.state in machine.OPEN_STATES
    out["can_sign"] = signing.can_sign(s, x, role)
    out["can_edit_employer"] = is_open and is_employer(s, user, x)
    out["can_edit_school"] = (
        is_open and x.conv.state != C.DRAFT and may_edit_school_part(s, user, x)
    )
    out["can_edit_school_draft"] = is_open and may_edit_school_part(s, user, x)
    return out


# --- the legal representative's page -----------------------------------------------------------


def link_view(s: Session, raw: Any) -> dict[str, Any] | None:
    found = signing.live_link(s, raw)
    if found is None:
        return None
    x, role = found
    out = describe(s, x, role=role, viewer=None)
    person = (
        signing.signatory(s, x, role)
        if role in {p["role"] for p in machine.signatories(s, x)}
        else {}
    )
    channel, address = signing.destination(None, person) if person else ("", "")
    out.update(
        my_role=role,
        can_sign=signing.can_sign(s, x, role),
        name=person.get("name", ""),
        sent_to=signing.mask(channel, address),
        pdf_url=f"/api/conventions/{x.conv.uuid}.pdf?lien={raw}",
    )
    return out
