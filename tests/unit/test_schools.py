"""School side (services/schools/): sign-up of heads and staff, the mailbox check per
académie, staff management and invitations, classes, weeks, settings, parents'
authorizations, tracking tables, application tabs and exports — French errors, nothing
stored on error, crafted input refused.

The helpers at the top are shared with test_school_isolation.  The ``schools`` reference
table is kept between tests: the ``s`` fixture puts back the space fields a test changed."""

from __future__ import annotations

import io
import re
from datetime import date, datetime, timedelta
from urllib.parse import parse_qs, urlparse

import pytest
import sqlalchemy as sa
from sqlmodel import select

from mystage import clock
from mystage.models import (
    AccountStatus,
    Application,
    AppState,
    Convention,
    ConventionState,
    OneTimeToken,
    Outbox,
    Role,
    School,
    SchoolClass,
    StaffClass,
    StaffMembership,
    User,
)
from mystage.services import accounts, permissions, schools, weeks
from mystage.services import accounts as admin_svc
from mystage.services.applications import can_apply
from mystage.services.permissions import PermissionDenied
from tests.unit.test_offers import NOW, complete_offer, employer

A = AppState

PW = "un mot de passe solide"
UAI_A = "0771029A"  # Collège Henri Dunant, Meaux — académie de Créteil
UAI_B = "0440284V"  # a collège of Nantes — académie de Nantes
UAI_LYCEE_DEMO = "0770930T"  # Lycée Henri Moissan, Meaux (the demo's lycée)
SPACE_FIELDS = (
    "email",
    "qpv_declared_at",
    "registered_at",
    "validation_required",
    "search_scope",
    "search_radius_km",
    "referent_email",
    "updated_at",
)


@pytest.fixture(name="s")
def school_db(reference_db, dbs):
    clock.freeze(NOW)
    saved = {
        sch.id: {f: getattr(sch, f) for f in SPACE_FIELDS}
        for sch in dbs.exec(select(School).where(School.uai.in_([UAI_A, UAI_B, UAI_LYCEE_DEMO])))
    }
    yield dbs
    dbs.rollback()
    dbs.expire_all()  # changes committed by other sessions (the states) must be undone too
    for sid, fields in saved.items():
        sch = dbs.get(School, sid)
        for f, v in fields.items():
            setattr(sch, f, v)
        dbs.add(sch)
    dbs.commit()
    clock.freeze(None)


def school(s, uai: str) -> School:
    return s.exec(select(School).where(School.uai == uai)).one()


def account(s, role, email, sch: School | None, **kw) -> User:
    user, errors = accounts.create_active_account(
        s, role=role, email=email, password=PW, first_name=kw.pop("first_name", "Nadia"),
        last_name=kw.pop("last_name", "Lefèvre"), school_id=sch.id if sch else None, **kw,
    )  # fmt: skip
    assert not errors, errors
    s.commit()
    return user


def head(s, sch: School, email: str | None = None) -> User:
    return account(s, Role.CHEF_ETABLISSEMENT, email or schools.official_mailbox(sch), sch)


def member(
    s,
    sch: School,
    email: str,
    role=Role.PROFESSEUR_PRINCIPAL,
    status="active",
    scope="school",
    classes=(),
    main=True,
) -> User:
    user = account(s, role, email, sch, staff_scope=scope, first_name="Thomas", last_name="Roux")
    s.add(StaffMembership(user_id=user.id, school_id=sch.id, status=status))
    for c in classes:
        s.add(StaffClass(user_id=user.id, class_id=c.id, is_main_teacher=main))
    s.commit()
    return user


def klass(s, sch: School, name: str, level: str = "3e") -> SchoolClass:
    c = SchoolClass(school_id=sch.id, name=name, level=level)
    s.add(c)
    s.commit()
    return c


_counter = [0]


def pupil(s, sch: School, cls: SchoolClass | None, authorized=False, **kw) -> User:
    _counter[0] += 1
    u = User(
        email=kw.pop("email", f"eleve{_counter[0]}@exemple.fr"),
        role=Role.ELEVE,
        status="active",
        first_name=kw.pop("first_name", f"Élève{_counter[0]}"),
        last_name=kw.pop("last_name", f"Nom{_counter[0]:03d}"),
        school_id=sch.id,
        class_id=cls.id if cls else None,
        level="3e",
        parental_authorization_at=NOW if authorized else None,
        **kw,
    )
    s.add(u)
    s.commit()
    return u


def offer(s, email="claire@boulangerie-martin.fr", siret="73282932000074") -> int:
    user, _ = employer(s, email=email, siret=siret)
    return complete_offer(s, user)


def application(
    s, pup: User, offer_id: int, state=AppState.SENT, week="2026-11-16", **kw
) -> Application:
    app = Application(
        pupil_id=pup.id,
        offer_id=offer_id,
        week_start=date.fromisoformat(week),
        state=state,
        school_id=pup.school_id,
        class_id=pup.class_id,
        school_year=2026,
        submitted_at=NOW,
        created_at=NOW,
        updated_at=kw.pop("updated_at", NOW),
        referent_email=kw.pop("referent_email", "ce.0771029a@ac-creteil.fr"),
        **kw,
    )
    s.add(app)
    s.commit()
    return app


def count(s, model, *where) -> int:
    s.expire_all()
    return len(s.exec(select(model).where(*where)).all())


def mails(s, template=None, to=None) -> list[Outbox]:
    s.expire_all()
    stmt = select(Outbox)
    if template:
        stmt = stmt.where(Outbox.template == template)
    if to:
        stmt = stmt.where(Outbox.recipient == to)
    return list(s.exec(stmt.order_by(Outbox.id)))


def link_token(mail: Outbox) -> str:
    return parse_qs(urlparse(mail.action_url).query)["token"][0]


CRAFTED = [None, "", "abc", -1, 0, True, 3.5, {"id": 1}, [1], "1 OR 1=1", 2**70]


# --- académies and mailboxes -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("academy", "domain"),
    [
        ("Créteil", "ac-creteil.fr"),
        ("Nantes", "ac-nantes.fr"),
        ("Aix-Marseille", "ac-aix-marseille.fr"),
        ("Clermont-Ferrand", "ac-clermont.fr"),
        ("Normandie", "ac-normandie.fr"),
        ("La Réunion", "ac-reunion.fr"),
        ("Besançon", "ac-besancon.fr"),
        ("Orléans-Tours", "ac-orleans-tours.fr"),
        ("Nancy-Metz", "ac-nancy-metz.fr"),
        ("Guadeloupe", "ac-guadeloupe.fr"),
        ("Mayotte", "ac-mayotte.fr"),
        ("Corse", "ac-corse.fr"),
        ("Nouvelle Calédonie", "ac-noumea.nc"),
        ("", ""),
        (None, ""),
    ],
)
def test_academy_domain(academy, domain):
    assert schools.academy_domain(academy) == domain


