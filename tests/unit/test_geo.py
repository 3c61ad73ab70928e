"""Geocoding from the embedded data, distances, autocomplete, and the reference loader."""

from __future__ import annotations

import logging
import math
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from mystage.data.loader import import_reference
from mystage.models import Commune, CommuneAlias, Department, NafCode, School, Sector
from mystage.services import geo
from mystage.services.geo import GeoResult, bbox, geocode, haversine_km


@pytest.fixture
def s(reference_db, dbs):
    return dbs


# --- distances ------------------------------------------------------------------------


def test_haversine_paris_nantes():
    d = haversine_km(48.8566, 2.3522, 47.2184, -1.5536)
    assert d == pytest.approx(343, abs=5)


def test_haversine_zero_and_symmetry():
    assert haversine_km(45.0, 5.0, 45.0, 5.0) == 0
    a = haversine_km(43.2965, 5.3698, 50.6292, 3.0573)  # Marseille – Lille
    b = haversine_km(50.6292, 3.0573, 43.2965, 5.3698)
    assert a == pytest.approx(b)
    assert a == pytest.approx(835, abs=10)


def _destination(lat: float, lon: float, km: float, bearing_deg: float) -> tuple[float, float]:
    r = km / geo.EARTH_RADIUS_KM
    p1, l1, th = math.radians(lat), math.radians(lon), math.radians(bearing_deg)
    p2 = math.asin(math.sin(p1) * math.cos(r) + math.cos(p1) * math.sin(r) * math.cos(th))
    l2 = l1 + math.atan2(
        math.sin(th) * math.sin(r) * math.cos(p1), math.cos(r) - math.sin(p1) * math.sin(p2)
    )
    return math.degrees(p2), math.degrees(l2)


@pytest.mark.parametrize(
    ("lat", "lon"), [(48.96, 2.90), (-20.93, 55.45), (51.0, 2.37), (0.3, 10.0)]
)
@pytest.mark.parametrize("km", [1, 10, 60, 200])
def test_bbox_contains_the_circle(lat, lon, km):
    b = bbox(lat, lon, km)
    assert b.min_lat < lat < b.max_lat and b.min_lon < lon < b.max_lon
    for bearing in range(0, 360, 5):
        plat, plon = _destination(lat, lon, km * 0.999, bearing)
        assert haversine_km(lat, lon, plat, plon) == pytest.approx(km * 0.999, rel=1e-6)
        assert b.min_lat <= plat <= b.max_lat, bearing
        assert b.min_lon <= plon <= b.max_lon, bearing
    # … and is not absurdly larger than it.
    assert (b.max_lat - b.min_lat) * geo.KM_PER_DEGREE == pytest.approx(2 * km, rel=0.01)


def test_bbox_filter_in_sql(s):
    meaux = geocode(s, "Meaux")
    cond = geo.bbox_filter(Commune.latitude, Commune.longitude, meaux.latitude, meaux.longitude, 5)
    rows = s.execute(sa.select(Commune.name, Commune.latitude, Commune.longitude).where(cond))
    names = {r.name for r in rows}
    assert "Meaux" in names and "Nantes" not in names


# --- geocode --------------------------------------------------------------------------


def test_postal_code(s):
    r = geocode(s, "93200")
    assert isinstance(r, GeoResult)
    assert (r.city, r.insee_code, r.postal_code, r.department_code) == (
        "Saint-Denis",
        "93066",
        "93200",
        "93",
    )
    assert r.precision == "commune"
    assert r.label == "Saint-Denis (93200)"
    assert r.latitude == pytest.approx(48.93, abs=0.02)
    assert r.longitude == pytest.approx(2.36, abs=0.02)


@pytest.mark.parametrize(
    ("code", "insee", "city"),
    [
        ("75013", "75113", "Paris 13e Arrondissement"),
        ("75001", "75101", "Paris 1er Arrondissement"),
        ("13008", "13208", "Marseille 8e Arrondissement"),
        ("69003", "69383", "Lyon 3e Arrondissement"),
    ],
)
def test_postal_code_of_plm_prefers_arrondissement(s, code, insee, city):
    r = geocode(s, code)
    assert (r.insee_code, r.city, r.postal_code) == (insee, city, code)
    assert r.label == f"{city} ({code})"


def test_paris_by_name_is_the_whole_city(s):
    r = geocode(s, "Paris")
    assert r.insee_code == "75056"
    assert r.label == "Paris (75)"
    assert geocode(s, "Paris 13").insee_code == "75113"
    assert geocode(s, "marseille 1er").insee_code == "13201"


