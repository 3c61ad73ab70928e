"""Employer sign-up (seed 003), join requests, structure profile and logo, validation."""

from __future__ import annotations

import io

import pytest
from sqlmodel import select

from mystage.models import (
    AccountStatus,
    AuditLog,
    Outbox,
    Role,
    Structure,
    StructureMember,
    User,
)
from mystage.services import accounts, platform, structures
from mystage.services.permissions import PermissionDenied
from mystage.services.siret import siret_error
from mystage.settings import get_settings

PW = "un stage à la boulangerie"


@pytest.fixture
def s(reference_db, dbs):
    return dbs


def form(**over) -> dict:
    data = {
        "civility": "Mme",
        "first_name": "Claire",
        "last_name": "Martin",
        "job_title": "Gérante",
        "email": "claire.martin@boulangerie-martin.fr",
        "phone_mobile": "06 12 34 56 78",
        "phone_landline": "02 40 99 15 44",
        "password": PW,
        "password2": PW,
        "accept_charter": True,
        "accept_privacy": True,
        "consent_contact_on_application": True,
        "consent_mobilisation": False,
        "consent_last_minute": True,
        "name": "Boulangerie Martin",
        "activity": "Boulangerie artisanale",
        "siret": "732 829 320 00074",
        "naf_code": "1071c",
        "statut": "entreprise",
        "address": "3 quai Ceineray",
        "postal_code": "44000",
        "city": "Nantes",
        "website": "www.boulangerie-martin.fr",
        "is_public": False,
    }
    data.update(over)
    return data


def activate(s, user_id: int) -> User:
    user = s.get(User, user_id)
    user.status = AccountStatus.ACTIVE
    s.commit()
    return user


def mails(s, to: str, template: str | None = None) -> list[Outbox]:
    s.expire_all()
    stmt = select(Outbox).where(Outbox.recipient == to)
    if template:
        stmt = stmt.where(Outbox.template == template)
    return list(s.exec(stmt.order_by(Outbox.id)))


def counts(s) -> tuple[int, int, int]:
    s.expire_all()
    return (
        len(s.exec(select(User)).all()),
        len(s.exec(select(Structure)).all()),
        len(s.exec(select(StructureMember)).all()),
    )


def make_admin(s) -> User:
    admin, errors = accounts.create_active_account(
        s, role=Role.ADMIN, email="admin@mystage.fr", password=PW, first_name="Ada"
    )
    assert not errors
    s.commit()
    return admin


# --- sign-up ----------------------------------------------------------------------------------


def test_register_creates_account_structure_and_owner(s):
    result, errors = structures.register_employer(s, data=form(), ip="203.0.113.9")
    assert errors == {}
    assert result["joined_existing"] is False
    user = s.get(User, result["user_id"])
    st = s.get(Structure, result["structure_id"])
    assert user.role == Role.EMPLOYEUR and user.status == AccountStatus.PENDING_ACTIVATION
    assert user.email == "claire.martin@boulangerie-martin.fr"
    assert user.phone == "+33612345678"
    assert (user.civility, user.job_title) == ("Mme", "Gérante")
    assert user.consent_contact_email is True  # contact_on_application
    assert user.consent_contact_phone is True  # mobilisation or last minute
    assert user.terms_accepted_at is not None
    assert st.siret == "73282932000074"
    assert st.naf_code == "10.71C"
    assert st.website == "https://www.boulangerie-martin.fr"
    assert st.department_code == "44" and st.latitude and st.longitude
    assert st.owner_id == user.id and st.validation_status == "validated"
    member = s.exec(select(StructureMember).where(StructureMember.user_id == user.id)).one()
    assert (member.role, member.status) == ("owner", "active")
    assert len(mails(s, user.email, "activation")) == 1
    audit = s.exec(select(AuditLog).where(AuditLog.entity == "structure")).one()
    assert "+33240991544" in audit.message  # the landline is kept in the sign-up audit entry