def test_every_academy_of_the_reference_data_has_a_plausible_domain(s):
    names = {a for (a,) in s.execute(sa.select(School.academy).distinct()) if a}
    assert len(names) >= 30
    for name in names:
        domain = schools.academy_domain(name)
        assert re.fullmatch(r"ac-[a-z-]+\.[a-z]{2}", domain), (name, domain)
    assert schools.academy_domains("Normandie") == (
        "ac-normandie.fr",
        "ac-caen.fr",
        "ac-rouen.fr",
    )


def test_official_mailbox_and_head_email_check(s):
    a, b = school(s, UAI_A), school(s, UAI_B)
    assert schools.official_mailbox(a) == "ce.0771029a@ac-creteil.fr"
    assert schools.official_mailbox(b) == "ce.0440284v@ac-nantes.fr"
    assert schools.check_head_email(a, "ce.0771029a@ac-creteil.fr") == ("official", "")
    assert schools.check_head_email(a, "nadia.lefevre@ac-creteil.fr") == ("academy", "")
    kind, err = schools.check_head_email(a, "ce.0771030b@ac-creteil.fr")
    assert kind == "" and "autre établissement (UAI 0771030B)" in err
    assert "ce.0771029a@ac-creteil.fr" in err
    kind, err = schools.check_head_email(a, "ce.0771029a@ac-nantes.fr")
    assert kind == "" and "n'est pas de l'académie de Créteil" in err
    kind, err = schools.check_head_email(b, "nadia@ac-creteil.fr")
    assert "l'académie de Nantes" in err and "@ac-nantes.fr" in err
    kind, err = schools.check_head_email(a, "principal@gmail.com")
    assert kind == "" and "ce.0771029a@ac-creteil.fr" in err and "@ac-creteil.fr" in err
    assert schools.check_staff_email(a, "thomas.roux@ac-creteil.fr") == ""
    assert "réservée au chef" in schools.check_staff_email(a, "ce.0771029a@ac-creteil.fr")
    assert "@ac-creteil.fr" in schools.check_staff_email(a, "thomas@gmail.com")
    assert "l'académie de Créteil" in schools.check_staff_email(a, "thomas@ac-versailles.fr")


def test_normandie_accepts_the_former_caen_and_rouen_domains(s):
    sch = s.exec(select(School).where(School.academy == "Normandie")).first()
    uai = sch.uai.lower()
    assert schools.check_head_email(sch, f"ce.{uai}@ac-normandie.fr")[0] == "official"
    assert schools.check_head_email(sch, f"ce.{uai}@ac-caen.fr")[0] == "official"
    assert schools.check_head_email(sch, "jean.dupont@ac-rouen.fr")[0] == "academy"


# --- head sign-up --------------------------------------------------------------------------------


def head_form(sch, **over) -> dict:
    data = {
        "school_id": sch.id if sch else None,
        "civility": "Mme",
        "first_name": "Nadia",
        "last_name": "Lefèvre",
        "email": schools.official_mailbox(sch) if sch else "",
        "password": PW,
        "password2": PW,
        "accept_terms": True,
    }
    data.update(over)
    return data


def test_head_signs_up_with_the_official_mailbox_then_opens_the_space(s):
    a = school(s, UAI_A)
    result, errors = schools.register_head(s, data=head_form(a))
    assert errors == {}
    assert result["needs_validation"] is False
    user = s.get(User, result["user_id"])
    assert user.role == Role.CHEF_ETABLISSEMENT and user.school_id == a.id
    assert user.status == AccountStatus.PENDING_ACTIVATION
    with pytest.raises(PermissionDenied):  # not active yet: nothing
        schools.space_context(s, user)
    mail = mails(s, "activation", to="ce.0771029a@ac-creteil.fr")[-1]
    assert accounts.activate(s, link_token(mail))[0] is not None
    s.refresh(user)
    assert user.status == AccountStatus.ACTIVE
    assert school(s, UAI_A).registered_at is None  # lazily, on the first opening
    ctx = schools.space_context(s, user)
    assert ctx["is_head"] and ctx["member_status"] == "active" and ctx["scope"] == "school"
    a = school(s, UAI_A)
    assert a.registered_at is not None and a.email == "ce.0771029a@ac-creteil.fr"
    assert count(s, StaffMembership, StaffMembership.user_id == user.id) == 1
    schools.space_context(s, user)  # idempotent
    assert count(s, StaffMembership, StaffMembership.user_id == user.id) == 1


def test_magic_link_works_for_the_school_mailbox_account(s):
    a = school(s, UAI_A)
    h = head(s, a)
    accounts.request_magic_link(s, "CE.0771029A@ac-creteil.fr", "203.0.113.9", "/espace")
    mail = mails(s, "magic_link", to="ce.0771029a@ac-creteil.fr")[-1]
    user, error = accounts.consume_magic_link(s, link_token(mail), "203.0.113.9")
    assert error is None and user.id == h.id
    assert accounts.consume_magic_link(s, link_token(mail), "203.0.113.9")[0] is None


def test_head_with_an_academy_address_waits_for_an_admin(s):
    a = school(s, UAI_A)
    result, errors = schools.register_head(s, data=head_form(a, email="n.lefevre@ac-creteil.fr"))
    assert errors == {} and result["needs_validation"] is True
    user = s.get(User, result["user_id"])
    assert user.status == AccountStatus.PENDING_VALIDATION
    mail = mails(s, "activation", to="n.lefevre@ac-creteil.fr")[-1]
    accounts.activate(s, link_token(mail))
    s.refresh(user)
    assert user.status == AccountStatus.PENDING_VALIDATION  # the link alone is not enough
    _, message = accounts.authenticate(s, "n.lefevre@ac-creteil.fr", PW, "203.0.113.9")
    assert message == accounts.MSG_PENDING_HEAD
    assert not permissions.is_school_head(user)
    admin = account(s, Role.ADMIN, "admin@exemple.fr", None)
    assert [p["email"] for p in admin_svc.pending_accounts(s, admin)] == ["n.lefevre@ac-creteil.fr"]
    assert admin_svc.decide_account(s, admin, user.id, True) == ""
    s.commit()
    s.refresh(user)
    assert permissions.is_school_head(user, a.id)
    assert schools.space_context(s, user)["is_head"]
    # Not the official mailbox: the school's email is not taken from this account.
    assert school(s, UAI_A).email != user.email


@pytest.mark.parametrize(
    ("over", "field", "words"),
    [
        ({"school_id": None}, "school_id", "Choisissez votre établissement"),
        ({"school_id": "pas un id"}, "school_id", "Choisissez votre établissement"),
        ({"school_id": 10**12}, "school_id", "Choisissez votre établissement"),
        ({"email": ""}, "email", "adresse e-mail professionnelle"),
        ({"email": "pas une adresse"}, "email", "invalide"),
        ({"email": "directeur@gmail.com"}, "email", "ce.0771029a@ac-creteil.fr"),
        ({"email": "ce.0440284v@ac-nantes.fr"}, "email", "l'académie de Créteil"),
        ({"email": "ce.0771030b@ac-creteil.fr"}, "email", "autre établissement"),
        ({"password2": "autre chose encore"}, "password2", "pas identiques"),
        ({"password": "court", "password2": "court"}, "password", "12"),
        ({"first_name": ""}, "first_name", "prénom"),
        ({"accept_terms": False}, "accept_terms", "conditions"),
    ],
)
def test_head_signup_errors_store_nothing(s, over, field, words):
    a = school(s, UAI_A)
    before = count(s, User)
    result, errors = schools.register_head(s, data=head_form(a, **over))
    assert result is None
    assert field in errors and words in errors[field], errors
    assert count(s, User) == before and mails(s) == []


