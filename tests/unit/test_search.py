"""« Rechercher un stage »: criteria, eligibility, geography, keywords, pages, suggestions.

Offers are inserted directly (Offer + OfferWeek rows) with ``search_text`` computed as
``services.offers._recompute`` does.  Runs on SQLite, and on PostgreSQL with
TEST_DATABASE_URL.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import select

from mystage import clock
from mystage.models import (
    Application,
    AppState,
    Offer,
    OfferSchool,
    OfferState,
    OfferWeek,
    Role,
    School,
    SchoolClass,
    SchoolWeek,
    Sector,
    User,
)
from mystage.services import geo, weeks
from mystage.services.search import (
    MSG_PLACE,
    MSG_RADIUS,
    MSG_WEEK,
    SearchCriteria,
    count_available,
    from_query,
    map_points,
    search,
    viewer_context,
    weeks_summary,
)
from mystage.services.text import index_tokens

NOW = datetime(2026, 10, 5, 8, 0, tzinfo=UTC)  # Monday 5 October 2026
TODAY = date(2026, 10, 5)
W1, W2, W3 = date(2026, 11, 16), date(2026, 11, 23), date(2026, 11, 30)
PAST_WEEK = date(2026, 9, 14)
KM_PER_DEG = math.pi * geo.EARTH_RADIUS_KM / 180.0  # ≈ 111.195 km per degree of latitude


@pytest.fixture
def s(reference_db, dbs):
    clock.freeze(NOW)
    yield dbs
    clock.freeze(None)


@pytest.fixture
def meaux(s):
    place = geo.geocode(s, "Meaux")
    assert place is not None and place.department_code == "77"
    return place


def sector(s, name: str) -> Sector:
    return s.exec(select(Sector).where(Sector.name == name)).one()


_published = [datetime(2026, 9, 1, tzinfo=UTC)]


def make_offer(
    s,
    title: str = "Découverte du métier",
    *,
    lat: float = 48.95686,  # Meaux (77100), as geocoded
    lon: float = 2.90006,
    city: str = "Meaux",
    postal_code: str = "77100",
    insee_code: str = "77284",
    department_code: str = "77",
    sector_name: str | None = None,
    description: str = "",
    employer_name: str = "Entreprise Martin",
    weeks_: list[tuple[date, int, int]] | None = None,
    state: str = OfferState.PUBLISHED,
    published_at: datetime | None = None,
    school_ids: list[int] | None = None,
    places_left: int | None = None,
    **kw,
) -> Offer:
    """An offer as the form would leave it: search_text as ``offers._recompute``."""
    sec = sector(s, sector_name) if sector_name else None
    week_rows = weeks_ if weeks_ is not None else [(W1, 2, 0)]
    if published_at is None:
        _published[0] += timedelta(minutes=1)
        published_at = _published[0]
    parts = [title, sec.name if sec else "", description, employer_name, city]
    monday = clock.monday_of(TODAY)
    offer = Offer(
        state=state,
        title=title,
        description=description,
        employer_name=employer_name,
        city=city,
        postal_code=postal_code,
        insee_code=insee_code,
        department_code=department_code,
        latitude=lat,
        longitude=lon,
        sector_id=sec.id if sec else None,
        published_at=published_at if state != OfferState.DRAFT else None,
        places_left=places_left
        if places_left is not None
        else sum(max(p - t, 0) for m, p, t in week_rows if m >= monday),
        first_week=min((m for m, _, _ in week_rows), default=None),
        last_week=max((m for m, _, _ in week_rows), default=None),
        school_year=2026,
        reserved_schools=bool(school_ids),
        search_text=" ".join(index_tokens(" ".join(p for p in parts if p))),
        **kw,
    )
    offer.is_accessible = any(
        getattr(offer, f"handicap_{k}") for k in ("visual", "motor", "mental", "hearing")
    )
    s.add(offer)
    s.flush()
    for m, p, t in week_rows:
        s.add(OfferWeek(offer_id=offer.id, week_start=m, places=p, places_taken=t))
    for sid in school_ids or []:
        s.add(OfferSchool(offer_id=offer.id, school_id=sid))
    s.commit()
    return offer


def north(place, km: float) -> tuple[float, float]:
    """A point ``km`` due north of ``place`` (along its meridian)."""
    return place.latitude + km / KM_PER_DEG, place.longitude


def ids(result) -> list[int]:
    return [r["id"] for r in result.results]


def find(s, viewer=None, **kw):
    return search(s, SearchCriteria(**kw), viewer=viewer)


def pupil(s, school: School, email: str, class_id: int | None = None) -> User:
    user = User(
        email=email,
        role=Role.ELEVE,
        status="active",
        first_name="Léa",
        last_name="Durand",
        school_id=school.id,
        class_id=class_id,
        level="3e",
    )
    s.add(user)
    s.commit()
    return user


def school_where(s, *conds) -> School:
    return s.exec(select(School).where(*conds).order_by(School.uai).limit(1)).one()


# --- keywords -----------------------------------------------------------------------------


def test_keywords_accents_case_and_stemming(s):
    bread = make_offer(s, "Boulangerie du coin")
    cake = make_offer(s, "Pâtissier chez Dupont")
    bank = make_offer(s, "Accueil des clients", sector_name="Banque et assurance")
    make_offer(s, "Garage du centre", sector_name="Automobile")

    assert ids(find(s, q="BOULANGERIE")) == [bread.id]
    assert ids(find(s, q="boulanger")) == [bread.id]  # stem: boulang*
    assert ids(find(s, q="boulangère")) == [bread.id]
    assert ids(find(s, q="boul")) == [bread.id]  # prefix
    assert ids(find(s, q="patissier")) == [cake.id]
    assert ids(find(s, q="PÂTISSERIE")) == [cake.id]
    assert ids(find(s, q="banque")) == [bank.id]  # sector name is indexed
    assert ids(find(s, q="bancaire")) == [bank.id]
    assert ids(find(s, q="  ")) and find(s, q="").total == 4


def test_keywords_keep_a_trade_apart_from_a_nearby_field(s):
    """Issue 16: « électricien » found every « électronique » offer and « mécanicien »
    every « mécanique » one (stems cut to electr*, mecan*)."""
    elec = make_offer(s, "Électricien du bâtiment")
    elec2 = make_offer(s, "Stage chez une électricienne")
    tronic = make_offer(s, "Atelier d'électronique")
    mechanic = make_offer(s, "Mécanicien automobile")
    mechanics = make_offer(s, "Bureau d'études en mécanique")
    assert set(ids(find(s, q="électricien"))) == {elec.id, elec2.id}
    assert set(ids(find(s, q="ELECTRICIENS"))) == {elec.id, elec2.id}
    assert ids(find(s, q="électronique")) == [tronic.id]
    assert ids(find(s, q="mécanicien")) == [mechanic.id]
    assert ids(find(s, q="mécaniques")) == [mechanics.id]
    # What is typed still matches as a prefix of the words.
    assert set(ids(find(s, q="électri"))) == {elec.id, elec2.id}
    assert set(ids(find(s, q="électr"))) == {elec.id, elec2.id, tronic.id}
    assert set(ids(find(s, q="méca"))) == {mechanic.id, mechanics.id}
    assert ids(find(s, q="mécanicie")) == [mechanic.id]


def test_keywords_exact_words_first(s):
    # Newest first otherwise: the exact word must beat the newer prefix matches.
    art = make_offer(s, "Galerie d'art contemporain")
    make_offer(s, "Artisan menuisier")
    make_offer(s, "Artiste peintre")
    assert find(s, q="art").total == 3
    assert ids(find(s, q="art"))[0] == art.id
    shop = make_offer(s, "Vente en boulangerie")
    make_offer(s, "Boulanger de quartier")
    r = find(s, q="boulangerie")
    assert r.total == 2 and ids(r)[0] == shop.id
    # Around a place too: the exact word first, then by distance.
    r = find(s, q="art", where="Meaux", radius_km=20)
    assert r.total == 3 and ids(r)[0] == art.id
    # Several words: the offer holding more of them exactly first.
    both = make_offer(s, "Art et boulangerie", published_at=datetime(2020, 1, 1, tzinfo=UTC))
    assert ids(find(s, q="art boulangerie"))[0] == both.id
    assert ids(find(s, q="art boulang")) == [both.id]


def test_keywords_are_all_required_and_match_city_and_employer(s):
    a = make_offer(s, "Boulangerie du coin", city="Meaux")
    make_offer(s, "Boulangerie de la gare", city="Melun", postal_code="77000", insee_code="77288")
    c = make_offer(s, "Vente", employer_name="Fromagerie Lebrun")
    assert ids(find(s, q="boulangerie meaux")) == [a.id]
    assert ids(find(s, q="fromagerie")) == [c.id]
    assert find(s, q="boulangerie fromagerie").total == 0


def test_injected_sql_is_plain_keywords(s):
    make_offer(s, "Boulangerie du coin")
    crit, errors = from_query({"q": "'; DROP TABLE offers; --"})
    assert errors == {}
    r = search(s, crit)
    assert r.total == 0 and r.errors == {}
    for q in ['"boul*', "boul* OR 1=1", "NEAR(a b)", "a:* | !b", "\\x00", "%_'\""]:
        assert search(s, SearchCriteria(q=q)).errors == {}
    assert find(s, q="boulangerie").total == 1  # the table is still there
    assert s.execute(sa.select(sa.func.count()).select_from(Offer)).scalar_one() == 1


# --- place and radius ------------------------------------------------------------------------


def test_radius_edges(s, meaux):
    inside = make_offer(s, "Dedans", lat=north(meaux, 59.9)[0], lon=meaux.longitude)
    make_offer(s, "Dehors", lat=north(meaux, 60.1)[0], lon=meaux.longitude)
    south = make_offer(s, "Sud", lat=meaux.latitude - 59.9 / KM_PER_DEG, lon=meaux.longitude)
    r = find(s, where="Meaux", radius_km=60)
    assert sorted(ids(r)) == sorted([inside.id, south.id])
    assert {x["distance_km"] for x in r.results} == {59.9}
    assert r.center == (meaux.latitude, meaux.longitude)
    assert r.place_label == meaux.label
    # East–west: same check on a parallel, where the bounding box is widest.
    dlon = 59.9 / (KM_PER_DEG * math.cos(math.radians(meaux.latitude)))
    east = make_offer(s, "Est", lat=meaux.latitude, lon=meaux.longitude + dlon * 0.999)
    assert east.id in ids(find(s, where="Meaux", radius_km=60))
    assert east.id not in ids(find(s, where="Meaux", radius_km=50))


def test_sorted_by_distance_then_newest(s, meaux):
    far = make_offer(s, "Loin", lat=north(meaux, 10)[0])
    near_old = make_offer(s, "Près ancien", lat=north(meaux, 2)[0])
    near_new = make_offer(s, "Près récent", lat=north(meaux, 2)[0])
    mid = make_offer(s, "Milieu", lat=north(meaux, 5)[0])
    r = find(s, where="Meaux 77100", radius_km=20)
    assert ids(r) == [near_new.id, near_old.id, mid.id, far.id]
    assert [x["distance_km"] for x in r.results] == [2.0, 2.0, 5.0, 10.0]
    # Without a place: newest first, no distance.
    r = find(s)
    assert ids(r) == [mid.id, near_new.id, near_old.id, far.id]
    assert {x["distance_km"] for x in r.results} == {None}
    assert r.center is None and r.place_label == ""


def test_postal_code_and_department(s, meaux):
    nantes = geo.geocode(s, "44000")
    in_nantes = make_offer(
        s, "Nantes", lat=nantes.latitude, lon=nantes.longitude, city="Nantes",
        postal_code="44000", insee_code="44109", department_code="44",
    )  # fmt: skip
    in_77 = make_offer(s, "Provins", lat=48.56, lon=3.30, department_code="77")
    r = find(s, where="44000", radius_km=10)
    assert ids(r) == [in_nantes.id] and r.place_label.startswith("Nantes")
    r = find(s, where="77")
    assert ids(r) == [in_77.id]  # whole department, whatever the radius
    assert r.results[0]["distance_km"] is None
    assert r.center is not None and "77" in r.place_label


def test_radius_zero_is_this_commune(s, meaux):
    same_commune_far = make_offer(
        s, "Même commune", lat=north(meaux, 4)[0], insee_code=meaux.insee_code
    )
    close_other = make_offer(s, "Voisine proche", lat=north(meaux, 2.5)[0], insee_code="77999")
    make_offer(s, "Voisine", lat=north(meaux, 3.5)[0], insee_code="77998")
    r = find(s, where="Meaux", radius_km=0)
    assert sorted(ids(r)) == sorted([same_commune_far.id, close_other.id])
    assert r.errors == {}


def test_unknown_place_and_bad_radius(s, meaux):
    make_offer(s, "Boulangerie", lat=north(meaux, 50)[0])
    crit, errors = from_query({"lieu": "99999", "rayon": "500"})
    assert errors == {"radius_km": MSG_RADIUS} and crit.radius_km == 60
    r = search(s, crit)
    assert r.errors["where"] == MSG_PLACE and r.total == 0 and r.results == []
    # The bad radius alone: searched with 60 km.
    r = search(s, SearchCriteria(where="Meaux", radius_km=500))
    assert r.errors == {"radius_km": MSG_RADIUS} and r.total == 1
    r = search(s, SearchCriteria(where="Meaux", radius_km=-1))
    assert r.errors == {"radius_km": MSG_RADIUS}


# --- other criteria --------------------------------------------------------------------------


def test_levels(s):
    c3 = make_offer(s, "Troisième", level_3e=True)
    c4 = make_offer(s, "Quatrième", level_3e=False, level_4e=True)
    c2 = make_offer(s, "Seconde", level_3e=False, level_2de=True)
    for level in ("3e", "3e_segpa", "3e_prepa_metiers"):
        assert ids(find(s, level=level)) == [c3.id]
    assert ids(find(s, level="4e")) == [c4.id]
    assert ids(find(s, level="2de_gt")) == [c2.id]
    crit, errors = from_query({"niveau": "cm2"})
    assert "level" in errors and crit.level == ""


def test_sectors_multi(s):
    a = make_offer(s, "A", sector_name="Automobile")
    b = make_offer(s, "B", sector_name="Sport")
    make_offer(s, "C", sector_name="Mode")
    r = find(s, sectors=[sector(s, "Automobile").id, sector(s, "Sport").id])
    assert sorted(ids(r)) == sorted([a.id, b.id])
    assert r.results[0]["sector"] in ("Automobile", "Sport")


def test_weeks(s):
    w1 = make_offer(s, "W1", weeks_=[(W1, 2, 0), (W3, 1, 0)])
    full_w1 = make_offer(s, "W1 complète", weeks_=[(W1, 2, 2), (W3, 1, 0)])
    w2 = make_offer(s, "W2", weeks_=[(W2, 1, 0)])
    year = make_offer(s, "Toute l'année", weeks_=[(W3, 1, 0)], all_year=True)
    assert sorted(ids(find(s, weeks=[W1]))) == sorted([w1.id, year.id])
    assert sorted(ids(find(s, weeks=[W1, W2]))) == sorted([w1.id, w2.id, year.id])
    assert full_w1.id in ids(find(s, weeks=[W1], show_all=True))
    crit, errors = from_query({"semaines": "2026-11-16,2027-13-45,n'importe quoi"})
    assert crit.weeks == [W1]
    assert errors == {"weeks": MSG_WEEK.format(value="2027-13-45")}
    # Any day of a week means its Monday.
    crit, errors = from_query({"semaines": "2026-11-18"})
    assert crit.weeks == [W1] and errors == {}


def test_handicaps_each_required(s):
    both = make_offer(s, "Deux", handicap_motor=True, handicap_hearing=True)
    motor = make_offer(s, "Moteur", handicap_motor=True)
    make_offer(s, "Aucun")
    assert sorted(ids(find(s, handicaps=["motor"]))) == sorted([both.id, motor.id])
    assert ids(find(s, handicaps=["motor", "hearing"])) == [both.id]
    r = find(s, handicaps=["motor", "hearing"])
    assert r.results[0]["accessible"] is True
    crit, errors = from_query({"handicaps": "motor,flying"})
    assert crit.handicaps == ["motor"] and "handicaps" in errors


# --- what is searchable ----------------------------------------------------------------------


def test_only_searchable_offers_unless_show_all(s):
    ok = make_offer(s, "Publiée")
    full = make_offer(s, "Complète", state=OfferState.FULL, weeks_=[(W1, 1, 1)])
    no_places = make_offer(s, "Plus de places", weeks_=[(W1, 1, 1)])
    closed = make_offer(s, "Fermée", application_end=TODAY - timedelta(days=1))
    later = make_offer(s, "Pas encore", application_start=TODAY + timedelta(days=1))
    window = make_offer(s, "Fenêtre", application_start=TODAY, application_end=TODAY)
    for st in (OfferState.DRAFT, OfferState.UNPUBLISHED, OfferState.REMOVED, OfferState.PAST):
        make_offer(s, f"État {st}", state=st)
    # Applications suspended (window ended, seed 003): still listed, « Candidatures closes ».
    assert sorted(ids(find(s))) == sorted([ok.id, window.id, closed.id])
    shown = ids(find(s, show_all=True))
    assert sorted(shown) == sorted([ok.id, full.id, no_places.id, closed.id, later.id, window.id])
    assert find(s, show_all=True).total == 6


def test_reserved_offers(s):
    rep_school = school_where(s, School.ep == "REP", School.qpv == sa.false())
    qpv_school = school_where(s, School.qpv == sa.true(), School.ep == "")
    plain = school_where(s, School.ep == "", School.qpv == sa.false())
    public = make_offer(s, "Pour tous")
    named = make_offer(s, "Réservée à une école", school_ids=[plain.id])
    rep = make_offer(s, "REP", reserved_rep=True)
    qpv = make_offer(s, "QPV", reserved_qpv=True)
    rep_and_named = make_offer(s, "REP nommée", reserved_rep=True, school_ids=[rep_school.id])

    anonymous = find(s)
    assert sorted(ids(anonymous)) == sorted([public.id, rep.id, qpv.id])
    badges = {r["id"]: (r["reserved_rep"], r["reserved_qpv"]) for r in anonymous.results}
    assert badges[rep.id] == (True, False) and badges[qpv.id] == (False, True)

    p_plain = pupil(s, plain, "plain@example.fr")
    p_rep = pupil(s, rep_school, "rep@example.fr")
    p_qpv = pupil(s, qpv_school, "qpv@example.fr")
    assert sorted(ids(find(s, viewer=viewer_context(s, p_plain)))) == sorted([public.id, named.id])
    assert sorted(ids(find(s, viewer=viewer_context(s, p_rep)))) == sorted(
        [public.id, rep.id, rep_and_named.id]
    )
    assert sorted(ids(find(s, viewer=p_qpv))) == sorted([public.id, qpv.id])  # a User works too
    r = find(s, viewer=viewer_context(s, p_plain))
    assert {x["id"]: x["reserved_schools"] for x in r.results}[named.id] is True
    # Other roles are treated as anonymous visitors.
    staff = User(email="chef@example.fr", role=Role.CHEF_ETABLISSEMENT, status="active")
    s.add(staff)
    s.commit()
    assert viewer_context(s, staff) is None
    assert sorted(ids(find(s, viewer=staff))) == sorted(ids(anonymous))


# --- results, pages, suggestions ----------------------------------------------------------


def test_result_shape(s, meaux):
    mondays = [W1 + timedelta(weeks=i) for i in range(6)]
    offer = make_offer(
        s, "Boulangerie du coin", sector_name="Industrie alimentaire",
        weeks_=[(PAST_WEEK, 1, 0)] + [(m, 2, 1 if i == 0 else 0) for i, m in enumerate(mondays)],
        lat=north(meaux, 1.234)[0], handicap_visual=True, reserved_rep=True,
    )  # fmt: skip
    r = find(s, where="Meaux")
    (row,) = r.results
    assert row == {
        "id": offer.id,
        "title": "Boulangerie du coin",
        "employer_name": "Entreprise Martin",
        "city": "Meaux",
        "postal_code": "77100",
        "distance_km": 1.2,
        "sector": "Industrie alimentaire",
        "weeks": [weeks.week_label(m) for m in mondays[:4]],
        "weeks_more": 2,
        "weeks_label": weeks_summary(mondays),  # « 6 semaines · du … au … »
        "places_label": "11 places",
        "places_left": 11,
        "accessible": True,
        "reserved_rep": True,
        "reserved_qpv": False,
        "reserved_schools": False,
        "latitude": pytest.approx(north(meaux, 1.234)[0]),
        "longitude": pytest.approx(meaux.longitude),
        "all_year": False,
        "applications_closed": False,
    }
    # A week without places is not shown while others have room.
    full_first = make_offer(s, "Autre", weeks_=[(W1, 1, 1), (W2, 1, 0)])
    row = next(x for x in find(s).results if x["id"] == full_first.id)
    assert row["weeks"] == [weeks.week_label(W2)] and row["weeks_more"] == 0
    assert row["weeks_label"].startswith("1 semaine · du ") and row["places_label"] == "1 place"


def test_pagination(s):
    for i in range(65):
        make_offer(s, f"Offre {i}")
    r = find(s)
    assert (r.total, r.pages, r.page, len(r.results)) == (65, 3, 1, 30)
    r3 = find(s, page=3)
    assert len(r3.results) == 5 and r3.page == 3
    seen = ids(r) + ids(find(s, page=2)) + ids(r3)
    assert len(set(seen)) == 65
    assert find(s, page=99).page == 3  # past the end: the last page
    crit, _ = from_query({"page": "-4"})
    assert crit.page == 1
    crit, _ = from_query({"page": "abc"})
    assert crit.page == 1
    assert len(search(s, SearchCriteria(), per_page=10).results) == 10
    # Sorted by distance or by keyword match, the page query also counts (window).
    for crit in (dict(where="Meaux"), dict(q="offre"), dict(weeks=[W1])):
        r = find(s, **crit)
        assert (r.total, r.pages, len(r.results)) == (65, 3, 30), crit
        r = find(s, page=99, **crit)
        assert (r.total, r.page, len(r.results)) == (65, 3, 5), crit
        assert ids(find(s, page=3, **crit)) == ids(r)


def test_empty_results_suggest_wider_searches(s, meaux):
    auto = sector(s, "Automobile")
    make_offer(
        s, "Boulangerie du coin", lat=north(meaux, 40)[0], weeks_=[(W2, 1, 0)],
        sector_name="Industrie alimentaire",
    )  # fmt: skip
    crit = SearchCriteria(q="boulangerie", where="Meaux", radius_km=20, weeks=[W1])
    r = search(s, crit)
    assert r.total == 0 and r.results == [] and r.pages == 0
    # Neither 60 km alone (week W1) nor all weeks alone (40 km away): both together.
    assert r.suggestions == [
        {
            "label": f"Rechercher à 60 km autour de {meaux.label} et sur toutes les semaines"
            " (1 offre)",
            "criteria": {"q": "boulangerie", "lieu": "Meaux", "rayon": "60"},
            "count": 1,
            "url": "/offres?q=boulangerie&lieu=Meaux&rayon=60",
        }
    ]

    r = search(s, SearchCriteria(q="boulangerie", where="Meaux", radius_km=20))
    assert r.total == 0
    (widen, *_) = r.suggestions
    assert widen["label"].startswith("Élargir la recherche à 60 km")
    assert widen["criteria"] == {"q": "boulangerie", "lieu": "Meaux", "rayon": "60"}
    assert widen["count"] == 1
    assert search(s, SearchCriteria.from_query(widen["criteria"])[0]).total == 1

    r = search(s, SearchCriteria(q="boulangerie", where="Meaux", radius_km=60, sectors=[auto.id]))
    assert [x["criteria"] for x in r.suggestions][0] == {
        "q": "boulangerie",
        "lieu": "Meaux",
        "rayon": "60",
    }
    r = search(s, SearchCriteria(q="plombier", where="Meaux", radius_km=60))
    assert r.suggestions[0]["label"] == "Rechercher sans le mot-clé « plombier » (1 offre)"
    # Nothing for 2de anywhere, whatever is relaxed: no suggestion.
    assert search(s, SearchCriteria(q="plombier", level="2de_gt")).suggestions == []


def test_suggestions_each_relaxation_counted(s, meaux):
    food, shop = sector(s, "Industrie alimentaire"), sector(s, "Commerce et distribution")
    nantes = geo.geocode(s, "Nantes")
    make_offer(s, "Boulangerie A", sector_name=food.name, weeks_=[(W2, 1, 0)])
    make_offer(
        s, "Boulangerie B", sector_name=food.name, lat=nantes.latitude, lon=nantes.longitude,
        city="Nantes", postal_code="44000", insee_code="44109", department_code="44",
    )  # fmt: skip
    make_offer(s, "Boulangerie C", sector_name=shop.name)
    make_offer(s, "Boulangerie D", sector_name=shop.name, weeks_=[(W2, 1, 0)])
    crit = SearchCriteria(q="boulangerie", where="Meaux", weeks=[W1], sectors=[food.id])
    r = search(s, crit)
    assert r.total == 0
    assert [(x["label"], x["count"]) for x in r.suggestions] == [
        ("Rechercher sur toutes les semaines (1 offre)", 1),
        ("Rechercher dans tous les secteurs (1 offre)", 1),
        ("Rechercher dans toute la France (1 offre)", 1),
    ]
    assert r.suggestions[2]["criteria"] == {
        "q": "boulangerie",
        "semaines": "2026-11-16",
        "secteurs": str(food.id),
    }
    for x in r.suggestions:  # each count is what the suggested search finds
        assert search(s, SearchCriteria.from_query(x["criteria"])[0]).total == x["count"]


# --- URL --------------------------------------------------------------------------------------


def test_query_round_trip_and_limits(s):
    crit = SearchCriteria(
        q="boulanger", where="Meaux", radius_km=30, level="3e_segpa", sectors=[3, 1],
        weeks=[W1, W2], handicaps=["motor"], show_all=True, page=2,
    )  # fmt: skip
    query = crit.to_query()
    assert query == {
        "q": "boulanger",
        "lieu": "Meaux",
        "rayon": "30",
        "niveau": "3e_segpa",
        "secteurs": "3,1",
        "semaines": "2026-11-16,2026-11-23",
        "handicaps": "motor",
        "tout": "1",
        "page": "2",
    }
    back, errors = SearchCriteria.from_query(query)
    assert errors == {} and back == crit
    assert SearchCriteria().to_query() == {}
    assert from_query({}) == (SearchCriteria(), {})
    crit, errors = from_query({"q": "x" * 300, "secteurs": "1,abc"})
    assert len(crit.q) == 200 and crit.sectors == [1] and "sectors" in errors
    crit, errors = from_query({"rayon": "douze"})
    assert errors == {"radius_km": MSG_RADIUS} and crit.radius_km == 60


def test_postgresql_plans_each_search_for_its_parameters(s):
    make_offer(s, "Boulangerie")
    for _ in range(12):  # psycopg would prepare the statements after 5 runs
        assert find(s, q="boulangerie", where="Meaux").total == 1
    raw = s.connection().connection.dbapi_connection
    if s.get_bind().dialect.name == "postgresql":
        assert raw.prepare_threshold is None


# --- viewer, counter, map -------------------------------------------------------------------


def test_viewer_context(s):
    school = school_where(s, School.ep == "REP+")
    klass = SchoolClass(school_id=school.id, name="3e B")
    s.add(klass)
    s.commit()
    for m in (W1, W2, PAST_WEEK):
        s.add(SchoolWeek(school_id=school.id, week_start=m, school_year=2026))
    s.commit()
    p = pupil(s, school, "eleve@example.fr", class_id=klass.id)
    ctx = viewer_context(s, p)
    assert ctx == {
        "school_id": school.id,
        "ep": "REP+",
        "qpv": bool(school.qpv),
        "lat": school.latitude,
        "lon": school.longitude,
        "weeks": [W1, W2],
        "national": False,
    }
    s.add(SchoolWeek(school_id=school.id, class_id=klass.id, week_start=W3, school_year=2026))
    s.commit()
    assert viewer_context(s, p)["weeks"] == [W3]  # the class's own weeks win
    assert viewer_context(s, None) is None


def test_count_available(s):
    rep_school = school_where(s, School.ep == "REP")
    a = make_offer(s, "A", weeks_=[(W1, 3, 0)], department_code="77", structure_id=None)
    make_offer(s, "B", weeks_=[(W1, 2, 1)], department_code="44")
    make_offer(s, "Brouillon", state=OfferState.DRAFT)
    make_offer(s, "Fermée", application_end=TODAY - timedelta(days=3))
    p = pupil(s, rep_school, "placed@example.fr")
    s.add(
        Application(
            pupil_id=p.id, offer_id=a.id, week_start=W1, state=AppState.CONFIRMED, school_year=2026
        )
    )
    s.commit()
    assert count_available(s) == {"places": 4, "offers": 2, "structures": 0, "placed": 1}
    assert count_available(s, "77") == {"places": 3, "offers": 1, "structures": 0, "placed": 1}
    assert count_available(s, "44")["placed"] == 0


def test_map_points_same_filters(s, meaux):
    a = make_offer(s, "Boulangerie", lat=north(meaux, 5)[0])
    make_offer(s, "Boulangerie loin", lat=north(meaux, 80)[0])
    make_offer(s, "Garage", lat=north(meaux, 1)[0])
    points = map_points(s, SearchCriteria(q="boulangerie", where="Meaux", radius_km=20))
    assert points == [
        {
            "id": a.id,
            "title": "Boulangerie",
            "lat": pytest.approx(north(meaux, 5)[0]),
            "lon": pytest.approx(meaux.longitude),
            "employer_name": "Entreprise Martin",
            "city": "Meaux",
        }
    ]
    assert map_points(s, SearchCriteria(where="99999")) == []


def test_weeks_by_level_2de_june_weeks(s):
    """A 2de search counts only an offer's national June weeks; a collège search never
    counts them (another offer's June week, open to collégiens, still counts)."""
    june1, june2 = weeks.seconde_weeks(2026, "both")  # 14 and 21 June 2027
    both = make_offer(
        s, "3e et 2de", weeks_=[(W1, 1, 0), (june1, 1, 0), (june2, 1, 0)],
        level_3e=True, level_2de=True, seconde_period="both",
    )  # fmt: skip
    week2_only = make_offer(
        s, "2de, 2e semaine", weeks_=[(june2, 1, 0)], level_3e=False, level_2de=True,
        seconde_period="week2",
    )  # fmt: skip
    college_june = make_offer(s, "3e en juin", weeks_=[(W1, 1, 0), (june1, 1, 0)], level_3e=True)
    all_year = make_offer(
        s, "Toute l'année", weeks_=[(W1, 1, 0), (june1, 1, 0), (june2, 1, 0)], all_year=True,
        level_3e=True, level_2de=True, seconde_period="both",
    )  # fmt: skip
    assert sorted(ids(find(s, level="2de_gt", weeks=[june1]))) == sorted([both.id, all_year.id])
    assert sorted(ids(find(s, level="2de_gt", weeks=[june2]))) == sorted(
        [both.id, week2_only.id, all_year.id]
    )
    assert ids(find(s, level="2de_gt", weeks=[W1])) == []  # no 2de week asked
    assert ids(find(s, level="3e", weeks=[june1])) == [college_june.id]
    assert sorted(ids(find(s, level="3e", weeks=[W1]))) == sorted(
        [both.id, college_june.id, all_year.id]
    )
    # without a level every week counts
    assert both.id in ids(find(s, weeks=[june1]))
    # the cards show the weeks of the level asked
    card = next(r for r in find(s, level="2de_gt", weeks=[june1]).results if r["id"] == both.id)
    assert card["weeks"] == [weeks.week_label(june1), weeks.week_label(june2)]
    card = next(r for r in find(s, level="3e", weeks=[W1]).results if r["id"] == both.id)
    assert card["weeks"] == [weeks.week_label(W1)]


def test_reindex_rewrites_search_text_of_older_offers(s):
    from mystage.services import offers

    elec = make_offer(s, "Électricien du bâtiment")
    # As stored before issue 16 (stems only): « électricien » would not find it.
    s.execute(sa.update(Offer).where(Offer.id == elec.id).values(search_text="electr batiment"))
    s.commit()
    assert find(s, q="électricien").total == 0
    assert offers.reindex_search_text(s) >= 1
    assert ids(find(s, q="électricien")) == [elec.id]
    assert offers.reindex_search_text(s) == 0  # nothing left to rewrite
