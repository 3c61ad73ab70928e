"""« Signaler cette offre » (issue 18): anyone who may see an offer — anonymous visitors
too — reports it with a reason and a text; the report waits in the moderators' queue
(« Signalements ») until « Dépublier » (with a reason mailed to the author, through the
offer lifecycle) or « Classer sans suite ».

Rate limits (``LoginAttempt`` rows, so they hold across workers; a school behind one
address still gets several reports through): :data:`PER_OFFER` reports of one offer
per client address (or account) a day, :data:`PER_CLIENT` reports per address an hour.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from mystage import clock
from mystage.models import (
    PRIVATE_OFFER_STATES,
    AuditLog,
    Offer,
    OfferReport,
    OfferState,
    User,
)
from mystage.services import offers, permissions
from mystage.services.accounts import ratelimit
from mystage.services.ids import client_id
from mystage.services.permissions import PermissionDenied

REASONS: dict[str, str] = {
    "misleading": "Offre fictive ou trompeuse",
    "not_observation": "Ce n'est pas un stage d'observation (travail, vente, paiement demandé…)",
    "inappropriate": "Contenu choquant, discriminatoire ou illégal",
    "personal_data": "Données personnelles exposées",
    "unreachable": "L'employeur est injoignable ou l'offre n'existe plus",
    "other": "Autre motif",
}
MAX_TEXT = 1000
PER_OFFER = (1, timedelta(days=1))
PER_CLIENT = (10, timedelta(hours=1))
SCOPE_OFFER = "report_offer"
SCOPE_CLIENT = "report_ip"
PER_PAGE = 20

MSG_REASON = "Choisissez le motif du signalement."
MSG_TEXT_TOO_LONG = f"Le texte ne doit pas dépasser {MAX_TEXT} caractères."
MSG_TEXT_REQUIRED = "Décrivez le problème en quelques mots (motif « Autre motif »)."
MSG_TOO_MANY = (
    "Vous avez déjà signalé cette offre, ou envoyé beaucoup de signalements : l'équipe "
    "MyStage les examine. Réessayez plus tard si besoin."
)
MSG_NOT_FOUND = "Cette offre n'existe pas ou n'est plus visible."
MSG_REPORT_DONE = "Ce signalement a déjà été traité. Rechargez la liste."
MSG_NOTE_TOO_LONG = f"La note ne doit pas dépasser {MAX_TEXT} caractères."


def _client_key(ip: str) -> str:
    """The client address as stored on the report: a SHA-256, never in clear."""
    return hashlib.sha256(ratelimit.ip_key(ip).encode("utf-8")).hexdigest()


def create_report(
    s: Session, reporter: User | None, offer_id: Any, reason: Any, text: Any, ip: str
) -> dict[str, str]:
    """Store a report: ``{}`` when stored (committed), else ``{field: French message}``
    (``reason``, ``text`` or ``form``) and nothing stored."""
    errors: dict[str, str] = {}
    if not isinstance(reason, str) or reason not in REASONS:
        errors["reason"] = MSG_REASON
    body = text.strip() if isinstance(text, str) else ""
    if len(body) > MAX_TEXT:
        errors["text"] = MSG_TEXT_TOO_LONG
    elif reason == "other" and not body:
        errors["text"] = MSG_TEXT_REQUIRED
    oid = client_id(offer_id)
    offer = s.get(Offer, oid) if oid is not None else None
    if offer is None or offer.state in PRIVATE_OFFER_STATES:
        errors["form"] = MSG_NOT_FOUND
    if errors:
        return errors
    who = f"user:{reporter.id}" if permissions.is_authenticated(reporter) else _client_key(ip)
    offer_key = ratelimit.ident_key(f"{who}|{offer.id}")
    client_key = ratelimit.ip_key(ip)
    if not ratelimit.check(s, SCOPE_OFFER, offer_key, *PER_OFFER) or not ratelimit.check(
        s, SCOPE_CLIENT, client_key, *PER_CLIENT
    ):
        s.rollback()
        return {"form": MSG_TOO_MANY}
    ratelimit.record(s, SCOPE_OFFER, offer_key, success=True)
    ratelimit.record(s, SCOPE_CLIENT, client_key, success=True)
    s.add(
        OfferReport(
            offer_id=offer.id,
            reason=reason,
            text=body,
            reporter_id=reporter.id if permissions.is_authenticated(reporter) else None,
            client_key=_client_key(ip),
            status="open",
            created_at=clock.now(),
        )
    )
    s.commit()
    return {}


def open_reports(s: Session, actor: User | None, page: int = 1) -> tuple[list[dict[str, Any]], int]:
    """One page of the open reports (oldest first) and their number."""
    if not permissions.can_moderate(actor):
        raise PermissionDenied
    page = max(1, int(page)) if isinstance(page, int) and not isinstance(page, bool) else 1
    R = OfferReport
    total = int(s.execute(sa.select(sa.func.count(R.id)).where(R.status == "open")).scalar_one())
    per_offer = (
        sa.select(R.offer_id, sa.func.count(R.id).label("n"))
        .where(R.status == "open")
        .group_by(R.offer_id)
        .subquery()
    )
    rows = s.execute(
        sa.select(
            R.id,
            R.offer_id,
            R.reason,
            R.text,
            R.created_at,
            Offer.title,
            Offer.state,
            Offer.employer_name,
            User.first_name,
            User.last_name,
            User.email,
            per_offer.c.n,
        )
        .join(Offer, Offer.id == R.offer_id)
        .outerjoin(User, User.id == R.reporter_id)
        .join(per_offer, per_offer.c.offer_id == R.offer_id)
        .where(R.status == "open")
        .order_by(R.created_at, R.id)
        .offset((page - 1) * PER_PAGE)
        .limit(PER_PAGE)
    ).all()
    return [
        {
            "id": r.id,
            "offer_id": r.offer_id,
            "offer_title": r.title or "(sans titre)",
            "employer_name": r.employer_name or "",
            "offer_state": r.state,
            "online": r.state in (OfferState.PUBLISHED, OfferState.FULL),
            "reason": REASONS.get(r.reason, r.reason),
            "text": r.text or "",
            "created_at": clock.fmt_paris(r.created_at),
            "reporter": _reporter(r.first_name, r.last_name, r.email),
            "reports_for_offer": int(r.n or 0),
        }
        for r in rows
    ], total


def _reporter(first: str | None, last: str | None, email: str | None) -> str:
    name = f"{first or ''} {last or ''}".strip()
    return name or email or "Anonyme"


def _close_reports(
    s: Session, actor: User, where: list[Any], status: str, note: str, action: str
) -> int:
    """Open reports matching ``where`` → ``status`` (one conditional UPDATE), one audit
    row each (no commit).  Returns how many."""
    now = clock.now()
    R = OfferReport
    done = (
        s.execute(
            sa.update(R)
            .where(R.status == "open", *where)
            .values(status=status, decided_at=now, decided_by_id=actor.id, decision_note=note)
            .returning(R.id)
            .execution_options(synchronize_session=False)
        )
        .scalars()
        .all()
    )
    if done:
        s.execute(
            sa.insert(AuditLog),
            [
                {
                    "entity": "offer_report",
                    "entity_id": rid,
                    "action": action,
                    "from_state": "open",
                    "to_state": status,
                    "actor_id": actor.id,
                    "actor_role": actor.role,
                    "message": note[:1000],
                    "created_at": now,
                }
                for rid in done
            ],
        )
    return len(done)


def dismiss_report(s: Session, actor: User | None, report_id: Any, note: Any = "") -> str:
    """« Classer sans suite »: "" when done, else a French error."""
    if not permissions.can_moderate(actor):
        return offers.MSG_MODERATORS_ONLY
    rid = client_id(report_id)
    if rid is None:
        return MSG_REPORT_DONE
    text = note.strip() if isinstance(note, str) else ""
    if len(text) > MAX_TEXT:
        return MSG_NOTE_TOO_LONG
    if not _close_reports(s, actor, [OfferReport.id == rid], "dismissed", text, "dismiss"):
        s.rollback()
        return MSG_REPORT_DONE
    s.commit()
    return ""


def unpublish_reported(s: Session, actor: User | None, report_id: Any, reason: Any) -> str:
    """« Dépublier » the reported offer with a reason (mailed to its author): the offer
    leaves the search through the lifecycle and every open report of it is closed."""
    if not permissions.can_moderate(actor):
        return offers.MSG_MODERATORS_ONLY
    rid = client_id(report_id)
    report = s.get(OfferReport, rid) if rid is not None else None
    if report is None or report.status != "open":
        return MSG_REPORT_DONE
    text, error = offers.check_reason(reason)
    if error:
        return error
    offer_id = report.offer_id
    error = offers.unpublish_by_moderator(s, actor, offer_id, text, commit=False)
    if error:
        s.rollback()
        return error
    _close_reports(s, actor, [OfferReport.offer_id == offer_id], "actioned", text, "unpublish")
    s.commit()
    return ""
