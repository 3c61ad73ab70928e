"""« Mes données » handlers called directly: the caller comes from the session cookie only;
anonymous or logged-out callers get the login page and nothing is prepared."""

from __future__ import annotations

import pytest
from sqlmodel import select

from mystage.models import ExportJob
from mystage.services import accounts
from mystage.services.privacy import my_data_download as files
from mystage.state.accounts.my_data import MyDataState
from tests.state.conftest import make_state, run_handler
from tests.unit.test_my_data import s, school, world  # noqa: F401  (fixtures)

PATH = "/espace/compte/donnees"


def _cookie(s, user) -> tuple[str, str]:  # noqa: F811
    token = accounts.create_session(s, user, "203.0.113.7", "pytest")
    s.commit()
    return f"mystage_session={token}", token


def _url(event) -> str:
    return str(getattr(event, "args", None) or event)


@pytest.mark.asyncio
async def test_anonymous_is_sent_to_login_and_nothing_is_prepared(s, world):  # noqa: F811
    st = make_state(MyDataState, cookie="", path=PATH)
    events = await run_handler(st.load())
    assert any("/connexion?suivant=" in _url(e) for e in events)
    assert st.ready is False and st.recent == []
    events = await run_handler(st.download())
    assert any("/connexion" in _url(e) for e in events)
    assert s.exec(select(ExportJob)).all() == []


@pytest.mark.asyncio
async def test_pupil_downloads_her_own_file_only(s, world):  # noqa: F811
    lea, noe = world["lea"], world["noe"]
    cookie, _ = _cookie(s, lea)
    st = make_state(MyDataState, cookie=cookie, path=PATH)
    await run_handler(st.load())
    assert st.ready and st.tu and st.recent == []
    # A crafted list (another pupil's request) in the page's state changes nothing: the
    # download goes through the route, which checks the owner again.
    events = await run_handler(st.download())
    assert st.error == "" and "Ton fichier est prêt" in st.message
    s.expire_all()
    jobs = s.exec(select(ExportJob)).all()
    assert [j.user_id for j in jobs] == [lea.id]
    assert len(st.recent) == 1 and st.recent[0]["download_url"].endswith(f"/{jobs[0].id}")
    download = [e for e in events if "mes-donnees" in _url(e)]
    assert download, events
    raw = _url(download[0]).split("/api/mes-donnees/", 1)[1].split('"', 1)[0].split("'", 1)[0]
    assert files.download_path(s, noe, raw) is None
    assert files.download_path(s, lea, raw) is not None


@pytest.mark.asyncio
async def test_adults_read_vous_and_logged_out_callers_are_refused(s, world):  # noqa: F811
    emp = world["emp"]
    cookie, token = _cookie(s, emp)
    st = make_state(MyDataState, cookie=cookie, path=PATH)
    await run_handler(st.load())
    assert st.ready and not st.tu
    await run_handler(st.download())
    assert "Votre fichier est prêt" in st.message
    accounts.revoke_session(s, token)
    s.commit()
    events = await run_handler(st.download())
    assert any("/connexion" in _url(e) for e in events)
    s.expire_all()
    assert len(s.exec(select(ExportJob)).all()) == 1
