"""Back office, structures and operators (issue 18): pending structures with their SIRET
checked, search, merge of a duplicate, suspension and its lifting; operators, their users
and their API tokens.  Each action: the right roles only, an audit row, its mails."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from sqlmodel import select

from mystage import clock
from mystage.models import (
    AccountStatus,
    AuditLog,
    EmployerSpace,
    Offer,
    OfferState,
    Operator,
    OperatorToken,
    Outbox,
    Role,
    Structure,
    StructureMember,
    TokenPurpose,
    User,
)
from mystage.services import accounts, admin_orgs, offers, permissions, structures
from mystage.services.permissions import PermissionDenied
from tests.unit.test_offers import NOW, add_member, complete_offer, employer, make_user

PW = "mot de passe de test 42"


@pytest.fixture
def s(reference_db, dbs):
    clock.freeze(NOW)
    yield dbs
    clock.freeze(None)


def staff(s, role, email):
    return make_user(s, role=role, email=email, first_name="Sam", last_name=str(role))


@pytest.fixture
def admin(s):
    return staff(s, Role.ADMIN, "admin@mystage.fr")


@pytest.fixture
def moderator(s):
    return staff(s, Role.MODERATEUR, "moderation@mystage.fr")


def audit_rows(s, entity: str, entity_id: int, action: str) -> list[AuditLog]:
    s.expire_all()
    return list(
        s.exec(
            select(AuditLog).where(
                AuditLog.entity == entity,
                AuditLog.entity_id == entity_id,
                AuditLog.action == action,
            )
        )
    )


def mails(s, template: str) -> list[Outbox]:
    s.expire_all()
    return list(s.exec(select(Outbox).where(Outbox.template == template).order_by(Outbox.id)))


# --- structures ------------------------------------------------------------------------------


def test_pending_structures_show_siret_and_naf_checks(s, moderator):
    owner, st = employer(s)
    _, bad = employer(s, email="bad@exemple.fr", siret="73282932000075", name="Clé fausse")
    for x in (st, bad):
        x.validation_status = "pending"
    bad.naf_code = "99.99Z"
    s.commit()
    rows = {r["name"]: r for r in admin_orgs.pending_structures(s, moderator)}
    assert rows[st.name]["siret_ok"] and rows[st.name]["naf_ok"]
    assert rows["Clé fausse"]["siret_ok"] is False
    assert "clé" in rows["Clé fausse"]["siret_check"]
    assert rows["Clé fausse"]["naf_ok"] is False
    # A moderator validates (the owner is mailed, an audit row is written).
    assert admin_orgs.decide_structure(s, moderator, st.id, True) == ""
    assert audit_rows(s, "structure", st.id, "validate")
    assert [m.recipient for m in mails(s, "structure_validation_decision")] == [owner.email]
    assert [r["name"] for r in admin_orgs.pending_structures(s, moderator)] == ["Clé fausse"]


def test_search_by_name_siret_and_id(s, moderator):
    _, st = employer(s, name="Boulangerie Martin")
    _, other = employer(s, email="x@garage.fr", siret="35600000000048", name="Garage 100%")
    assert [r["id"] for r in admin_orgs.search_structures(s, moderator, "boulang")] == [st.id]
    assert [r["id"] for r in admin_orgs.search_structures(s, moderator, "732 829")] == [st.id]
    assert [r["id"] for r in admin_orgs.search_structures(s, moderator, f"#{other.id}")] == [
        other.id
    ]
    assert [r["id"] for r in admin_orgs.search_structures(s, moderator, "100%")] == [other.id]
    assert [r["id"] for r in admin_orgs.search_structures(s, moderator, "%")] == [other.id]
    assert admin_orgs.search_structures(s, moderator, "_") == []
    assert admin_orgs.search_structures(s, moderator, "") == []  # the suspended ones


def test_other_roles_are_refused(s):
    _, st = employer(s)
    for role in set(Role) - {Role.ADMIN, Role.MODERATEUR}:
        user = staff(s, role, f"{role}@exemple.fr")
        for call in (
            lambda: admin_orgs.pending_structures(s, user),
            lambda: admin_orgs.search_structures(s, user, "a"),
            lambda: admin_orgs.suspend_structure(s, user, st.id, {"reason": "x"}),
            lambda: admin_orgs.lift_suspension(s, user, st.id),
            lambda: admin_orgs.merge_structures(s, user, st.id, "#1"),
            lambda: admin_orgs.decide_structure(s, user, st.id, True),
            lambda: admin_orgs.structure_history(s, user, st.id),
        ):
            with pytest.raises(PermissionDenied):
                call()
    with pytest.raises(PermissionDenied):
        admin_orgs.search_structures(s, None, "a")


def test_suspend_unpublishes_blocks_publishing_and_tells_members(s, moderator):
    owner, st = employer(s)
    paul = make_user(s, email="paul@boulangerie-martin.fr", first_name="Paul")
    add_member(s, st, paul)
    offer_id = complete_offer(s, owner)
    draft_id = complete_offer(s, owner, publish=False)
    errors = admin_orgs.suspend_structure(s, moderator, st.id, {"reason": "  "})
    assert errors == {"reason": admin_orgs.structures.MSG_REASON_REQUIRED}
    assert admin_orgs.suspend_structure(s, moderator, st.id, {"reason": "x" * 1001}) == {
        "reason": admin_orgs.structures.MSG_REASON_TOO_LONG
    }
    assert admin_orgs.suspend_structure(s, moderator, st.id, {"reason": "Offres fictives"}) == {}
    s.expire_all()
    assert s.get(Offer, offer_id).state == OfferState.UNPUBLISHED
    assert s.get(Offer, draft_id).state == OfferState.DRAFT
    assert s.get(Structure, st.id).suspended_at is not None
    assert audit_rows(s, "offer", offer_id, "unpublish")
    assert audit_rows(s, "structure", st.id, "suspend")
    sent = mails(s, "structure_suspended")
    assert sorted(m.recipient for m in sent) == sorted([owner.email, paul.email])
    assert "Offres fictives" in sent[0].body
    # Publishing is refused while suspended, with the reason.
    assert offers.transition(s, owner, draft_id, "publish") == structures.MSG_SUSPENDED
    assert offers.transition(s, owner, offer_id, "republish") == structures.MSG_SUSPENDED
    # Twice: refused.
    assert admin_orgs.suspend_structure(s, moderator, st.id, {"reason": "encore"}) == {
        "form": admin_orgs.structures.MSG_ALREADY_SUSPENDED
    }
    assert [r["id"] for r in admin_orgs.search_structures(s, moderator, "")] == [st.id]
    # Lift: publishing works again, members told.
    assert admin_orgs.lift_suspension(s, moderator, st.id) == ""
    assert admin_orgs.lift_suspension(s, moderator, st.id) != ""
    assert audit_rows(s, "structure", st.id, "reinstate")
    assert len(mails(s, "structure_reinstated")) == 2
    assert offers.transition(s, owner, offer_id, "republish") == ""


def test_merge_moves_members_spaces_offers_and_history(s, moderator):
    owner, target = employer(s, name="Boulangerie Martin")
    dup_owner, dup = employer(
        s, email="doublon@boulangerie-martin.fr", siret=None, name="Boulangerie Martin (bis)"
    )
    both = make_user(s, email="both@boulangerie-martin.fr", first_name="Bea")
    add_member(s, target, both, status="pending")
    add_member(s, dup, both)
    structures.personal_structure  # noqa: B018  (spaces created by the offer form)
    target_offer = complete_offer(s, owner)
    dup_offer = complete_offer(s, dup_owner)
    assert admin_orgs.suspend_structure(s, moderator, dup.id, {"reason": "doublon"}) == {}
    assert admin_orgs.lift_suspension(s, moderator, dup.id) == ""
    # Bad targets: errors next to the field, nothing done.
    assert admin_orgs.merge_structures(s, moderator, dup.id, "") == {
        "target": admin_orgs.structures.MSG_TARGET_REQUIRED
    }
    assert admin_orgs.merge_structures(s, moderator, dup.id, f"#{dup.id}") == {
        "target": admin_orgs.structures.MSG_TARGET_SAME
    }
    assert admin_orgs.merge_structures(s, moderator, dup.id, "12345678901234") == {
        "target": admin_orgs.structures.MSG_TARGET_UNKNOWN
    }
    assert admin_orgs.merge_structures(s, moderator, dup.id, "732 829 320 00074") == {}
    s.expire_all()
    d = s.get(Structure, dup.id)
    assert d.merged_into_id == target.id
    assert s.get(Offer, dup_offer).structure_id == target.id
    assert s.get(Offer, target_offer).structure_id == target.id
    members = {
        (m.user_id, m.role, m.status)
        for m in s.exec(select(StructureMember).where(StructureMember.structure_id == target.id))
    }
    assert (owner.id, "owner", "active") in members
    assert (dup_owner.id, "member", "active") in members
    assert (both.id, "member", "active") in members  # pending in the kept team → active
    spaces = list(s.exec(select(EmployerSpace).where(EmployerSpace.structure_id == target.id)))
    assert len(spaces) == 2 and len({sp.name for sp in spaces}) == 2
    assert dup_owner.id in {u for u, _, _ in members}
    # The duplicate leaves the lists; the history shows both.
    assert admin_orgs.search_structures(s, moderator, "bis") == []
    history = admin_orgs.structure_history(s, moderator, target.id)
    assert {h["action"] for h in history} >= {"merge", "merge_in", "suspend", "reinstate"}
    assert audit_rows(s, "structure", dup.id, "merge")
    assert sorted(m.recipient for m in mails(s, "structure_merged")) == sorted(
        [owner.email, dup_owner.email]
    )
    # The duplicate's owner now works for the kept structure.
    assert structures.structure_for_user(s, s.get(User, dup_owner.id)).id == target.id
    # Merging again: gone.
    assert admin_orgs.merge_structures(s, moderator, dup.id, f"#{target.id}") == {
        "form": admin_orgs.MSG_GONE
    }


def test_merge_gives_the_siret_and_a_signup_finds_the_kept_structure(s, moderator):
    _, target = employer(s, siret=None, name="Sans SIRET")
    _, dup = employer(s, email="d@exemple.fr", name="Avec SIRET")
    assert admin_orgs.merge_structures(s, moderator, dup.id, f"#{target.id}") == {}
    s.expire_all()
    assert s.get(Structure, target.id).siret == "73282932000074"
    assert s.get(Structure, dup.id).siret is None
    _, dup2 = employer(s, email="e@exemple.fr", siret="35600000000048", name="Autre")
    assert admin_orgs.merge_structures(s, moderator, dup2.id, f"#{target.id}") == {}
    from mystage.services.structures.profile import structure_by_siret

    assert structure_by_siret(s, "35600000000048").id == target.id


def test_validate_structures_permission_includes_moderators(s, moderator, admin):
    assert permissions.can_validate_structures(moderator)
    assert permissions.can_validate_structures(admin)
    assert not permissions.can_validate_structures(make_user(s, email="e@x.fr"))


# --- operators ------------------------------------------------------------------------------


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (600, 300), "blue").save(out, format="PNG")
    return out.getvalue()


def test_operator_crud_users_and_tokens(s, admin, moderator):
    for who in (moderator, make_user(s, email="e@x.fr"), None):
        with pytest.raises(PermissionDenied):
            admin_orgs.list_operators(s, who)
        with pytest.raises(PermissionDenied):
            admin_orgs.save_operator(s, who, None, {"name": "X"})
    oid, errors = admin_orgs.save_operator(
        s, admin, None, {"name": "", "contact_email": "nope", "contact_phone": "12"}
    )
    assert oid is None and set(errors) == {"name", "contact_email", "contact_phone"}
    oid, errors = admin_orgs.save_operator(
        s,
        admin,
        None,
        {
            "name": "JobIRL",
            "website": "www.jobirl.com",
            "contact_name": "Anne Dupont",
            "contact_email": "Anne@JobIRL.com",
            "contact_phone": "01 23 45 67 89",
        },
    )
    assert errors == {} and oid
    op = s.get(Operator, oid)
    assert op.website == "https://www.jobirl.com" and op.contact_phone == "+33123456789"
    assert admin_orgs.save_operator(s, admin, None, {"name": "jobirl"})[1] == {
        "name": admin_orgs.operators.MSG_NAME_TAKEN
    }
    assert admin_orgs.save_operator(s, admin, oid, {"name": "JobIRL", "website": ""})[1] == {}
    assert audit_rows(s, "operator", oid, "create") and audit_rows(s, "operator", oid, "update")
    assert admin_orgs.save_operator_logo(s, admin, oid, b"not an image") != ""
    assert admin_orgs.save_operator_logo(s, admin, oid, _png()) == ""
    assert admin_orgs.operator_form(s, admin, oid)["logo"].startswith("data:image/png;base64,")
    assert audit_rows(s, "operator", oid, "logo")

    # A user: created without password, mailed a link that opens the account.
    assert admin_orgs.create_operator_user(s, admin, oid, {"first_name": "Anne"}) == {
        "last_name": admin_orgs.operators.MSG_LAST_NAME,
        "email": admin_orgs.operators.MSG_USER_EMAIL,
    }
    data = {"first_name": "Anne", "last_name": "Dupont", "email": "anne@jobirl.com"}
    assert admin_orgs.create_operator_user(s, admin, oid, data) == {}
    assert admin_orgs.create_operator_user(s, admin, oid, data) == {
        "email": accounts.MSG_EMAIL_TAKEN
    }
    user = s.exec(select(User).where(User.email == "anne@jobirl.com")).one()
    assert user.role == Role.OPERATEUR and user.operator_id == oid
    assert user.status == AccountStatus.PENDING_ACTIVATION and user.password_hash is None
    assert audit_rows(s, "user", user.id, "create")
    (mail,) = mails(s, "operator_account")
    raw = mail.action_url.split("token=", 1)[1]
    opened, errors = accounts.reset_password(s, raw, "un mot de passe très long 2026")
    assert errors == {} and opened.status == AccountStatus.ACTIVE
    assert [u["email"] for u in admin_orgs.operator_users(s, admin, oid)] == ["anne@jobirl.com"]
    assert admin_orgs.list_operators(s, admin)[0]["users"] == 1

    # Tokens: shown once, stored hashed, recognised, revoked.
    raw, errors = admin_orgs.create_token(s, admin, oid, {"name": "", "scopes": []})
    assert raw == "" and set(errors) == {"name", "scopes"}
    raw, errors = admin_orgs.create_token(
        s, admin, oid, {"name": "Production", "scopes": ["offers:read", "bogus", "offers:write"]}
    )
    assert errors == {} and raw.startswith("mst_") and len(raw) > 40
    token = s.exec(select(OperatorToken)).one()
    assert token.token_hash == admin_orgs.hash_api_token(raw) and raw not in token.token_hash
    assert token.scopes == "offers:read,offers:write" and raw.startswith(token.prefix)
    audit_text = " ".join(r.message for r in s.exec(select(AuditLog)))
    assert raw not in audit_text
    listed = admin_orgs.operator_tokens(s, admin, oid)
    assert listed[0]["last_used_at"] == "jamais" and raw not in str(listed)
    assert admin_orgs.token_for(s, raw).id == token.id
    s.commit()
    s.expire_all()
    assert s.get(OperatorToken, token.id).last_used_at is not None
    assert admin_orgs.token_for(s, raw + "x") is None
    assert admin_orgs.token_for(s, None) is None
    with pytest.raises(PermissionDenied):
        admin_orgs.revoke_token(s, moderator, token.id)
    assert admin_orgs.revoke_token(s, admin, token.id) == ""
    assert admin_orgs.revoke_token(s, admin, token.id) == admin_orgs.operators.MSG_TOKEN_REVOKED
    assert admin_orgs.token_for(s, raw) is None
    assert audit_rows(s, "operator_token", token.id, "create")
    assert audit_rows(s, "operator_token", token.id, "revoke")
    assert admin_orgs.list_operators(s, admin)[0]["tokens"] == 0
    assert TokenPurpose.PASSWORD_RESET  # the account link is a reset link
    assert s.execute(sa.select(sa.func.count()).select_from(Operator)).scalar() == 1
