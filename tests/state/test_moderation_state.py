"""« Modération des offres »: crafted events from every role (only administrators and
moderators act; nothing changes otherwise), every decision audited, the report dialog
(anonymous allowed) and the activation page."""

from __future__ import annotations

import pytest
from sqlmodel import select

from mystage import clock
from mystage.models import AuditLog, Offer, OfferReport, Outbox, Role
from mystage.services import accounts, moderation, offers, platform
from mystage.state.admin.moderation import ModerationState
from mystage.state.offers.activation import OfferActivationState
from mystage.state.offers.report import OfferReportState
from tests.state.conftest import make_state
from tests.unit.test_offers import NOW, complete_offer, employer, make_user, pupil


def _cookie(s, user) -> str:
    if user is None:
        return ""
    token = accounts.create_session(s, user, "203.0.113.7", "pytest")
    s.commit()
    return f"mystage_session={token}"


@pytest.fixture
def world(reference_db, dbs):
    clock.freeze(NOW)
    s = dbs
    admin = make_user(s, role=Role.ADMIN, email="admin@mystage.fr")
    platform.set_setting(s, admin, offers.MODERATION_SETTING, "review")
    owner, _ = employer(s)
    pending_id = complete_offer(s, owner)
    platform.set_setting(s, admin, offers.MODERATION_SETTING, "immediate")
    online_id = complete_offer(s, owner)
    report = OfferReport(offer_id=online_id, reason="misleading", text="x", created_at=NOW)
    s.add(report)
    s.commit()
    users = {
        "admin": admin,
        "moderator": make_user(s, role=Role.MODERATEUR, email="modo@mystage.fr"),
        "employer": owner,
        "pupil": pupil(s),
        "teacher": make_user(s, role=Role.PROFESSEUR, email="prof@college.fr"),
        "anonymous": None,
    }
    yield s, users, pending_id, online_id, report.id
    clock.freeze(None)


def _fingerprint(s):
    s.expire_all()
    return (
        sorted((o.id, o.state, o.moderation_reason) for o in s.exec(select(Offer))),
        sorted((r.id, r.status) for r in s.exec(select(OfferReport))),
        len(s.exec(select(AuditLog)).all()),
        len(s.exec(select(Outbox)).all()),
    )


@pytest.mark.asyncio
@pytest.mark.parametrize("who", ["employer", "pupil", "teacher", "anonymous"])
async def test_every_handler_refused_to_other_roles(world, who):
    s, users, pending_id, online_id, report_id = world
    before = _fingerprint(s)
    state = make_state(
        ModerationState, cookie=_cookie(s, users[who]), path="/espace/admin/moderation"
    )
    await state.load()
    assert not state.allowed and state.offers == [] and state.reports == []
    await state.set_tab("signalements")
    await state.go_page(2)
    for kind, item in (
        ("approve", pending_id),
        ("refuse", pending_id),
        ("unpublish", report_id),
        ("dismiss", report_id),
    ):
        await state.open_dialog(kind, item, "x")
        assert state.dialog == ""
        # Crafted: the dialog's vars set by hand, then « confirm ».
        state.dialog, state.dialog_id = kind, item
        await state.confirm({"reason": "Motif forgé"})
    assert state.offers == [] and state.reports == []
    assert _fingerprint(s) == before


@pytest.mark.asyncio
@pytest.mark.parametrize("who", ["admin", "moderator"])
async def test_moderators_decide_and_every_action_is_audited(world, who):
    s, users, pending_id, online_id, report_id = world
    actor = users[who]
    state = make_state(ModerationState, cookie=_cookie(s, actor), path="/espace/admin/moderation")
    await state.load()
    assert state.allowed and state.offers_total == 1 and state.reports_total == 1
    assert state.offers[0]["id"] == str(pending_id)

    # Bad ids and kinds are refused before any lookup.
    await state.open_dialog("approve", "1 OR 1=1")
    assert state.dialog == "" and state.error
    await state.open_dialog("drop", pending_id)
    assert state.dialog == ""

    # « Refuser » without a reason: the error next to the field, the dialog stays.
    await state.open_dialog("refuse", pending_id, "Offre")
    await state.confirm({"reason": "  "})
    assert state.dialog == "refuse" and state.reason_error == offers.MSG_REASON_REQUIRED
    too_long = "y" * 1200
    await state.confirm({"reason": too_long})
    assert state.reason_error and state.reason_draft == too_long
    await state.confirm({"reason": "Descriptif insuffisant."})
    assert state.dialog == "" and state.error == "" and "refusée" in state.message
    # Resubmitted by the author, then published.
    assert offers.transition(s, users["employer"], pending_id, "publish") == ""
    await state.load()
    await state.open_dialog("approve", pending_id, "Offre")
    await state.confirm({})
    assert state.error == "" and state.offers_total == 0

    await state.set_tab("signalements")
    await state.open_dialog("unpublish", report_id, "Offre")
    await state.confirm({"reason": "Offre trompeuse."})
    assert state.error == "" and state.reports_total == 0

    s.expire_all()
    assert s.get(Offer, pending_id).state == "published"
    assert s.get(Offer, online_id).state == "unpublished"
    rows = s.exec(select(AuditLog).where(AuditLog.actor_id == actor.id)).all()
    assert {(r.entity, r.action) for r in rows} >= {
        ("offer", "reject"),
        ("offer", "approve"),
        ("offer", "moderate_unpublish"),
        ("offer_report", "unpublish"),
    }

    # « Classer sans suite » of a new report.
    s.add(OfferReport(offer_id=pending_id, reason="other", text="?", created_at=NOW))
    s.commit()
    await state.load()
    await state.set_tab("signalements")
    rid = int(state.reports[0]["id"])
    await state.open_dialog("dismiss", rid, "Offre")
    await state.confirm({"reason": ""})
    assert state.error == "" and state.reports_total == 0
    assert s.exec(
        select(AuditLog).where(AuditLog.entity == "offer_report", AuditLog.action == "dismiss")
    ).first()


@pytest.mark.asyncio
async def test_report_dialog_anonymous_and_rate_limited(world):
    s, users, pending_id, online_id, _ = world
    state = make_state(OfferReportState, path=f"/offres/{online_id}")
    await state.submit({"reason": "", "text": "abc"})
    assert state.reason_error and state.text == "abc" and not state.sent
    await state.submit({"reason": "not_observation", "text": "On me demande de payer."})
    assert state.sent and not state.form_error
    await state.submit({"reason": "not_observation", "text": "Encore"})
    assert state.form_error == moderation.MSG_TOO_MANY
    # A private (pending) offer cannot be reported.
    other = make_state(OfferReportState, path=f"/offres/{pending_id}")
    await other.submit({"reason": "misleading", "text": ""})
    assert other.form_error and not other.sent
    s.expire_all()
    assert len(s.exec(select(OfferReport).where(OfferReport.offer_id == online_id)).all()) == 2


@pytest.mark.asyncio
async def test_activation_page(world):
    s, users, *_ = world
    platform.set_setting(s, users["admin"], offers.MODERATION_SETTING, "email")
    oid = complete_offer(s, users["employer"])
    mail = s.exec(select(Outbox).where(Outbox.template == "offer_activation")).first()
    raw = mail.body.split("jeton=", 1)[1].split()[0]
    page = make_state(OfferActivationState, path="/espace/employeur/offre/activation", query="")
    page._token, page.has_token = raw, True
    await page.activate()
    assert page.done_offer == oid and page.error == ""
    page._token, page.has_token = raw, True
    await page.activate()
    assert page.done_offer == 0 and page.error == offers.MSG_LINK_INVALID