def test_head_signup_with_a_taken_address_and_crafted_forms(s):
    a = school(s, UAI_A)
    h = head(s, a)
    before = count(s, User)
    # A taken address: the answer of a new account, nothing created, the owner told.
    result, errors = schools.register_head(s, data=head_form(a, email=h.email))
    assert errors == {}
    assert result == {"user_id": None, "school_id": a.id, "needs_validation": False}
    assert count(s, User) == before
    assert [m.template for m in mails(s, to=h.email)] == ["signup_existing"]
    teacher = member(s, a, "thomas.roux@ac-creteil.fr", status="left")
    before = count(s, User), count(s, StaffMembership)
    result, errors = schools.register_staff(s, data=staff_form(a, email=teacher.email))
    assert errors == {} and result["user_id"] is None and result["membership_id"] is None
    assert (count(s, User), count(s, StaffMembership)) == before
    assert mails(s, "school_staff_request") == []
    assert [m.template for m in mails(s, to=teacher.email)] == ["signup_existing"]
    assert schools.register_head(s, data="pas un formulaire")[0] is None
    result, errors = schools.register_head(
        s, data={"school_id": [a.id], "email": {"x": 1}, "password": 3, "accept_terms": "oui"}
    )
    assert result is None and {"school_id", "email"} <= set(errors)


# --- staff sign-up, decisions, rights ------------------------------------------------------------


def staff_form(sch, **over) -> dict:
    data = {
        "school_id": sch.id,
        "function": "professeur_principal",
        "class_ids": [],
        "civility": "M.",
        "first_name": "Thomas",
        "last_name": "Roux",
        "email": "thomas.roux@ac-creteil.fr",
        "password": PW,
        "password2": PW,
        "accept_terms": True,
    }
    data.update(over)
    return data


def test_staff_sign_up_creates_a_pending_membership_and_tells_the_head(s):
    a = school(s, UAI_A)
    h = head(s, a)
    c = klass(s, a, "3e A")
    result, errors = schools.register_staff(s, data=staff_form(a, class_ids=[c.id]))
    assert errors == {}
    m = s.get(StaffMembership, result["membership_id"])
    assert m.status == "pending" and m.school_id == a.id
    user = s.get(User, result["user_id"])
    assert user.role == Role.PROFESSEUR_PRINCIPAL and user.staff_scope == "classes"
    assert user.job_title == "Professeur principal"
    sc = s.exec(select(StaffClass).where(StaffClass.user_id == user.id)).one()
    assert sc.class_id == c.id and sc.is_main_teacher
    request = mails(s, "school_staff_request", to=h.email)
    assert len(request) == 1 and "Thomas Roux" in request[0].body
    assert request[0].action_url.endswith(schools.STAFF_URL)
    # Activated but not accepted yet: sees nothing.
    accounts.activate(s, link_token(mails(s, "activation", to=user.email)[-1]))
    s.refresh(user)
    assert user.status == AccountStatus.ACTIVE
    ctx = schools.space_context(s, user)
    assert ctx["member_status"] == "pending" and ctx["class_ids"] == []
    with pytest.raises(PermissionDenied) as exc:
        schools.classes(s, user)
    assert "accepter votre demande" in exc.value.message
    assert permissions.school_of_staff(s, user) is None
    assert permissions.visible_class_ids(s, user) == set()


@pytest.mark.parametrize(
    ("over", "field", "words"),
    [
        ({"function": "directeur"}, "function", "fonction"),
        ({"function": None}, "function", "fonction"),
        ({"email": "thomas@gmail.com"}, "email", "@ac-creteil.fr"),
        ({"email": "thomas@ac-nantes.fr"}, "email", "l'académie de Créteil"),
        ({"email": "ce.0771029a@ac-creteil.fr"}, "email", "chef d'établissement"),
        ({"class_ids": [999999]}, "class_ids", "classes"),
        ({"class_ids": "1,abc"}, "class_ids", "classes"),
        ({"class_ids": {"a": 1}}, "class_ids", "classes"),
        ({"school_id": None}, "school_id", "établissement"),
        ({"password2": "différent du premier"}, "password2", "identiques"),
    ],
)
def test_staff_signup_errors_store_nothing(s, over, field, words):
    a = school(s, UAI_A)
    before = count(s, User)
    result, errors = schools.register_staff(s, data=staff_form(a, **over))
    assert result is None and words in errors.get(field, ""), errors
    assert count(s, User) == before and count(s, StaffMembership) == 0 and mails(s) == []


def test_staff_cannot_pick_another_schools_class(s):
    a, b = school(s, UAI_A), school(s, UAI_B)
    other = klass(s, b, "3e B Nantes")
    result, errors = schools.register_staff(s, data=staff_form(a, class_ids=[other.id]))
    assert result is None and errors["class_ids"] == schools.MSG_CLASSES


def test_head_accepts_refuses_and_removes_staff(s):
    a = school(s, UAI_A)
    h = head(s, a)
    c = klass(s, a, "3e A")
    t1 = member(s, a, "t1@ac-creteil.fr", status="pending", scope="classes", classes=[c])
    t2 = member(s, a, "t2@ac-creteil.fr", status="pending", classes=[c])
    lists = schools.staff_list(s, h)
    assert [p["email"] for p in lists["pending"]] == ["t1@ac-creteil.fr", "t2@ac-creteil.fr"]
    assert [p["email"] for p in lists["active"]] == []
    m1 = lists["pending"][0]["id"]
    m2 = lists["pending"][1]["id"]
    assert schools.decide_staff(s, h, m1, True) == ""
    assert schools.decide_staff(s, h, m1, False) == schools.MSG_REQUEST_DONE
    assert permissions.school_of_staff(s, t1) == a.id
    assert permissions.visible_class_ids(s, t1) == {c.id}
    assert len(mails(s, "school_staff_decision", to="t1@ac-creteil.fr")) == 1
    assert schools.decide_staff(s, h, m2, False) == ""
    assert count(s, StaffClass, StaffClass.user_id == t2.id) == 0
    assert permissions.school_of_staff(s, t2) is None
    lists = schools.staff_list(s, h)
    assert [p["email"] for p in lists["active"]] == ["t1@ac-creteil.fr"]
    assert lists["active"][0]["classes"] == [{"id": c.id, "name": "3e A", "main": True}]
    assert [p["status"] for p in lists["former"]] == ["refused"]
    # Removal.
    assert schools.remove_staff(s, h, m1) == ""
    assert schools.remove_staff(s, h, m1) == schools.MSG_ALREADY_REMOVED
    assert permissions.school_of_staff(s, t1) is None
    assert count(s, StaffClass, StaffClass.user_id == t1.id) == 0
    schools.space_context(s, h)
    head_m = s.exec(select(StaffMembership).where(StaffMembership.user_id == h.id)).one()
    assert schools.remove_staff(s, h, head_m.id) == schools.MSG_HEAD_NOT_REMOVABLE
    # Only the head manages staff.
    t3 = member(s, a, "t3@ac-creteil.fr")
    with pytest.raises(PermissionDenied) as exc:
        schools.staff_list(s, t3)
    assert exc.value.message == schools.MSG_HEAD_ONLY
    for bad in CRAFTED:
        with pytest.raises(PermissionDenied):
            schools.decide_staff(s, h, bad, True)
        with pytest.raises(PermissionDenied):
            schools.remove_staff(s, h, bad)


