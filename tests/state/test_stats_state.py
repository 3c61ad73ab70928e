"""The « Statistiques » page driven in-process with real session cookies
(mystage/state/stats/dashboard.py): what a référent of Seine-et-Marne (77) sees, and that no handler
— filters, exports, off-platform figures, export progress — lets them see or download
anything of Loire-Atlantique (44), whatever the arguments."""

from __future__ import annotations

import io

import openpyxl
import pytest
import sqlalchemy as sa

from mystage.models import Application, ExportJob, OffPlatformFigure, Role, User
from mystage.services import accounts, exports, map_store, stats
from mystage.state.exports import ExportState
from mystage.state.stats import StatsState
from tests.state.conftest import make_state
from tests.unit import test_stats as base

# Fixtures of the statistics service tests (offers and applications in 77 and 44).
s, world, ref77, ref44, central = base.s, base.world, base.ref77, base.ref44, base.central
user = base.user

PATH = "/espace/statistiques"


@pytest.fixture(autouse=True)
def _no_files_left():
    """Downloads are real files in the private folder: remove them (job ids restart at 1
    in the next test, whose own checks look for ``<id>-*.xlsx``)."""
    yield
    for path in exports.exports_dir().iterdir():
        path.unlink()


CRAFTED = [None, "", "abc", -1, 0, True, 3.5, {"id": 1}, [1], "1 OR 1=1", 2**70, "٣"]


def cookie(s, u: User) -> str:
    token = accounts.create_session(s, u, "203.0.113.7", "pytest")
    s.commit()
    return f"mystage_session={token}"


def page(s, u: User | None) -> StatsState:
    return make_state(StatsState, cookie=cookie(s, u) if u else "", path=PATH)


def exporter(s, u: User | None) -> ExportState:
    """The « Exporter » panel's state (same cookie, as on the page)."""
    return make_state(ExportState, cookie=cookie(s, u) if u else "", path=PATH)


def tile(st: StatsState, key: str) -> str:
    return next(t["value"] for t in st.tiles if t["key"] == key)


@pytest.mark.asyncio
async def test_anonymous_is_sent_to_login_and_other_roles_are_refused(s, world):
    st = page(s, None)
    event = await st.load()
    assert "/connexion?suivant=/espace/statistiques" in str(event.args if event else "")
    assert st.allowed is False and st.tiles == []
    for role in (Role.ELEVE, Role.EMPLOYEUR, Role.CHEF_ETABLISSEMENT, Role.OPERATEUR):
        u = user(s, f"{role}@x.fr", role)
        st = page(s, u)
        await st.load()
        assert st.allowed is False
        assert st.denied == stats.MSG_DENIED
        assert st.tiles == [] and st.map_url == ""
        # Handlers called directly, without load: nothing computed, nothing exported.
        await st.set_filter("department", "77")
        assert st.tiles == []
        ex = exporter(s, u)
        for kind in ("rep_schools", "stats_sector", "stats_structure"):
            assert await ex.export(kind, {}) is None
            assert ex.error == exports.MSG_DENIED
        if role not in (Role.EMPLOYEUR, Role.OPERATEUR):  # their own offers (none here)
            assert await ex.export("offers", {}) is None
            assert ex.error == exports.MSG_DENIED
        assert s.execute(sa.select(sa.func.count()).select_from(ExportJob)).scalar() == 0


@pytest.mark.asyncio
async def test_referent_77_dashboard_and_filters(s, world, ref77):
    st = page(s, ref77)
    await st.load()
    assert st.allowed and "(77)" in st.scope_label
    # Hand-counted in tests/unit/test_stats.py's world: 3 offers, 8 places in 77.
    assert tile(st, "offers") == "3"
    assert tile(st, "places_offered") == "8"
    assert [o["value"] for o in st.department_options] == ["77"]
    assert st.by_month and st.by_sector and st.map_url.startswith("/api/carte/")
    assert "Meaux : 2 offres" in map_store.get(map_store.key_from_url(st.map_url))
    # A sector filter narrows the charts.
    s1 = str(world["s1"].id)
    await st.set_filter("sector_id", s1)
    assert st.filters["sector_id"] == s1
    assert tile(st, "offers") == "2"  # o1 and o3
    assert [r["label"] for r in st.by_sector] == [world["s1"].name]
    await st.set_filter("structure_type", "association")
    assert tile(st, "offers") == "0"
    await st.reset_filters()
    assert tile(st, "offers") == "3"


