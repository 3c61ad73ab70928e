"""Password hashing (argon2id via libpass) and password rules."""

from __future__ import annotations

import time

import pytest

from mystage.services import passwords


@pytest.fixture(autouse=True)
def normal_cost():
    """These tests check the production parameters, whatever PASSWORD_HASH_FAST says."""
    passwords.use_fast_hashing(False)
    yield
    passwords.use_fast_hashing(None)


def test_hash_is_argon2id_with_production_parameters():
    h = passwords.hash_password("un mot de passe solide")
    assert h.startswith("$argon2id$v=19$m=19456,t=5,p=1$")
    assert "un mot de passe solide" not in h
    assert passwords.hash_password("un mot de passe solide") != h  # random salt


def test_verify_right_and_wrong():
    h = passwords.hash_password("Correct-Horse-Battery")
    assert passwords.verify_password("Correct-Horse-Battery", h)
    assert not passwords.verify_password("correct-horse-battery", h)
    assert not passwords.verify_password("", h)
    assert not passwords.verify_password(None, h)


def test_verify_handles_missing_or_junk_hash():
    assert not passwords.verify_password("peu importe 123", None)
    assert not passwords.verify_password("peu importe 123", "")
    assert not passwords.verify_password("peu importe 123", "pas-un-hash")
    assert not passwords.verify_password("peu importe 123", "$argon2id$v=19$m=abc")


def test_unicode_is_normalised():
    composed = "élève-stagiaire-2025"
    decomposed = "e\u0301le\u0300ve-stagiaire-2025"
    h = passwords.hash_password(composed)
    assert passwords.verify_password(decomposed, h)


def test_cost_is_moderate_and_dummy_costs_the_same():
    h = passwords.hash_password("mesure du temps 2025")
    passwords.verify_dummy("échauffement")
    t0 = time.perf_counter()
    passwords.verify_password("mauvais mot de passe", h)
    real = time.perf_counter() - t0
    t0 = time.perf_counter()
    passwords.verify_password("mauvais mot de passe", None)
    dummy = time.perf_counter() - t0
    assert 0.01 < real < 1.0
    assert dummy > real / 3  # an unknown account costs a real check too


def test_needs_rehash():
    h = passwords.hash_password("paramètres actuels")
    assert not passwords.needs_rehash(h)
    assert passwords.needs_rehash(None)
    assert passwords.needs_rehash("inconnu")
    passwords.use_fast_hashing(True)
    weak = passwords.hash_password("paramètres faibles")
    assert "m=8,t=1" in weak
    passwords.use_fast_hashing(False)
    assert passwords.needs_rehash(weak)
    assert passwords.verify_password("paramètres faibles", weak)  # still readable


def test_fast_hashing_env(monkeypatch):
    monkeypatch.setenv("PASSWORD_HASH_FAST", "1")
    passwords.use_fast_hashing(None)
    assert "m=8,t=1" in passwords.hash_password("rapide pour les tests")
    monkeypatch.delenv("PASSWORD_HASH_FAST")
    passwords.use_fast_hashing(None)
    assert "m=19456,t=5" in passwords.hash_password("coût normal")


@pytest.mark.parametrize(
    ("pw", "expected"),
    [
        ("", passwords.MSG_TOO_SHORT),
        (None, passwords.MSG_TOO_SHORT),
        ("court", passwords.MSG_TOO_SHORT),
        ("onzecaracte", passwords.MSG_TOO_SHORT),
        ("x" * 129, passwords.MSG_TOO_LONG),
        ("azertyuiop123", passwords.MSG_TOO_COMMON),
        ("MotDePasse123", passwords.MSG_TOO_COMMON),
        ("123456789012", passwords.MSG_TOO_COMMON),
        ("aaaaaaaaaaaa", passwords.MSG_TOO_COMMON),
        ("abababababab", passwords.MSG_TOO_COMMON),
        ("douzecaractè", None),
        ("Un stage chez le boulanger !", None),
        ("Stage-" + "y" * 121 + "z", None),
    ],
)
def test_password_error(pw, expected):
    assert passwords.password_error(pw) == expected


def test_message_is_french():
    assert passwords.password_error("abc") == (
        "Le mot de passe doit contenir au moins 12 caractères."
    )