def test_head_sets_rights(s):
    a = school(s, UAI_A)
    h = head(s, a)
    c1, c2 = klass(s, a, "3e A"), klass(s, a, "3e B")
    t = member(s, a, "t@ac-creteil.fr", role=Role.PROFESSEUR)
    mid = s.exec(select(StaffMembership.id).where(StaffMembership.user_id == t.id)).one()
    assert permissions.visible_class_ids(s, t) is None
    errors = schools.set_staff_rights(s, h, mid, scope="classes", class_ids=[])
    assert errors == {"class_ids": schools.MSG_SCOPE_CLASSES}
    errors = schools.set_staff_rights(s, h, mid, scope="tout", class_ids=[c1.id])
    assert errors == {"scope": schools.MSG_SCOPE}
    errors = schools.set_staff_rights(
        s, h, mid, scope="classes", class_ids=[c1.id], main_class_ids=[c2.id]
    )
    assert "main_class_ids" in errors
    assert permissions.visible_class_ids(s, t) is None  # nothing stored
    errors = schools.set_staff_rights(
        s, h, mid, scope="classes", class_ids=f"{c1.id},{c2.id}", main_class_ids=[c2.id]
    )
    assert errors == {}
    s.refresh(t)
    assert permissions.visible_class_ids(s, t) == {c1.id, c2.id}
    rows = s.exec(select(StaffClass).where(StaffClass.user_id == t.id)).all()
    assert {(r.class_id, r.is_main_teacher) for r in rows} == {(c1.id, False), (c2.id, True)}
    assert schools.set_staff_rights(s, h, mid, scope="school") == {}
    s.refresh(t)
    assert permissions.visible_class_ids(s, t) is None


# --- invitations --------------------------------------------------------------------------------


def test_invitation_flow(s):
    a = school(s, UAI_A)
    h = head(s, a)
    c = klass(s, a, "3e A")
    form = {"email": "julie.garnier@ac-creteil.fr", "function": "cpe", "class_ids": []}
    assert schools.invite_staff(s, h, form) == {}
    mail = mails(s, "school_invitation", to="julie.garnier@ac-creteil.fr")[-1]
    assert "/invitation?token=" in mail.action_url and a.name in mail.body
    raw = link_token(mail)
    assert schools.invitation_info(s, raw)["school_name"] == a.name
    assert [i["email"] for i in schools.staff_list(s, h)["invitations"]] == [form["email"]]
    # Wrong values first: the link stays usable.
    user, errors = schools.accept_invitation(s, raw, "", "Garnier", "court")
    assert user is None and set(errors) == {"first_name", "password"}
    user, errors = schools.accept_invitation(s, raw, "Julie", "Garnier", PW)
    assert errors == {} and user.status == AccountStatus.ACTIVE
    assert user.role == Role.PERSONNEL and user.job_title.startswith("Conseiller principal")
    assert permissions.school_of_staff(s, user) == a.id
    assert permissions.visible_class_ids(s, user) is None  # CPE: the whole school
    m = s.exec(select(StaffMembership).where(StaffMembership.user_id == user.id)).one()
    assert m.status == "active" and m.invited_by_id == h.id
    assert schools.accept_invitation(s, raw, "Julie", "Garnier", PW) == (
        None,
        {"token": schools.MSG_INVITATION_INVALID},
    )
    assert schools.invitation_info(s, raw) is None
    # A teacher invited for one class sees only it.
    form = {
        "email": "paul.mercier@ac-creteil.fr",
        "function": "professeur_principal",
        "class_ids": [c.id],
    }
    assert schools.invite_staff(s, h, form) == {}
    raw = link_token(mails(s, "school_invitation", to=form["email"])[-1])
    paul, errors = schools.accept_invitation(s, raw, "Paul", "Mercier", PW)
    assert errors == {} and permissions.visible_class_ids(s, paul) == {c.id}


def test_invitation_errors_and_cancel(s):
    a = school(s, UAI_A)
    h = head(s, a)
    klass(s, a, "3e A")
    member(s, a, "deja@ac-creteil.fr")
    member(s, a, "attente@ac-creteil.fr", status="pending")
    cases = [
        ({"email": "x@gmail.com", "function": "cpe"}, "email", "@ac-creteil.fr"),
        ({"email": "deja@ac-creteil.fr", "function": "cpe"}, "email", "fait déjà partie"),
        ({"email": "attente@ac-creteil.fr", "function": "cpe"}, "email", "demandé"),
        ({"email": "y@ac-creteil.fr", "function": "roi"}, "function", "fonction"),
        ({"email": "y@ac-creteil.fr", "function": "professeur"}, "class_ids", "au moins une"),
        ({"email": "y@ac-creteil.fr", "function": "cpe", "scope": "x"}, "scope", "voir"),
    ]
    for form, field, words in cases:
        errors = schools.invite_staff(s, h, form)
        assert words in errors.get(field, ""), (form, errors)
    # No function chosen: one message, on the function (not a puzzling one on the scope).
    errors = schools.invite_staff(s, h, {"email": "y@ac-creteil.fr", "function": ""})
    assert set(errors) == {"function"}
    assert mails(s, "school_invitation") == []
    assert count(s, OneTimeToken, OneTimeToken.purpose == "invitation") == 0
    # A second invitation replaces the first; cancelling kills the link.
    form = {"email": "z@ac-creteil.fr", "function": "documentaliste"}
    assert schools.invite_staff(s, h, form) == {}
    first = link_token(mails(s, "school_invitation", to="z@ac-creteil.fr")[-1])
    assert schools.invite_staff(s, h, form) == {}
    assert schools.invitation_info(s, first) is None
    invitations = schools.staff_list(s, h)["invitations"]
    assert len(invitations) == 1
    assert schools.cancel_invitation(s, h, invitations[0]["id"]) == ""
    assert schools.cancel_invitation(s, h, invitations[0]["id"]) == schools.MSG_INVITATION_DONE
    assert schools.staff_list(s, h)["invitations"] == []
    for bad in (None, "", "x" * 500, 12, {"t": 1}):
        assert schools.invitation_info(s, bad) is None
        assert schools.accept_invitation(s, bad, "A", "B", PW)[1] == {
            "token": schools.MSG_INVITATION_INVALID
        }


