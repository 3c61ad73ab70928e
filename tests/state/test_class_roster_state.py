"""Issue 16 « Schools », the class page's handlers: a ticked row stays until the filter is
applied again, the message names the pupil with « Annuler », the filters' counts, the two
exports, « Relancer », the roster tools; and the public class sign-up.  Crafted calls from
other roles, schools and classes are refused and change nothing."""

from __future__ import annotations

import pytest
from sqlmodel import select

from mystage.models import Outbox, RosterEntry, User
from mystage.services import schools
from mystage.state.schools import ClassRosterState, ClassSignupState, SchoolClassState
from tests.state.conftest import make_state
from tests.state.test_school_state import CRAFTED, SPACE, authorized_at, class_page, cookie, world
from tests.unit.test_class_roster import PASTE, invitation_token
from tests.unit.test_schools import PW, mails, pupil  # noqa: F401
from tests.unit.test_schools import school_db as _school_db  # noqa: F401

_world = world


def roster_page(s, user, class_id):
    return make_state(
        ClassRosterState,
        cookie=cookie(s, user) if user else "",
        path=f"{SPACE}/classe/{class_id}",
    )


def _roster(s) -> list[RosterEntry]:
    s.expire_all()
    return list(s.exec(select(RosterEntry).order_by(RosterEntry.id)))


@pytest.mark.asyncio
async def test_ticked_row_stays_named_with_undo(s, world):
    a, a1, ta = world["a"], world["a1"], world["ta"]
    lea = pupil(s, a, a1, first_name="Léa", last_name="Martin")
    theo = pupil(s, a, a1, first_name="Théo", last_name="Dupont")
    st = class_page(s, ta, a1.id, query="filtre=sans_autorisation")
    await st.load()
    assert [r["id"] for r in st.rows] == [str(theo.id), str(lea.id)]
    assert st.counts["sans_autorisation"] == "2" and st.counts["tous"] == "3"
    await st.toggle_auth(str(lea.id), True)
    # The row stays, ticked, until the filter is applied again; the message names her.
    assert [r["id"] for r in st.rows] == [str(theo.id), str(lea.id)]
    assert st.rows[1]["authorized"] == "True" or st.rows[1]["authorized"] == "1"
    assert st.auth_notice.startswith("Autorisation enregistrée pour Léa Martin")
    assert st.undo_id == str(lea.id) and st.counts["sans_autorisation"] == "1"
    assert len(mails(s, "authorization_recorded")) == 1
    await st.undo_auth()
    assert authorized_at(s, lea) is None and st.undo_id == ""
    assert "Annulé" in st.auth_notice and mails(s, "authorization_recorded") == []
    await st.toggle_auth(lea.id, True)
    await st.set_filter("sans_autorisation")
    assert [r["id"] for r in st.rows] == [str(theo.id)]
    assert st.auth_notice == ""


@pytest.mark.asyncio
async def test_exports_name_their_rows(s, world):
    a1, ta = world["a1"], world["ta"]
    st = class_page(s, ta, a1.id)
    await st.load()
    schools.add_roster(s, world["ha"], a1.id, PASTE)
    await st.reload()
    assert st.counts["tous"] == "5" and st.counts["pas_inscrit"] == "4"
    assert st.export_all_label == "Exporter toute la classe (5)" and not st.is_filtered
    await st.set_filter("pas_inscrit")
    assert st.rows == [] and len(st.roster) == 4
    assert st.export_label == "Exporter les 4 élèves affichés"
    assert "filtre=pas_inscrit" in st.export_url and "filtre=&" in st.export_all_url


@pytest.mark.asyncio
async def test_remind_says_how_many_and_when(s, world):
    a, a1, ta = world["a"], world["a1"], world["ta"]
    pupil(s, a, a1)
    st = class_page(s, ta, a1.id)
    await st.load()
    assert st.to_remind == "1"
    await st.remind()
    assert st.remind_notice.startswith("1 élève(s) sans candidature relancé(s)")
    assert "Prochaine relance possible le 12/10/2026" in st.remind_notice
    await st.remind()
    assert "déjà été relancé(s) cette semaine" in st.remind_notice


@pytest.mark.asyncio
async def test_class_page_handlers_refuse_other_schools_and_classes(s, world):
    a1, a2, b1 = world["a1"], world["a2"], world["b1"]
    pb2 = world["pb2"]
    # The teacher of 3e A on 3e B, the head of school B on 3e A.
    for user, class_id in ((world["ta"], a2.id), (world["hb"], a1.id), (world["pa1"], a1.id)):
        st = class_page(s, user, class_id)
        await st.load()
        assert st.denied and st.rows == [] and st.roster == []
        await st.remind()
        r = roster_page(s, user, class_id)
        await r.load()
        assert r.code == ""
        await r.check_paste({"paste": PASTE})
        await r.add_paste(False)
        await r.add_one({"first_name": "Léa", "last_name": "Martin", "contact": ""})
        await r.set_code("new")
        assert r.error and r.lines == []
    assert _roster(s) == [] and mails(s, "class_reminder") == []
    # A crafted tick of another school's pupil from a page of one's own class.
    st = class_page(s, world["ta"], a1.id)
    await st.load()
    await st.toggle_auth(pb2.id, True)
    assert authorized_at(s, pb2) is None and st.error
    for bad in CRAFTED:
        await st.toggle_auth(bad, True)
    # Roster rows of school B: not removable, not re-sendable from school A.
    schools.add_roster(s, world["hb"], b1.id, "MARTIN Léa ; lea@exemple.fr")
    rid = _roster(s)[0].id
    r = roster_page(s, world["ha"], a1.id)
    await r.load()
    await r.remove(rid)
    await r.resend(rid)
    assert r.error and len(_roster(s)) == 1
    for bad in CRAFTED:
        await r.remove(bad)
        await r.resend(bad)
    # No session: nothing.
    r = roster_page(s, None, a1.id)
    await r.load()
    await r.add_one({"first_name": "A", "last_name": "B"})
    assert len(_roster(s)) == 1