@pytest.mark.asyncio
@pytest.mark.parametrize("name,value", [("department", "44"), ("academy", "Nantes")])
async def test_referent_77_cannot_widen_to_44_by_filter(s, world, ref77, name, value):
    st = page(s, ref77)
    await st.load()
    await st.set_filter(name, value)
    assert tile(st, "offers") == "3"  # still 77 only (44 has 1 offer of 10 places)
    assert tile(st, "places_offered") == "8"
    assert st.notices or st.errors
    document = map_store.get(map_store.key_from_url(st.map_url))
    assert document and "Meaux" in document and "Nantes" not in document
    assert all(c["label"] != "Nantes" for c in st.top_communes)


@pytest.mark.asyncio
@pytest.mark.parametrize("junk", CRAFTED)
async def test_crafted_arguments_never_crash(s, world, ref77, junk):
    st = page(s, ref77)
    await st.load()
    await st.set_filter(junk, junk)
    await st.set_filter("department", junk)
    await st.delete_off_platform(junk)
    await st.add_off_platform(junk)
    ex = exporter(s, ref77)
    await ex.export(junk, junk)
    await ex.export("stats_sector", junk)
    await ex.export("stats_sector", {"department": junk, "school_year": junk, str(junk): junk})
    await ex.set_registered(junk)
    assert tile(st, "offers") == "3"


@pytest.mark.asyncio
async def test_exports_of_referent_77_hold_only_77(s, world, ref77, ref44):
    st = page(s, ref77)
    await st.load()
    await st.set_filter("department", "44")  # crafted: outside the scope
    ex = exporter(s, ref77)
    event = await ex.export("offers", st.filters)
    assert event is not None and "/api/exports/" in str(event)
    url = next(j for j in exports.my_exports(s, ref77) if j["status"] == "done")
    assert url
    job = s.execute(sa.select(ExportJob).where(ExportJob.user_id == ref77.id)).scalar_one()
    rows = xlsx_rows_from_job(s, job)
    header, body = rows[0], rows[1:]
    ville = header.index("VILLE")
    # Every offer of 77 this year but drafts (the removed one too, with its state).
    expected = {o.id for o in world["o"] if o.department_code == "77" and o.school_year == 2026}
    expected -= {world["o"][3].id}  # o4, the draft
    assert {r[0] for r in body} == expected
    assert {r[ville] for r in body} == {"Meaux", "Chelles"}
    # The applications file: applications to 77's offers of this year (the 44 pupil's one to
    # a 77 offer included, the one to 44's offer not, last year's not).
    await ex.export("applications", {"department": "44", "academy": "Nantes"})
    job = s.execute(
        sa.select(ExportJob).where(ExportJob.user_id == ref77.id, ExportJob.kind == "applications")
    ).scalar_one()
    rows = xlsx_rows_from_job(s, job)
    assert rows[0][0] == "CANDIDATURE_ID"
    ids = {r[0] for r in rows[1:]}
    apps = s.execute(sa.select(Application.id, Application.offer_id)).all()
    by_offer = {o.id: o for o in world["o"]}
    assert ids == {
        a.id
        for a in apps
        if by_offer[a.offer_id].department_code == "77" and by_offer[a.offer_id].school_year == 2026
    }
    assert len(ids) == 7
    # The 44 référent cannot open the 77 référent's file, even with its link.
    for j in s.execute(sa.select(ExportJob)).scalars():
        assert j.user_id == ref77.id


def xlsx_rows_from_job(s, job: ExportJob) -> list[tuple]:
    from mystage.settings import get_settings

    s.refresh(job)
    path = get_settings().private_dir / job.file_path
    wb = openpyxl.load_workbook(io.BytesIO(path.read_bytes()), read_only=True)
    return list(wb.active.iter_rows(values_only=True))


@pytest.mark.asyncio
async def test_download_link_is_for_its_requester_only(s, world, ref77, ref44):
    event = await exporter(s, ref77).export("offers", {})
    raw = str(event).split("/api/exports/")[1].split("'")[0].split('"')[0]
    assert exports.download_path(s, ref77, raw) is not None
    assert exports.download_path(s, ref44, raw) is None
    assert exports.download_path(s, None, raw) is None


@pytest.mark.asyncio
async def test_large_export_is_queued_and_watched(s, world, ref77, monkeypatch):
    monkeypatch.setattr("mystage.services.exports.request.SMALL_LIMIT", 2)
    ex = exporter(s, ref77)
    event = await ex.export("applications", {})
    assert ex.job["status"] == "queued"
    assert "transmis par e-mail" in ex.message
    assert event is not None  # the watcher (background event)
    job = s.execute(sa.select(ExportJob).where(ExportJob.user_id == ref77.id)).scalar_one()
    # Someone else's job id is never shown to ref77's page.
    other = user(s, "ref44b@ac-nantes.fr", Role.REFERENT_DEPARTEMENTAL, department_code="44")
    assert exports.export_status(s, other, job.id) is None
    assert exports.export_status(s, ref77, job.id)["status"] == "queued"