# --- classes -------------------------------------------------------------------------------------


def test_classes_crud_and_moves(s):
    a = school(s, UAI_A)
    h = head(s, a)
    cid, errors = schools.create_class(s, h, "  3e   A ")
    assert errors == {}
    assert s.get(SchoolClass, cid).name == "3e A" and s.get(SchoolClass, cid).level == "3e"
    assert schools.create_class(s, h, "3E a") == (None, {"name": schools.MSG_CLASS_NAME_TAKEN})
    assert schools.create_class(s, h, "") == (None, {"name": schools.MSG_CLASS_NAME})
    assert schools.create_class(s, h, "x" * 61) == (None, {"name": schools.MSG_CLASS_NAME_LONG})
    assert schools.create_class(s, h, "Groupe Z", level="CM2") == (
        None,
        {"level": schools.MSG_CLASS_LEVEL},
    )
    assert schools.create_class(s, h, {"n": 1})[1] == {"name": schools.MSG_CLASS_NAME}
    other, _ = schools.create_class(s, h, "4e B", level="4e")
    assert schools.rename_class(s, h, other, "3e a") == {"name": schools.MSG_CLASS_NAME_TAKEN}
    assert schools.rename_class(s, h, other, "3e B", level="3e") == {}
    assert s.get(SchoolClass, other).name == "3e B"
    p = pupil(s, a, s.get(SchoolClass, cid))
    listed = schools.classes(s, h)
    assert [(c["name"], c["pupils"]) for c in listed] == [("3e A", 1), ("3e B", 0)]
    # Delete: refused while pupils are in it; move them first.
    assert schools.delete_class(s, h, cid) == schools.MSG_CLASS_NOT_EMPTY.format(n=1)
    assert schools.move_pupil(s, h, p.id, other) == ""
    assert schools.move_pupil(s, h, p.id, other) == schools.MSG_MOVE_SAME
    s.refresh(p)
    assert p.class_id == other
    assert schools.delete_class(s, h, cid) == ""
    gone = s.get(SchoolClass, cid)
    assert gone.deleted_at is not None and gone.name.startswith("3e A (supprimée")
    assert [c["name"] for c in schools.classes(s, h)] == ["3e B"]
    again, errors = schools.create_class(s, h, "3e A")  # the name is free again
    assert errors == {} and again != cid
    with pytest.raises(PermissionDenied):
        schools.delete_class(s, h, cid)  # already deleted
    assert schools.move_pupil(s, h, p.id, None) == ""  # out of every class
    s.refresh(p)
    assert p.class_id is None
    assert schools.class_choices(s, a.id) == [
        {"id": again, "name": "3e A", "level": "3e"},
        {"id": other, "name": "3e B", "level": "3e"},
    ]
    assert schools.class_choices(s, "x") == [] and schools.class_choices(s, None) == []


def test_only_the_head_sets_up_and_a_restricted_teacher_moves_within_own_classes(s):
    a = school(s, UAI_A)
    c1, c2, c3 = klass(s, a, "3e A"), klass(s, a, "3e B"), klass(s, a, "3e C")
    t = member(s, a, "t@ac-creteil.fr", scope="classes", classes=[c1, c2])
    p = pupil(s, a, c1)
    for call in (
        lambda: schools.create_class(s, t, "3e D"),
        lambda: schools.rename_class(s, t, c1.id, "3e Z"),
        lambda: schools.delete_class(s, t, c3.id),
        lambda: schools.set_weeks(s, t, ["2026-12-07"]),
        lambda: schools.update_settings(s, t, {"search_scope": "national"}),
    ):
        with pytest.raises(PermissionDenied):
            call()
    assert schools.move_pupil(s, t, p.id, c2.id) == ""
    with pytest.raises(PermissionDenied):
        schools.move_pupil(s, t, p.id, c3.id)
    with pytest.raises(PermissionDenied):
        schools.move_pupil(s, t, p.id, None)
    assert [c["name"] for c in schools.classes(s, t)] == ["3e A", "3e B"]


# --- weeks ---------------------------------------------------------------------------------------


def test_weeks_for_the_school_and_one_class(s):
    a = school(s, UAI_A)
    h = head(s, a)
    c = klass(s, a, "4e A", level="4e")
    assert schools.set_weeks(s, h, ["2026-12-07", "2026-12-09", "2027-02-01"]) == {}
    got = schools.school_weeks(s, h)
    assert got["school"] == ["2026-12-07", "2027-02-01"] and got["year_label"] == "2026-2027"
    assert got["can_edit"] and got["calendar"][0]["value"] == "2026-08-31"
    assert schools.set_weeks(s, h, "2027-06-07", class_id=c.id) == {}
    assert weeks.weeks_for_class(s, a.id, c.id, 2026) == [date(2027, 6, 7)]
    assert weeks.weeks_for_class(s, a.id, None, 2026) == [date(2026, 12, 7), date(2027, 2, 1)]
    got = schools.school_weeks(s, h)
    assert [x["weeks"] for x in got["classes"]] == [["2027-06-07"]]
    assert schools.set_weeks(s, h, [], class_id=c.id) == {}  # back to the school's weeks
    assert weeks.weeks_for_class(s, a.id, c.id, 2026) == [date(2026, 12, 7), date(2027, 2, 1)]
    # The next school year may be prepared; older or later ones not.
    assert schools.set_weeks(s, h, ["2027-11-15"], year=2027) == {}
    assert schools.set_weeks(s, h, ["2025-11-17"], year=2025) == {"year": schools.MSG_YEAR}


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("2026-12-12", "week-end"),
        ("2027-07-12", "n'est pas dans l'année scolaire 2026-2027"),
        ("2026-08-24", "n'est pas dans l'année scolaire"),
        ("2026-13-01", "invalide"),
        ("n'importe quoi", "invalide"),
        (12, "invalide"),
        ({"a": 1}, "invalide"),
    ],
)
def test_week_errors_store_nothing(s, value, words):
    a = school(s, UAI_A)
    h = head(s, a)
    assert schools.set_weeks(s, h, ["2026-12-07"]) == {}
    errors = schools.set_weeks(s, h, ["2027-01-11", value])
    assert words in errors["weeks"]
    assert schools.school_weeks(s, h)["school"] == ["2026-12-07"]


def test_too_many_weeks_and_crafted_lists(s):
    h = head(s, school(s, UAI_A))
    assert "au plus" in schools.set_weeks(s, h, ["2026-12-07"] * 100)["weeks"]
    assert schools.set_weeks(s, h, {"x": 1})["weeks"] == schools.MSG_WEEK_INVALID
    assert schools.set_weeks(s, h, None)["weeks"] == schools.MSG_WEEK_INVALID
    for bad in ("abc", -4, True, [1]):
        with pytest.raises(PermissionDenied):
            schools.set_weeks(s, h, ["2026-12-07"], class_id=bad)


# --- settings ------------------------------------------------------------------------------------