@pytest.mark.asyncio
async def test_roster_tools_paste_preview_then_store(s, world):
    a1, ta = world["a1"], world["ta"]
    r = roster_page(s, ta, a1.id)
    await r.load()
    await r.check_paste({"paste": PASTE + "Sans ; contact@faux\n"})
    assert (r.valid, r.invalid) == (4, 1) and r.lines[-1]["error"]
    assert _roster(s) == []
    await r.add_paste(False)  # a line in error: nothing stored
    assert _roster(s) == [] and r.invalid == 1
    event = await r.add_paste(True)
    assert len(_roster(s)) == 4 and r.notice.startswith("4 élève(s) ajouté(s)")
    assert event is SchoolClassState.reload and r.lines == []
    await r.add_one({"first_name": "", "last_name": "X", "contact": "faux"})
    assert set(r.one_errors) == {"first_name", "contact"} and r.one["last_name"] == "X"
    await r.set_code("new")
    assert len(r.code) == 6 and r.code_url.endswith("/classe/" + r.code)
    await r.set_code("bogus")
    await r.set_code("revoke")
    assert r.code == ""
    lea = next(e for e in _roster(s) if e.first_name == "Léa")
    await r.remove(lea.id)
    assert "retiré" in r.notice and len(_roster(s)) == 3


@pytest.mark.asyncio
async def test_class_sign_up_by_invitation_and_code(s, world):
    a1, ta = world["a1"], world["ta"]
    schools.add_roster(s, ta, a1.id, PASTE)
    token = invitation_token(mails(s, "class_invitation", to="lea.martin@exemple.fr")[0])
    st = make_state(ClassSignupState, path="/inscription/eleve", query=f"invitation={token}")
    await _load_with_query(st, {"invitation": token})
    assert st.invalid == "" and st.info["class_name"] == "3e A"
    assert st.values["email"] == "lea.martin@exemple.fr" and st.values["first_name"] == "Léa"
    form = {
        "first_name": "Léa", "last_name": "Martin", "email": "lea.martin@exemple.fr",
        "birth_date": "2012-03-14", "password": PW, "password2": PW, "accept_terms": True,
        "school_id": "1", "class_id": "1",
    }  # fmt: skip
    await st.submit({**form, "password2": "autre chose"})
    assert "password2" in st.errors and st.step == "form"
    await st.submit(form)
    assert st.errors == {} and st.step == "check_mail"
    s.expire_all()
    user = s.exec(select(User).where(User.email == "lea.martin@exemple.fr")).one()
    assert user.class_id == a1.id
    assert next(e for e in _roster(s) if e.first_name == "Léa").user_id == user.id
    # A bad code, then the class code.
    bad = make_state(ClassSignupState, path="/classe/ZZZZZZ")
    await bad.load()
    assert bad.invalid == schools.MSG_CODE_UNKNOWN
    await bad.submit(form)
    assert bad.step == "form"
    code = schools.set_class_code(s, ta, a1.id)
    st = make_state(ClassSignupState, path=f"/classe/{code.lower()}")
    await st.load()
    assert st.invalid == "" and st.values["email"] == ""
    await st.submit({**form, "first_name": "Anh", "last_name": "Nguyen", "email": "anh@exemple.fr"})
    assert st.step == "check_mail"
    assert next(e for e in _roster(s) if e.first_name == "Anh").user_id is not None


async def _load_with_query(st, query: dict):
    """The router of make_state has no query parameters: set them as Reflex would."""
    from reflex.istate.data import RouterData

    data = {
        "headers": {"cookie": "", "origin": "http://localhost:3000"},
        "pathname": "/inscription/eleve",
        "asPath": "/inscription/eleve?" + "&".join(f"{k}={v}" for k, v in query.items()),
        "query": query,
        "ip": "203.0.113.7",
    }
    st.parent_state.router = RouterData.from_router_data(data)
    await st.load()


def test_outbox_is_imported():
    assert Outbox.__tablename__ == "outbox"


@pytest.mark.asyncio
async def test_dashboard_names_a_class_without_pupils(s, world):
    from tests.state.test_school_state import dashboard
    from tests.unit.test_schools import klass

    empty = klass(s, world["a"], "3e Vide")
    st = dashboard(s, world["ha"])
    await st.load()
    assert {"id": str(empty.id), "name": "3e Vide"} in st.empty_classes
    assert not st.nothing_to_do
