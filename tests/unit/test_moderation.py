"""Offer moderation (issue 18): the three modes of « Publier », the moderators' decisions,
the activation link, reports and their rate limits."""

from __future__ import annotations

import pytest
from sqlmodel import select

from mystage import clock
from mystage.models import AuditLog, OfferReport, OfferState, OneTimeToken, Role
from mystage.services import moderation, offers, platform, search
from mystage.services.accounts import tokens
from mystage.services.permissions import PermissionDenied
from tests.unit.test_offers import (
    NOW,
    audits,
    complete_offer,
    employer,
    get,
    make_user,
    outbox,
    pupil,
    step_data,
)


@pytest.fixture
def s(reference_db, dbs):
    clock.freeze(NOW)
    yield dbs
    clock.freeze(None)


def admin(s):
    return make_user(s, role=Role.ADMIN, email="admin@mystage.fr")


def moderator(s, email="modo@mystage.fr"):
    return make_user(s, role=Role.MODERATEUR, email=email)


def set_mode(s, mode):
    platform.set_setting(s, admin(s), offers.MODERATION_SETTING, mode)


def test_immediate_mode_publishes_at_once(s):
    owner, _ = employer(s)
    oid = complete_offer(s, owner)
    assert get(s, oid).state == OfferState.PUBLISHED
    assert offers.moderation_mode(s) == "immediate"


def test_review_mode_holds_then_refuse_then_resubmit_then_approve(s):
    set_mode(s, "review")
    owner, _ = employer(s)
    modo = moderator(s)
    oid = complete_offer(s, owner)
    offer = get(s, oid)
    assert offer.state == OfferState.PENDING and offer.submitted_at is not None
    assert offer.published_at is None
    assert audits(s, oid, "submit")
    # Never in the search, not on the public page.
    assert offers.offer_view(s, oid, viewer=None) is None
    assert offers.offer_view(s, oid, viewer=pupil(s)) is None
    rows, total = moderation.queue(s, modo)
    assert total == 1 and rows[0]["id"] == oid and rows[0]["author_email"] == owner.email

    assert moderation.refuse_offer(s, modo, oid, "  ") == offers.MSG_REASON_REQUIRED
    assert moderation.refuse_offer(s, modo, oid, "x" * 1001) == offers.MSG_REASON_TOO_LONG
    assert moderation.refuse_offer(s, modo, oid, "Le descriptif est trop vague.") == ""
    offer = get(s, oid)
    assert offer.state == OfferState.DRAFT
    assert offer.moderation_reason == "Le descriptif est trop vague."
    assert offer.moderated_by_id == modo.id
    mail = outbox(s, "offer_moderation_refused")
    assert len(mail) == 1 and "Le descriptif est trop vague." in mail[0].body
    assert mail[0].recipient == owner.email
    # The author sees it on the dashboard.
    rows, _ = offers.employer_offers(s, owner)
    assert rows[0]["state_label"] == "Refusée par la modération"
    assert "trop vague" in rows[0]["state_note"]
    # A second decision loses.
    assert "déjà été traitée" in moderation.refuse_offer(s, modo, oid, "encore")

    # Resubmit.
    assert offers.transition(s, owner, oid, "publish") == ""
    offer = get(s, oid)
    assert offer.state == OfferState.PENDING and offer.moderation_reason == ""
    assert moderation.approve_offer(s, modo, oid) == ""
    offer = get(s, oid)
    assert offer.state == OfferState.PUBLISHED and offer.published_at is not None
    assert outbox(s, "offer_moderation_approved")
    assert [a.action for a in audits(s, oid) if a.action in ("approve", "reject")] == [
        "reject",
        "approve",
    ]
    assert moderation.approve_offer(s, modo, oid) != ""  # already decided


def test_only_moderators_decide(s):
    set_mode(s, "review")
    owner, _ = employer(s)
    oid = complete_offer(s, owner)
    other, _ = employer(s, email="autre@exemple.fr", siret="35600000000048")
    for who in (owner, other, pupil(s), None):
        assert moderation.approve_offer(s, who, oid) == offers.MSG_MODERATORS_ONLY
        assert moderation.refuse_offer(s, who, oid, "non") == offers.MSG_MODERATORS_ONLY
        with pytest.raises(PermissionDenied):
            moderation.queue(s, who)
    assert get(s, oid).state == OfferState.PENDING
    # The employer cannot fire the moderation actions through the lifecycle.
    for action in ("approve", "reject", "activate", "moderate_unpublish"):
        assert offers.transition(s, owner, oid, action) == offers.MSG_UNKNOWN_ACTION
    # An administrator may.
    assert moderation.approve_offer(s, admin_again(s), oid) == ""


def admin_again(s):
    return make_user(s, role=Role.ADMIN, email="admin2@mystage.fr")