@pytest.mark.parametrize(
    "over,key,message",
    [
        ({"siret": "73282932000075"}, "siret", siret_error("73282932000075")),
        ({"siret": "1234"}, "siret", "Le numéro SIRET doit comporter 14 chiffres."),
        ({"phone_mobile": "", "phone_landline": ""}, "phone_mobile", structures.MSG_PHONE_REQUIRED),
        ({"phone_mobile": "02 40 99 15 44"}, "phone_mobile", structures.MSG_MOBILE_INVALID),
        ({"phone_landline": "12"}, "phone_landline", structures.MSG_LANDLINE_INVALID),
        ({"accept_charter": False}, "accept_charter", structures.MSG_CHARTER),
        ({"accept_privacy": False}, "accept_privacy", structures.MSG_PRIVACY),
        ({"password2": "autre chose encore"}, "password2", structures.MSG_PASSWORD_MISMATCH),
        ({"password": "court", "password2": "court"}, "password", None),
        ({"email": ""}, "email", structures.MSG_EMAIL_REQUIRED),
        ({"email": "pas-une-adresse"}, "email", accounts.MSG_EMAIL_INVALID),
        ({"civility": "Dr"}, "civility", structures.MSG_CIVILITY),
        ({"naf_code": "99.99Z"}, "naf_code", structures.MSG_NAF_UNKNOWN),
        ({"statut": "autre"}, "statut", structures.MSG_STATUT),
        ({"postal_code": "4400"}, "postal_code", structures.MSG_POSTAL_CODE),
        ({"postal_code": "99999", "city": "Nullepart"}, "address", None),
        ({"website": "javascript:alert(1)"}, "website", structures.MSG_WEBSITE),
        ({"name": ""}, "name", structures.MSG_NAME_REQUIRED),
        ({"name": "x" * 201}, "name", "200 caractères au maximum."),
    ],
)
def test_register_errors_store_nothing(s, over, key, message):
    before = counts(s)
    result, errors = structures.register_employer(s, data=form(**over))
    assert result is None
    assert key in errors, errors
    if message:
        assert errors[key] == message
    assert counts(s) == before
    assert s.exec(select(Outbox)).all() == []


def test_register_only_landline_is_enough(s):
    result, errors = structures.register_employer(s, data=form(phone_mobile=""))
    assert errors == {}
    assert s.get(User, result["user_id"]).phone is None


def test_email_already_used_answers_as_new_creates_nothing_and_tells_the_owner(s):
    structures.register_employer(s, data=form())
    before = counts(s)
    owner = "claire.martin@boulangerie-martin.fr"
    assert [m.template for m in mails(s, owner)] == ["activation"]
    # Another structure with the same address: the answer of a new account, nothing stored.
    result, errors = structures.register_employer(
        s, data=form(siret="35600000000048", phone_mobile="0611111111")
    )
    assert errors == {}
    assert result == {"user_id": None, "structure_id": None, "joined_existing": False}
    assert counts(s) == before
    assert [m.template for m in mails(s, owner)] == ["activation", "signup_existing"]
    # The same SIRET (a join request for a new address): same answer, no request either.
    result, errors = structures.register_employer(s, data=form(phone_mobile="0611111112"))
    assert errors == {} and result["joined_existing"] is True and result["user_id"] is None
    assert counts(s) == before
    assert mails(s, owner, "structure_join_request") == []


def test_existing_siret_joins_with_owner_approval(s):
    first, _ = structures.register_employer(s, data=form())
    owner = activate(s, first["user_id"])
    result, errors = structures.register_employer(
        s,
        data=form(
            first_name="Paul",
            last_name="Durand",
            email="paul.durand@boulangerie-martin.fr",
            phone_mobile="07 11 22 33 44",
            # the structure part is not asked again when the SIRET is known
            name="",
            activity="",
            naf_code="",
            statut="",
            address="",
            postal_code="",
            city="",
        ),
    )
    assert errors == {}
    assert result == {
        "user_id": result["user_id"],
        "structure_id": first["structure_id"],
        "joined_existing": True,
    }
    assert len(s.exec(select(Structure)).all()) == 1
    member = s.exec(
        select(StructureMember).where(StructureMember.user_id == result["user_id"])
    ).one()
    assert (member.role, member.status) == ("member", "pending")
    [mail] = mails(s, owner.email, "structure_join_request")
    assert "Paul Durand" in mail.body and mail.action_url.endswith("/espace/employeur/equipe")
    assert len(mails(s, "paul.durand@boulangerie-martin.fr", "activation")) == 1

    paul = activate(s, result["user_id"])
    ctx = structures.employer_context(s, paul)
    assert ctx["structure_id"] is None and ctx["can_publish"] is False
    assert "Boulangerie Martin" in ctx["publish_block_reason"]
    assert structures.employer_context(s, owner)["pending_requests"] == 1

    # Only the owner decides.
    with pytest.raises(PermissionDenied):
        structures.decide_join_request(s, paul, member.id, True)
    with pytest.raises(PermissionDenied):
        structures.join_requests(s, paul)
    [req] = structures.join_requests(s, owner)
    assert req["id"] == member.id and req["email"] == "paul.durand@boulangerie-martin.fr"
    assert structures.decide_join_request(s, owner, member.id, True) == ""
    assert structures.decide_join_request(s, owner, member.id, True) == structures.MSG_REQUEST_DONE
    s.expire_all()
    assert s.get(StructureMember, member.id).status == "active"
    assert len(mails(s, "paul.durand@boulangerie-martin.fr", "structure_join_decision")) == 1
    ctx = structures.employer_context(s, paul)
    assert ctx["structure_id"] == first["structure_id"] and ctx["can_publish"] is True
    assert ctx["is_owner"] is False
    assert structures.employer_context(s, owner)["pending_requests"] == 0
    assert [m["name"] for m in structures.team_members(s, paul)] == ["Claire Martin", "Paul Durand"]