def test_name_with_department(s):
    r93 = geocode(s, "Saint-Denis (93)")
    r974 = geocode(s, "Saint-Denis (974)")
    assert (r93.insee_code, r93.department_code) == ("93066", "93")
    assert (r974.insee_code, r974.department_code) == ("97411", "974")
    assert r974.latitude < 0 < r93.latitude
    assert geocode(s, "saint denis 93").insee_code == "93066"


def test_ambiguous_name_takes_largest_population(s):
    # Saint-Denis (La Réunion, 155 634 inhabitants) is bigger than Saint-Denis (93).
    r = geocode(s, "saint denis")
    assert r.insee_code == "97411"
    populations = s.execute(
        sa.select(Commune.insee_code, sa.func.max(Commune.population))
        .where(Commune.search_name == "saint denis")
        .group_by(Commune.insee_code)
    ).all()
    assert len(populations) > 2
    assert max(populations, key=lambda p: p[1])[0] == r.insee_code


def test_territory_setting_prefers_local_commune(s, monkeypatch):
    from mystage import settings

    monkeypatch.setenv("TERRITORY", "93")
    settings.reload()
    try:
        assert geocode(s, "saint denis").insee_code == "93066"
    finally:
        monkeypatch.delenv("TERRITORY")
        settings.reload()
    assert geocode(s, "saint denis").insee_code == "97411"


@pytest.mark.parametrize("q", ["Nantes", "nantes", "NANTES", "  nantes  ", "Nantes (44)"])
def test_name_case_and_space_insensitive(s, q):
    r = geocode(s, q)
    assert (r.insee_code, r.city, r.postal_code) == ("44109", "Nantes", "44000")
    assert r.label == "Nantes (44)"  # several postal codes: labelled by department


def test_single_postal_code_commune_label(s):
    r = geocode(s, "MEAUX")
    assert (r.insee_code, r.postal_code, r.label) == ("77284", "77100", "Meaux (77100)")


@pytest.mark.parametrize(
    ("q", "insee"),
    [
        ("saint-etienne", "42218"),
        ("St-Étienne", "42218"),
        ("SAINT ETIENNE", "42218"),
        ("l'hay les roses", "94038"),
        ("L’Haÿ-les-Roses", "94038"),
    ],
)
def test_accents_dashes_apostrophes(s, q, insee):
    assert geocode(s, q).insee_code == insee


def test_department_code(s):
    r = geocode(s, "77")
    assert r.precision == "department"
    assert r.department_code == "77"
    assert r.label == "Seine-et-Marne (77)"
    melun = s.execute(sa.select(Commune).where(Commune.insee_code == "77288")).scalars().first()
    assert (r.latitude, r.longitude) == (melun.latitude, melun.longitude)  # chef-lieu
    assert geocode(s, "2A").label == "Corse-du-Sud (2A)"
    assert geocode(s, "974").department_code == "974"
    assert geocode(s, "Seine-et-Marne").department_code == "77"


def test_postal_code_nantes(s):
    r = geocode(s, "44000")
    assert (r.city, r.postal_code, r.label) == ("Nantes", "44000", "Nantes (44000)")
    assert geocode(s, "Nantes 44300").postal_code == "44300"
    assert geocode(s, "44300 Nantes").postal_code == "44300"


def test_four_digit_postal_code_gets_its_leading_zero(s):
    assert geocode(s, "1000").postal_code == "01000"


def test_former_commune_name(s):
    r = geocode(s, "Cherbourg-Octeville")
    assert (r.insee_code, r.city) == ("50129", "Cherbourg-en-Cotentin")
    assert geocode(s, "annecy le vieux").city == "Annecy"


def test_word_prefix_takes_biggest_commune(s):
    assert geocode(s, "Boulogne").city == "Boulogne-Billancourt"


def test_full_address_reduced_to_commune(s):
    r = geocode(s, "12 rue de la Paix 44000 Nantes")
    assert (r.city, r.postal_code, r.precision) == ("Nantes", "44000", "commune")
    r = geocode(s, "3 place Bellecour, Lyon")
    assert r.insee_code == "69123"
    r = geocode(s, "15 avenue Jean Jaurès 93200")
    assert r.insee_code == "93066"


@pytest.mark.parametrize(
    "q",
    [
        "99999",
        "00000",
        "",
        "   ",
        None,
        42,
        "x" * 500,
        "Lorem ipsum dolor sit amet " * 20,
        "'; DROP TABLE communes; --",
        "1' OR '1'='1",
        '" OR 1=1 --',
        "%",
        "_",
        "nantes\x00",
        "zzzzzzzzzz",
    ],
)
def test_unknown_or_bad_input_returns_none(s, q):
    assert geocode(s, q) is None
    assert geo.geocode_address(s, q) is None


