"""Folding, light French stemming and search tokens (mystage.services.text)."""

from __future__ import annotations

import pytest

from mystage.services.text import (
    STOP_WORDS,
    fold,
    index_tokens,
    query_words,
    search_tokens,
    stem,
)


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Nantes", "nantes"),
        ("MEAUX", "meaux"),
        ("Saint-Étienne-du-Rouvray", "saint etienne du rouvray"),
        ("L'Haÿ-les-Roses", "l hay les roses"),
        ("L’Abergement-Clémenciat", "l abergement clemenciat"),
        ("  St-Denis   (93) ", "st denis 93"),
        ("Œuvre d'Æsop", "oeuvre d aesop"),
        ("Ça, c'est « génial » !", "ca c est genial"),
        ("", ""),
        (None, ""),
        ("'; DROP TABLE communes; --", "drop table communes"),
        ("Château-Thierry_02", "chateau thierry 02"),
    ],
)
def test_fold(raw, folded):
    assert fold(raw) == folded


def test_fold_keeps_saint_and_st_as_written():
    assert fold("Saint-Denis") == "saint denis"
    assert fold("St-Denis") == "st denis"


def test_fold_is_idempotent():
    for s in ("Saint-Étienne", "L'Haÿ-les-Roses", "Boulangerie « Chez Paul »"):
        assert fold(fold(s)) == fold(s)


@pytest.mark.parametrize(
    "family",
    [
        ("boulanger", "boulangère", "boulangers", "boulangerie", "Boulangeries"),
        ("coiffeur", "coiffeuse", "coiffure", "coiffeurs"),
        ("informatique", "informatiques"),
        ("informaticien", "informaticienne", "informaticiens"),
        ("banque", "bancaire", "banques"),
        ("mécanique", "mécaniques"),
        ("mécanicien", "mécaniciens", "mécanicienne", "mécaniciennes"),
        ("restaurant", "restauration"),
        ("boucher", "boucherie", "bouchère"),
        ("jardinier", "jardinage"),
        ("électricien", "électriciens", "électricienne"),
        ("électricité", "électrique"),
        ("policier", "police"),
        ("pharmacie", "pharmacien"),
        ("agriculteur", "agricultrice"),
        ("directeur", "directrice"),
        ("enseignant", "enseignement"),
        ("fleur", "fleuriste"),
        ("animal", "animaux"),
        ("hôpital", "hôpitaux"),
        ("bureau", "bureaux"),
        ("sportif", "sportive"),
    ],
)
def test_stem_families_share_a_stem(family):
    stems = {stem(w) for w in family}
    assert len(stems) == 1, dict(zip(family, map(stem, family), strict=True))


def test_stem_keeps_short_words_and_numbers():
    assert stem("vie") == "vie"
    assert stem("mer") == "mer"
    assert stem("2024") == "2024"
    assert stem("") == ""


def test_stem_does_not_merge_unrelated_words():
    # Issue 16: a trade is not the field next to it.
    assert stem("électricien") != stem("électronique")
    assert stem("mécanicien") != stem("mécanique")
    assert not stem("électronique").startswith(stem("électricien"))
    assert stem("boulanger") != stem("boucher")
    assert stem("coiffeur") != stem("cuisinier")
    assert stem("avion") == "avion"  # « ion » is not stripped from a 2-letter root


def test_search_tokens_folds_stems_and_drops_stop_words():
    assert search_tokens("Le boulanger et la boulangerie de Nantes") == ["boulang", "nant"]
    assert search_tokens("Stage chez un COIFFEUR") == ["stag", "coif"]
    assert search_tokens("") == []
    assert search_tokens(None) == []
    assert search_tokens("de la et du") == []


def test_search_tokens_query_meets_document():
    doc = set(search_tokens("Découverte des métiers de la boulangerie-pâtisserie artisanale"))
    for query in ("boulanger", "Boulangère", "métier", "patisserie"):
        assert set(search_tokens(query)) <= doc, query


def test_index_holds_words_and_stems_and_queries_pair_them():
    assert index_tokens("Le Boulanger et la boulangerie") == ["boulanger", "boulang", "boulangerie"]
    assert query_words("les électriciens") == [("electriciens", "electricien")]
    assert query_words("boul de la") == [("boul", "boul")]


def test_stop_words_are_folded():
    assert all(w == fold(w) for w in STOP_WORDS)