def test_refused_join_request(s):
    first, _ = structures.register_employer(s, data=form())
    owner = activate(s, first["user_id"])
    result, _ = structures.register_employer(
        s, data=form(email="autre@exemple.fr", phone_mobile="0711223344")
    )
    member = s.exec(
        select(StructureMember).where(StructureMember.user_id == result["user_id"])
    ).one()
    assert structures.decide_join_request(s, owner, member.id, False) == ""
    s.expire_all()
    assert s.get(StructureMember, member.id).status == "refused"
    [mail] = mails(s, "autre@exemple.fr", "structure_join_decision")
    assert "n'a pas accepté" in mail.body


def test_validation_required_setting(s):
    admin = make_admin(s)
    with pytest.raises(PermissionDenied):
        platform.set_setting(s, None, platform.EMPLOYER_VALIDATION_REQUIRED, "1")
    platform.set_setting(s, admin, platform.EMPLOYER_VALIDATION_REQUIRED, "1")
    assert platform.employer_validation_required(s) is True
    result, errors = structures.register_employer(s, data=form())
    assert errors == {}
    owner = activate(s, result["user_id"])
    st = s.get(Structure, result["structure_id"])
    assert st.validation_status == "pending"
    ctx = structures.employer_context(s, owner)
    assert ctx["can_publish"] is False
    assert ctx["publish_block_reason"] == structures.MSG_PENDING_VALIDATION
    assert ctx["is_owner"] is True

    with pytest.raises(PermissionDenied):
        structures.validate_structure(s, owner, st.id, True)
    [row] = structures.structures_awaiting_validation(s, admin)
    assert row["id"] == st.id and row["owner_email"] == owner.email
    assert structures.validate_structure(s, admin, st.id, True) == ""
    assert structures.validate_structure(s, admin, st.id, True) == structures.MSG_STRUCTURE_DONE
    assert structures.employer_context(s, owner)["can_publish"] is True
    assert len(mails(s, owner.email, "structure_validation_decision")) == 1
    platform.set_setting(s, admin, platform.EMPLOYER_VALIDATION_REQUIRED, "0")
    assert platform.employer_validation_required(s) is False


def test_naf_suggestions(s):
    assert structures.naf_suggestions(s, "62.01") == [
        {"code": "62.01Z", "label": "Programmation informatique"}
    ]
    assert [r["code"] for r in structures.naf_suggestions(s, "6201")] == ["62.01Z"]
    by_division = structures.naf_suggestions(s, "62", limit=20)
    assert by_division and all(r["code"].startswith("62") for r in by_division)
    words = structures.naf_suggestions(s, "boulangerie patisserie")
    assert {"code": "10.71C", "label": "Boulangerie et boulangerie-pâtisserie"} in words
    assert structures.naf_suggestions(s, "PÂTISSERIE")[0]["code"].startswith("10.71")
    assert structures.naf_suggestions(s, "") == []
    assert len(structures.naf_suggestions(s, "fabrication", limit=5)) == 5


def test_update_structure(s):
    result, _ = structures.register_employer(s, data=form())
    owner = activate(s, result["user_id"])
    other, _ = structures.register_employer(
        s,
        data=form(email="b@exemple.fr", phone_mobile="0711111111", siret="35600000000048"),
    )
    stranger = activate(s, other["user_id"])
    errors = structures.update_structure(s, owner, form(siret="35600000000048"))
    assert errors == {"siret": structures.MSG_SIRET_TAKEN}
    errors = structures.update_structure(s, owner, form(city="", description="x" * 1001))
    assert set(errors) == {"city", "description"}
    assert structures.update_structure(s, owner, form(name="Boulangerie Martin & fils")) == {}
    s.expire_all()
    assert s.get(Structure, result["structure_id"]).name == "Boulangerie Martin & fils"
    assert structures.structure_form(s, owner)["name"] == "Boulangerie Martin & fils"
    with pytest.raises(PermissionDenied):
        structures.update_structure(s, stranger, form(), structure_id=result["structure_id"])
    with pytest.raises(PermissionDenied):
        structures.update_structure(s, None, form())


def _image(fmt: str, size=(800, 400)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (0, 0, 145)).save(out, format=fmt)
    return out.getvalue()


