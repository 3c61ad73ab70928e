"""The place autocomplete answered from memory (services/geo/place_index.py) gives what the
SQL version gave (services/geo/suggest_sql.py), in the same order, for thousands of texts
typed from the real communes: names with accents, hyphens and apostrophes, later words,
names with a département, postal prefixes, département codes, Paris/Marseille/Lyon
arrondissements, former names, limits."""

from __future__ import annotations

import random
import threading
import time

import pytest
import sqlalchemy as sa

from mystage import db
from mystage.data.loader import import_reference
from mystage.services import geo
from mystage.services.geo import place_index
from mystage.services.geo.suggest_sql import suggest_communes_sql

FIXED = [
    "77", "2a", "2B", "2 a", "971", "974", "976", "75", "13", "69", "20", "99", "750", "130",
    "6900", "75013", "13001", "69003", "44000", "441", "0", "00", "01", "7", "9" * 12,
    "mea", "MÉA", "Meaux", "saint denis", "saint denis 93", "saint-denis 974", "st denis",
    "saint-é", "ÉVRY", "évry-courcouronnes", "l'haÿ", "l'haÿ-les-roses", "la", "le ", "sa",
    "cœur", "denis", "sur marne", "cherbourg oct", "paris", "paris 13", "paris 13e",
    "paris 1er arrondissement", "marseille", "marseille 8e", "lyon", "lyon 3", "seine",
    "seine et marne", "bouches du", "corse", "la réunion", "guadeloupe", "-", "'", "  ",
    "", "a", "é", "%%%", "'; DROP TABLE communes; --", "x" * 200, "saint   martin",
]  # fmt: skip


def _typed(s, n: int, seed: int) -> list[str]:
    """``n`` texts as people type them, drawn from the data."""
    rnd = random.Random(seed)
    names = list(s.execute(sa.text("SELECT name FROM communes ORDER BY id")).scalars())
    postals = list(s.execute(sa.text("SELECT postal_code FROM communes ORDER BY id")).scalars())
    depts = list(s.execute(sa.text("SELECT code FROM departments ORDER BY code")).scalars())
    aliases = list(
        s.execute(sa.text("SELECT alias_name FROM commune_aliases ORDER BY id")).scalars()
    )
    out: list[str] = []
    while len(out) < n:
        name = rnd.choice(names)
        kind = rnd.random()
        if kind < 0.45:
            text = name[: rnd.randint(1, len(name))]
        elif kind < 0.55:
            words = name.replace("-", " ").replace("'", " ").split()
            text = " ".join(words[rnd.randint(0, len(words) - 1) :])
            text = text[: rnd.randint(1, len(text))]
        elif kind < 0.65:
            text = f"{name} {rnd.choice(depts).lower()}"
        elif kind < 0.75:
            text = name.lower().replace("-", " ")[: rnd.randint(2, len(name))]
        elif kind < 0.9:
            text = rnd.choice(postals)[: rnd.randint(1, 5)]
        else:
            alias = rnd.choice(aliases)
            text = alias[: rnd.randint(1, len(alias))]
        out.append(text)
    return out


def _assert_same(sql: list[dict], mem: list[dict], population: dict[str, int], limit: int):
    """Equal; where the SQL itself leaves the order open (communes of the same name and
    population: six pairs in France, « Saint-Hilaire » of 157 inhabitants), equal up to
    the order inside such a run (and its members when the limit cuts it)."""
    if sql == mem:
        return

    def key(x: dict) -> tuple:
        if x["kind"] == "department":
            return ("d", x["label"])
        return ("c", x["city"], population[x["insee_code"]])

    assert [key(x) for x in sql] == [key(x) for x in mem]
    i = 0
    while i < len(sql):
        j = i
        while j < len(sql) and key(sql[j]) == key(sql[i]):
            j += 1
        assert j - i > 1, (sql[i], mem[i])  # a difference outside a tie
        if j < len(sql) or len(sql) < limit:
            ordered = sorted(sql[i:j], key=lambda x: x["insee_code"])
            assert ordered == sorted(mem[i:j], key=lambda x: x["insee_code"])
        i = j


