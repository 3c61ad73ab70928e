"""« Espaces »: every structure has one, the owner manages them, members limited to some
spaces see only those, and an offer's mails go to the members following its space."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlmodel import select

from mystage import clock, db, migrate
from mystage.models import (
    AuditLog,
    EmployerSpace,
    Offer,
    Outbox,
    Role,
    SpaceMember,
    StructureMember,
)
from mystage.services import offers, permissions, structures
from mystage.services.offers.form import MSG_SPACE
from mystage.services.permissions import PermissionDenied
from mystage.services.structures import spaces as sp_mod
from tests.unit.test_offers import (
    NOW,
    add_member,
    apply,
    complete_offer,
    employer,
    make_user,
    pupil,
    step_data,
)


@pytest.fixture
def s(reference_db, dbs):
    clock.freeze(NOW)
    yield dbs
    clock.freeze(None)


@pytest.fixture
def world(s):
    owner, st = employer(s)
    first = complete_offer(s, owner)
    paul = make_user(s, email="paul@boulangerie-martin.fr", first_name="Paul")
    add_member(s, st, paul)
    lyon, errors = structures.create_space(s, owner, "Agence de Lyon")
    assert errors == {}
    stranger, other_st = employer(s, email="autre@concurrent.fr", siret="35600000000048")
    other_offer = complete_offer(s, stranger)
    return {
        "owner": owner,
        "st": st,
        "first": first,
        "paul": paul,
        "lyon": lyon,
        "main": structures.first_space(s, st.id).id,
        "stranger": stranger,
        "other_offer": other_offer,
        "other_space": structures.first_space(s, other_st.id).id,
    }


def _offer(s, offer_id) -> Offer:
    s.expire_all()
    return s.get(Offer, offer_id)


def test_migration_gives_every_structure_a_space_and_its_offers(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.db'}"
    migrate.upgrade(url, "0009")
    eng = db.engine(url)
    with eng.begin() as conn:
        for name, siret in (("Boulangerie", "73282932000074"), ("Garage", "35600000000048")):
            conn.execute(
                sa.text(
                    "INSERT INTO structures (name, activity, description, siret, naf_code, "
                    "status, is_public, ministry, address, postal_code, city, insee_code, "
                    "department_code, website, logo_path, validation_status, created_at) "
                    "VALUES (:n, '', '', :s, '', 'entreprise', 0, '', '', '', '', '', '', '', "
                    "'', 'validated', '2026-01-01 00:00:00')"
                ),
                {"n": name, "s": siret},
            )
        offer_cols = Offer.__table__.c
        # Only the columns the table has at 0009 (later revisions add more).
        at_0009 = {c["name"] for c in sa.inspect(conn).get_columns("offers")}
        values = {
            c.name: (
                c.default.arg if c.default is not None and not callable(c.default.arg) else None
            )
            for c in offer_cols
            if c.name != "id" and c.name in at_0009
        }
        values.update(structure_id=1, created_at=NOW, space_id=None)
        values = {k: v for k, v in values.items() if v is not None or k == "space_id"}
        columns = ", ".join(values)
        params = ", ".join(f":{k}" for k in values)
        conn.execute(sa.text(f"INSERT INTO offers ({columns}) VALUES ({params})"), values)
    migrate.upgrade(url, "head")
    with eng.connect() as conn:
        spaces = conn.execute(sa.text("SELECT structure_id, name FROM employer_spaces")).all()
        assert sorted(spaces) == [(1, "Espace principal"), (2, "Espace principal")]
        space_of_1 = conn.execute(
            sa.text("SELECT id FROM employer_spaces WHERE structure_id = 1")
        ).scalar()
        assert conn.execute(sa.text("SELECT space_id FROM offers")).scalar() == space_of_1
    db.dispose_all()


def test_new_structures_and_offers_get_a_space(s, world):
    assert _offer(s, world["first"]).space_id == world["main"]
    admin = make_user(s, role=Role.ADMIN, email="admin@mystage.fr")
    offer_id = offers.create_draft(s, admin)  # personal structure, with its own space
    offer = _offer(s, offer_id)
    space = s.get(EmployerSpace, offer.space_id)
    assert space.structure_id == offer.structure_id and space.name == "Espace principal"


def test_owner_creates_renames_deletes_spaces(s, world):
    owner, st = world["owner"], world["st"]
    assert structures.create_space(s, owner, "  ")[1] == {"name": sp_mod.MSG_NAME_REQUIRED}
    assert structures.create_space(s, owner, "agence de LYON")[1] == {"name": sp_mod.MSG_NAME_TAKEN}
    assert structures.create_space(s, owner, "x" * 81)[1] == {"name": sp_mod.MSG_NAME_TOO_LONG}
    assert structures.rename_space(s, owner, world["lyon"], "Lyon Part-Dieu") == {}
    assert s.get(EmployerSpace, world["lyon"]).name == "Lyon Part-Dieu"
    # Not empty: refused; removed offers do not count.
    assert structures.delete_space(s, owner, world["main"]) == sp_mod.MSG_NOT_EMPTY
    count, error = structures.move_offers(s, owner, [world["first"]], world["lyon"])
    assert (count, error) == (1, "")
    assert _offer(s, world["first"]).space_id == world["lyon"]
    assert structures.delete_space(s, owner, world["main"]) == ""
    assert structures.delete_space(s, owner, world["lyon"]) == sp_mod.MSG_LAST
    actions = {
        a.action for a in s.exec(select(AuditLog).where(AuditLog.entity == "employer_space"))
    }
    assert {"create", "rename", "delete"} <= actions
    assert [a.action for a in s.exec(select(AuditLog).where(AuditLog.action == "move_space"))]
    assert len(structures.my_spaces(s, owner)["spaces"]) == 1
    assert st.id is not None


def test_delete_moves_removed_offers_to_another_space(s, world):
    owner = world["owner"]
    structures.move_offers(s, owner, [world["first"]], world["lyon"])
    assert offers.transition(s, owner, world["first"], "remove") == ""
    assert structures.delete_space(s, owner, world["lyon"]) == ""
    assert _offer(s, world["first"]).space_id == world["main"]


def test_members_and_strangers_cannot_manage_spaces(s, world):
    for who in ("paul", "stranger"):
        actor = world[who]
        if who == "paul":
            with pytest.raises(PermissionDenied):
                structures.create_space(s, actor, "Pirate")
            with pytest.raises(PermissionDenied):
                structures.delete_space(s, actor, world["lyon"])
            with pytest.raises(PermissionDenied):
                structures.move_offers(s, actor, [world["first"]], world["lyon"])
            with pytest.raises(PermissionDenied):
                structures.set_member_access(s, actor, 1, True, [])
        else:  # the stranger owns another structure: our ids are unknown to them
            assert structures.rename_space(s, actor, world["lyon"], "x") == {
                "name": sp_mod.MSG_NOT_FOUND
            }
            assert structures.delete_space(s, actor, world["lyon"]) == sp_mod.MSG_NOT_FOUND
            assert structures.move_offers(s, actor, [world["first"]], world["other_space"]) == (
                0,
                sp_mod.MSG_OFFER_NOT_FOUND,
            )
            assert structures.set_notify(s, actor, world["lyon"], False) == sp_mod.MSG_NOT_FOUND
    # The owner cannot move another structure's offer, nor into another structure's space.
    owner = world["owner"]
    assert structures.move_offers(s, owner, [world["other_offer"]], world["lyon"])[1] == (
        sp_mod.MSG_OFFER_NOT_FOUND
    )
    assert structures.move_offers(s, owner, [world["first"]], world["other_space"])[1] == (
        sp_mod.MSG_NOT_FOUND
    )
    assert _offer(s, world["other_offer"]).space_id == world["other_space"]
    assert s.get(EmployerSpace, world["lyon"]).name == "Agence de Lyon"


def _member_id(s, structure_id, user_id) -> int:
    return s.exec(
        select(StructureMember.id).where(
            StructureMember.structure_id == structure_id, StructureMember.user_id == user_id
        )
    ).one()


def test_a_limited_member_sees_only_their_spaces(s, world):
    owner, paul, st = world["owner"], world["paul"], world["st"]
    lyon_offer = complete_offer(s, owner)
    structures.move_offers(s, owner, [lyon_offer], world["lyon"])
    mid = _member_id(s, st.id, paul.id)
    assert structures.set_member_access(s, owner, mid, False, []) == sp_mod.MSG_PICK_ONE
    assert structures.set_member_access(s, owner, mid, False, [world["other_space"]]) == (
        sp_mod.MSG_NOT_FOUND
    )
    owner_mid = _member_id(s, st.id, owner.id)
    assert structures.set_member_access(s, owner, owner_mid, False, [world["lyon"]]) == (
        sp_mod.MSG_OWNER_ALL
    )
    assert structures.set_member_access(s, owner, mid, False, [world["lyon"]]) == ""
    s.expire_all()
    first, lyon = _offer(s, world["first"]), _offer(s, lyon_offer)
    assert not permissions.can_edit_offer(s, paul, first)
    assert permissions.can_edit_offer(s, paul, lyon)
    assert permissions.can_edit_offer(s, owner, first)
    rows, total = offers.employer_offers(s, paul)
    assert [r["id"] for r in rows] == [lyon_offer] and total == 1
    with pytest.raises(PermissionDenied):
        offers.load_step(s, paul, world["first"], 1)
    # Applications of the other space are hidden too.
    lea = pupil(s)
    apply(s, lea, world["first"])
    rows, _ = offers.employer_applications(s, paul)
    assert rows == []
    rows, _ = offers.employer_applications(s, owner)
    assert len(rows) == 1
    # The form's picker only offers Lyon; picking the main space is refused.
    values = offers.load_step(s, paul, lyon_offer, 1)
    assert [x["id"] for x in values["spaces"]] == [str(world["lyon"])]
    errors = offers.save_step(s, paul, lyon_offer, 1, step_data(s, 1, space_id=world["main"]))
    assert errors == {"space_id": MSG_SPACE}
    assert _offer(s, lyon_offer).space_id == world["lyon"]
    # A new offer of Paul's goes to his space; the filter by another space shows nothing.
    new_id = offers.create_draft(s, paul)
    assert _offer(s, new_id).space_id == world["lyon"]
    assert offers.employer_offers(s, paul, space_id=world["main"]) == ([], 0)
    # Back to every space.
    assert structures.set_member_access(s, owner, mid, True, None) == ""
    assert permissions.can_edit_offer(s, paul, _offer(s, world["first"]))


def test_a_removed_member_loses_the_spaces(s, world):
    paul, st = world["paul"], world["st"]
    s.execute(
        sa.update(StructureMember)
        .where(StructureMember.user_id == paul.id, StructureMember.structure_id == st.id)
        .values(status="removed")
    )
    s.commit()
    assert structures.set_notify(s, paul, world["main"], False) == sp_mod.MSG_NOT_FOUND
    assert not permissions.can_edit_offer(s, paul, _offer(s, world["first"]))
    assert not permissions.can_access_space(s, paul, s.get(EmployerSpace, world["main"]))


def _recipients(s, offer_id):
    return [r[0] for r in structures.offer_recipients(s, _offer(s, offer_id))]


def test_recipients_follow_the_space_and_the_choices(s, world):
    owner, paul, st = world["owner"], world["paul"], world["st"]
    offer_id = world["first"]
    claire, paul_mail = owner.email, paul.email
    # The creator's address is the offer's contact (an account's: no extra recipient).
    assert _recipients(s, offer_id) == [claire, paul_mail]
    assert structures.set_notify(s, owner, world["main"], False) == ""
    assert _recipients(s, offer_id) == [paul_mail]
    assert structures.set_notify(s, paul, world["main"], "oui") == sp_mod.MSG_NOT_FOUND
    assert structures.set_notify(s, paul, world["main"], False) == ""
    assert _recipients(s, offer_id) == [claire]  # nobody left: the owner
    assert structures.set_notify(s, paul, world["main"], True) == ""
    # Paul limited to Lyon: no longer a recipient of the main space.
    structures.set_member_access(s, owner, _member_id(s, st.id, paul.id), False, [world["lyon"]])
    assert _recipients(s, offer_id) == [claire]
    # A shared mailbox typed as the offer's contact receives them too.
    s.execute(sa.update(Offer).where(Offer.id == offer_id).values(contact_email="rh@bm.fr"))
    s.commit()
    assert _recipients(s, offer_id) == [claire, "rh@bm.fr"]
    assert structures.my_spaces(s, owner)["spaces"][0]["notify"] is False
    rows = s.exec(select(SpaceMember).where(SpaceMember.user_id == paul.id)).all()
    assert {(r.space_id, r.access) for r in rows} == {(world["main"], False), (world["lyon"], True)}


def test_one_application_mail_per_recipient(s, world):
    from mystage.services import applications

    owner = world["owner"]
    lea = pupil(s)
    app = apply(s, lea, world["first"])
    # The pupil's withdrawal of a sent application tells every recipient.
    error = applications.transition(s, lea, app.id, "cancel_by_pupil")
    assert error == "", error
    mails = s.exec(select(Outbox).where(Outbox.template.like("app_employer_%"))).all()
    assert sorted(m.recipient for m in mails) == sorted([owner.email, world["paul"].email])
    assert len({m.dedupe_key for m in mails}) == 2