def test_injection_left_tables_intact(s):
    geocode(s, "'; DROP TABLE communes; --")
    assert s.execute(sa.select(sa.func.count()).select_from(Commune)).scalar_one() > 35000


def test_as_dict(s):
    d = geocode(s, "44000").as_dict()
    assert set(d) == {
        "label",
        "latitude",
        "longitude",
        "postal_code",
        "insee_code",
        "city",
        "department_code",
        "precision",
    }


# --- autocomplete ---------------------------------------------------------------------


def test_suggest_department_code(s):
    out = geo.suggest_communes(s, "77")
    assert out[0]["kind"] == "department" and out[0]["label"] == "Seine-et-Marne (77)"
    labels = [o["label"] for o in out]
    assert "Meaux (77100)" in labels[:4]  # biggest communes first
    assert all(o["postal_code"].startswith("77") for o in out[1:])
    assert len(out) == 10


def test_suggest_name_and_prefix(s):
    out = geo.suggest_communes(s, "Meaux")
    assert out[0]["label"] == "Meaux (77100)"
    assert out[0]["insee_code"] == "77284" and out[0]["postal_code"] == "77100"
    assert out[0]["lat"] == pytest.approx(48.957, abs=0.01)
    assert out[0]["lon"] == pytest.approx(2.900, abs=0.01)
    assert geo.suggest_communes(s, "mea")[0]["label"] == "Meaux (77100)"
    assert geo.suggest_communes(s, "MÉA")[0]["label"] == "Meaux (77100)"


def test_suggest_postal_code(s):
    out = geo.suggest_communes(s, "44000")
    assert [o["label"] for o in out] == ["Nantes (44000)"]
    out = geo.suggest_communes(s, "441")
    assert out and all(o["postal_code"].startswith("441") for o in out)


def test_suggest_one_entry_per_commune_and_department_filter(s):
    out = geo.suggest_communes(s, "saint denis", limit=20)
    codes = [o["insee_code"] for o in out]
    assert len(codes) == len(set(codes))
    assert {"93066", "97411"} <= set(codes)
    out93 = geo.suggest_communes(s, "saint denis 93")
    assert out93[0]["insee_code"] == "93066"
    assert all(o["department_code"] == "93" for o in out93)


def test_suggest_inner_word_and_former_name(s):
    assert "93066" in [o["insee_code"] for o in geo.suggest_communes(s, "denis")]
    assert geo.suggest_communes(s, "cherbourg oct")[0]["insee_code"] == "50129"


@pytest.mark.parametrize("q", ["", "  ", None, "'; DROP TABLE communes; --", "%%%", "9" * 12])
def test_suggest_bad_input(s, q):
    assert geo.suggest_communes(s, q) == []


def test_suggest_limit(s):
    assert len(geo.suggest_communes(s, "sa", limit=3)) == 3
    assert len(geo.suggest_communes(s, "sa", limit=1000)) == 50


def test_suggest_schools(s):
    by_uai = geo.suggest_schools(s, "0350044h")
    assert [x["uai"] for x in by_uai] == ["0350044H"]
    assert by_uai[0]["commune"] == "Saint-Malo"
    by_name = geo.suggest_schools(s, "chateaubriand saint malo")
    assert "0350044H" in [x["uai"] for x in by_name]
    by_city = geo.suggest_schools(s, "44000")
    assert by_city and all(x["postal_code"] == "44000" for x in by_city)
    in_44 = geo.suggest_schools(s, "jean moulin", department_code="44")
    assert in_44 and all(x["department_code"] == "44" for x in in_44)
    assert geo.suggest_schools(s, "") == []
    assert geo.suggest_schools(s, "'; DROP TABLE schools; --") == []
    assert len(geo.suggest_schools(s, "college", limit=5)) == 5


# --- reference loader -----------------------------------------------------------------


def test_reference_counts(s):
    counts = {
        "departments": Department,
        "communes": Commune,
        "commune_aliases": CommuneAlias,
        "sectors": Sector,
        "naf_codes": NafCode,
        "schools": School,
    }
    got = {
        k: s.execute(sa.select(sa.func.count()).select_from(m)).scalar_one()
        for k, m in counts.items()
    }
    assert got == {
        "departments": 109,
        "communes": 35560,
        "commune_aliases": 2498,
        "sectors": 43,
        "naf_codes": 732,
        "schools": 7654 + 2996,
    }
    school = s.execute(sa.select(School).where(School.uai == "0350044H")).scalars().one()
    assert school.kind == "college" and school.search_name == "college chateaubriand saint malo"
    assert school.academy and school.latitude and school.longitude
    assert (
        s.execute(
            sa.select(sa.func.count()).select_from(School).where(School.ep == "REP+")
        ).scalar_one()
        == 360
    )
    assert (
        s.execute(
            sa.select(sa.func.count()).select_from(School).where(School.qpv.is_(True))
        ).scalar_one()
        == 983
    )
    commune = s.execute(sa.select(Commune).where(Commune.insee_code == "94038")).scalars().first()
    assert commune.search_name == "l hay les roses"