def test_settings(s):
    a = school(s, UAI_A)
    h = head(s, a)
    got = schools.school_settings(s, h)
    assert got["search_scope"] == "radius" and got["can_edit"]
    data = {
        "search_scope": "radius",
        "search_radius_km": "30",
        "validation_required": True,
        "referent_email": "Referent.Stages@ac-creteil.fr",
    }
    assert schools.update_settings(s, h, data) == {}
    a = school(s, UAI_A)
    assert (a.search_radius_km, a.validation_required, a.referent_email) == (
        30,
        True,
        "referent.stages@ac-creteil.fr",
    )
    assert schools.update_settings(s, h, {"search_scope": "national"}) == {}
    a = school(s, UAI_A)
    assert a.search_scope == "national" and a.search_radius_km == 30
    assert a.validation_required is False and a.referent_email == ""


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"search_scope": "radius", "search_radius_km": "61"}, "search_radius_km"),
        ({"search_scope": "radius", "search_radius_km": "0"}, "search_radius_km"),
        ({"search_scope": "radius", "search_radius_km": "beaucoup"}, "search_radius_km"),
        ({"search_scope": "radius"}, "search_radius_km"),
        ({"search_scope": "monde"}, "search_scope"),
        ({"search_scope": None}, "search_scope"),
        ({"search_scope": "national", "referent_email": "pas@une"}, "referent_email"),
    ],
)
def test_settings_errors_store_nothing(s, data, field):
    a = school(s, UAI_A)
    h = head(s, a)
    before = (a.search_scope, a.search_radius_km, a.validation_required, a.referent_email)
    data = {"validation_required": True, **data}
    errors = schools.update_settings(s, h, data)
    assert field in errors
    a = school(s, UAI_A)
    assert (a.search_scope, a.search_radius_km, a.validation_required, a.referent_email) == before
    assert schools.update_settings(s, h, "pas un dict") == {"form": "Formulaire invalide."}


# --- parents' authorization ---------------------------------------------------------------------


def test_parental_authorization_one_pupil_and_a_whole_class(s):
    a = school(s, UAI_A)
    a.search_scope = "national"  # Meaux, the offer in Nantes: beyond the 60 km (seed 002)
    s.add(a)
    s.commit()
    c = klass(s, a, "3e A")
    pp = member(s, a, "pp@ac-creteil.fr", scope="classes", classes=[c])
    p1, p2, p3 = pupil(s, a, c), pupil(s, a, c), pupil(s, a, c, authorized=True)
    offer_id = offer(s)
    assert not can_apply(s, p1, offer_id)[0]
    assert schools.record_authorization(s, pp, p1.id, "2026-10-06") == {
        "date": schools.MSG_AUTH_FUTURE
    }
    assert schools.record_authorization(s, pp, p1.id, "31/02/2026") == {
        "date": schools.MSG_AUTH_DATE
    }
    assert schools.record_authorization(s, pp, p1.id, "2024-06-01") == {
        "date": schools.MSG_AUTH_OLD
    }
    assert schools.record_authorization(s, pp, p1.id, {"d": 1}) == {"date": schools.MSG_AUTH_DATE}
    s.refresh(p1)
    assert p1.parental_authorization_at is None
    assert schools.record_authorization(s, pp, p1.id, "02/10/2026") == {}
    s.refresh(p1)
    assert clock.paris(p1.parental_authorization_at).date() == date(2026, 10, 2)
    assert p1.parental_authorization_by_id == pp.id
    assert can_apply(s, p1, offer_id) == (True, "")
    n, errors = schools.record_class_authorizations(s, pp, c.id)
    assert (n, errors) == (1, {})  # only p2 lacked it
    s.refresh(p2)
    s.refresh(p3)
    assert clock.paris(p2.parental_authorization_at).date() == date(2026, 10, 5)
    assert p3.parental_authorization_by_id is None  # already authorized: untouched
    assert schools.undo_authorization(s, pp, p2.id) == ""
    assert schools.undo_authorization(s, pp, p2.id) == schools.MSG_AUTH_NONE
    s.refresh(p2)
    assert p2.parental_authorization_at is None
    sheet = schools.authorization_sheet(s, pp, c.id)
    assert sheet["class_name"] == "3e A" and len(sheet["pupils"]) == 3
    assert "2026-2027" in sheet["paragraphs"][0]


# --- tracking tables -------------------------------------------------------------------------


@pytest.fixture
def population(s):
    """School A: 3e A (5 pupils at every stage), 3e B (2), one pupil without a class."""
    a = school(s, UAI_A)
    h = head(s, a)
    ca, cb = klass(s, a, "3e A"), klass(s, a, "3e B")
    o1 = offer(s)
    o2 = offer(s, email="garage@exemple.fr", siret="44306184100047")
    none = pupil(s, a, ca, last_name="Aubert")
    pending = pupil(s, a, ca, authorized=True, last_name="Bernard")
    application(s, pending, o1, A.SENT)
    application(s, pending, o2, A.REFUSED, updated_at=NOW + timedelta(hours=1))
    accepted = pupil(s, a, ca, authorized=True, last_name="Chevalier")
    application(s, accepted, o1, A.ACCEPTED)
    confirmed = pupil(s, a, ca, authorized=True, last_name="Diallo")
    conf_app = application(s, confirmed, o2, A.CONFIRMED)
    application(s, confirmed, o1, A.WITHDRAWN)
    s.add(Convention(uuid="c-1", application_id=conf_app.id, state=ConventionState.SIGNED))
    closed = pupil(s, a, ca, authorized=True, last_name="Etienne")
    application(s, closed, o1, A.EXPIRED, referent_email="prof@ac-creteil.fr")
    b1 = pupil(s, a, cb, authorized=True, last_name="Faure")
    application(s, b1, o1, A.AWAITING_SCHOOL, referent_email="prof@ac-creteil.fr")
    pupil(s, a, cb, last_name="Garnier")
    pupil(s, a, None, last_name="Hamon")
    s.commit()
    return {
        "school": a, "head": h, "ca": ca, "cb": cb, "o1": o1, "o2": o2,
        "none": none, "pending": pending, "accepted": accepted, "confirmed": confirmed,
        "closed": closed, "b1": b1,
    }  # fmt: skip


def test_school_table_counts_per_class(s, population):
    table = schools.school_table(s, population["head"])
    rows = {r["name"]: r for r in table["rows"]}
    assert list(rows) == ["3e A", "3e B", "Sans classe"]
    a = rows["3e A"]
    assert (a["pupils"], a["authorized"], a["no_application"], a["applied"]) == (5, 4, 1, 4)
    assert (a["accepted"], a["confirmed"], a["convention_signed"]) == (2, 1, 1)
    assert a["progress_percent"] == 20
    b = rows["3e B"]
    assert (b["pupils"], b["applied"], b["confirmed"], b["progress"]) == (2, 1, 0, 0.0)
    assert rows["Sans classe"]["pupils"] == 1
    assert table["total"]["pupils"] == 8 and table["total"]["confirmed"] == 1


