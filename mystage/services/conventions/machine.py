"""The convention's state machine: one transition table (:data:`TRANSITIONS`), one mover
(:func:`move`: a conditional ``UPDATE … WHERE state IN (:from) AND version = :seen``, an
audit row, the mails of the step), the signatories and their contacts, and the voiding of
signatures when the text changes.

    draft ──complete──▶ employer_done ──validate──▶ validated ──sign──▶ signing ──finish──▶ signed
      ▲                     ▲   │                        │                 │
      └────── (employer edits after validation: reopen) ─┴─────────────────┘
    any open state ──paper_signed──▶ signed (paper);  signed (paper) ──paper_unsigned──▶ back
    any state ──cancel──▶ cancelled (its application was cancelled: :mod:`.records`)

Any edit bumps ``version``; an edit once someone signed voids the live signatures (they
signed another text) and tells those signatories.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from mystage import clock
from mystage.models import Convention, ConventionState, School, Signature, User
from mystage.notify import templates
from mystage.notify.outbox import queue_mail, queue_sms
from mystage.services import audit, weeks
from mystage.services.conventions.access import Loaded, head_of
from mystage.services.offers import employer_contact, offer_recipients

C = ConventionState

STATE_LABELS = {
    C.DRAFT: "À compléter par l'employeur",
    C.EMPLOYER_DONE: "À valider par l'établissement",
    C.VALIDATED: "Prête à signer",
    C.SIGNING: "Signature en cours",
    C.SIGNED: "Signée par tous",
    C.CANCELLED: "Annulée",
}
OPEN_STATES = frozenset({C.DRAFT, C.EMPLOYER_DONE, C.VALIDATED, C.SIGNING})
SIGNABLE_STATES = frozenset({C.VALIDATED, C.SIGNING})

ROLE_LABELS = {
    "employer": "Le représentant de la structure d'accueil",
    "school_head": "Le chef d'établissement",
    "legal_rep_1": "Le représentant légal de l'élève",
    "legal_rep_2": "Le second représentant légal de l'élève",
    "pupil": "L'élève (lu et pris connaissance)",
}

EMPLOYER_URL = "/espace/employeur/conventions/{id}"
SCHOOL_URL = "/espace/etablissement/conventions/{id}"
PUPIL_URL = "/espace/eleve/conventions/{id}"
LINK_URL = "/convention/signer/{token}"


def state_label(state: str, signed: int = 0, total: int = 0, paper: bool = False) -> str:
    if paper and state == C.SIGNED:
        return "Signée (papier)"
    label = STATE_LABELS.get(state, state)
    if state == C.SIGNING and total:
        return f"{label} ({signed}/{total})"
    return label


@dataclass(frozen=True)
class Transition:
    from_states: frozenset[str]
    to_state: str
    stamp: str | None = None  # timestamp column set to now


TRANSITIONS: dict[str, Transition] = {
    "complete": Transition(frozenset({C.DRAFT, C.EMPLOYER_DONE}), C.EMPLOYER_DONE,
                           "employer_completed_at"),
    "reopen": Transition(frozenset({C.VALIDATED, C.SIGNING}), C.EMPLOYER_DONE),
    "validate": Transition(frozenset({C.EMPLOYER_DONE, C.VALIDATED, C.SIGNING}), C.VALIDATED,
                           "validated_at"),
    "sign": Transition(SIGNABLE_STATES, C.SIGNING),
    "finish": Transition(SIGNABLE_STATES, C.SIGNED, "signed_at"),
    "paper_signed": Transition(OPEN_STATES, C.SIGNED, "signed_at"),
    "paper_unsigned": Transition(frozenset({C.SIGNED}), C.DRAFT),  # to_state computed
}  # fmt: skip


def fields(conv: Convention) -> tuple[dict[str, Any], dict[str, Any]]:
    """(employer_fields, school_fields) as dicts (never raises on a bad column)."""

    def load(raw: str) -> dict[str, Any]:
        try:
            value = json.loads(raw or "{}")
        except (TypeError, ValueError):
            return {}
        return value if isinstance(value, dict) else {}

    return load(conv.employer_fields), load(conv.school_fields)


def move(
    s: Session,
    x: Loaded,
    action: str,
    actor: User | None,
    *,
    values: dict[str, Any] | None = None,
    bump: bool = False,
    to_state: str | None = None,
    message: str = "",
) -> bool:
    """Apply ``action`` to the convention if it is still in a from-state and at the version
    the caller read (another tab or party did not change it meanwhile).  ``values``: other
    columns to write (the edited JSON); ``bump``: the text changed (new version).  Returns
    False when nothing changed (the caller says « modifiée entre-temps »); no commit."""
    t = TRANSITIONS[action]
    conv = x.conv
    now = clock.now()
    new_state = to_state or t.to_state
    update: dict[str, Any] = {"state": new_state, "updated_at": now, **(values or {})}
    if t.stamp:
        update[t.stamp] = now
    if bump:
        update["version"] = Convention.version + 1
    result = s.execute(
        sa.update(Convention)
        .where(
            Convention.id == conv.id,
            Convention.state.in_(sorted(t.from_states)),
            Convention.version == conv.version,
        )
        .values(**update)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    if conv.state != new_state:
        audit.record(s, "convention", conv.id, action, actor, from_state=conv.state,
                     to_state=new_state, message=message)  # fmt: skip
    s.refresh(conv)
    return True


def save_fields(
    s: Session, x: Loaded, actor: User | None, *, values: dict[str, Any], action: str = "edit"
) -> bool:
    """An edit that keeps the state (draft, employer_done): new version, audit row."""
    conv = x.conv
    result = s.execute(
        sa.update(Convention)
        .where(Convention.id == conv.id, Convention.version == conv.version,
               Convention.state.in_(sorted(OPEN_STATES)))
        .values(**values, version=Convention.version + 1, updated_at=clock.now())
        .execution_options(synchronize_session=False)
    )  # fmt: skip
    if result.rowcount != 1:
        return False
    audit.record(s, "convention", conv.id, action, actor, from_state=conv.state,
                 to_state=conv.state)  # fmt: skip
    s.refresh(conv)
    return True


# --- signatories ----------------------------------------------------------------------------


def signatories(s: Session, x: Loaded) -> list[dict[str, Any]]:
    """Who signs this convention, in the order of the signature blocks: role, label, name,
    e-mail, phone, user id (None for legal representatives), and the page to sign on."""
    employer, school = fields(x.conv)
    cid = x.conv.id
    email, first_name, uid = employer_contact(s, x.offer)
    rep = employer.get("representative") or {}
    emp_user = s.get(User, uid) if uid else None
    people: list[dict[str, Any]] = [
        {
            "role": "employer",
            "name": str(rep.get("name") or _full(emp_user)),
            # the mails link to the employer's space: to the account that manages the offer
            "email": str(email or rep.get("email") or ""),
            "phone": emp_user.phone if emp_user and emp_user.phone else "",
            "user_id": uid,
            "first_name": first_name,
            "url": EMPLOYER_URL.format(id=cid),
        }
    ]
    head = head_of(s, x.app.school_id) if x.app.school_id else None
    people.append(
        {
            "role": "school_head",
            "name": _full(head) or str((school.get("school") or {}).get("head") or ""),
            "email": head.email if head and head.email else "",
            "phone": head.phone if head and head.phone else "",
            "user_id": head.id if head else None,
            "first_name": head.first_name if head else "",
            "url": SCHOOL_URL.format(id=cid),
        }
    )
    reps = school.get("legal_representatives") or []
    for i, rep_i in enumerate(reps[:2], start=1):
        if not isinstance(rep_i, dict) or not str(rep_i.get("name") or "").strip():
            continue
        people.append(
            {
                "role": f"legal_rep_{i}",
                "name": str(rep_i.get("name") or ""),
                "email": str(rep_i.get("email") or ""),
                "phone": str(rep_i.get("phone") or ""),
                "user_id": None,
                "first_name": "",
                "url": "",  # a personal link, issued when mailed (:mod:`.signing`)
            }
        )
    people.append(
        {
            "role": "pupil",
            "name": _full(x.pupil),
            "email": x.pupil.email or x.app.contact_email or "",
            "phone": x.pupil.phone or x.app.contact_phone or "",
            "user_id": x.pupil.id,
            "first_name": x.pupil.first_name,
            "url": PUPIL_URL.format(id=cid),
        }
    )
    for p in people:
        p["label"] = ROLE_LABELS[p["role"]]
    return people


def _full(user: User | None) -> str:
    return f"{user.first_name} {user.last_name}".strip() if user else ""


def live_signatures(s: Session, conv_id: int) -> list[Signature]:
    return list(
        s.execute(
            sa.select(Signature)
            .where(Signature.convention_id == conv_id, Signature.voided_at.is_(None))
            .order_by(Signature.id)
        ).scalars()
    )


# --- mails ----------------------------------------------------------------------------------


def _pupil_name(x: Loaded) -> str:
    return _full(x.pupil) or "l'élève"


def mail(s: Session, x: Loaded, person: dict[str, Any], event: str, url: str, key: str) -> None:
    """One convention mail to one person (and an SMS to a legal representative without
    e-mail); deduplicated per convention, version, event and role."""
    conv = x.conv
    dedupe = f"conv:{event}:{conv.id}:{conv.version}:{person['role']}:{key}"
    ctx = {
        "pupil_name": _pupil_name(x),
        "offer_title": x.offer.title,
        "week_label": weeks.application_period_label(conv.week_start, x.app.week_count),
    }
    if person["role"] == "employer" and person.get("user_id") is not None:
        # Every recipient of the offer's space (the signatory first), one mail each.
        for email, first_name, uid in offer_recipients(s, x.offer):
            if uid == person.get("user_id") or not email:
                continue
            subject, body = templates.render(
                "conv_event", url=url, event=event, first_name=first_name, tu=False, **ctx
            )
            who = uid if uid is not None else email.lower()
            queue_mail(
                s, to=email, subject=subject, body=body, action_url=templates.link(url),
                template=f"conv_{event}", user_id=uid,
                dedupe_key=f"{dedupe}:{who}:mail",
            )  # fmt: skip
    if person.get("email"):
        subject, body = templates.render(
            "conv_event", url=url, event=event, first_name=person.get("first_name", ""),
            tu=person["role"] == "pupil", **ctx,
        )  # fmt: skip
        queue_mail(
            s, to=person["email"], subject=subject, body=body, action_url=templates.link(url),
            template=f"conv_{event}", user_id=person.get("user_id"), dedupe_key=dedupe + ":mail",
        )  # fmt: skip
    if (
        person.get("phone")
        and person["role"].startswith("legal_rep")
        and event
        in (
            "to_sign",
            "reminder",
        )
    ):
        _, body = templates.render("sms_conv_to_sign", url=url, pupil_name=ctx["pupil_name"])
        queue_sms(s, to=person["phone"], body=body, template="sms_conv_to_sign",
                  dedupe_key=dedupe + ":sms", action_url=templates.link(url))  # fmt: skip


def school_contact(s: Session, x: Loaded) -> dict[str, Any]:
    """Whoever receives the school's convention mails: the head, else the school's référent
    address, else the school's official mailbox."""
    head = head_of(s, x.app.school_id) if x.app.school_id else None
    school = s.get(School, x.app.school_id) if x.app.school_id else None
    email = (head.email if head else "") or (school.referent_email if school else "")
    email = email or (school.email if school else "")
    return {
        "role": "school_head",
        "email": email,
        "phone": "",
        "first_name": head.first_name if head else "",
        "user_id": head.id if head else None,
    }


def void_signatures(s: Session, x: Loaded, actor: User | None) -> list[dict[str, Any]]:
    """Void the live signatures (the text they signed changed); returns who had signed (for
    the mails, sent once the new version is stored)."""
    live = live_signatures(s, x.conv.id)
    if not live:
        return []
    now = clock.now()
    s.execute(
        sa.update(Signature)
        .where(Signature.id.in_([sig.id for sig in live]), Signature.voided_at.is_(None))
        .values(voided_at=now)
        .execution_options(synchronize_session=False)
    )
    audit.record(s, "convention", x.conv.id, "void_signatures", actor,
                 from_state=x.conv.state, to_state=x.conv.state,
                 message=", ".join(sig.signatory_role for sig in live))  # fmt: skip
    roles = {sig.signatory_role for sig in live}
    return [p for p in signatories(s, x) if p["role"] in roles]