def test_logo(s):
    from PIL import Image

    result, _ = structures.register_employer(s, data=form())
    owner = activate(s, result["user_id"])
    sid = result["structure_id"]
    assert structures.logo_bytes(s, sid) is None
    assert structures.save_logo(s, owner, b"<svg onload=alert(1)>", "logo.png") == (
        structures.MSG_LOGO_FORMAT
    )
    assert structures.save_logo(s, owner, _image("GIF"), "logo.png") == structures.MSG_LOGO_FORMAT
    big = b"\x89PNG" + b"0" * (structures.LOGO_MAX_BYTES + 1)
    assert structures.save_logo(s, owner, big, "logo.png") == structures.MSG_LOGO_SIZE
    assert structures.save_logo(s, owner, _image("JPEG"), "logo.gif") == ""
    s.expire_all()
    first_path = get_settings().private_dir / s.get(Structure, sid).logo_path
    assert first_path.is_file()
    png = structures.logo_bytes(s, sid)
    with Image.open(io.BytesIO(png)) as img:
        assert img.format == "PNG" and img.size == (256, 128)
    assert structures.save_logo(s, owner, _image("WEBP", (50, 50)), "x") == ""
    s.expire_all()
    assert not first_path.exists()  # the old file is deleted
    with Image.open(io.BytesIO(structures.logo_bytes(s, sid))) as img:
        assert img.size == (50, 50)
    with pytest.raises(PermissionDenied):
        structures.save_logo(s, None, _image("PNG"), "x.png")


def test_structure_for_user_and_context_without_structure(s):
    admin = make_admin(s)
    assert structures.structure_for_user(s, admin) is None
    ctx = structures.employer_context(s, admin)
    assert ctx["structure_id"] is None and ctx["can_publish"] is True
    assert structures.employer_context(s, None)["can_publish"] is False


# --- « Institution de tutelle » of public structures -------------------------------------------


def test_public_structure_needs_its_ministry(s):
    from mystage.services import ministries

    # Public without a ministry, or with one that is not in the list: refused, nothing stored.
    for value, message in (
        ("", ministries.MSG_REQUIRED),
        (None, ministries.MSG_REQUIRED),
        ("ministere-de-la-magie", ministries.MSG_UNKNOWN),
        (["armees"], ministries.MSG_REQUIRED),
        ("armees\x00", ministries.MSG_UNKNOWN),
    ):
        result, errors = structures.register_employer(
            s, data=form(is_public=True, statut="collectivite", ministry=value)
        )
        assert result is None and errors == {"ministry": message}
        assert counts(s) == (0, 0, 0)
    result, errors = structures.register_employer(
        s, data=form(is_public=True, statut="collectivite", ministry="collectivite-territoriale")
    )
    assert errors == {}
    st = s.get(Structure, result["structure_id"])
    assert (st.is_public, st.ministry) == (True, "collectivite-territoriale")
    owner = activate(s, result["user_id"])
    values = structures.structure_form(s, owner)
    assert values["ministry"] == "collectivite-territoriale"
    assert values["ministry_label"] == "Collectivité territoriale"
    # Editing: still required while public; a private structure has none, whatever is sent.
    errors = structures.update_structure(s, owner, form(is_public=True, ministry=""))
    assert errors == {"ministry": ministries.MSG_REQUIRED}
    s.expire_all()
    assert s.get(Structure, st.id).ministry == "collectivite-territoriale"
    assert structures.update_structure(s, owner, form(is_public=False, ministry="armees")) == {}
    s.expire_all()
    st = s.get(Structure, st.id)
    assert (st.is_public, st.ministry) == (False, "")
    assert structures.structure_form(s, owner)["ministry_label"] == ""


def test_private_structure_ministry_is_cleared(s):
    result, errors = structures.register_employer(s, data=form(ministry="armees"))
    assert errors == {}
    assert s.get(Structure, result["structure_id"]).ministry == ""


@pytest.mark.asyncio
async def test_signup_form_keeps_the_public_box_and_the_ministry_on_error(s):
    from mystage.services import ministries
    from mystage.state.structures import MINISTRY_OPTIONS, EmployerSignupState
    from tests.state.conftest import make_state

    assert ("armees", "Ministère des Armées") in MINISTRY_OPTIONS
    st = make_state(EmployerSignupState, path="/inscription/employeur")
    st.load()
    st.set_public(True)
    assert st.is_public is True
    st.set_public("oui")  # crafted: only True ticks it
    assert st.is_public is False
    typed = {
        k: ("on" if v is True else v) for k, v in form(is_public=True).items() if v is not False
    }
    await st.submit({**typed, "ministry": "ministere-de-la-magie"})
    assert st.errors == {"ministry": ministries.MSG_UNKNOWN}
    assert st.is_public is True and st.values["ministry"] == "ministere-de-la-magie"
    assert st.values["name"] == "Boulangerie Martin"
    await st.submit({**typed, "ministry": "justice"})
    assert st.errors == {} and st.done
    st_row = s.exec(select(Structure)).one()
    assert (st_row.is_public, st_row.ministry) == (True, "justice")
