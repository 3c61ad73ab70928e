"""Statistics: every tile and chart against hand-counted data, filters, scopes, summary."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from sqlmodel import select

from mystage import clock
from mystage.models import (
    Application,
    Offer,
    OfferWeek,
    OffPlatformFigure,
    Role,
    School,
    Sector,
    Structure,
    User,
)
from mystage.services import stats
from mystage.services.permissions import PermissionDenied
from mystage.services.stats.charts import _all_charts, _chart_stmt
from mystage.services.stats.sql import _Timer
from mystage.services.stats.summary import _pupils_row

NOW = datetime(2026, 10, 5, 8, 0, tzinfo=UTC)
YEAR = 2026


@pytest.fixture
def s(reference_db, dbs):
    clock.freeze(NOW)
    yield dbs
    clock.freeze(None)


def user(s, email: str, role: str, **kw) -> User:
    u = User(email=email, role=role, status="active", first_name=kw.pop("first_name", "Anne"), **kw)
    s.add(u)
    s.commit()
    return u


def school(s, dept: str, ep: str = "", qpv: bool | None = None) -> School:
    stmt = select(School).where(
        School.department_code == dept,
        School.ep == ep,
        School.status == "open",
        School.kind == "college",
    )
    if qpv is not None:
        stmt = stmt.where(School.qpv.is_(qpv))
    return s.exec(stmt.order_by(School.uai)).first()


def structure(s, name: str, status: str, is_public: bool = False) -> Structure:
    st = Structure(name=name, status=status, is_public=is_public)
    s.add(st)
    s.commit()
    return st


def offer(s, st, dept, insee, city, sector, state="published", year=YEAR, weeks=(), **kw):
    o = Offer(
        state=state,
        structure_id=st.id if st else None,
        department_code=dept,
        insee_code=insee,
        city=city,
        latitude=kw.pop("lat", 48.96),
        longitude=kw.pop("lon", 2.88),
        title=kw.pop("title", f"Stage à {city}"),
        sector_id=sector.id,
        school_year=year,
        published_at=None if state == "draft" else NOW,
        first_week=min((w for w, _ in weeks), default=None),
        last_week=max((w for w, _ in weeks), default=None),
        **kw,
    )
    s.add(o)
    s.commit()
    for monday, places in weeks:
        s.add(OfferWeek(offer_id=o.id, week_start=monday, places=places))
    s.commit()
    return o


def app(s, pupil, o, week, state, year=YEAR):
    a = Application(
        pupil_id=pupil.id,
        offer_id=o.id,
        week_start=week,
        state=state,
        school_id=pupil.school_id,
        school_year=year,
        created_at=NOW,
    )
    s.add(a)
    s.commit()
    return a


OCT, NOV, DEC = date(2026, 10, 12), date(2026, 11, 16), date(2026, 12, 7)


@pytest.fixture
def world(s):
    """Offers in 77 and 44, applications from pupils of REP, REP+ and other schools.

    77, 2026-2027: o1 (Meaux, S1, privé, 3e: 2 + 1 places), o2 (Meaux, S2, association,
    4e+3e: 4 places), o3 (Chelles, S1, public, 2de, full: 1 place); o4 draft, o5 removed,
    o7 last year (all excluded).  44: o6 (Nantes, S1, privé: 10 places).
    """
    sectors = s.exec(select(Sector).order_by(Sector.name)).all()
    s1, s2 = sectors[0], sectors[1]
    rep = school(s, "77", "REP")
    rep_plus = school(s, "77", "REP+")
    plain = school(s, "77", "", qpv=False)
    nantes = school(s, "44", "", qpv=False)
    private = structure(s, "Boulangerie Martin", "entreprise")
    assoc = structure(s, "Les Amis du Livre", "association")
    mairie = structure(s, "Mairie de Chelles", "administration", is_public=True)
    o1 = offer(s, private, "77", "77284", "Meaux", s1, weeks=[(OCT, 2), (NOV, 1)])
    o2 = offer(s, assoc, "77", "77284", "Meaux", s2, weeks=[(NOV, 4)], level_4e=True)
    o3 = offer(
        s, mairie, "77", "77108", "Chelles", s1, state="full", weeks=[(DEC, 1)],
        is_public=True, level_3e=False, level_2de=True, lat=48.88, lon=2.59,
    )  # fmt: skip
    o4 = offer(s, private, "77", "77284", "Meaux", s1, state="draft", weeks=[(DEC, 5)])
    o5 = offer(s, private, "77", "77284", "Meaux", s1, state="removed", weeks=[(DEC, 2)])
    o6 = offer(s, private, "44", "44109", "Nantes", s1, weeks=[(OCT, 10)], lat=47.22, lon=-1.55)
    o7 = offer(s, private, "77", "77284", "Meaux", s1, year=2025, weeks=[(date(2025, 11, 17), 3)])
    p1 = user(s, "p1@eleve.fr", Role.ELEVE, school_id=rep.id, level="3e")
    p2 = user(s, "p2@eleve.fr", Role.ELEVE, school_id=plain.id, level="3e")
    p3 = user(s, "p3@eleve.fr", Role.ELEVE, school_id=rep_plus.id, level="4e")
    p4 = user(s, "p4@eleve.fr", Role.ELEVE, school_id=nantes.id, level="3e_segpa")
    app(s, p1, o1, OCT, "confirmed")  # a1
    app(s, p2, o1, OCT, "refused")  # a2
    app(s, p2, o2, NOV, "confirmed")  # a3
    app(s, p3, o2, NOV, "sent")  # a4
    app(s, p1, o2, NOV, "withdrawn")  # a5
    app(s, p4, o6, OCT, "confirmed")  # a6 (44)
    app(s, p4, o3, DEC, "confirmed")  # a7 (a 44 pupil in a 77 offer)
    app(s, p2, o5, DEC, "refused")  # a8 (removed offer: excluded)
    app(s, p1, o7, date(2025, 11, 17), "confirmed", year=2025)  # a9 (last year)
    # Registered schools (restored afterwards: schools are reference data kept between tests).
    saved = {sc.id: sc.registered_at for sc in (rep, plain, nantes)}
    for sc in (rep, plain, nantes):
        sc.registered_at = NOW
        s.add(sc)
    s.commit()
    yield {
        "s1": s1, "s2": s2, "o": [o1, o2, o3, o4, o5, o6, o7], "p": [p1, p2, p3, p4],
        "rep": rep, "rep_plus": rep_plus, "plain": plain, "nantes": nantes,
    }  # fmt: skip
    for sid, value in saved.items():
        sc = s.get(School, sid)
        sc.registered_at = value
        s.add(sc)
    s.commit()


@pytest.fixture
def ref77(s):
    return user(s, "ref77@ac-creteil.fr", Role.REFERENT_DEPARTEMENTAL, department_code="77")


@pytest.fixture
def ref44(s):
    return user(s, "ref44@ac-nantes.fr", Role.REFERENT_DEPARTEMENTAL, department_code="44")


@pytest.fixture
def central(s):
    return user(s, "central@education.gouv.fr", Role.REFERENT_CENTRAL)


def schools_expected(s, depts: set[str] | None) -> dict[str, int]:
    """Independent count of the schools tiles (Python over the rows)."""
    rows = s.exec(select(School).where(School.status == "open")).all()
    rows = [r for r in rows if depts is None or r.department_code in depts]
    return {
        "eligible": len(rows),
        "registered": sum(r.registered_at is not None for r in rows),
        "rep": sum(r.ep == "REP" for r in rows),
        "rep_plus": sum(r.ep == "REP+" for r in rows),
        "rep_registered": sum(r.ep == "REP" and r.registered_at is not None for r in rows),
    }


# --- tiles and charts -----------------------------------------------------------------------


def test_departmental_dashboard_hand_counted(s, world, ref77):
    d = stats.dashboard(s, ref77, {})
    assert d["source"] == "live"
    assert d["scope"] == {"label": "Seine-et-Marne (77)", "departments": ["77"]}
    t = d["tiles"]
    assert t["offers"] == 3
    assert t["places_offered"] == 8
    assert t["places_filled"] == 3
    assert t["fill_rate"] == 37.5
    assert t["applications"] == 6
    assert t["pupils_confirmed"] == 3
    expected = schools_expected(s, {"77"})
    assert t["schools_eligible"] == expected["eligible"]
    assert t["schools_registered"] == expected["registered"] == 2
    assert t["rep_eligible"] == expected["rep"]
    assert t["rep_plus_eligible"] == expected["rep_plus"]
    assert t["rep_registered"] == expected["rep_registered"] == 1

    c = d["charts"]
    assert c["by_month"] == [
        {"month": "2026-10", "label": "oct. 2026", "offered": 2, "filled": 1},
        {"month": "2026-11", "label": "nov. 2026", "offered": 5, "filled": 1},
        {"month": "2026-12", "label": "déc. 2026", "offered": 1, "filled": 1},
    ]
    assert {r["state"]: r["count"] for r in c["by_state"]} == {
        "confirmed": 3,
        "refused": 1,
        "sent": 1,
        "withdrawn": 1,
    }
    sectors = {r["sector_id"]: r for r in c["by_sector"]}
    s1, s2 = world["s1"].id, world["s2"].id
    assert {k: sectors[s1][k] for k in ("offers", "places", "filled", "applications")} == {
        "offers": 2,
        "places": 4,
        "filled": 2,
        "applications": 3,
    }
    assert sectors[s1]["fill_rate"] == 50.0 and sectors[s1]["label"] == world["s1"].name
    assert (sectors[s2]["offers"], sectors[s2]["places"], sectors[s2]["filled"]) == (1, 4, 1)
    by_type = {
        r["type"]: (r["offers"], r["places"], r["filled"], r["applications"])
        for r in c["by_structure"]
    }  # noqa: E501
    assert by_type == {"prive": (1, 3, 1, 2), "association": (1, 4, 1, 3), "public": (1, 1, 1, 1)}
    by_ep = {r["kind"]: (r["applications"], r["filled"]) for r in c["by_ep"]}
    assert by_ep == {"rep": (2, 1), "rep_plus": (1, 0), "qpv": (0, 0), "autre": (3, 2)}
    assert [(r["label"], r["offers"], r["places"], r["filled"]) for r in c["top_communes"]] == [
        ("Meaux", 2, 7, 2),
        ("Chelles", 1, 1, 1),
    ]
    assert {p["insee_code"] for p in c["map_points"]} == {"77284", "77108"}
    assert all(isinstance(p["latitude"], float) for p in c["map_points"])
    assert [x["key"] for x in d["tiles_list"]][:3] == ["offers", "places_offered", "places_filled"]
    # Live (a département: selective): one query per chart on SQLite, one GROUPING SETS
    # scan for all on PostgreSQL.
    per_chart = {"total", "month", "state", "sector", "stype", "ep", "commune"}
    expected = {"all_charts"} if s.get_bind().dialect.name == "postgresql" else per_chart
    queries = {row["query"] for row in d["timings"]}
    assert queries >= expected | {"pupils", "schools"} and not queries & (per_chart - expected)


def test_national_dashboard_counts_every_departement_and_distinct_pupils(s, world, central):
    d = stats.dashboard(s, central, None)
    t = d["tiles"]
    assert (t["offers"], t["places_offered"], t["applications"], t["places_filled"]) == (
        4,
        18,
        7,
        4,
    )
    assert t["pupils_confirmed"] == 3  # p4 has two confirmed internships (77 and 44)
    assert t["schools_eligible"] == schools_expected(s, None)["eligible"]
    assert d["scope"]["departments"] is None


def test_44_referent_sees_only_44(s, world, ref44):
    t = stats.dashboard(s, ref44, {})["tiles"]
    assert (t["offers"], t["places_offered"], t["applications"], t["places_filled"]) == (
        1,
        10,
        1,
        1,
    )
    assert t["pupils_confirmed"] == 1


def test_last_year_filter(s, world, ref77):
    d = stats.dashboard(s, ref77, {"school_year": "2025"})
    assert d["filters"]["school_year"] == 2025
    t = d["tiles"]
    assert (t["offers"], t["places_offered"], t["applications"], t["places_filled"]) == (
        1,
        3,
        1,
        1,
    )


# --- filters ---------------------------------------------------------------------------------


def test_sector_type_ep_and_level_filters(s, world, ref77):
    t = stats.dashboard(s, ref77, {"sector_id": str(world["s2"].id)})["tiles"]
    assert (t["offers"], t["places_offered"], t["places_filled"], t["applications"]) == (
        1,
        4,
        1,
        3,
    )
    t = stats.dashboard(s, ref77, {"structure_type": "public"})["tiles"]
    assert (t["offers"], t["places_offered"], t["places_filled"], t["applications"]) == (
        1,
        1,
        1,
        1,
    )
    d = stats.dashboard(s, ref77, {"ep": "rep"})
    t = d["tiles"]
    assert (t["offers"], t["places_offered"]) == (3, 8)  # offers are not REP or not
    assert (t["applications"], t["places_filled"], t["pupils_confirmed"]) == (2, 1, 1)
    assert [r["kind"] for r in d["schools"] if r["eligible"]] == ["rep"]
    t = stats.dashboard(s, ref77, {"ep": "rep_all"})["tiles"]
    assert t["applications"] == 3
    t = stats.dashboard(s, ref77, {"level": "4e"})["tiles"]
    assert (t["offers"], t["places_offered"], t["applications"], t["places_filled"]) == (
        1,
        4,
        1,
        0,
    )
    t = stats.dashboard(s, ref77, {"level": "2de"})["tiles"]
    assert (t["offers"], t["applications"]) == (1, 0)  # o3 takes 2de, no 2de pupil applied


def test_central_may_narrow_to_a_departement_or_an_academie(s, world, central):
    d = stats.dashboard(s, central, {"department": "77"})
    assert d["departments"] == ["77"] and d["tiles"]["offers"] == 3
    d = stats.dashboard(s, central, {"academy": "Nantes"})
    assert "44" in d["departments"] and "77" not in d["departments"]
    assert d["tiles"]["offers"] == 1


def test_academique_referent_sees_its_academie(s, world):
    ref = user(s, "ref@ac-creteil.fr", Role.REFERENT_ACADEMIQUE, academy="Créteil")
    d = stats.dashboard(s, ref, {})
    assert set(d["departments"]) == {"77", "93", "94"}
    assert d["scope"]["label"] == "Académie de Créteil"
    assert d["tiles"]["offers"] == 3 and d["tiles"]["applications"] == 6
    d = stats.dashboard(s, ref, {"department": "44"})
    assert d["notices"]["department"] == stats.MSG_DEPARTMENT_SCOPE
    assert d["tiles"]["offers"] == 3


def test_referent_77_gets_nothing_of_44_even_when_asking(s, world, ref77):
    for filters in (
        {"department": "44"},
        {"academy": "Nantes"},
        {"department": "44", "academy": "Nantes"},
    ):
        d = stats.dashboard(s, ref77, filters)
        assert d["departments"] == ["77"]
        assert d["notices"]
        t = d["tiles"]
        assert (t["offers"], t["places_offered"], t["applications"]) == (3, 8, 6)
        assert "Nantes" not in {c["label"] for c in d["charts"]["top_communes"]}
        assert d["filters"]["department"] is None
    # Narrowing within the scope is fine.
    d = stats.dashboard(s, ref77, {"academy": "Créteil"})
    assert d["departments"] == ["77"] and not d["notices"]


@pytest.mark.parametrize(
    "junk",
    [
        None,
        "77",
        12,
        ["department", "44"],
        {"school_year": "abc", "department": ["44"], "sector_id": {"a": 1}, "level": 3},
        {"school_year": 1900, "department": "ZZ", "sector_id": "999999", "ep": "x", "level": "1re"},
        {"structure_type": "ministère", "academy": "Atlantis", "school_year": True},
    ],
)
def test_crafted_filters_never_crash_nor_widen(s, world, ref77, junk):
    d = stats.dashboard(s, ref77, junk)
    assert d["departments"] == ["77"]
    assert d["tiles"]["offers"] == 3
    assert d["filters"]["school_year"] == YEAR


def test_invalid_filters_report_errors_by_field(s, world, ref77):
    d = stats.dashboard(
        s,
        ref77,
        {
            "school_year": "1900",
            "department": "ZZ",
            "sector_id": "999999",
            "ep": "x",
            "level": "1re",
        },
    )
    assert set(d["errors"]) == {"school_year", "department", "sector_id", "ep", "level"}
    assert d["errors"]["level"] == stats.MSG_LEVEL


# --- who may see statistics -----------------------------------------------------------------


@pytest.mark.parametrize(
    "role",
    [
        Role.ELEVE,
        Role.PARENT,
        Role.EMPLOYEUR,
        Role.CHEF_ETABLISSEMENT,
        Role.OPERATEUR,
        Role.PROFESSEUR,
    ],
)
def test_other_roles_are_refused(s, world, role):
    u = user(s, f"{role}@exemple.fr", role, department_code="77", academy="Créteil")
    assert not stats.can_view_stats(u)
    with pytest.raises(PermissionDenied):
        stats.dashboard(s, u, {})
    with pytest.raises(PermissionDenied):
        stats.filter_options(s, u)


def test_anonymous_inactive_and_territoryless_referents_are_refused(s, world):
    with pytest.raises(PermissionDenied):
        stats.dashboard(s, None, {})
    with pytest.raises(PermissionDenied):
        stats.dashboard(s, "admin", {})
    pending = user(s, "pending@ac.fr", Role.REFERENT_DEPARTEMENTAL, department_code="77")
    pending.status = "pending_validation"
    s.add(pending)
    s.commit()
    with pytest.raises(PermissionDenied):
        stats.dashboard(s, pending, {})
    nowhere = user(s, "nowhere@ac.fr", Role.REFERENT_DEPARTEMENTAL)
    with pytest.raises(PermissionDenied):
        stats.dashboard(s, nowhere, {})


def test_admin_sees_all(s, world):
    admin = user(s, "admin@mystage.fr", Role.ADMIN)
    assert stats.dashboard(s, admin, {})["tiles"]["offers"] == 4


def test_filter_options_are_limited_to_the_scope(s, world, ref77, central):
    opts = stats.filter_options(s, ref77)
    assert [d["value"] for d in opts["departments"]] == ["77"]
    assert opts["academies"] == ["Créteil"]
    assert len(stats.filter_options(s, central)["departments"]) > 100


# --- public figures and the map -------------------------------------------------------------


def test_public_figures_are_national_and_anonymous(s, world):
    f = stats.public_figures(s)
    assert (f["offers"], f["places_offered"], f["places_filled"], f["pupils_confirmed"]) == (
        4,
        18,
        4,
        3,
    )
    assert f["school_year_label"] == "2026-2027"
    flat = repr(f)
    assert "p1@eleve.fr" not in flat and "Boulangerie" not in flat


def test_map_html_is_clustered_and_self_hosted(s, world, ref77):
    points = stats.dashboard(s, ref77, {})["charts"]["map_points"]
    html = stats.map_html(points)
    assert "markerClusterGroup" in html or "MarkerCluster" in html
    assert "/vendor/leaflet/leaflet.js" in html
    assert "Meaux : 2 offres" in html


# --- off-platform figures -------------------------------------------------------------------


def test_off_platform_figures_within_scope(s, world, ref77, central):
    s1 = world["s1"]
    fid, errors = stats.add_off_platform_figure(
        s, ref77, school_year=YEAR, department_code="77", kind="association",
        sector_id=str(s1.id), count="5",
    )  # fmt: skip
    assert errors == {} and fid
    _, errors = stats.add_off_platform_figure(
        s, ref77, school_year=YEAR, department_code="44", kind="prive", count=3
    )
    assert errors == {"department_code": stats.MSG_OFF_DENIED}
    _, errors = stats.add_off_platform_figure(
        s, ref77, school_year=YEAR, department_code="", kind="prive", count=3
    )
    assert errors == {"department_code": stats.MSG_OFF_DENIED}
    operator = user(s, "asso@tousenstage.fr", Role.OPERATEUR)
    _, errors = stats.add_off_platform_figure(
        s, operator, school_year=str(YEAR), department_code="44", kind="prive", count=7
    )
    assert errors == {}
    _, errors = stats.add_off_platform_figure(
        s, central, school_year=YEAR, department_code="", kind="public", count=2
    )
    assert errors == {}
    # Bad input: nothing stored, errors next to each field.
    before = s.exec(select(sa.func.count()).select_from(OffPlatformFigure)).one()
    _, errors = stats.add_off_platform_figure(
        s, central, school_year="x", department_code="ZZ", kind="ministère",
        sector_id="abc", count=-1,
    )  # fmt: skip
    assert set(errors) == {"school_year", "department_code", "kind", "sector_id", "count"}
    assert s.exec(select(sa.func.count()).select_from(OffPlatformFigure)).one() == before

    d77 = stats.dashboard(s, ref77, {})
    assert d77["off_platform"]["total"] == 5 and d77["tiles"]["off_platform"] == 5
    assert {r["type"]: r["count"] for r in d77["off_platform"]["by_kind"]}["association"] == 5
    assert d77["off_platform"]["by_sector"] == [{"sector_id": s1.id, "label": s1.name, "count": 5}]
    assert stats.dashboard(s, central, {})["off_platform"]["total"] == 14
    assert stats.dashboard(s, central, {"department": "44"})["off_platform"]["total"] == 7
    assert [r["count"] for r in stats.list_off_platform_figures(s, ref77, YEAR)] == [5]
    # Only its author (or an admin) removes an entry.
    assert stats.delete_off_platform_figure(s, central, fid) == stats.MSG_OFF_NOT_FOUND
    assert stats.delete_off_platform_figure(s, ref77, "junk") == stats.MSG_OFF_NOT_FOUND
    assert stats.delete_off_platform_figure(s, ref77, fid) == ""


def test_off_platform_refused_to_pupils_and_employers(s, world):
    for role in (Role.ELEVE, Role.EMPLOYEUR):
        u = user(s, f"off-{role}@exemple.fr", role)
        with pytest.raises(PermissionDenied):
            stats.add_off_platform_figure(
                s, u, school_year=YEAR, department_code="77", kind="prive", count=1
            )


# --- the summary table ----------------------------------------------------------------------


@pytest.fixture
def summary(s):
    """The summary table (migration 0005), emptied afterwards."""
    s.commit()
    yield
    s.rollback()
    s.execute(stats.SUMMARY.delete())
    s.commit()


def _figures(d: dict) -> dict:
    return {k: d[k] for k in ("tiles", "charts", "schools", "off_platform")}


def test_summary_gives_the_same_figures_as_live(s, world, central, ref77, ref44, summary):
    d_live = stats.dashboard(s, central, {})
    assert d_live["source"] == "live"  # table empty: live
    written = stats.refresh_summary(s)
    s.commit()
    assert written > 0
    d_sum = stats.dashboard(s, central, {})
    assert d_sum["source"] == "summary"
    assert _figures(d_sum) == _figures(d_live)
    assert d_sum["tiles"]["pupils_confirmed"] == 3  # the national distinct count
    # Académie scope (several départements) reads the summary too; same figures.
    acad = stats.dashboard(s, central, {"academy": "Créteil"})
    assert acad["source"] == "summary"
    assert _figures(acad) == _figures(
        stats.dashboard(s, central, {"academy": "Créteil"}, force_live=True)
    )
    # A département too (its own exact distinct pupils row); a fine filter is always live.
    for who, filters in ((central, {"department": "77"}), (ref77, {}), (ref44, {})):
        d = stats.dashboard(s, who, filters)
        assert d["source"] == "summary"
        assert _figures(d) == _figures(stats.dashboard(s, who, filters, force_live=True))
    assert stats.dashboard(s, ref77, {})["tiles"]["pupils_confirmed"] == 3
    assert stats.dashboard(s, central, {"sector_id": str(world["s1"].id)})["source"] == "live"
    # A set of départements that is no académie: distinct pupils counted live, same figures.
    assert _pupils_row(s, frozenset({"77", "44"})) is None
    assert _pupils_row(s, frozenset({"77", "93", "94"})) == ("*", "Créteil")
    # Last year too.
    assert _figures(stats.dashboard(s, central, {"school_year": "2025"})) == _figures(
        stats.dashboard(s, central, {"school_year": "2025"}, force_live=True)
    )
    assert stats.public_figures(s)["source"] == "summary"


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"sector": "s1"},
        {"structure_type": "public"},
        {"ep": "rep_all"},
        {"level": "3e"},
        {"department": "77", "structure_type": "prive", "ep": "autre"},
    ],
)
def test_one_scan_charts_equal_the_chart_by_chart_queries(s, world, filters):
    """PostgreSQL's live dashboards compute every chart in one GROUPING SETS scan
    (``_all_charts``); each chart must be what its own query gives (SQLite has no
    GROUPING SETS: it always runs the per-chart queries)."""
    if s.get_bind().dialect.name != "postgresql":
        pytest.skip("GROUPING SETS: PostgreSQL only")
    raw = {k: (str(world["s1"].id) if v == "s1" else v) for k, v in filters.items()}
    f, errors = stats.parse_filters(s, raw)
    assert errors == {}
    depts = frozenset({f.department}) if f.department else None
    grouped = _all_charts(s, _Timer(), "postgresql", YEAR, depts, f)

    def norm(rows):
        return sorted(
            (
                r.key or "",
                int(r.offers),
                int(r.places),
                int(r.applications),
                int(r.confirmed),
            )
            for r in rows
        )

    for kind in ("total", *stats.GROUPED_KEYS):
        stmt = _chart_stmt(kind, "postgresql", YEAR, depts, f, use_summary=False)
        expected = s.execute(stmt).all()
        assert norm(grouped[kind]) == norm(expected), kind
    if not filters:  # the world's 77 and 44 offers this year, with weeks and applications
        assert [int(grouped["total"][0].offers)] == [4] and len(grouped["state"]) > 1


def test_refresh_without_the_table_does_nothing(s, world):
    """A database migrated before 0005 (no summary table): the job does nothing."""
    eng = s.get_bind()
    s.commit()
    stats.SUMMARY.drop(eng)
    try:
        assert stats.refresh_summary(s) == 0
    finally:
        s.rollback()
        stats.SUMMARY.create(eng)


# --- référent central bound to one ministry ----------------------------------------------------

CT = "collectivite-territoriale"


@pytest.fixture
def ministry_world(s, world):
    """o3 (Chelles, 77: 1 place, a7 confirmed) and o6 (Nantes, 44: 10 places, a6 confirmed)
    belong to the « Collectivité territoriale » group; every other offer to none."""
    for o in (world["o"][2], world["o"][5]):
        o.ministry = CT
        s.add(o)
    s.commit()
    return world


@pytest.fixture
def central_ct(s):
    return user(s, "central.ct@collectivites.gouv.fr", Role.REFERENT_CENTRAL, ministry=CT)


def _ct_figures_ok(d: dict, world: dict) -> None:
    """Every tile and chart of the two « Collectivité territoriale » offers, hand-counted."""
    t = d["tiles"]
    assert (t["offers"], t["places_offered"], t["places_filled"]) == (2, 11, 2)
    assert (t["applications"], t["pupils_confirmed"]) == (2, 1)  # p4 twice
    assert t["fill_rate"] == round(100 * 2 / 11, 1)
    c = d["charts"]
    assert c["by_month"] == [
        {"month": "2026-10", "label": "oct. 2026", "offered": 10, "filled": 1},
        {"month": "2026-12", "label": "déc. 2026", "offered": 1, "filled": 1},
    ]
    assert [(r["state"], r["count"]) for r in c["by_state"]] == [("confirmed", 2)]
    assert [
        (r["sector_id"], r["offers"], r["places"], r["filled"], r["applications"])
        for r in c["by_sector"]
    ] == [(world["s1"].id, 2, 11, 2, 2)]
    by_type = {r["type"]: (r["offers"], r["places"], r["filled"]) for r in c["by_structure"]}
    assert by_type == {"prive": (1, 10, 1), "association": (0, 0, 0), "public": (1, 1, 1)}
    by_ep = {r["kind"]: (r["applications"], r["filled"]) for r in c["by_ep"]}
    assert by_ep == {"rep": (0, 0), "rep_plus": (0, 0), "qpv": (0, 0), "autre": (2, 2)}
    assert [(r["label"], r["offers"], r["places"]) for r in c["top_communes"]] == [
        ("Nantes", 1, 10),
        ("Chelles", 1, 1),
    ]
    assert {p["insee_code"] for p in c["map_points"]} == {"44109", "77108"}


def test_ministry_bound_central_sees_only_its_ministry(s, ministry_world, central_ct):
    scope = stats.scope_for(s, central_ct)
    assert scope.national and scope.ministry == CT
    assert scope.label == "France entière — Collectivité territoriale"
    d = stats.dashboard(s, central_ct, {})
    assert d["source"] == "live" and d["filters"]["ministry"] == CT
    assert d["scope"]["label"] == "France entière — Collectivité territoriale"
    assert d["departments"] is None and not d["notices"] and not d["errors"]
    _ct_figures_ok(d, ministry_world)
    # Schools do not depend on offers: national.
    assert d["tiles"]["schools_eligible"] == schools_expected(s, None)["eligible"]
    # Narrowing within the ministry is fine (a département, a sector, a level…).
    t = stats.dashboard(s, central_ct, {"department": "77"})["tiles"]
    assert (t["offers"], t["places_offered"], t["applications"]) == (1, 1, 1)
    t = stats.dashboard(s, central_ct, {"structure_type": "prive"})["tiles"]
    assert (t["offers"], t["places_offered"]) == (1, 10)
    opts = stats.filter_options(s, central_ct)
    assert opts["ministries"] == [{"value": CT, "label": "Collectivité territoriale"}]
    assert len(opts["departments"]) > 100  # all of France


@pytest.mark.parametrize(
    "filters",
    [
        {},
        None,
        "armees",
        {"ministry": ""},
        {"ministry": "armees"},
        {"ministry": "toutes"},
        {"ministry": ["armees"]},
        {"ministry": {"slug": CT}},
        {"ministry": 3},
        {"ministry": "x" * 5000},
        {"ministry": " armees\x00"},
        {"ministry": "armees", "department": "44", "academy": "Nantes"},
    ],
)
def test_ministry_bound_central_cannot_widen(s, ministry_world, central_ct, filters):
    d = stats.dashboard(s, central_ct, filters)
    assert d["filters"]["ministry"] == CT
    if isinstance(filters, dict) and "department" in filters:
        assert d["departments"] == ["44"]
        assert (d["tiles"]["offers"], d["tiles"]["places_offered"]) == (1, 10)
        return
    _ct_figures_ok(d, ministry_world)
    asked = filters.get("ministry") if isinstance(filters, dict) else None
    if asked == "armees":
        assert d["notices"] == {"ministry": stats.MSG_MINISTRY_SCOPE}
    elif isinstance(asked, str) and asked:
        assert d["errors"] == {"ministry": stats.MSG_MINISTRY}
    else:  # nothing or not a string: ignored like any junk
        assert not d["errors"] and not d["notices"]


def test_unbound_central_sees_all_and_may_filter_by_ministry(s, ministry_world, central):
    assert stats.scope_for(s, central).ministry is None
    d = stats.dashboard(s, central, {})
    assert d["tiles"]["offers"] == 4 and d["filters"]["ministry"] is None
    d = stats.dashboard(s, central, {"ministry": CT})
    assert d["filters"]["ministry"] == CT and not d["notices"] and not d["errors"]
    _ct_figures_ok(d, ministry_world)
    t = stats.dashboard(s, central, {"ministry": "armees"})["tiles"]
    assert (t["offers"], t["applications"], t["pupils_confirmed"]) == (0, 0, 0)
    d = stats.dashboard(s, central, {"ministry": "inconnu"})
    assert d["errors"] == {"ministry": stats.MSG_MINISTRY} and d["tiles"]["offers"] == 4
    assert len(stats.filter_options(s, central)["ministries"]) >= 16
    admin = user(s, "admin@mystage.fr", Role.ADMIN)
    _ct_figures_ok(stats.dashboard(s, admin, {"ministry": CT}), ministry_world)
    # The ministry of a département référent: a filter like the others, within its scope.
    ref77 = user(s, "ref77@ac-creteil.fr", Role.REFERENT_DEPARTEMENTAL, department_code="77")
    t = stats.dashboard(s, ref77, {"ministry": CT})["tiles"]
    assert (t["offers"], t["places_offered"], t["applications"]) == (1, 1, 1)
    # A ministry on the account of another kind of référent binds nothing.
    ref77.ministry = CT
    s.add(ref77)
    s.commit()
    assert stats.scope_for(s, ref77).ministry is None


def test_a_slug_that_left_the_list_still_binds(s, ministry_world):
    gone = user(s, "ancien@ministere.gouv.fr", Role.REFERENT_CENTRAL, ministry="ministere-dissous")
    d = stats.dashboard(s, gone, {"ministry": ""})
    assert d["filters"]["ministry"] == "ministere-dissous"
    assert (d["tiles"]["offers"], d["tiles"]["applications"]) == (0, 0)


def test_summary_is_bypassed_when_a_ministry_applies(
    s, ministry_world, central, central_ct, summary
):
    assert stats.refresh_summary(s) > 0
    s.commit()
    assert stats.dashboard(s, central, {})["source"] == "summary"
    assert stats.Filters(YEAR, ministry=CT).fine
    d = stats.dashboard(s, central_ct, {})
    assert d["source"] == "live"
    _ct_figures_ok(d, ministry_world)
    d = stats.dashboard(s, central, {"ministry": CT})
    assert d["source"] == "live"
    _ct_figures_ok(d, ministry_world)
    rows = {
        r.key: int(r.offers)
        for r in stats.chart_rows(s, "stype", stats.Filters(YEAR, ministry=CT), None)
    }
    assert rows == {"public": 1, "prive": 1}


def _sheet_rows(data: bytes) -> list[dict]:
    import io

    import openpyxl

    values = list(openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    return [dict(zip(values[0], r, strict=True)) for r in values[1:]]


def test_ministry_bound_exports_hold_only_its_offers(
    s, ministry_world, central_ct, central, monkeypatch
):
    from mystage.jobs import exports as export_jobs
    from mystage.models import ExportJob
    from mystage.services import exports
    from mystage.settings import get_settings

    o = ministry_world["o"]
    for params in ({}, {"ministry": "armees"}, {"ministry": ""}, {"ministry": ["x"]}):
        res = exports.request_export(s, central_ct, "offers", params)
        assert res["status"] == "ready"
        rows = _sheet_rows(res["data"])
        assert sorted(r["O.ID"] for r in rows) == sorted([o[2].id, o[5].id])
        assert {r["INSTITUTION_DE_TUTELLE"] for r in rows} == {"Collectivité territoriale"}
        res = exports.request_export(s, central_ct, "applications", params)
        rows = _sheet_rows(res["data"])
        assert sorted(r["O.ID"] for r in rows) == sorted([o[2].id, o[5].id])
        assert len(rows) == 2 and {r["ETAT_CANDIDATURE"] for r in rows} == {"Stage confirmé"}
    res = exports.request_export(s, central_ct, "stats_structure", {"ministry": "armees"})
    rows = {r["TYPE_STRUCTURE"]: r for r in _sheet_rows(res["data"])}
    assert (rows["Public"]["OFFRES"], rows["Privé"]["OFFRES"], rows["Association"]["OFFRES"]) == (
        1,
        1,
        0,
    )
    assert sum(r["CANDIDATURES"] for r in rows.values()) == 2
    res = exports.request_export(s, central_ct, "stats_sector", {})
    assert sum(r["OFFRES"] for r in _sheet_rows(res["data"])) == 2
    res = exports.request_export(s, central_ct, "rep_schools", {})
    assert sum(r["CANDIDATURES"] or 0 for r in _sheet_rows(res["data"])) == 0  # p4 is not REP
    res = exports.request_export(s, central, "rep_schools", {})
    assert sum(r["CANDIDATURES"] or 0 for r in _sheet_rows(res["data"])) == 3  # a1, a4, a5
    # An unbound central: every offer, with the column (empty for private employers)…
    rows = _sheet_rows(exports.request_export(s, central, "offers", {})["data"])
    assert len(rows) == 5  # o1, o2, o3, o5 (removed), o6; o4 draft, o7 last year excluded
    by_id = {r["O.ID"]: r["INSTITUTION_DE_TUTELLE"] for r in rows}
    assert by_id[o[2].id] == "Collectivité territoriale" and by_id[o[0].id] is None
    # … or one ministry's.
    rows = _sheet_rows(exports.request_export(s, central, "applications", {"ministry": CT})["data"])
    assert len(rows) == 2
    # A background export is clamped again when it runs.
    monkeypatch.setattr("mystage.services.exports.request.SMALL_LIMIT", 1)
    res = exports.request_export(s, central_ct, "applications", {"ministry": "armees"})
    assert res["status"] == "queued" and res["rows"] == 2
    job = s.get(ExportJob, res["job_id"])
    assert '"ministry": "collectivite-territoriale"' in job.params
    assert export_jobs.exports_run(s) == 1
    s.expire_all()
    job = s.get(ExportJob, res["job_id"])
    assert job.status == "done" and job.total == 2
    path = get_settings().private_dir / job.file_path
    assert len(_sheet_rows(path.read_bytes())) == 2
    path.unlink()  # job ids start again in the next tests: leave no file behind


# --- collèges and lycées ------------------------------------------------------------------------


def test_school_kind_filter_and_breakdown(s, world, ref77):
    """Lycées and their 2de pupils count like collèges and 3e: a « type d'établissement »
    filter (applications by the pupil's school, offers by the levels they take, schools by
    kind), applications by kind of school, and the registered / eligible tiles by kind."""
    lycee = s.exec(
        select(School)
        .where(School.kind == "lycee", School.department_code == "77", School.status == "open")
        .order_by(School.uai)
    ).first()
    assert lycee is not None, "the embedded lycées are loaded with the reference data"
    p5 = user(s, "p5@eleve.fr", Role.ELEVE, school_id=lycee.id, level="2de_gt")
    app(s, p5, world["o"][2], DEC, "sent")  # o3 takes 2de

    d = stats.dashboard(s, ref77, {})
    kinds = {r["kind"]: (r["applications"], r["filled"]) for r in d["charts"]["by_school_kind"]}
    # 77's offers: a1–a5 (collèges of 77), a7 (a Nantes collège pupil), p5's (lycée).
    assert kinds == {"college": (6, 3), "lycee": (1, 0)}
    t = d["tiles"]
    rows = s.exec(select(School).where(School.status == "open", School.department_code == "77"))
    rows = list(rows)
    assert t["lycees_eligible"] == sum(r.kind == "lycee" for r in rows) > 0
    assert t["colleges_eligible"] == sum(r.kind == "college" for r in rows) > 0
    assert t["colleges_eligible"] + t["lycees_eligible"] == t["schools_eligible"]
    assert t["colleges_registered"] == 2 and t["lycees_registered"] == 0  # rep, plain
    labels = [x["label"] for x in d["tiles_list"]]
    assert "Lycées inscrits" in labels and "Collèges inscrits" in labels

    d = stats.dashboard(s, ref77, {"school_kind": "lycee"})
    t = d["tiles"]
    assert (t["offers"], t["places_offered"], t["applications"]) == (1, 1, 1)
    assert t["schools_eligible"] == t["lycees_eligible"] and t["colleges_eligible"] == 0
    assert d["source"] == "live"
    t = stats.dashboard(s, ref77, {"school_kind": "college"})["tiles"]
    assert (t["offers"], t["places_offered"], t["applications"], t["places_filled"]) == (
        2,
        7,
        5,
        2,
    )
    assert t["lycees_eligible"] == 0

    _, errors = stats.parse_filters(s, {"school_kind": "ecole"})
    assert errors == {"school_kind": "Type d'établissement inconnu : collèges ou lycées."}
    assert {"value": "lycee", "label": "Lycées"} in stats.filter_options(s, ref77)["school_kinds"]
    pub = stats.public_figures(s)
    assert pub["lycees_eligible"] > 2000 and pub["colleges_eligible"] > 7000
