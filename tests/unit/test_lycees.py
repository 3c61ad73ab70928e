"""Lycées use the product like collèges: the head's sign-up with the official mailbox (or an
académie address validated by an admin), staff, 2de classes, parents' authorizations, the
school's validation of applications and the tracking tables; a lycée's QPV is declared by
its head and confirmed (or refused) by an admin; the ministry's « no 2de GT » is said.

Real lycées of the embedded file: 0932030B Lycée polyvalent Maurice Utrillo (Stains) and
0770930T Lycée Henri Moissan (Meaux), académie de Créteil.  The ``schools`` reference table
is kept between tests: the ``s`` fixture puts back every field a test may change."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import select

from mystage import clock
from mystage.models import (
    AccountStatus,
    AppState,
    AuditLog,
    Offer,
    Role,
    School,
    SchoolClass,
    User,
)
from mystage.services import accounts, schools
from mystage.services.applications import can_apply, decide_as_school
from mystage.services.permissions import PermissionDenied
from tests.unit.test_offers import NOW
from tests.unit.test_schools import (
    CRAFTED,
    SPACE_FIELDS,
    UAI_A,
    account,
    application,
    count,
    head,
    head_form,
    klass,
    link_token,
    mails,
    member,
    offer,
    pupil,
    school,
    staff_form,
)

A = AppState
UTRILLO = "0932030B"  # Lycée polyvalent Maurice Utrillo, Stains
MOISSAN = "0770930T"  # Lycée Henri Moissan, Meaux
FIELDS = tuple(
    dict.fromkeys((*SPACE_FIELDS, "qpv", "qpv_declared_at", "qpv_confirmed_at", "seconde_gt"))
)
SECONDE_WEEK = "2027-06-14"


@pytest.fixture(name="s")
def lycee_db(reference_db, dbs):
    clock.freeze(NOW)
    uais = [UTRILLO, MOISSAN, UAI_A]
    saved = {
        sch.id: {f: getattr(sch, f) for f in FIELDS}
        for sch in dbs.exec(select(School).where(School.uai.in_(uais)))
    }
    yield dbs
    dbs.rollback()
    dbs.expire_all()
    for sid, fields in saved.items():
        sch = dbs.get(School, sid)
        for f, v in fields.items():
            setattr(sch, f, v)
        dbs.add(sch)
    dbs.commit()
    clock.freeze(None)


def seconde(s, sch: School, cls: SchoolClass | None, authorized=False, **kw) -> User:
    p = pupil(s, sch, cls, authorized=authorized, birth_date=date(2010, 5, 2), **kw)
    p.level = "2de_gt"
    s.add(p)
    s.commit()
    return p


def admin(s) -> User:
    return account(s, Role.ADMIN, "admin@exemple.fr", None)


def audit_actions(s, school_id: int) -> list[str]:
    s.expire_all()
    return list(
        s.exec(
            select(AuditLog.action)
            .where(AuditLog.entity == "school", AuditLog.entity_id == school_id)
            .order_by(AuditLog.id)
        )
    )


# --- sign-up ------------------------------------------------------------------------------------


def test_lycee_head_signs_up_with_the_official_mailbox(s):
    lycee = school(s, UTRILLO)
    assert lycee.kind == "lycee" and schools.official_mailbox(lycee) == "ce.0932030b@ac-creteil.fr"
    result, errors = schools.register_head(s, data=head_form(lycee))
    assert errors == {} and result["needs_validation"] is False
    user = s.get(User, result["user_id"])
    assert user.role == Role.CHEF_ETABLISSEMENT and user.school_id == lycee.id
    mail = mails(s, "activation", to="ce.0932030b@ac-creteil.fr")[-1]
    assert accounts.activate(s, link_token(mail))[0] is not None
    ctx = schools.space_context(s, user)
    assert ctx["is_head"] and ctx["member_status"] == "active"
    assert ctx["kind"] == "lycee" and ctx["seconde_gt"] == "yes"
    lycee = school(s, UTRILLO)
    assert lycee.registered_at is not None and lycee.email == "ce.0932030b@ac-creteil.fr"


def test_lycee_head_with_an_academy_address_waits_for_an_admin(s):
    lycee = school(s, UTRILLO)
    result, errors = schools.register_head(s, data=head_form(lycee, email="d.martin@ac-creteil.fr"))
    assert errors == {} and result["needs_validation"] is True
    user = s.get(User, result["user_id"])
    assert user.status == AccountStatus.PENDING_VALIDATION
    # Another lycée's mailbox, another académie: refused as for a collège.
    for email, words in (
        ("ce.0770930t@ac-creteil.fr", "autre établissement"),
        ("proviseur@ac-nantes.fr", "l'académie de Créteil"),
    ):
        _r, errors = schools.register_head(s, data=head_form(lycee, email=email))
        assert words in errors["email"]


def test_staff_of_a_lycee_sign_up_and_the_head_accepts(s):
    lycee = school(s, UTRILLO)
    h = head(s, lycee)
    c = klass(s, lycee, "2de 1", level="2de_gt")
    result, errors = schools.register_staff(s, data=staff_form(lycee, class_ids=[c.id]))
    assert errors == {}
    assert mails(s, "school_staff_request", to=h.email)
    assert schools.decide_staff(s, h, result["membership_id"], True) == ""


# --- classes ---------------------------------------------------------------------------------


def test_lycee_classes_are_2de_gt_and_college_classes_4e_3e(s):
    lycee, college = school(s, UTRILLO), school(s, UAI_A)
    assert schools.level_choices("lycee") == ["2de_gt"]
    assert schools.level_choices("college") == ["4e", "3e", "3e_segpa", "3e_prepa_metiers"]
    h = head(s, lycee)
    for name in ("2de 1", "2nde 2", "Seconde 3", "2GT4"):
        cid, errors = schools.create_class(s, h, name)
        assert errors == {} and s.get(SchoolClass, cid).level == "2de_gt", name
    cid, errors = schools.create_class(s, h, "2de 5", level="2de_gt")
    assert errors == {} and s.get(SchoolClass, cid).level == "2de_gt"
    assert schools.create_class(s, h, "3e A", level="3e") == (
        None,
        {"level": schools.MSG_CLASS_LEVEL},
    )
    assert schools.rename_class(s, h, cid, "2de 5", level="4e") == {
        "level": schools.MSG_CLASS_LEVEL
    }
    hc = head(s, college)
    cid, errors = schools.create_class(s, hc, "2de 1")  # not guessed in a collège
    assert errors == {} and s.get(SchoolClass, cid).level == ""
    assert schools.create_class(s, hc, "Groupe", level="2de_gt")[1] == {
        "level": schools.MSG_CLASS_LEVEL
    }


# --- authorizations, validation, tracking -------------------------------------------------------


def test_lycee_authorizations_validation_and_tracking(s):
    lycee = school(s, UTRILLO)
    h = head(s, lycee)
    c = klass(s, lycee, "2de 3", level="2de_gt")
    pp = member(s, lycee, "pp.seconde@ac-creteil.fr", scope="classes", classes=[c])
    p1, p2, p3 = seconde(s, lycee, c), seconde(s, lycee, c), seconde(s, lycee, c)
    assert schools.record_authorization(s, pp, p1.id, "02/10/2026") == {}
    assert schools.record_class_authorizations(s, pp, c.id) == (2, {})
    s.refresh(p2)
    assert p2.parental_authorization_at is not None
    offer_id = offer(s)
    s.execute(sa.update(Offer).where(Offer.id == offer_id).values(level_2de=True))
    s.commit()
    waiting = application(
        s, p1, offer_id, A.AWAITING_SCHOOL, week=SECONDE_WEEK, referent_email=pp.email
    )
    application(s, p2, offer_id, A.CONFIRMED, week=SECONDE_WEEK)
    # The professeur principal of the class validates, as in a collège.
    assert decide_as_school(s, pp, waiting.id, "school_validate", "Bon stage !") == {}
    s.expire_all()
    assert s.get(type(waiting), waiting.id).state == A.SENT
    table = schools.school_table(s, h)
    row = next(r for r in table["rows"] if r["name"] == "2de 3")
    assert (row["pupils"], row["authorized"], row["applied"], row["confirmed"]) == (3, 3, 2, 1)
    rows = {r["id"]: r for r in schools.class_table(s, pp, c.id)["rows"]}
    assert rows[p2.id]["stage"] == "confirme" and rows[p3.id]["stage"] == "sans_candidature"
    assert [x["name"] for x in schools.classes(s, h)] == ["2de 3"]
    assert schools.classes(s, h)[0]["level_label"] == "2de générale et technologique"


# --- QPV: the head declares, an admin confirms or refuses ---------------------------------------


def test_qpv_declare_confirm_and_the_reserved_offers(s):
    lycee = school(s, MOISSAN)
    h = head(s, lycee)
    adm = admin(s)
    c = klass(s, lycee, "2de 1", level="2de_gt")
    p = seconde(s, lycee, c, authorized=True)
    offer_id = offer(s)
    s.execute(
        sa.update(Offer)
        .where(Offer.id == offer_id)  # in Meaux, within the lycée's 60 km
        .values(
            reserved_qpv=True, level_2de=True, latitude=lycee.latitude, longitude=lycee.longitude
        )
    )
    s.commit()
    refused = "Cette offre est réservée aux élèves des établissements en QPV."
    assert can_apply(s, p, offer_id) == (False, refused)
    got = schools.school_settings(s, h)
    assert (got["kind"], got["qpv_status"], got["qpv_declared"]) == ("lycee", "none", False)

    assert schools.declare_qpv(s, h, True) == ""
    lycee = school(s, MOISSAN)
    assert lycee.qpv_declared_at is not None and lycee.qpv is False  # not QPV until confirmed
    assert can_apply(s, p, offer_id) == (False, refused)
    got = schools.school_settings(s, h)
    assert got["qpv_status"] == "pending" and got["qpv_declared"]
    assert got["qpv_declared_at"] == "05/10/2026"
    request = mails(s, "school_qpv_request", to=adm.email)
    assert len(request) == 1 and "Henri Moissan" in request[0].body
    assert schools.declare_qpv(s, h, True) == ""  # a second click changes nothing
    assert len(mails(s, "school_qpv_request")) == 1

    pending = schools.pending_qpv(s, adm)
    assert [x["uai"] for x in pending] == [MOISSAN]
    assert pending[0]["head"].startswith("Nadia Lefèvre")
    assert schools.decide_qpv(s, adm, lycee.id, True) == ""
    lycee = school(s, MOISSAN)
    assert lycee.qpv is True and lycee.qpv_confirmed_at is not None
    assert can_apply(s, p, offer_id) == (True, "")
    assert schools.pending_qpv(s, adm) == []
    assert schools.decide_qpv(s, adm, lycee.id, True) == schools.MSG_QPV_NOT_PENDING
    decision = mails(s, "school_qpv_decision", to=h.email)
    assert len(decision) == 1 and "confirmé" in decision[0].subject
    assert schools.school_settings(s, h)["qpv_status"] == "confirmed"

    # Unchecking the box withdraws the declaration and the confirmation.
    assert schools.declare_qpv(s, h, False) == ""
    lycee = school(s, MOISSAN)
    assert (lycee.qpv, lycee.qpv_declared_at, lycee.qpv_confirmed_at) == (False, None, None)
    assert can_apply(s, p, offer_id) == (False, refused)
    assert audit_actions(s, lycee.id)[-3:] == ["qpv_declare", "qpv_confirm", "qpv_withdraw"]


def test_qpv_refused_by_an_admin(s):
    lycee = school(s, UTRILLO)
    h = head(s, lycee)
    adm = admin(s)
    assert schools.declare_qpv(s, h, True) == ""
    assert schools.decide_qpv(s, adm, str(lycee.id), False) == ""
    lycee = school(s, UTRILLO)
    assert (lycee.qpv, lycee.qpv_declared_at, lycee.qpv_confirmed_at) == (False, None, None)
    decision = mails(s, "school_qpv_decision", to=h.email)
    assert len(decision) == 1 and "n'a pas pu confirmer" in decision[0].body
    assert audit_actions(s, lycee.id)[-2:] == ["qpv_declare", "qpv_refuse"]
    assert schools.decide_qpv(s, adm, lycee.id, False) == schools.MSG_QPV_NOT_PENDING
    assert schools.declare_qpv(s, h, True) == ""  # the head may declare again
    assert schools.school_settings(s, h)["qpv_status"] == "pending"


def test_qpv_only_the_head_declares_and_only_admins_decide(s):
    lycee, college = school(s, UTRILLO), school(s, UAI_A)
    h = head(s, lycee)
    adm = admin(s)
    teacher = member(s, lycee, "prof.lycee@ac-creteil.fr")
    other_head = head(s, school(s, MOISSAN))
    p = seconde(s, lycee, None)
    for who in (teacher, p, adm, None):
        with pytest.raises(PermissionDenied):
            schools.declare_qpv(s, who, True)
    with pytest.raises(PermissionDenied):  # another school's head, naming this one
        schools.declare_qpv(s, other_head, True, school_id=lycee.id)
    assert school(s, UTRILLO).qpv_declared_at is None
    assert schools.declare_qpv(s, h, True) == ""
    for who in (h, teacher, p, other_head, None):
        with pytest.raises(PermissionDenied):
            schools.pending_qpv(s, who)
        with pytest.raises(PermissionDenied):
            schools.decide_qpv(s, who, lycee.id, True)
    assert school(s, UTRILLO).qpv is False
    for bad in CRAFTED:
        assert schools.declare_qpv(s, h, bad) in ("", schools.MSG_QPV_INVALID)
        assert schools.decide_qpv(s, adm, bad, True) in (
            schools.MSG_QPV_INVALID,
            schools.MSG_QPV_NOT_PENDING,
        )
        if not isinstance(bad, bool):
            assert schools.decide_qpv(s, adm, lycee.id, bad) == schools.MSG_QPV_INVALID
    assert school(s, UTRILLO).qpv is False
    # A collège keeps the file's flag: nothing to declare, nothing an admin may confirm.
    hc = head(s, college)
    assert schools.declare_qpv(s, hc, True) == schools.MSG_QPV_COLLEGE
    got = schools.school_settings(s, hc)
    assert got["kind"] == "college" and got["qpv_status"] in ("file_yes", "file_no")
    assert got["qpv_status"] == ("file_yes" if college.qpv else "file_no")
    college = school(s, UAI_A)
    college.qpv_declared_at = clock.now() - timedelta(days=1)  # crafted row
    s.add(college)
    s.commit()
    assert schools.decide_qpv(s, adm, college.id, True) == schools.MSG_QPV_NOT_PENDING
    assert count(s, AuditLog, AuditLog.entity_id == college.id, AuditLog.entity == "school") == 0


def test_no_seconde_is_said_only_when_the_ministry_says_so(s):
    lycee = school(s, UTRILLO)
    h = head(s, lycee)
    assert schools.school_settings(s, h)["no_seconde"] == ""
    for flag, expected in (("no", schools.MSG_NO_SECONDE), ("", ""), ("yes", "")):
        lycee = school(s, UTRILLO)
        lycee.seconde_gt = flag
        s.add(lycee)
        s.commit()
        assert schools.school_settings(s, h)["no_seconde"] == expected
        assert schools.space_context(s, h)["seconde_gt"] == flag
    assert "pas de classe de 2de générale et technologique" in schools.MSG_NO_SECONDE
