"""« Rechercher un stage »: the search takes what is in the fields (the form's data), and a
late suggestion request never reopens the list after a search or a choice (issue 16)."""

from __future__ import annotations

import pytest

from mystage.state.search import SearchState
from tests.state.conftest import make_state


@pytest.fixture
def st(reference_db, dbs):
    return make_state(SearchState, path="/offres")


def test_submit_takes_the_place_in_the_field_not_the_last_echo(st):
    st.lieu = "0"  # what the server last saw: an older keystroke
    event = st.submit({"q": " boulang ", "lieu": "77100", "rayon": "20"})
    assert "lieu=77100" in str(event) and "q=boulang" in str(event)
    assert st.place_suggestions == []


@pytest.mark.asyncio
async def test_stale_suggestion_request_is_ignored(st):
    epoch = st.place_epoch
    await st.type_place("Mea", epoch)
    assert [p["label"] for p in st.place_suggestions][:1] == ["Meaux (77100)"]
    st.pick_place("Meaux (77100)")
    assert st.place_suggestions == [] and st.lieu == "Meaux (77100)"
    # The debounced request typed before the choice arrives afterwards: nothing reopens.
    await st.type_place("Meaux", epoch)
    assert st.place_suggestions == []
    await st.type_place("Nant", st.place_epoch)
    assert st.place_suggestions
    st.submit({"lieu": "Nantes"})
    await st.type_place("Nantes", st.place_epoch - 1)
    assert st.place_suggestions == []
    # Anything but text is no place.
    await st.type_place(None, st.place_epoch)
    assert st.place_suggestions == []
