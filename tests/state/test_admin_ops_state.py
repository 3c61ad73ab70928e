"""Back office « ops » handlers driven in-process: an administrator (works, audited), a
moderator, an employer, a pupil and an anonymous visitor (refused, nothing changed), and
crafted arguments (never a crash, nothing changed)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlmodel import select

from mystage import clock
from mystage.models import AuditLog, JobRunLog, Outbox, PlatformSetting, Role, User
from mystage.models.user import AccountStatus
from mystage.notify.outbox import queue_mail
from mystage.services import accounts
from mystage.settings import get_settings
from mystage.state.admin.ops import (
    DeliveriesState,
    JobsState,
    JournalState,
    PlatformSettingsState,
)
from tests.state.conftest import make_state, run_handler

CRAFTED = [None, "", "abc", -1, 0, True, 3.5, {"id": 1}, [1], "1 OR 1=1", 2**70, "9" * 40]


@pytest.fixture
def s(dbs):
    return dbs


def _user(s, email, role):
    u = User(email=email, role=role, status=AccountStatus.ACTIVE, first_name="A", last_name="B")
    s.add(u)
    s.commit()
    s.refresh(u)
    return u


def _state(cls, s, user):
    cookie = ""
    if user is not None:
        token = accounts.create_session(s, user, "203.0.113.7", "pytest")
        s.commit()
        cookie = f"mystage_session={token}"
    return make_state(cls, cookie=cookie, path="/espace/admin/envois")


@pytest.fixture
def world(s):
    admin = _user(s, "admin@exemple.fr", Role.ADMIN)
    others = {
        "moderateur": _user(s, "modo@exemple.fr", Role.MODERATEUR),
        "employeur": _user(s, "emp@exemple.fr", Role.EMPLOYEUR),
        "eleve": _user(s, "eleve@exemple.fr", Role.ELEVE),
        "anonyme": None,
    }
    oid = queue_mail(s, to="x@exemple.fr", subject="Sujet", body="Corps", template="t")
    s.flush()
    row = s.get(Outbox, oid)
    row.status, row.attempts, row.last_error = "failed", 8, "Connexion refusée"
    s.commit()
    return {"admin": admin, "others": others, "outbox_id": oid}


def _snapshot(s) -> dict:
    s.expire_all()
    return {
        "outbox": sorted((o.id, o.status, o.attempts) for o in s.exec(select(Outbox))),
        "audit": s.execute(sa.select(sa.func.count()).select_from(AuditLog)).scalar(),
        "settings": sorted((p.key, p.value) for p in s.exec(select(PlatformSetting))),
        "runs": s.execute(sa.select(sa.func.count()).select_from(JobRunLog)).scalar(),
    }


def _calls(oid):
    """Every handler with plausible arguments (what an admin's page would send)."""
    return [
        (DeliveriesState, "load", ()),
        (DeliveriesState, "filter", ({"status": "failed", "recipient": "x@"},)),
        (DeliveriesState, "show_status", ("failed",)),
        (DeliveriesState, "go_to_page", (1,)),
        (DeliveriesState, "ask_resend", (oid,)),
        (DeliveriesState, "resend", (oid,)),
        (JobsState, "load", ()),
        (JobsState, "refresh", ()),
        (JobsState, "ask_run", ("purge_expired_tokens",)),
        (JobsState, "run_now", ("purge_expired_tokens",)),
        (JournalState, "load", ()),
        (JournalState, "search", ({"entity": "outbox"},)),
        (JournalState, "clear_filters", ()),
        (JournalState, "go_to_page", (2,)),
        (JournalState, "export", ()),
        (PlatformSettingsState, "load", ()),
        (PlatformSettingsState, "ask", ({"key": "home_banner", "home_banner": "Bonjour"},)),
        (PlatformSettingsState, "confirm", ()),
    ]


@pytest.mark.anyio
@pytest.mark.parametrize("who", ["moderateur", "employeur", "eleve", "anonyme"])
async def test_every_handler_is_refused_to_non_admins(s, world, who):
    user = world["others"][who]
    before = _snapshot(s)
    for cls, name, args in _calls(world["outbox_id"]):
        st = _state(cls, s, user)
        if cls is PlatformSettingsState and name == "confirm":
            st.pending_key, st.pending_value = "home_banner", "Piraté"  # a forged dialog
        events = await run_handler(getattr(st, name)(*args))
        assert not st.allowed, (cls, name)
        if user is None and name == "load":
            assert events, "an anonymous visitor is sent to « Se connecter »"
        assert getattr(st, "rows", []) == [] and getattr(st, "jobs", []) == []
        if name != "load":  # (load: the page shows the refusal, ``allowed`` is False)
            assert st.error == "Page réservée aux administrateurs.", (cls, name)
    assert _snapshot(s) == before


@pytest.mark.anyio
async def test_admin_actions_work_and_are_audited(s, world):
    admin, oid = world["admin"], world["outbox_id"]
    st = _state(DeliveriesState, s, admin)
    await run_handler(st.load())
    assert st.allowed and st.counts["failed"] == "1" and len(st.hourly) == 72
    assert st.rows[0]["error"] == "Connexion refusée" and st.rows[0]["can_resend"] is True
    await run_handler(st.filter({"status": "failed", "recipient": "X@EXEMPLE"}))
    assert st.total == 1
    await run_handler(st.ask_resend(oid))
    assert st.confirm_id == oid and st.confirm_recipient == "x@exemple.fr"
    await run_handler(st.resend(oid))
    assert st.error == "" and "remis en file" in st.message and st.confirm_id == 0
    s.expire_all()
    assert s.get(Outbox, oid).status == "pending"

    js = _state(JobsState, s, admin)
    await run_handler(js.load())
    assert any(j["name"] == "deliver_outbox" for j in js.jobs) and "deliver_outbox" in js.runs
    events = await run_handler(js.run_now("purge_expired_tokens"))
    assert events and js.starting == ["purge_expired_tokens"]

    ps = _state(PlatformSettingsState, s, admin)
    await run_handler(ps.load())
    await run_handler(ps.ask({"key": "home_banner", "home_banner": "x" * 301}))
    assert ps.errors["home_banner"] and ps.pending_key == ""
    await run_handler(ps.ask({"key": "offer_moderation", "offer_moderation": "review"}))
    assert ps.pending_key == "offer_moderation" and "modérateur" in ps.pending_label
    await run_handler(ps.confirm())
    assert ps.values["offer_moderation"] == "review" and ps.message == "Réglage enregistré."

    jn = _state(JournalState, s, admin)
    await run_handler(jn.load())
    actions = {r["action"] for r in jn.rows}
    # Every admin action of these pages left its audit row.
    assert {"resend", "run:purge_expired_tokens", "set:offer_moderation"} <= actions
    await run_handler(jn.search({"actor": "personne@exemple.fr"}))
    assert jn.errors["actor"] and jn.filters == {"actor": "personne@exemple.fr"}
    await run_handler(jn.search({"entity": "outbox", "entity_id": str(oid)}))
    assert jn.total == 1 and jn.rows[0]["actor_id"] == str(admin.id)
    folder = get_settings().private_dir / "exports"
    before = set(folder.glob("*")) if folder.exists() else set()
    events = await run_handler(jn.export())
    assert events and jn.message.startswith("Fichier prêt : 1 ligne")
    for path in set(folder.glob("*")) - before:  # job ids restart in the next test
        path.unlink()
    rows = s.exec(select(AuditLog).order_by(AuditLog.id)).all()
    assert all(r.actor_id == admin.id for r in rows)
    assert clock.now()  # the clock is the domain's


@pytest.mark.anyio
async def test_crafted_arguments_never_crash_nor_change_anything(s, world):
    admin = world["admin"]
    before = _snapshot(s)
    for bad in CRAFTED:
        st = _state(DeliveriesState, s, admin)
        await run_handler(st.load())
        for name in ("resend", "ask_resend", "go_to_page", "show_status", "filter"):
            await run_handler(getattr(st, name)(bad))
        js = _state(JobsState, s, admin)
        for name in ("ask_run", "run_now"):
            await run_handler(getattr(js, name)(bad))
            assert js.starting == []
        jn = _state(JournalState, s, admin)
        await run_handler(jn.search(bad))
        await run_handler(jn.go_to_page(bad))
        ps = _state(PlatformSettingsState, s, admin)
        await run_handler(ps.load())
        await run_handler(ps.ask(bad))
        await run_handler(ps.ask({"key": "offer_moderation", "offer_moderation": bad}))
        await run_handler(ps.confirm())
    after = _snapshot(s)
    assert after == before
