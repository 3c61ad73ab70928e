"""« Rechercher un stage »: the work of each event (issue 20).  A page load reads in one
database session and runs no statement twice; a keystroke in « Ville ou code postal »
reads nothing once the worker's place index is built; what goes to the browser is what
the screen shows, and an event sends only what changed."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from mystage import db
from mystage.models import Role, User
from mystage.services import accounts, geo
from mystage.services.geo.suggest_sql import suggest_communes_sql
from mystage.state.search import FLAGS, SearchState
from mystage.state.session import SessionState
from tests.state.conftest import make_state
from tests.unit.test_search import make_offer


class Reads:
    """Connections checked out and statements run on the app's engine, any thread."""

    def __init__(self) -> None:
        self.checkouts = 0
        self.statements: list[tuple[str, str]] = []
        self.engine = db.engine()
        sa.event.listen(self.engine, "checkout", self._checkout)
        sa.event.listen(self.engine, "before_cursor_execute", self._execute)

    def _checkout(self, *_args) -> None:
        self.checkouts += 1

    def _execute(self, _conn, _cursor, statement, parameters, _context, _many) -> None:
        self.statements.append((statement, repr(parameters)))

    def reset(self) -> None:
        self.checkouts = 0
        self.statements.clear()

    def close(self) -> None:
        sa.event.remove(self.engine, "checkout", self._checkout)
        sa.event.remove(self.engine, "before_cursor_execute", self._execute)


@pytest.fixture
def reads(reference_db, dbs):
    # The worker's place index, built: a page load would otherwise start its build in a
    # background thread, whose reads are not the event's.
    geo.suggest_communes(dbs, "x")
    dbs.commit()
    r = Reads()
    yield r
    r.close()


@pytest.fixture
def pupil_cookie(dbs):
    user = User(email="lea@example.fr", role=Role.ELEVE, status="active", first_name="Léa")
    dbs.add(user)
    dbs.commit()
    token = accounts.create_session(dbs, user, "203.0.113.7", "pytest")
    dbs.commit()
    return f"mystage_session={token}"


def _clean(state) -> None:
    state.parent_state._clean()


@pytest.mark.asyncio
async def test_a_page_load_reads_in_one_session_and_never_twice(dbs, reads, pupil_cookie):
    make_offer(dbs, "Boulangerie du coin", handicap_motor=True)
    make_offer(dbs, "Garage du centre")
    st = make_state(SearchState, cookie=pupil_cookie, path="/offres", query="lieu=Meaux&rayon=20")
    reads.reset()
    await st.load()
    assert st.total == 2 and st.sectors and st.week_options
    session = await st.get_state(SessionState)
    assert session.is_authenticated and session.user_name == "Léa"
    assert reads.checkouts == 1
    repeated = {x for x in reads.statements if reads.statements.count(x) > 1}
    assert not repeated, repeated

    # The same address again (a reload of the page's data): nothing the screen has
    # already is assigned again, so nothing of it is sent or stored.
    _clean(st)
    reads.reset()
    await st.load()
    assert reads.checkouts == 1
    assert not session.dirty_vars
    assert st.dirty_vars <= {"place_epoch", "version", "form_key"}


@pytest.mark.asyncio
async def test_map_view_in_the_same_session(dbs, reads):
    make_offer(dbs, "Boulangerie du coin")
    st = make_state(SearchState, path="/offres", query="lieu=Meaux&vue=carte")
    reads.reset()
    await st.load()
    assert st.view == "map" and st.map_url
    assert reads.checkouts == 1


@pytest.mark.asyncio
async def test_a_keystroke_reads_nothing_once_the_index_is_built(dbs, reads):
    st = make_state(SearchState, path="/offres")
    for typed in ("Mea", "Meaux", "77", "saint denis 93", "l'haÿ"):
        reads.reset()
        await st.type_place(typed, st.place_epoch)
        assert reads.checkouts == 0 and reads.statements == []
        expected = [x["label"] for x in suggest_communes_sql(dbs, typed, 8)]
        assert [p["label"] for p in st.place_suggestions] == expected
    _clean(st)
    await st.type_place("l'haÿ", st.place_epoch)  # the same list again: nothing sent
    assert not st.dirty_vars


@pytest.mark.asyncio
async def test_cards_carry_what_the_card_shows(dbs, reads):
    make_offer(
        dbs, "Boulangerie du coin", handicap_motor=True, sector_name="Commerce et distribution"
    )
    st = make_state(SearchState, path="/offres", query="lieu=Meaux&rayon=20")
    await st.load()
    [card] = st.results
    assert set(card) == {"id", "title", "employer", "where", "km", "weeks", "places", "flags"}
    assert card["title"] == "Boulangerie du coin"
    assert card["where"] == "77100 Meaux · Commerce et distribution"
    assert card["km"] == "0,0" and card["places"] == "2 places"
    assert card["flags"] == "a"
    assert len({letter for _k, letter, _t, _c in FLAGS}) == len(FLAGS)