def test_class_table_rows_filters_and_sorts(s, population):
    h, ca = population["head"], population["ca"]
    table = schools.class_table(s, h, ca.id)
    rows = {r["last_name"]: r for r in table["rows"]}
    assert [r["last_name"] for r in table["rows"]] == [
        "Aubert", "Bernard", "Chevalier", "Diallo", "Etienne",
    ]  # fmt: skip
    assert rows["Aubert"]["stage"] == "sans_candidature" and not rows["Aubert"]["authorized"]
    assert rows["Bernard"]["state"] == A.SENT and rows["Bernard"]["applications"] == 2
    assert rows["Bernard"]["colour"] == "orange" and rows["Bernard"]["pending"] == 1
    assert rows["Chevalier"]["state_label"] == "Acceptée : à confirmer"
    d = rows["Diallo"]
    assert d["stage"] == "confirme" and d["colour"] == "green" and d["convention_signed"]
    assert d["employer_name"] and d["week_label"] == "Semaine du 16 au 20 novembre 2026"
    assert rows["Etienne"]["stage"] == "sans_suite" and rows["Etienne"]["colour"] == "red"
    assert rows["Bernard"]["last_activity"] == "05/10/2026"

    def names(**kw):
        return [r["last_name"] for r in schools.class_table(s, h, ca.id, **kw)["rows"]]

    assert names(filter="sans_candidature") == ["Aubert"]
    assert names(filter="en_attente") == ["Bernard"]
    assert names(filter="confirme") == ["Diallo"]
    assert names(filter="sans_autorisation") == ["Aubert"]
    assert names(filter="n'importe quoi") == names()
    assert names(sort="state", descending=True)[:3] == ["Diallo", "Chevalier", "Bernard"]
    assert names(sort="applications", descending=True)[:2] == ["Bernard", "Diallo"]
    assert names(sort="name", descending=True)[0] == "Etienne"
    assert names(sort="authorization")[0] == "Aubert"
    assert names(sort={"x": 1}) == names()
    assert [r["last_name"] for r in schools.class_table(s, h, 0)["rows"]] == ["Hamon"]


def test_pupil_applications_for_staff(s, population):
    h = population["head"]
    got = schools.pupil_applications(s, h, population["b1"].id)
    assert got["pupil"]["class_name"] == "3e B"
    (app,) = got["applications"]
    assert app["state"] == A.AWAITING_SCHOOL
    assert [x["action"] for x in app["actions"]] == ["school_validate", "school_refuse"]
    got = schools.pupil_applications(s, h, population["confirmed"].id)
    assert all(x["actions"] == [] for x in got["applications"])
    # A teacher of 3e A only: 3e B pupils are out of reach.
    t = member(
        s, population["school"], "t@ac-creteil.fr", scope="classes", classes=[population["ca"]]
    )
    with pytest.raises(PermissionDenied):
        schools.pupil_applications(s, t, population["b1"].id)
    assert len(schools.pupil_applications(s, t, population["pending"].id)["applications"]) == 2


def test_application_tabs(s, population):
    h = population["head"]
    got = schools.application_tabs(s, h, "en_attente")
    assert got["counts"] == {"en_attente": 3, "a_valider": 1, "traitees": 4, "referents": 7}
    assert {r["state"] for r in got["rows"]} == {A.SENT, A.ACCEPTED, A.AWAITING_SCHOOL}
    done = schools.application_tabs(s, h, "traitees")["rows"]
    assert {r["status"] for r in done} == {"Acceptée", "Fermée"}
    waiting = schools.application_tabs(s, h, "a_valider")["rows"]
    assert [r["pupil_name"].split()[-1] for r in waiting] == ["Faure"]
    assert waiting[0]["can_validate"]
    refs = schools.application_tabs(s, h, "referents")
    assert {r["email"]: r["applications"] for r in refs["referents"]} == {
        "ce.0771029a@ac-creteil.fr": 5,
        "prof@ac-creteil.fr": 2,
    }
    paged = schools.application_tabs(s, h, "referents", page=2, per_page=5)
    assert paged["pages"] == 2 and len(paged["rows"]) == 2
    assert schools.application_tabs(s, h, {"x": 1}, page="abc")["tab"] == "en_attente"
    t = member(
        s, population["school"], "t@ac-creteil.fr", scope="classes", classes=[population["cb"]]
    )
    got = schools.application_tabs(s, t, "referents")
    assert got["total"] == 1 and got["rows"][0]["class_name"] == "3e B"


def test_exports_open_in_a_spreadsheet(s, population):
    openpyxl = pytest.importorskip("openpyxl")
    h = population["head"]
    data = schools.school_table_xlsx(s, h)
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    assert [c.value for c in ws[1]][:3] == ["Classe", "Niveau", "Élèves"]
    assert [ws.cell(r, 1).value for r in range(2, 6)] == ["3e A", "3e B", "Sans classe", "Total"]
    assert ws.cell(2, 3).value == 5 and ws.cell(5, 3).value == 8
    assert ws.freeze_panes == "A2"
    data = schools.class_table_xlsx(s, h, population["ca"].id, filter="confirme")
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    assert ws.title == "3e A" and ws.max_row == 2
    row = {ws.cell(1, c).value: ws.cell(2, c).value for c in range(1, ws.max_column + 1)}
    assert row["Nom"] == "Diallo" and row["Convention signée"] == "oui"
    assert row["Semaine du"] == datetime(2026, 11, 16)
    assert schools.export_filename("classe", "3e A") == "suivi-classe-3e-a-2026-10-05.xlsx"


# --- crafted input ---------------------------------------------------------------------------


def test_crafted_arguments_never_crash(s, population):
    h = population["head"]
    calls = [
        lambda x: schools.rename_class(s, h, x, "Nom"),
        lambda x: schools.delete_class(s, h, x),
        lambda x: schools.move_pupil(s, h, x, population["ca"].id),
        lambda x: schools.record_authorization(s, h, x),
        lambda x: schools.record_class_authorizations(s, h, x),
        lambda x: schools.undo_authorization(s, h, x),
        lambda x: schools.authorization_sheet(s, h, x),
        lambda x: schools.pupil_applications(s, h, x),
        lambda x: schools.set_staff_rights(s, h, x, scope="school"),
        lambda x: schools.cancel_invitation(s, h, x),
        lambda x: schools.class_table(s, h, x),
        lambda x: schools.class_table_xlsx(s, h, x),
    ]
    for call in calls:
        for bad in CRAFTED:
            try:
                result = call(bad)
            except PermissionDenied:
                continue
            # Only « no class » (None, "", 0) is a valid view for the head; other calls
            # answer with an error, never a change.
            assert bad in (None, "", 0) or isinstance(result, str | dict | tuple), (call, bad)
    for bad in CRAFTED:
        if bad is None:
            continue
        with pytest.raises(PermissionDenied):
            schools.classes(s, h, school_id=bad if bad != population["school"].id else -5)
    anonymous_calls = [
        lambda: schools.space_context(s, None),
        lambda: schools.classes(s, None),
        lambda: schools.school_table(s, None),
        lambda: schools.application_tabs(s, None),
    ]
    for call in anonymous_calls:
        with pytest.raises(PermissionDenied):
            call()
    pupil_user = population["pending"]
    with pytest.raises(PermissionDenied):
        schools.space_context(s, pupil_user)
    with pytest.raises(PermissionDenied):
        schools.school_table(s, pupil_user)


