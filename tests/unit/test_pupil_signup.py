"""« Créer un compte » as Élève: level, school, class, birth date, gender, targeted offer."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import func, select

from mystage import clock
from mystage.models import (
    AccountStatus,
    OneTimeToken,
    Outbox,
    Role,
    School,
    SchoolClass,
    User,
)
from mystage.services import accounts
from tests.unit.test_offers import complete_offer, employer

PW = "un stage à la boulangerie"
NOW = datetime(2026, 10, 5, 8, 0, tzinfo=UTC)  # today (Paris) = 5 October 2026
MEAUX = "0771029A"  # Collège Henri Dunant, Meaux (REP+)


@pytest.fixture
def s(reference_db, dbs):
    clock.freeze(NOW)
    yield dbs
    clock.freeze(None)


def school(s, uai=MEAUX) -> School:
    return s.exec(select(School).where(School.uai == uai)).one()


def other_school(s) -> School:
    return s.exec(select(School).where(School.uai != MEAUX).order_by(School.id)).first()


def add_class(s, sch: School, name="3e B", level="3e", deleted=False) -> SchoolClass:
    c = SchoolClass(
        school_id=sch.id, name=name, level=level, deleted_at=clock.now() if deleted else None
    )
    s.add(c)
    s.commit()
    return c


def data(s, **over) -> dict:
    d = {
        "email": "ines.martin@exemple.fr",
        "password": PW,
        "first_name": "Inès",
        "last_name": "Martin",
        "accept_terms": True,
        "level": "3e",
        "school_id": school(s).id,
        "class_id": None,
        "birth_date": "2012-03-14",
        "gender": "",
    }
    d.update(over)
    return d


def count_users(s) -> int:
    s.expire_all()
    return s.exec(select(func.count()).select_from(User)).one()


def count_messages(s) -> int:
    return s.exec(select(func.count()).select_from(Outbox)).one()


def assert_nothing_stored(s) -> None:
    assert count_users(s) == 0
    assert count_messages(s) == 0
    assert s.exec(select(func.count()).select_from(OneTimeToken)).one() == 0


# --- valid sign-ups -------------------------------------------------------------------------


def test_valid_pupil_with_class(s):
    sch = school(s)
    klass = add_class(s, sch)
    user, errors = accounts.register_pupil(
        s, **data(s, class_id=str(klass.id), gender="f", level="3e_segpa")
    )
    assert errors == {}
    s.expire_all()
    u = s.get(User, user.id)
    assert u.role == Role.ELEVE
    assert u.status == AccountStatus.PENDING_ACTIVATION
    assert (u.school_id, u.class_id, u.level) == (sch.id, klass.id, "3e_segpa")
    assert u.birth_date == date(2012, 3, 14)
    assert u.gender == "f"
    assert u.parental_authorization_at is None
    assert u.targeted_offer_id is None
    assert u.email == "ines.martin@exemple.fr"
    # The activation link went out by mail.
    assert s.exec(select(Outbox).where(Outbox.recipient == u.email)).one().channel == "mail"


def test_class_not_listed_is_none(s):
    add_class(s, school(s))
    user, errors = accounts.register_pupil(s, **data(s, class_id=""))
    assert errors == {}
    assert user.class_id is None
    assert user.school_id == school(s).id


@pytest.mark.parametrize("level", ["4e", "3e", "3e_segpa", "3e_prepa_metiers", "2de_gt"])
def test_every_level(s, level):
    uai = "0932030B" if level == "2de_gt" else MEAUX  # a lycée for 2de GT, else a collège
    user, errors = accounts.register_pupil(s, **data(s, level=level, school_id=school(s, uai).id))
    assert errors == {}
    assert user.level == level


def test_school_id_as_int_and_class_id_as_int(s):
    sch = school(s)
    klass = add_class(s, sch)
    user, errors = accounts.register_pupil(s, **data(s, school_id=sch.id, class_id=klass.id))
    assert errors == {}
    assert user.class_id == klass.id


def test_phone_only_pupil_gets_sms_code(s):
    user, errors = accounts.register_pupil(s, **data(s, email=None, phone="06 12 34 56 78"))
    assert errors == {}
    assert user.email is None and user.phone == "+33612345678"
    sms = s.exec(select(Outbox).where(Outbox.recipient == "+33612345678")).one()
    assert sms.channel == "sms"
    import re

    code = re.search(r"\b(\d{6})\b", sms.body).group(1)
    confirmed, error = accounts.confirm_phone(s, "0612345678", code)
    assert error is None and confirmed.status == AccountStatus.ACTIVE
    assert confirmed.level == "3e" and confirmed.birth_date == date(2012, 3, 14)


@pytest.mark.parametrize("gender", ["", "f", "m", "np", None])
def test_gender_values(s, gender):
    user, errors = accounts.register_pupil(s, **data(s, gender=gender))
    assert errors == {}
    assert user.gender == (gender or "")


@pytest.mark.parametrize(
    "raw", ["2012-03-14", "14/03/2012", "14-03-2012", "14.03.2012", date(2012, 3, 14)]
)
def test_birth_date_formats(s, raw):
    user, errors = accounts.register_pupil(s, **data(s, birth_date=raw))
    assert errors == {}
    assert user.birth_date == date(2012, 3, 14)


def test_targeted_offer_is_kept(s):
    owner, _ = employer(s)
    offer_id = complete_offer(s, owner)
    user, errors = accounts.register_pupil(s, **data(s, targeted_offer_id=str(offer_id)))
    assert errors == {}
    assert user.targeted_offer_id == offer_id
    assert accounts.after_signup_url(user) == f"/offres/{offer_id}"


@pytest.mark.parametrize("offer", ["999999", "abc", -3, 0, None, "", ["1"], 10**30])
def test_unknown_targeted_offer_is_ignored(s, offer):
    user, errors = accounts.register_pupil(s, **data(s, targeted_offer_id=offer))
    assert errors == {}
    assert user.targeted_offer_id is None
    assert accounts.after_signup_url(user) == "/espace"


def test_activation_then_back_to_offer(s):
    owner, _ = employer(s)
    offer_id = complete_offer(s, owner)
    user, _ = accounts.register_pupil(s, **data(s, targeted_offer_id=offer_id))
    # Open the activation link from the mail.
    from urllib.parse import parse_qs, urlparse

    mail = s.exec(select(Outbox).where(Outbox.recipient == user.email)).one()
    token = parse_qs(urlparse(mail.action_url).query)["token"][0]
    active, error = accounts.activate(s, token)
    assert error is None and active.status == AccountStatus.ACTIVE
    assert accounts.after_signup_url(active) == f"/offres/{offer_id}"


# --- invalid fields: error next to the field, nothing stored --------------------------------


@pytest.mark.parametrize("level", ["", "5e", "seconde", None, 3, ["3e"], "3E", "x" * 5000])
def test_invalid_level(s, level):
    user, errors = accounts.register_pupil(s, **data(s, level=level))
    assert user is None
    assert errors == {"level": accounts.MSG_LEVEL_INVALID}
    assert_nothing_stored(s)


@pytest.mark.parametrize(
    "school_id",
    [
        None,
        "",
        "0",
        "-1",
        "abc",
        99999999,
        "99999999",
        2**70,
        "2147483648",
        2**31,
        True,
        1.5,
        {"id": 1},
    ],
)
def test_invalid_school(s, school_id):
    user, errors = accounts.register_pupil(s, **data(s, school_id=school_id))
    assert user is None
    assert errors == {"school": accounts.MSG_SCHOOL_INVALID}
    assert_nothing_stored(s)


def test_class_of_another_school_is_refused(s):
    foreign = add_class(s, other_school(s), name="3e A")
    add_class(s, school(s), name="3e A")
    user, errors = accounts.register_pupil(s, **data(s, class_id=str(foreign.id)))
    assert user is None
    assert errors == {"class_id": accounts.MSG_CLASS_INVALID}
    assert_nothing_stored(s)


@pytest.mark.parametrize("class_id", ["999999", "abc", "-2", 0, True, 3.0, ["1"]])
def test_invalid_class(s, class_id):
    add_class(s, school(s))
    user, errors = accounts.register_pupil(s, **data(s, class_id=class_id))
    assert user is None
    assert errors == {"class_id": accounts.MSG_CLASS_INVALID}
    assert_nothing_stored(s)


def test_deleted_class_is_refused(s):
    klass = add_class(s, school(s), deleted=True)
    user, errors = accounts.register_pupil(s, **data(s, class_id=klass.id))
    assert errors == {"class_id": accounts.MSG_CLASS_INVALID}
    assert_nothing_stored(s)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", accounts.MSG_BIRTH_REQUIRED),
        (None, accounts.MSG_BIRTH_REQUIRED),
        ("2012-02-30", accounts.MSG_BIRTH_INVALID),
        ("31/04/2012", accounts.MSG_BIRTH_INVALID),
        ("2012-13-01", accounts.MSG_BIRTH_INVALID),
        ("hier", accounts.MSG_BIRTH_INVALID),
        ("2012/03/14/1", accounts.MSG_BIRTH_INVALID),
        ("0000-01-01", accounts.MSG_BIRTH_INVALID),
        (20120314, accounts.MSG_BIRTH_INVALID),
        (["2012-03-14"], accounts.MSG_BIRTH_INVALID),
        ("9" * 10_000, accounts.MSG_BIRTH_INVALID),
        ("2026-10-06", accounts.MSG_BIRTH_FUTURE),  # tomorrow
        ("2030-01-01", accounts.MSG_BIRTH_FUTURE),
        ("2026-10-05", accounts.MSG_BIRTH_TOO_YOUNG),  # born today
        ("2016-10-06", accounts.MSG_BIRTH_TOO_YOUNG),  # 10 tomorrow
        ("2005-10-05", accounts.MSG_BIRTH_TOO_OLD),  # 21 today
        ("2005-10-04", accounts.MSG_BIRTH_TOO_OLD),  # 21 since yesterday
        ("1900-01-01", accounts.MSG_BIRTH_TOO_OLD),
    ],
)
def test_invalid_birth_date(s, raw, message):
    user, errors = accounts.register_pupil(s, **data(s, birth_date=raw))
    assert user is None
    assert errors == {"birth_date": message}
    assert_nothing_stored(s)


@pytest.mark.parametrize("raw", ["2016-10-05", "2005-10-06"])
def test_birth_date_age_bounds_accepted(s, raw):
    """10 today and 20 until the eve of the 21st birthday are accepted."""
    user, errors = accounts.register_pupil(s, **data(s, birth_date=raw))
    assert errors == {}


@pytest.mark.parametrize("gender", ["x", "F", "homme", 1, ["f"], "np " * 3])
def test_invalid_gender(s, gender):
    user, errors = accounts.register_pupil(s, **data(s, gender=gender))
    assert user is None
    assert errors == {"gender": accounts.MSG_GENDER_INVALID}
    assert_nothing_stored(s)


def test_all_errors_at_once_in_french_tu(s):
    user, errors = accounts.register_pupil(
        s,
        email="",
        phone="",
        password="court",
        first_name=" ",
        last_name="",
        accept_terms=False,
        level="",
        school_id="",
        class_id="",
        birth_date="",
        gender="z",
    )
    assert user is None
    assert set(errors) == {
        "email",
        "password",
        "first_name",
        "last_name",
        "accept_terms",
        "level",
        "school",
        "birth_date",
        "gender",
    }
    assert errors["first_name"] == "Indique ton prénom."
    assert errors["email"].startswith("Indique une adresse")
    assert errors["accept_terms"].startswith("Tu dois accepter")
    assert_nothing_stored(s)


def test_form_errors_prevent_storing(s):
    user, errors = accounts.register_pupil(
        s, **data(s), form_errors={"password2": "Les deux mots de passe ne sont pas identiques."}
    )
    assert user is None
    assert errors == {"password2": "Les deux mots de passe ne sont pas identiques."}
    assert_nothing_stored(s)


def test_email_taken_answers_as_new_and_stores_nothing(s):
    accounts.register_pupil(s, **data(s))
    assert count_users(s) == 1
    user, errors = accounts.register_pupil(s, **data(s, first_name="Autre"))
    assert user is None and errors == {}  # the caller answers « Vérifiez votre boîte… »
    assert count_users(s) == 1


def test_crafted_identity_types_do_not_crash(s):
    user, errors = accounts.register_pupil(
        s, **data(s, email=["a@b.fr"], phone={"x": 1}, first_name=3, last_name=None)
    )
    assert user is None
    assert {"email", "first_name", "last_name"} <= set(errors)
    assert_nothing_stored(s)


def test_generic_register_still_accepts_other_roles(s):
    user, errors = accounts.register(
        s,
        role="parent",
        email="parent@exemple.fr",
        password=PW,
        first_name="Karim",
        last_name="Martin",
        accept_terms=True,
    )
    assert errors == {} and user.role == "parent" and user.school_id is None


# --- school autocomplete and classes ---------------------------------------------------------


def test_suggestions_by_name_city_uai(s):
    by_city = accounts.signup_school_suggestions(s, "meaux")
    assert 0 < len(by_city) <= accounts.SCHOOL_SUGGESTIONS_MAX
    dunant = [r for r in by_city if r["uai"] == MEAUX]
    assert dunant, by_city
    assert dunant[0]["label"].endswith("— Meaux (0771029A)")
    assert dunant[0]["ep"] in ("REP", "REP+")
    assert set(dunant[0]) == {"id", "uai", "label", "ep", "kind", "note"}
    assert dunant[0]["kind"] == "college" and dunant[0]["note"] == ""
    assert [r["uai"] for r in accounts.signup_school_suggestions(s, "0771029a")] == [MEAUX]
    by_name = accounts.signup_school_suggestions(s, "henri dunant meaux")
    assert [r["uai"] for r in by_name] == [MEAUX]
    # The collèges of the commune typed come first (not « Ormeaux », « Crégy-lès-Meaux »).
    assert all(r["label"].split(" — ")[1].startswith("Meaux (") for r in by_city[:6])
    saint_denis = accounts.signup_school_suggestions(s, "saint denis")
    assert all(" — Saint-Denis (" in r["label"] for r in saint_denis)


@pytest.mark.parametrize("query", ["", " ", "a", "-", None, 12, ["meaux"], {"q": "meaux"}])
def test_suggestions_need_two_characters(s, query):
    assert accounts.signup_school_suggestions(s, query) == []


def test_suggestions_limit_and_huge_query(s):
    assert len(accounts.signup_school_suggestions(s, "college")) == 8
    assert accounts.signup_school_suggestions(s, "meaux " * 100_000) is not None
    assert accounts.signup_school_suggestions(s, "%_%") == []


def test_signup_school_lists_its_classes_only(s):
    sch = school(s)
    add_class(s, sch, name="3e B")
    add_class(s, sch, name="3e A")
    add_class(s, sch, name="4e ancienne", deleted=True)
    add_class(s, other_school(s), name="3e Z")
    found = accounts.signup_school(s, str(sch.id))
    assert found["uai"] == MEAUX
    assert [c["name"] for c in found["classes"]] == ["3e A", "3e B"]
    assert all(isinstance(c["id"], str) for c in found["classes"])
    for bad in (None, "", "abc", -1, 10**12, "4294967296", True, ["1"]):
        assert accounts.signup_school(s, bad) is None


# --- lycées: a pupil of 2de GT picks a lycée, a pupil of 4e/3e a collège ----------------------

UTRILLO = "0932030B"  # Lycée polyvalent Maurice Utrillo, Stains
MOISSAN = "0770930T"  # Lycée Henri Moissan, Meaux


def test_suggestions_follow_the_level(s):
    anyone = {r["uai"] for r in accounts.signup_school_suggestions(s, "meaux")}
    lycees = accounts.signup_school_suggestions(s, "meaux", "2de_gt")
    colleges = accounts.signup_school_suggestions(s, "meaux", "3e")
    assert lycees and all(r["kind"] == "lycee" for r in lycees)
    assert MOISSAN in {r["uai"] for r in lycees}
    assert colleges and all(r["kind"] == "college" for r in colleges)
    assert MEAUX in {r["uai"] for r in colleges} and MEAUX in anyone
    for level in ("4e", "3e_segpa", "3e_prepa_metiers"):
        assert all(
            r["kind"] == "college" for r in accounts.signup_school_suggestions(s, "meaux", level)
        )
    # No level (or a crafted one): both kinds.
    for level in (None, "", "1re", 12, ["2de_gt"]):
        got = accounts.signup_school_suggestions(s, "utrillo stains", level)
        assert [r["uai"] for r in got] == [UTRILLO]
    assert accounts.signup_school_suggestions(s, "utrillo stains", "3e") == []
    assert [r["uai"] for r in accounts.signup_school_suggestions(s, "0932030b", "2de_gt")] == [
        UTRILLO
    ]


def test_suggestion_note_for_a_lycee_without_seconde(s):
    no_seconde = s.exec(
        select(School).where(School.kind == "lycee", School.seconde_gt == "no")
    ).first()
    [hit] = accounts.signup_school_suggestions(s, no_seconde.uai.lower(), "2de_gt")
    assert hit["note"] == accounts.NOTE_NO_SECONDE  # findable, with a word about it
    assert accounts.signup_school(s, no_seconde.id)["note"] == accounts.NOTE_NO_SECONDE
    [utrillo] = accounts.signup_school_suggestions(s, UTRILLO)
    assert utrillo["note"] == "" and accounts.signup_school(s, utrillo["id"])["kind"] == "lycee"


def test_seconde_pupil_signs_up_with_a_lycee(s):
    lycee = school(s, UTRILLO)
    klass = add_class(s, lycee, name="2de 1", level="2de_gt")
    user, errors = accounts.register_pupil(
        s, **data(s, level="2de_gt", school_id=lycee.id, class_id=klass.id, birth_date="2010-05-02")
    )
    assert errors == {} and user.school_id == lycee.id and user.level == "2de_gt"
    assert user.class_id == klass.id


@pytest.mark.parametrize(
    ("level", "uai", "message"),
    [
        ("2de_gt", MEAUX, accounts.MSG_SCHOOL_LYCEE),
        ("3e", UTRILLO, accounts.MSG_SCHOOL_COLLEGE),
        ("4e", UTRILLO, accounts.MSG_SCHOOL_COLLEGE),
        ("3e_segpa", UTRILLO, accounts.MSG_SCHOOL_COLLEGE),
    ],
)
def test_school_of_the_wrong_kind_is_refused(s, level, uai, message):
    """A crafted request (the autocomplete never offers it): message next to the school
    field, nothing stored."""
    _user, errors = accounts.register_pupil(s, **data(s, level=level, school_id=school(s, uai).id))
    assert errors == {"school": message}
    assert_nothing_stored(s)
    assert message in (
        "Les élèves de 2de choisissent leur lycée.",
        "Les élèves de 4e et de 3e choisissent leur collège.",
    )