@pytest.fixture
def s(reference_db, dbs):
    return dbs


def test_same_answers_as_the_sql_version(s):
    population = dict(s.execute(sa.text("SELECT insee_code, population FROM communes")).all())
    cases = [(q, 8) for q in _typed(s, 2200, 2026)]
    cases += [(q, lim) for q in FIXED for lim in (1, 3, 8, 50)]
    cases += [(q, lim) for q in _typed(s, 150, 7) for lim in (1, 2, 50)]
    for q, lim in cases:
        sql = suggest_communes_sql(s, q, lim)
        mem = geo.suggest_communes(s, q, lim)
        try:
            _assert_same(sql, mem, population, lim)
        except AssertionError as exc:
            raise AssertionError(f"{q!r} limit {lim}: {sql} != {mem}") from exc
    assert len(cases) > 2500


def test_known_answers(s):
    out = geo.suggest_communes(s, "saint denis 93")
    assert out[0]["insee_code"] == "93066" and {o["department_code"] for o in out} == {"93"}
    assert geo.suggest_communes(s, "2a")[0]["label"] == "Corse-du-Sud (2A)"
    labels = [o["label"] for o in geo.suggest_communes(s, "13001", limit=50)]
    assert (
        labels[0].startswith("Marseille 1er Arrondissement") and "Marseille (13001)" not in labels
    )
    assert geo.suggest_communes(s, "l'haÿ")[0]["insee_code"] == "94038"
    assert geo.suggest_communes(s, "cherbourg oct")[0]["insee_code"] == "50129"
    # A caller may change what it got: the next answer is intact.
    first = geo.suggest_communes(s, "77")
    first[0]["label"] = "changé"
    first.clear()
    assert geo.suggest_communes(s, "77")[0]["label"] == "Seine-et-Marne (77)"


def test_built_once_per_database_and_shared_by_threads(s):
    engine = db.engine()
    place_index.reset()
    assert place_index.loaded(engine) is None
    assert geo.suggest_communes_if_loaded("meaux") is None  # not built: the caller uses a thread
    got: list = []
    threads = [
        threading.Thread(target=lambda: got.append(place_index.get(engine))) for _ in range(6)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(got) == 6 and all(x is got[0] for x in got)
    assert place_index.for_session(s) is got[0] is place_index.loaded(engine)
    assert geo.suggest_communes_if_loaded("meaux", 8) == geo.suggest_communes(s, "meaux", 8)
    # The index never reads the database again: a session on nothing answers the same.
    results: list = []

    def typing(prefixes: list[str]) -> None:
        for q in prefixes:
            results.append((q, got[0].suggest(q, 8)))

    words = ["sa", "sai", "sain", "saint", "saint ", "saint d", "77", "771", "ly", "lyo"]
    threads = [threading.Thread(target=typing, args=(words,)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for q, answer in results:
        assert answer == suggest_communes_sql(s, q, 8), q


def test_warmed_in_the_background(s):
    engine = db.engine()
    place_index.reset()
    geo.warm_place_index()
    geo.warm_place_index()  # already building: nothing more
    deadline = time.monotonic() + 60
    while place_index.loaded(engine) is None and time.monotonic() < deadline:
        time.sleep(0.05)
    index = place_index.loaded(engine)
    assert index is not None
    geo.warm_place_index()
    assert place_index.loaded(engine) is index
    assert geo.suggest_communes_if_loaded("meaux")[0]["label"] == "Meaux (77100)"


def test_reference_import_forgets_the_index(s, reference_db):
    engine = db.engine()
    place_index.get(engine)
    import_reference(reference_db)
    assert place_index.loaded(engine) is None
    assert geo.suggest_communes(s, "meaux")[0]["label"] == "Meaux (77100)"