def test_admin_must_name_the_school(s, population):
    admin = account(s, Role.ADMIN, "admin@exemple.fr", None)
    with pytest.raises(PermissionDenied):
        schools.school_table(s, admin)
    table = schools.school_table(s, admin, school_id=population["school"].id)
    assert table["total"]["pupils"] == 8
    assert schools.rename_class(s, admin, population["cb"].id, "3e Bis") == {}


def test_school_table_is_aggregate_sql(s, population):
    """A fixed number of queries, whatever the number of pupils."""
    h = population["head"]
    for i in range(30):
        p = pupil(s, population["school"], population["ca"], authorized=True)
        application(s, p, population["o1"], A.SENT if i % 2 else A.REFUSED)
    statements = []

    def count_sql(conn, cursor, statement, *args):
        statements.append(statement)

    engine = s.get_bind()
    sa.event.listen(engine, "before_cursor_execute", count_sql)
    try:
        schools.school_table(s, h)
        n_school = len(statements)
        statements.clear()
        schools.class_table(s, h, population["ca"].id)
        n_class = len(statements)
    finally:
        sa.event.remove(engine, "before_cursor_execute", count_sql)
    assert n_school <= 8 and n_class <= 6, (n_school, n_class)


# --- demo data -----------------------------------------------------------------------------------


def test_demo_population_is_full_and_consistent(s):
    from mystage.demo import seed_demo
    from mystage.models import AuditLog, Offer, OfferWeek

    assert seed_demo(force=True)
    s.expire_all()
    meaux = school(s, UAI_A)
    head_user = s.exec(select(User).where(User.email == "ce.0771029a@ac-creteil.fr")).one()
    table = schools.school_table(s, head_user)
    names = [r["name"] for r in table["rows"]]
    assert names[:4] == ["3e A", "3e B", "3e C", "4e A"]
    for row in table["rows"][:4]:
        assert 20 <= row["pupils"] <= 26
    total = table["total"]
    assert total["confirmed"] > 0 and total["no_application"] > 0
    assert total["authorized"] < total["pupils"] and total["convention_signed"] > 0
    states = {st for (st,) in s.execute(sa.select(Application.state).distinct())}
    for st in (A.AWAITING_SCHOOL, A.REFUSED_BY_SCHOOL, A.SENT, A.READ, A.UNDER_REVIEW,
               A.ACCEPTED, A.CONFIRMED, A.REFUSED, A.EXPIRED, A.WITHDRAWN):  # fmt: skip
        assert st in states, st
    # Staff: the PP of 3e A sees only 3e A; a request and an invitation wait for the head.
    prof = s.exec(select(User).where(User.email == "prof@demo.mystage.fr")).one()
    assert [c["name"] for c in schools.classes(s, prof)] == ["3e A"]
    staff = schools.staff_list(s, head_user)
    assert len(staff["pending"]) == 1 and len(staff["invitations"]) == 1
    assert meaux.validation_required and meaux.email == "ce.0771029a@ac-creteil.fr"
    # 3e A: three listed pupils not signed up yet, and the class code.
    cls_a = s.exec(
        select(SchoolClass).where(SchoolClass.school_id == meaux.id, SchoolClass.name == "3e A")
    ).one()
    assert cls_a.join_code == "DEM3A7"
    assert len(schools.class_table(s, head_user, cls_a.id)["roster"]) == 3
    # The demo accounts keep their behaviour.
    lea = s.exec(select(User).where(User.email == "eleve@demo.mystage.fr")).one()
    assert lea.parental_authorization_at is None
    assert s.exec(select(Application).where(Application.pupil_id == lea.id)).first() is None
    yanis = s.exec(select(User).where(User.phone == "+33612345678")).one()
    assert yanis.class_id is None and yanis.parental_authorization_at is None
    bakery = s.get(Offer, 1)
    assert bakery.title.startswith("Boulangerie")
    first_week = min(weeks.weeks_for_class(s, meaux.id, None, 2026))
    bakery_week = s.exec(
        select(OfferWeek).where(OfferWeek.offer_id == 1, OfferWeek.week_start == first_week)
    ).one()
    assert bakery_week.places_taken == 0
    # Consistency: places taken = confirmed applications; audit trail ends in the state.
    taken = {
        (o, w): n
        for o, w, n in s.execute(
            sa.select(OfferWeek.offer_id, OfferWeek.week_start, OfferWeek.places_taken).where(
                OfferWeek.places_taken > 0
            )
        )
    }
    confirmed: dict = {}  # a 2de period of two weeks takes a place in each week
    for o, w, n in s.execute(
        sa.select(Application.offer_id, Application.week_start, Application.week_count).where(
            Application.state == A.CONFIRMED
        )
    ):
        for monday in weeks.covered_mondays(w, n):
            confirmed[(o, monday)] = confirmed.get((o, monday), 0) + 1
    assert taken == confirmed
    last = {}
    for entity_id, to_state in s.execute(
        sa.select(AuditLog.entity_id, AuditLog.to_state)
        .where(AuditLog.entity == "application")
        .order_by(AuditLog.created_at, AuditLog.id)
    ):
        last[entity_id] = to_state
    apps = dict(s.execute(sa.select(Application.id, Application.state)).all())
    assert last == apps
    assert mails(s) == []
    # The lycée of Meaux: its head (official mailbox), « 2de 3 » of four authorized secondes.
    lycee_head = s.exec(select(User).where(User.email == "ce.0770930t@ac-creteil.fr")).one()
    assert lycee_head.role == Role.CHEF_ETABLISSEMENT
    ctx = schools.space_context(s, lycee_head)
    assert ctx["kind"] == "lycee" and ctx["is_head"] and ctx["registered"]
    (row,) = schools.school_table(s, lycee_head)["rows"]
    # Three of them applied for both June weeks at once (demo_seconde): one application each.
    assert (row["name"], row["pupils"], row["authorized"], row["applied"]) == ("2de 3", 4, 4, 3)
    periods = s.execute(
        sa.select(Application.week_count, Application.state)
        .join(User, User.id == Application.pupil_id)
        .where(User.level == "2de_gt")
        .order_by(Application.id)
    ).all()
    assert periods == [(2, A.CONFIRMED), (2, A.ACCEPTED), (2, A.SENT)]
    seconde = s.exec(select(User).where(User.email == "seconde@demo.mystage.fr")).one()
    assert seconde.level == "2de_gt" and seconde.school_id == ctx["school_id"]
    assert seconde.parental_authorization_at is not None
    admin_user = s.exec(select(User).where(User.email == "admin@demo.mystage.fr")).one()
    assert [x["uai"] for x in schools.pending_qpv(s, admin_user)] == [UAI_LYCEE_DEMO]
    assert school(s, UAI_LYCEE_DEMO).qpv is False
