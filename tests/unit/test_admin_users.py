"""Back office « Utilisateurs » (issue 18): the search understands ids, phones in any format,
e-mails, UAI and SIRET; the user page's facts; every action is for administrators only,
leaves an audit row, and is done by a conditional UPDATE (a second try is told)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import select

from mystage import clock
from mystage.models import (
    AuditLog,
    AuthSession,
    OneTimeToken,
    Outbox,
    Role,
    School,
    TokenPurpose,
    User,
)
from mystage.services import accounts, admin_users
from mystage.services.accounts import passwords
from mystage.services.permissions import PermissionDenied
from tests.unit.test_offers import NOW, employer

PW = "Tartine-Croquante-47!"


def _user(s, role, email=None, phone=None, first="Léa", last="Dupont", **extra) -> User:
    user = User(
        email=email, phone=phone, role=role, status=extra.pop("status", "active"),
        first_name=first, last_name=last, password_hash=passwords.hash_password(PW), **extra,
    )  # fmt: skip
    s.add(user)
    s.commit()
    return user


@pytest.fixture
def world(reference_db, dbs):
    s = dbs
    clock.freeze(NOW)
    school = s.exec(select(School).order_by(School.uai)).first()
    w = {"s": s, "school": school}
    w["admin"] = _user(s, Role.ADMIN, "admin@exemple.fr", first="Ada", last="Min")
    w["admin2"] = _user(s, Role.ADMIN, "admin2@exemple.fr", first="Bob", last="Min")
    w["moderator"] = _user(s, Role.MODERATEUR, "modo@exemple.fr", first="Mo", last="Dérateur")
    w["pupil"] = _user(
        s, Role.ELEVE, phone="+33612345678", first="Yanis", last="Benali",
        school_id=school.id, level="3e",
    )  # fmt: skip
    w["teacher"] = _user(
        s, Role.PROFESSEUR, "prof@exemple.fr", first="Paul", last="Prof", school_id=school.id
    )
    w["emp"], w["structure"] = employer(s)
    yield w
    clock.freeze(None)


def _audit(s, user_id, action) -> int:
    return s.execute(
        sa.select(sa.func.count())
        .select_from(AuditLog)
        .where(AuditLog.entity == "user", AuditLog.entity_id == user_id, AuditLog.action == action)
    ).scalar()


# --- search ---------------------------------------------------------------------------------


def _ids(result) -> set[int]:
    return {int(r["id"]) for r in result["rows"]}


def test_search_by_every_kind(world):
    s, admin, pupil = world["s"], world["admin"], world["pupil"]
    for typed in ("06 12 34 56 78", "+33 6 12 34 56 78", "0612345678", "0033612345678"):
        res = admin_users.search_users(s, admin, typed)
        assert res["kind"] == "phone" and _ids(res) == {pupil.id}, typed
    assert _ids(admin_users.search_users(s, admin, f"#{pupil.id}")) == {pupil.id}
    assert _ids(admin_users.search_users(s, admin, str(pupil.id))) == {pupil.id}
    assert _ids(admin_users.search_users(s, admin, "yanis ben")) == {pupil.id}
    assert _ids(admin_users.search_users(s, admin, "PROF@exemple")) == {world["teacher"].id}
    uai = world["school"].uai
    assert _ids(admin_users.search_users(s, admin, uai.lower())) == {
        pupil.id,
        world["teacher"].id,
    }
    siret = world["structure"].siret
    spaced = f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}"
    assert world["emp"].id in _ids(admin_users.search_users(s, admin, spaced))
    # Nothing, and no injection of LIKE wildcards.
    assert admin_users.search_users(s, admin, "%")["total"] == 0
    assert admin_users.search_users(s, admin, "#99999999999")["total"] == 0
    row = admin_users.search_users(s, admin, "06 12 34 56 78")["rows"][0]
    assert row["status_label"] == "Actif" and uai in row["attachment"]
    assert "password" not in str(row).lower()


def test_search_pages_and_refusals(world):
    s, admin = world["s"], world["admin"]
    for i in range(30):
        s.add(User(email=f"u{i}@page.fr", role=Role.EMPLOYEUR, status="active"))
    s.commit()
    first = admin_users.search_users(s, admin, "@page.fr")
    assert first["total"] == 30 and first["pages"] == 2 and len(first["rows"]) == 25
    second = admin_users.search_users(s, admin, "@page.fr", "2")
    assert len(second["rows"]) == 5 and not (_ids(first) & _ids(second))
    assert admin_users.search_users(s, admin, "@page.fr", "99")["page"] == 2
    for who in ("moderator", "pupil", "teacher", "emp"):
        with pytest.raises(PermissionDenied):
            admin_users.search_users(s, world[who], "a")
        with pytest.raises(PermissionDenied):
            admin_users.user_profile(s, world[who], world["pupil"].id)
    with pytest.raises(PermissionDenied):
        admin_users.search_users(s, None, "a")


def test_status_words(world):
    pupil = world["pupil"]
    assert admin_users.status_of(pupil) == ("active", "Actif")
    pupil.locked_until = NOW + timedelta(minutes=15)
    key, label = admin_users.status_of(pupil)
    assert key == "locked" and label.startswith("Verrouillé jusqu'au 05/10/2026")
    pupil.blocked_at = NOW
    assert admin_users.status_of(pupil)[0] == "blocked"
    pupil.anonymized_at = NOW
    assert admin_users.status_of(pupil)[0] == "anonymised"


# --- the user page --------------------------------------------------------------------------


def test_profile_facts(world):
    s, admin, pupil = world["s"], world["admin"], world["pupil"]
    accounts.create_session(s, pupil, "198.51.100.4", "Mozilla/5.0 (Android) Firefox/120")
    p = admin_users.user_profile(s, admin, pupil.id)
    assert p["role_label"] == "Élève" and p["school"]["uai"] == world["school"].uai
    assert p["sessions"][0]["ip"] == "198.51.100.4"
    assert p["sessions"][0]["device"] == "Firefox sur Android"
    assert p["is_pupil"] and p["applications_total"] == 0
    assert p["actions"]["roles"] == []  # never from « Élève »
    assert p["actions"]["block"] and not p["actions"]["unblock"]
    assert "password_hash" not in str(p) and "$argon2" not in str(p)
    assert admin_users.user_profile(s, admin, "abc") is None
    assert admin_users.user_profile(s, admin, 2**40) is None
    me = admin_users.user_profile(s, admin, admin.id)
    assert not me["actions"]["anonymise"] and not me["actions"]["block"]


def test_role_rules(world):
    teacher, emp, pupil, admin = world["teacher"], world["emp"], world["pupil"], world["admin"]
    values = {c["value"] for c in admin_users.role_choices(teacher)}
    assert Role.CHEF_ETABLISSEMENT in values and Role.MODERATEUR in values
    assert Role.ADMIN not in values and Role.ELEVE not in values
    assert {c["value"] for c in admin_users.role_choices(emp)} == {Role.MODERATEUR}
    assert admin_users.role_choices(pupil) == []
    assert admin_users.role_choices(admin) == []
    assert not admin_users.role_change_allowed(emp, Role.ADMIN)
    assert not admin_users.role_change_allowed(emp, Role.PROFESSEUR)  # no school
    assert not admin_users.role_change_allowed(emp, "n'importe quoi")
    assert not admin_users.role_change_allowed(emp, ["moderateur"])
    modo = world["moderator"]
    assert Role.EMPLOYEUR in {c["value"] for c in admin_users.role_choices(modo)}
    assert Role.REFERENT_DEPARTEMENTAL not in {c["value"] for c in admin_users.role_choices(modo)}


# --- actions --------------------------------------------------------------------------------

ACTION_CALLS = {
    "unlock": lambda s, a, uid: admin_users.unlock(s, a, uid),
    "block": lambda s, a, uid: admin_users.block(s, a, uid, "Usurpation signalée"),
    "unblock": lambda s, a, uid: admin_users.unblock(s, a, uid),
    "reset": lambda s, a, uid: admin_users.send_reset_link(s, a, uid),
    "resend": lambda s, a, uid: admin_users.resend_activation(s, a, uid),
    "role": lambda s, a, uid: admin_users.change_role(s, a, uid, Role.MODERATEUR),
    "anonymise": lambda s, a, uid: admin_users.anonymise(s, a, uid),
}


def test_every_action_refused_to_every_other_role(world):
    s = world["s"]
    target = world["teacher"]
    target.failed_logins = 3
    s.add(target)
    s.commit()
    for who in ("moderator", "pupil", "teacher", "emp", None):
        actor = world[who] if who else None
        for name, call in ACTION_CALLS.items():
            assert call(s, actor, target.id) == {"form": admin_users.MSG_ADMIN_ONLY}, (who, name)
    s.expire_all()
    t = s.get(User, target.id)
    assert t.failed_logins == 3 and t.blocked_at is None and t.role == Role.PROFESSEUR
    assert t.anonymized_at is None
    assert (
        s.execute(
            sa.select(sa.func.count()).select_from(AuditLog).where(AuditLog.action.like("admin_%"))
        ).scalar()
        == 0
    )


def test_unlock_after_lockout_then_login(world):
    s, admin, pupil = world["s"], world["admin"], world["pupil"]
    for _ in range(accounts.LOCKOUT_THRESHOLD):
        accounts.authenticate(s, "06 12 34 56 78", "mauvais-mot-de-passe", "203.0.113.9")
    user, msg = accounts.authenticate(s, "06 12 34 56 78", PW, "203.0.113.9")
    assert user is None and msg == accounts.MSG_LOCKED
    assert admin_users.unlock(s, admin, pupil.id) == {}
    assert _audit(s, pupil.id, "admin_unlock") == 1
    assert admin_users.unlock(s, admin, pupil.id) == {"form": "Ce compte n'est pas verrouillé."}
    user, msg = accounts.authenticate(s, "06 12 34 56 78", PW, "203.0.113.9")
    assert user is not None and msg is None


def test_block_closes_sessions_and_refuses_login(world):
    s, admin, teacher = world["s"], world["admin"], world["teacher"]
    token = accounts.create_session(s, teacher, "203.0.113.7", "pytest")
    assert accounts.user_for_session(s, token) is not None
    assert admin_users.block(s, admin, teacher.id, "  ")["reason"]
    assert admin_users.block(s, admin, teacher.id, "x" * 501)["reason"]
    assert admin_users.block(s, admin, teacher.id, ["x"])["reason"]
    assert admin_users.block(s, admin, teacher.id, "Comptes multiples") == {}
    assert admin_users.block(s, admin, teacher.id, "encore") == {
        "form": "Ce compte est déjà bloqué."
    }
    s.expire_all()
    assert accounts.user_for_session(s, token) is None
    assert (
        s.execute(
            sa.select(sa.func.count())
            .select_from(AuthSession)
            .where(AuthSession.user_id == teacher.id, AuthSession.revoked_at.is_(None))
        ).scalar()
        == 0
    )
    user, msg = accounts.authenticate(s, "prof@exemple.fr", PW, "203.0.113.7")
    assert user is None and msg == accounts.MSG_BLOCKED
    user, msg = accounts.authenticate(s, "prof@exemple.fr", "faux", "203.0.113.7")
    assert msg != accounts.MSG_BLOCKED  # the state is said only after the right password
    mail = s.exec(select(Outbox).where(Outbox.template == "account_blocked")).one()
    assert "Comptes multiples" in mail.body and mail.recipient == "prof@exemple.fr"
    assert _audit(s, teacher.id, "admin_block") == 1
    assert admin_users.unblock(s, admin, teacher.id) == {}
    assert admin_users.unblock(s, admin, teacher.id) == {"form": "Ce compte n'est pas bloqué."}
    assert _audit(s, teacher.id, "admin_unblock") == 1
    user, msg = accounts.authenticate(s, "prof@exemple.fr", PW, "203.0.113.7")
    assert user is not None


def test_block_self_and_last_admin(world):
    s, admin, admin2 = world["s"], world["admin"], world["admin2"]
    assert admin_users.block(s, admin, admin.id, "test")["form"]
    assert admin_users.block(s, admin, admin2.id, "test") == {}
    s.expire_all()
    # admin2 blocked: admin is the last active one; a blocked admin cannot act either.
    assert admin_users.unlock(s, s.get(User, admin2.id), admin.id)["form"] == (
        admin_users.MSG_ADMIN_ONLY
    )
    assert admin_users.anonymise(s, admin, admin.id)["form"]


def test_reset_link_and_resend_activation(world):
    s, admin, teacher, pupil = world["s"], world["admin"], world["teacher"], world["pupil"]
    assert admin_users.send_reset_link(s, admin, teacher.id) == {}
    tok = s.exec(
        select(OneTimeToken).where(
            OneTimeToken.user_id == teacher.id, OneTimeToken.purpose == TokenPurpose.PASSWORD_RESET
        )
    ).one()
    assert tok.used_at is None
    assert s.exec(select(Outbox).where(Outbox.template == "password_reset")).one()
    assert "SMS" in admin_users.send_reset_link(s, admin, pupil.id)["form"]  # phone only
    assert _audit(s, teacher.id, "admin_reset_link") == 1
    assert admin_users.resend_activation(s, admin, teacher.id)["form"]  # already active
    new = _user(s, Role.EMPLOYEUR, "nouveau@exemple.fr", status="pending_activation")
    assert admin_users.resend_activation(s, admin, new.id) == {}
    assert s.exec(select(Outbox).where(Outbox.template == "activation")).one()
    assert _audit(s, new.id, "admin_resend_activation") == 1


def test_change_role(world):
    s, admin, teacher = world["s"], world["admin"], world["teacher"]
    assert admin_users.change_role(s, admin, teacher.id, Role.ADMIN)["role"]
    assert admin_users.change_role(s, admin, world["pupil"].id, Role.MODERATEUR)["role"]
    assert admin_users.change_role(s, admin, admin.id, Role.MODERATEUR)["role"]
    assert admin_users.change_role(s, admin, teacher.id, Role.CHEF_ETABLISSEMENT) == {}
    s.expire_all()
    assert s.get(User, teacher.id).role == Role.CHEF_ETABLISSEMENT
    assert _audit(s, teacher.id, "admin_role") == 1
    assert s.exec(select(Outbox).where(Outbox.template == "account_role_changed")).one()


def test_anonymise(world):
    s, admin, pupil = world["s"], world["admin"], world["pupil"]
    token = accounts.create_session(s, pupil, "203.0.113.7", "pytest")
    assert admin_users.anonymise(s, admin, pupil.id) == {}
    s.expire_all()
    p = s.get(User, pupil.id)
    assert p.anonymized_at is not None and p.phone is None
    assert accounts.user_for_session(s, token) is None
    assert _audit(s, pupil.id, "admin_anonymise") == 1
    assert admin_users.anonymise(s, admin, pupil.id)["form"]  # already done
    assert admin_users.unlock(s, admin, pupil.id)["form"]