def test_email_mode_link_publishes_once(s):
    set_mode(s, "email")
    owner, _ = employer(s)
    oid = complete_offer(s, owner)
    assert get(s, oid).state == OfferState.ACTIVATION
    mail = outbox(s, "offer_activation")
    assert len(mail) == 1 and mail[0].recipient == owner.email
    raw = mail[0].body.split("jeton=", 1)[1].split()[0]
    # « Publier » again: a new link, the old one dies.
    assert offers.transition(s, owner, oid, "publish") == ""
    mails = outbox(s, "offer_activation")
    assert len(mails) == 2
    assert offers.activate(s, raw) == (None, offers.MSG_LINK_INVALID)
    raw2 = mails[1].body.split("jeton=", 1)[1].split()[0]
    assert offers.activation_offer(s, oid)["title"]
    assert offers.activate(s, raw2) == (oid, "")
    assert get(s, oid).state == OfferState.PUBLISHED
    assert offers.activate(s, raw2) == (None, offers.MSG_LINK_INVALID)
    assert audits(s, oid, "activate")
    tok = s.exec(select(OneTimeToken).where(OneTimeToken.purpose == "offer_activation")).first()
    assert tok.token_hash != raw2 and len(tok.token_hash) == 64
    assert tokens.hash_token(raw2) in {t.token_hash for t in s.exec(select(OneTimeToken)).all()}


def test_report_unpublish_and_dismiss(s):
    owner, _ = employer(s)
    oid = complete_offer(s, owner)
    other_id = complete_offer(s, owner)
    modo = moderator(s)
    assert moderation.create_report(s, None, oid, "bogus", "", "198.51.100.1") == {
        "reason": moderation.MSG_REASON
    }
    errs = moderation.create_report(s, None, oid, "other", "", "198.51.100.1")
    assert "text" in errs
    errs = moderation.create_report(s, None, oid, "misleading", "x" * 1001, "198.51.100.1")
    assert errs == {"text": moderation.MSG_TEXT_TOO_LONG}
    assert (
        moderation.create_report(s, None, oid, "misleading", "Demande d'argent", "198.51.100.1")
        == {}
    )
    # Same visitor, same offer: once a day.
    assert moderation.create_report(s, None, oid, "misleading", "encore", "198.51.100.1") == {
        "form": moderation.MSG_TOO_MANY
    }
    # Another address may.
    kid = pupil(s)
    assert moderation.create_report(s, kid, oid, "inappropriate", "", "198.51.100.2") == {}
    assert moderation.create_report(s, None, other_id, "other", "Bizarre", "198.51.100.1") == {}
    reports = s.exec(select(OfferReport).order_by(OfferReport.id)).all()
    assert len(reports) == 3
    assert reports[0].reporter_id is None and reports[1].reporter_id == kid.id
    assert "198.51" not in reports[0].client_key

    rows, total = moderation.open_reports(s, modo)
    assert total == 3 and rows[0]["reporter"] == "Anonyme" and rows[0]["reports_for_offer"] == 2

    assert moderation.unpublish_reported(s, owner, rows[0]["id"], "x") == offers.MSG_MODERATORS_ONLY
    assert moderation.unpublish_reported(s, modo, rows[0]["id"], "") == offers.MSG_REASON_REQUIRED
    assert moderation.unpublish_reported(s, modo, rows[0]["id"], "Offre trompeuse.") == ""
    offer = get(s, oid)
    assert offer.state == OfferState.UNPUBLISHED and offer.moderation_reason == "Offre trompeuse."
    assert outbox(s, "offer_moderation_unpublished")
    s.expire_all()
    assert {r.status for r in s.exec(select(OfferReport).where(OfferReport.offer_id == oid))} == {
        "actioned"
    }
    # The author's « Republier » goes back to the moderators, even in immediate mode.
    assert offers.transition(s, owner, oid, "republish") == ""
    assert get(s, oid).state == OfferState.PENDING

    other_report = [r for r in rows if r["offer_id"] == other_id][0]
    assert moderation.dismiss_report(s, owner, other_report["id"]) == offers.MSG_MODERATORS_ONLY
    assert moderation.dismiss_report(s, modo, other_report["id"], "Rien d'anormal") == ""
    assert moderation.dismiss_report(s, modo, other_report["id"]) != ""
    assert get(s, other_id).state == OfferState.PUBLISHED
    actions = {
        a.action for a in s.exec(select(AuditLog).where(AuditLog.entity == "offer_report")).all()
    }
    assert actions == {"unpublish", "dismiss"}
    _rows, total = moderation.open_reports(s, modo)
    assert total == 0


def test_private_offers_cannot_be_reported(s):
    set_mode(s, "review")
    owner, _ = employer(s)
    oid = complete_offer(s, owner)
    assert moderation.create_report(s, None, oid, "misleading", "", "198.51.100.9") == {
        "form": "Cette offre n'existe pas ou n'est plus visible."
    }
    assert search is not None


def test_approved_offer_is_found_by_the_search(s):
    set_mode(s, "review")
    owner, _ = employer(s)
    modo = moderator(s)
    oid = complete_offer(s, owner)
    assert (
        offers.save_step(
            s, owner, oid, 2, step_data(s, 2, title="Librairie Skncix – Commerce – Libraire")
        )
        == {}
    )
    assert moderation.approve_offer(s, modo, oid) == ""
    assert get(s, oid).places_left > 0
    result = search.search(s, search.SearchCriteria(q="Skncix"), None)
    assert oid in [r["id"] for r in result.results]