def test_reference_lycees(s):
    """The lycées' file is loaded into ``schools`` with kind "lycee" and its 2de GT flag; no
    lycée is QPV from a file (only an admin's confirmation sets it)."""
    by_kind = dict(s.execute(sa.select(School.kind, sa.func.count()).group_by(School.kind)).all())
    assert by_kind == {"college": 7654, "lycee": 2996}
    utrillo = s.execute(sa.select(School).where(School.uai == "0932030B")).scalars().one()
    assert (utrillo.kind, utrillo.name, utrillo.commune, utrillo.academy) == (
        "lycee", "Lycée polyvalent Maurice Utrillo", "Stains", "Créteil",
    )  # fmt: skip
    assert utrillo.seconde_gt == "yes" and utrillo.latitude and utrillo.longitude
    flags = dict(
        s.execute(
            sa.select(School.seconde_gt, sa.func.count())
            .where(School.kind == "lycee")
            .group_by(School.seconde_gt)
        ).all()
    )
    assert flags == {"yes": 2557, "no": 103, "": 336}
    lycee_qpv = sa.select(sa.func.count()).where(School.kind == "lycee", School.qpv.is_(True))
    assert s.execute(lycee_qpv).scalar_one() == 0
    assert (
        s.execute(
            sa.select(sa.func.count()).where(School.kind == "college", School.seconde_gt != "")
        ).scalar_one()
        == 0
    )


def test_import_reference_is_idempotent_and_repairs(s, reference_db, caplog):
    school = s.execute(sa.select(School).where(School.uai == "0350044H")).scalars().one()
    school_id = school.id
    sector_ids = dict(s.execute(sa.select(Sector.slug, Sector.id)).all())
    # Damage the reference data, and set a school-space field the loader must keep.
    s.execute(sa.update(Commune).where(Commune.insee_code == "77284").values(latitude=0.0))
    s.execute(
        sa.update(School)
        .where(School.id == school_id)
        .values(email="ce.0350044h@ac-rennes.fr", ep="XX")
    )
    s.add(
        Commune(
            insee_code="00000",
            name="Fantôme",
            search_name="fantome",
            postal_code="00000",
            department_code="00",
            latitude=1.0,
            longitude=1.0,
        )
    )
    s.commit()

    counts = import_reference(reference_db)
    assert counts["communes"] == 35560 and counts["schools"] == 7654 + 2996

    s.expire_all()
    assert geocode(s, "Meaux").latitude == pytest.approx(48.957, abs=0.01)
    assert geocode(s, "00000") is None
    school = s.get(School, school_id)
    assert school.ep == "" and school.email == "ce.0350044h@ac-rennes.fr"
    assert dict(s.execute(sa.select(Sector.slug, Sector.id)).all()) == sector_ids
    # A second run writes nothing.
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="mystage.data.loader"):
        assert import_reference(reference_db) == counts
    assert not [r for r in caplog.records if "inserted" in r.getMessage()]
    s.execute(sa.update(School).where(School.id == school_id).values(email=""))
    s.commit()


def test_import_reference_keeps_a_lycee_qpv(s, reference_db, caplog):
    """A lycée confirmed QPV by an admin stays QPV when the files are imported again (the
    file has no QPV for lycées); its 2de GT flag is repaired from the file; a second run
    writes nothing."""
    lycee = s.execute(sa.select(School).where(School.uai == "0932030B")).scalars().one()
    now = datetime(2026, 3, 2, 9, tzinfo=UTC)
    s.execute(
        sa.update(School)
        .where(School.id == lycee.id)
        .values(
            qpv=True, qpv_declared_at=now, qpv_confirmed_at=now, seconde_gt="no", kind="college"
        )
    )
    s.commit()
    try:
        counts = import_reference(reference_db)
        assert counts["schools"] == 7654 + 2996
        s.expire_all()
        lycee = s.get(School, lycee.id)
        assert (lycee.kind, lycee.seconde_gt, lycee.qpv) == ("lycee", "yes", True)
        assert lycee.qpv_declared_at is not None and lycee.qpv_confirmed_at is not None
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="mystage.data.loader"):
            assert import_reference(reference_db) == counts
        assert not [r for r in caplog.records if "inserted" in r.getMessage()]
    finally:
        s.execute(
            sa.update(School)
            .where(School.id == lycee.id)
            .values(qpv=False, qpv_declared_at=None, qpv_confirmed_at=None)
        )
        s.commit()
