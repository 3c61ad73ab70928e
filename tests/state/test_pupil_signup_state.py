"""SignupState as Élève driven with real and crafted payloads: anonymous by nature, so every
argument may be of any type and size; nothing half-done is ever stored."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import func, select

from mystage import clock
from mystage.models import School, SchoolClass, User
from mystage.services import accounts
from mystage.state.accounts import CLASS_NOT_LISTED, MSG_CLASS_REQUIRED, SignupState
from mystage.state.navigation import NavigationState
from mystage.state.schools import SEARCH_BURST
from tests.state.conftest import make_state
from tests.unit.test_offers import complete_offer, employer

PW = "un stage à la boulangerie"
NOW = datetime(2026, 10, 5, 8, 0, tzinfo=UTC)
MEAUX = "0771029A"
CRAFTED = [None, 12, 3.5, True, [], ["meaux"], {"q": "meaux"}, "x" * 100_000, "\x00\x00"]


@pytest.fixture
def s(reference_db, dbs):
    clock.freeze(NOW)
    yield dbs
    clock.freeze(None)


def meaux(s) -> School:
    return s.exec(select(School).where(School.uai == MEAUX)).one()


def add_class(s, school_id: int, name: str) -> int:
    c = SchoolClass(school_id=school_id, name=name, level="3e")
    s.add(c)
    s.commit()
    return c.id


def users(s) -> int:
    s.expire_all()
    return s.exec(select(func.count()).select_from(User)).one()


def state(query: str = "role=eleve") -> SignupState:
    st = make_state(SignupState, path="/inscription", query=query)
    st.load()
    return st


def form(**over) -> dict:
    d = {
        "role": "eleve",
        "first_name": "Inès",
        "last_name": "Martin",
        "email": "ines@exemple.fr",
        "phone": "",
        "password": PW,
        "password2": PW,
        "accept_terms": "on",
        "level": "3e",
        "class_id": "",
        "birth_date": "2012-03-14",
        "gender": "np",
    }
    d.update(over)
    return d


async def chosen(s, st: SignupState) -> None:
    await st.search_schools("henri dunant meaux")
    [hit] = [r for r in st.school_suggestions if r["uai"] == MEAUX]
    await st.choose_school(hit["id"])
    assert st.school_id == str(meaux(s).id)


@pytest.mark.asyncio
async def test_load_reads_role_and_offer(s):
    st = state("role=eleve&offre=42")
    assert st.role == "eleve" and st.is_pupil
    assert st.values["role"] == "eleve"
    assert st._offer_id == 42
    for bad in ("offre=abc", "offre=-1", "offre=99999999999999", "offre=%00"):
        assert state("role=eleve&" + bad)._offer_id == 0
    assert state("role=parent").is_pupil is False


@pytest.mark.asyncio
async def test_set_role_crafted(s):
    st = state("")
    st.set_role("eleve")
    assert st.is_pupil
    for bad in (*CRAFTED, "admin", "employeur"):
        st.set_role(bad)
        assert st.role == ""


@pytest.mark.asyncio
async def test_search_suggestions_and_choose(s):
    st = state()
    await st.search_schools("meaux")
    assert 0 < len(st.school_suggestions) <= 8
    assert all(
        set(r) == {"id", "uai", "label", "ep", "kind", "note"} for r in st.school_suggestions
    )
    hit = next(r for r in st.school_suggestions if r["uai"] == MEAUX)
    assert "Meaux (0771029A)" in hit["label"] and hit["ep"]
    sid = meaux(s).id
    b = add_class(s, sid, "3e B")
    a = add_class(s, sid, "3e A")
    await st.choose_school(hit["id"])
    assert st.school_id == str(sid) and "Meaux" in st.school_label
    assert st.school_classes == [{"id": str(a), "name": "3e A"}, {"id": str(b), "name": "3e B"}]
    assert st.school_suggestions == []
    st.change_school()
    assert st.school_id == "" and st.school_classes == []


@pytest.mark.asyncio
async def test_search_crafted_and_short(s):
    st = state()
    for bad in (*CRAFTED, "", "a", " m "):
        await st.search_schools(bad)
        assert st.school_suggestions == [] or bad == "x" * 100_000
        assert len(st.school_query) <= 100


@pytest.mark.asyncio
async def test_search_burst_limit(s):
    st = state()
    for _ in range(SEARCH_BURST):
        await st.search_schools("meaux")
    st.school_suggestions = []
    await st.search_schools("melun")  # over the burst: ignored
    assert st.school_suggestions == []


@pytest.mark.asyncio
async def test_choose_school_crafted(s):
    st = state()
    for bad in (*[c for c in CRAFTED if c != 12], "0", "-5", "99999999", "2147483648", 2**80, 1.0):
        await st.choose_school(bad)
        assert st.school_id == "" and st.school_classes == []
        assert st.errors.get("school")


@pytest.mark.asyncio
async def test_submit_valid_pupil_with_class_and_offer(s):
    owner, _ = employer(s)
    offer_id = complete_offer(s, owner)
    st = state(f"role=eleve&offre={offer_id}")
    await chosen(s, st)
    klass = add_class(s, meaux(s).id, "3e C")
    await st.choose_school(st.school_id)  # reload the classes
    await st.submit(form(class_id=str(klass)))
    assert st.errors == {}
    assert st.step == "check_mail" and st.sent_to == "ines@exemple.fr"
    u = s.exec(select(User).where(User.email == "ines@exemple.fr")).one()
    assert (u.role, u.school_id, u.class_id, u.level, u.gender) == (
        "eleve",
        meaux(s).id,
        klass,
        "3e",
        "np",
    )
    assert u.targeted_offer_id == offer_id
    assert str(u.birth_date) == "2012-03-14"


@pytest.mark.asyncio
async def test_submit_class_required_when_school_has_classes(s):
    add_class(s, meaux(s).id, "3e A")
    st = state()
    await chosen(s, st)
    await st.submit(form(class_id="", password2="autre chose"))
    assert st.errors == {
        "class_id": MSG_CLASS_REQUIRED,
        "password2": "Les deux mots de passe ne sont pas identiques.",
    }
    assert users(s) == 0
    # Typed values and the chosen school are kept.
    assert st.values["first_name"] == "Inès" and st.values["birth_date"] == "2012-03-14"
    assert st.school_id and st.school_classes
    await st.submit(form(class_id=CLASS_NOT_LISTED))
    assert st.errors == {} and st.step == "check_mail"
    assert s.exec(select(User)).one().class_id is None


@pytest.mark.asyncio
async def test_submit_without_school_shows_every_pupil_error(s):
    st = state()
    await st.submit(form(level="", birth_date="2030-01-01", gender="zz"))
    assert set(st.errors) == {"level", "school", "birth_date", "gender"}
    assert st.errors["birth_date"] == accounts.MSG_BIRTH_FUTURE
    assert st.values["gender"] == "zz"[:20]
    assert users(s) == 0


@pytest.mark.asyncio
async def test_submit_class_of_another_school(s):
    other = s.exec(select(School).where(School.uai != MEAUX).order_by(School.id)).first()
    foreign = add_class(s, other.id, "3e A")
    add_class(s, meaux(s).id, "3e A")
    st = state()
    await chosen(s, st)
    await st.submit(form(class_id=str(foreign)))
    assert st.errors == {"class_id": accounts.MSG_CLASS_INVALID}
    assert users(s) == 0


@pytest.mark.asyncio
async def test_submit_phone_only_pupil(s):
    st = state()
    await chosen(s, st)
    await st.submit(form(email="", phone="07 11 22 33 44"))
    assert st.errors == {}
    assert st.step == "phone_code" and st.sent_to == "+33711223344"


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "payload",
    [
        None,
        "texte",
        [],
        {},
        form(level=["3e"], class_id={"id": 1}, birth_date=20120314, gender=None),
        form(first_name="x" * 100_000, email="y" * 100_000, birth_date="2" * 100_000),
        form(role=None),
        form(role="admin"),
        form(password=None, password2=None),
        form(password=["x"], accept_terms=""),
    ],
)
async def test_submit_crafted_payloads_store_nothing(s, payload):
    st = state()
    await chosen(s, st)
    await st.submit(payload)
    assert st.errors
    assert st.step == "form"
    assert users(s) == 0
    assert all(isinstance(v, str) and len(v) <= 254 for v in st.values.values())


@pytest.mark.asyncio
async def test_unknown_school_in_state_is_refused(s):
    """A school id never chosen through the autocomplete is checked again on submit."""
    st = state()
    st.school_id = "99999999"
    await st.submit(form())
    assert st.errors == {"school": accounts.MSG_SCHOOL_INVALID}
    assert users(s) == 0


@pytest.mark.asyncio
async def test_other_roles_keep_the_generic_form(s):
    st = state("role=parent")
    await st.submit(form(role="parent", level="", birth_date="", gender="zz"))
    assert st.errors == {}
    u = s.exec(select(User)).one()
    assert u.role == "parent" and u.level == "" and u.birth_date is None and u.gender == ""


def _code(s, phone: str) -> str:
    import re

    from mystage.models import Outbox

    s.expire_all()
    sms = s.exec(select(Outbox).where(Outbox.recipient == phone).order_by(Outbox.id)).all()[-1]
    return re.search(r"\b(\d{6})\b", sms.body).group(1)


@pytest.mark.asyncio
async def test_phone_code_logs_in_back_to_the_offer(s):
    from mystage.models import OneTimeToken, TokenPurpose
    from mystage.services.accounts import tokens

    owner, _ = employer(s)
    offer_id = complete_offer(s, owner)
    st = state(f"role=eleve&offre={offer_id}")
    await chosen(s, st)
    await st.submit(form(email="", phone="07 11 22 33 44"))
    assert st.step == "phone_code"
    code = _code(s, "+33711223344")
    for bad in (None, "texte", {"code": ["1"]}, {"code": "000000" if code != "000000" else "1"}):
        assert await st.submit_code(bad) is None
    assert st.code_error
    await st.submit_code({"code": code})
    assert st.code_error == ""
    nav = await st.get_state(NavigationState)
    assert nav.document_url.startswith("/api/session?grant=")  # the page loads it
    s.expire_all()
    grant = s.exec(
        select(OneTimeToken).where(OneTimeToken.purpose == TokenPurpose.LOGIN_GRANT)
    ).one()
    assert tokens.payload_of(grant)["next"] == f"/offres/{offer_id}"


@pytest.mark.asyncio
async def test_activation_link_then_login_back_to_the_offer(s):
    from urllib.parse import parse_qs, urlparse

    from mystage.models import Outbox
    from mystage.state.accounts import ActivationState

    owner, _ = employer(s)
    offer_id = complete_offer(s, owner)
    st = state(f"role=eleve&offre={offer_id}")
    await chosen(s, st)
    await st.submit(form())
    mail = s.exec(select(Outbox).where(Outbox.recipient == "ines@exemple.fr")).one()
    token = parse_qs(urlparse(mail.action_url).query)["token"][0]
    act = make_state(ActivationState, path="/activation", query=f"token={token}")
    await act.load()
    assert act.done and act.login_url == f"/connexion?suivant=/offres/{offer_id}"
    again = make_state(ActivationState, path="/activation", query=f"token={token}")
    await again.load()
    assert not again.done and again.login_url == "/connexion"


# --- lycées: the suggestions follow the level; a school of the wrong kind is refused --------

UTRILLO = "0932030B"  # Lycée polyvalent Maurice Utrillo, Stains


def utrillo(s) -> School:
    return s.exec(select(School).where(School.uai == UTRILLO)).one()


@pytest.mark.asyncio
async def test_suggestions_follow_the_level_chosen(s):
    st = state()
    await st.search_schools("stains")
    kinds = {r["kind"] for r in st.school_suggestions}
    assert kinds == {"college", "lycee"}
    await st.set_level("2de_gt")  # the suggestions shown are searched again
    assert st.school_suggestions and {r["kind"] for r in st.school_suggestions} == {"lycee"}
    await st.set_level("3e")
    assert {r["kind"] for r in st.school_suggestions} == {"college"}
    for bad in CRAFTED:
        await st.set_level(bad)
        assert st.level == ""


@pytest.mark.asyncio
async def test_crafted_choice_of_the_wrong_kind(s):
    st = state()
    await st.set_level("3e")
    await st.choose_school(str(utrillo(s).id))  # never suggested to a 3e pupil
    assert st.school_id == "" and st.errors["school"] == accounts.MSG_SCHOOL_COLLEGE
    await st.set_level("2de_gt")
    await st.choose_school(str(meaux(s).id))
    assert st.school_id == "" and st.errors["school"] == accounts.MSG_SCHOOL_LYCEE
    await st.choose_school(str(utrillo(s).id))
    assert st.school_id == str(utrillo(s).id) and "school" not in st.errors
    assert st.school_kind == "lycee"


@pytest.mark.asyncio
async def test_level_changed_after_the_school_is_checked_again(s):
    """The school first, then the level: flagged at once, refused at submit, nothing
    stored; with the right level the pupil signs up."""
    st = state()
    await chosen(s, st)  # Henri Dunant (a collège), no level yet
    await st.set_level("2de_gt")
    assert st.errors.get("school") == accounts.MSG_SCHOOL_LYCEE
    await st.submit(form(level="2de_gt"))
    assert st.errors.get("school") == accounts.MSG_SCHOOL_LYCEE and st.step == "form"
    assert users(s) == 0
    await st.set_level("3e")
    assert "school" not in st.errors
    await st.submit(form(level="3e"))
    assert st.step == "check_mail" and users(s) == 1