@pytest.mark.asyncio
async def test_off_platform_figures_within_scope(s, world, ref77, ref44):
    st = page(s, ref77)
    await st.load()
    year = st.filters["school_year"]
    await st.add_off_platform(
        {"school_year": year, "department_code": "44", "kind": "association", "count": "5"}
    )
    assert st.off_errors.get("department_code") == stats.MSG_OFF_DENIED
    assert st.off_values["count"] == "5"  # typed value kept
    await st.add_off_platform(
        {"school_year": year, "department_code": "77", "kind": "association", "count": "abc"}
    )
    assert st.off_errors.get("count") == stats.MSG_COUNT
    assert s.execute(sa.select(sa.func.count()).select_from(OffPlatformFigure)).scalar() == 0
    await st.add_off_platform(
        {"school_year": year, "department_code": "77", "kind": "association", "count": "7"}
    )
    assert st.off_errors == {}
    assert tile(st, "off_platform") == "7"
    assert [e["count"] for e in st.off_entries] == ["7"]
    # The 44 référent neither sees nor deletes it.
    other = page(s, ref44)
    await other.load()
    assert other.off_entries == [] and tile(other, "off_platform") == "0"
    fid = int(st.off_entries[0]["id"])
    await other.delete_off_platform(fid)
    assert other.off_message == stats.MSG_OFF_NOT_FOUND
    assert s.get(OffPlatformFigure, fid) is not None
    await st.delete_off_platform(fid)
    assert st.off_entries == [] and tile(st, "off_platform") == "0"


@pytest.mark.asyncio
async def test_central_sees_france_and_may_narrow(s, world, central):
    st = page(s, central)
    await st.load()
    assert st.national and tile(st, "offers") == "4"
    await st.set_filter("department", "44")
    assert tile(st, "offers") == "1"
    await st.set_filter("academy", "Créteil")
    assert st.filters["department"] == "" and tile(st, "offers") == "3"


@pytest.mark.asyncio
async def test_employer_exports_only_their_offers(s, world):
    """Seed 003 « Détail des candidatures »: the same panel on the employer's dashboard."""
    o1 = world["o"][0]
    owner = user(s, "patron@boulangerie.fr", Role.EMPLOYEUR)
    o1.created_by_id = owner.id
    s.add(o1)
    s.commit()
    ex = exporter(s, owner)
    await ex.export("offers", {"department": "44"})
    job = s.execute(sa.select(ExportJob).where(ExportJob.user_id == owner.id)).scalar_one()
    assert {r[0] for r in xlsx_rows_from_job(s, job)[1:]} == {o1.id}
    await ex.export("applications", {})
    job = s.execute(
        sa.select(ExportJob).where(ExportJob.user_id == owner.id, ExportJob.kind == "applications")
    ).scalar_one()
    ids = {r[0] for r in xlsx_rows_from_job(s, job)[1:]}
    apps = s.execute(sa.select(Application.id).where(Application.offer_id == o1.id)).scalars()
    assert ids == set(apps) and ids
    await ex.export("rep_schools", {})
    assert ex.error == exports.MSG_DENIED


@pytest.mark.asyncio
async def test_filters_live_in_the_address(s, world, ref77):
    """A filtered view can be bookmarked: the address's filters are read on load (through
    the same checks and scope) and rewritten when a filter changes."""
    s1 = str(world["s1"].id)
    st = make_state(
        StatsState,
        cookie=cookie(s, ref77),
        path=PATH,
        query=f"annee=2026&secteur={s1}&departement=44&niveau=%3Cscript%3E",
    )
    await st.load()
    assert st.filters["sector_id"] == s1 and tile(st, "offers") == "2"
    assert st.filters["department"] != "44" and "department" in st.notices  # clamped to 77
    assert "level" in st.errors and st.filters["level"] == ""  # junk dropped, said so
    # The address of the applied view (junk left out); the page's address bar follows it
    # (components/browser.address_sync: compiled code, no script sent to be eval'd).
    assert st.address.startswith(PATH + "?") and f"secteur={s1}" in st.address
    assert "niveau" not in st.address and "departement=44" not in st.address
    assert await st.set_filter("structure_type", "prive") is None
    assert f"secteur={s1}" in st.address and "structure=prive" in st.address
    assert "annee=" not in st.address  # the current school year is the default
    assert await st.reset_filters() is None
    assert st.address == PATH
