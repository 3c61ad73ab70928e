"""Password hashing (argon2id via libpass) and password rules."""

from __future__ import annotations

import pytest

from mystage.services.accounts import passwords


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


def test_unknown_account_costs_one_real_check(monkeypatch):
    """An unknown account (no hash, junk hash) runs argon2 with the production parameters,
    like a real account, so the answer's timing does not tell whether it exists.  Counted,
    not timed: timings belong in bench/, not in tests."""
    ctx = passwords._ctx()
    checked: list[str] = []
    real_verify = ctx.verify

    def counting_verify(secret, hash_):
        checked.append(hash_)
        return real_verify(secret, hash_)

    monkeypatch.setattr(ctx, "verify", counting_verify)
    real = passwords.hash_password("mesure du coût 2025")
    assert not passwords.verify_password("mauvais mot de passe", real)
    assert not passwords.verify_password("mauvais mot de passe", None)
    assert not passwords.verify_password("mauvais mot de passe", "pas-un-hash")
    passwords.verify_dummy("échauffement")
    assert len(checked) == 4
    params = real.split("$")[3]
    assert params == "m=19456,t=5,p=1"
    assert all(h.split("$")[3] == params for h in checked)  # same cost every time


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
        (("Stage au bord de la Loire : les hérons guettent les barques du soir. " * 2)[:128], None),
    ],
)
def test_password_error(pw, expected):
    if expected is None and len(pw) > 100:
        assert len(pw) == passwords.MAX_LENGTH
    assert passwords.password_error(pw) == expected


# Issue 12: common passwords and walks on French keyboards (with digits, years, symbols).
FRENCH_WEAK = [
    "azertyuiop1234",
    "AZERTYUIOP1234",
    "1234azertyuiop",
    "azertyuiop2012",
    "qsdfghjklm2024",
    "qsdfghjklm!!",
    "wxcvbn123456",
    "azerty2026!!",
    "poiuytreza12",
    "mlkjhgfdsq2010",
    "aqwzsxedcrfv",
    "azeqsdwxc123",
    "motdepasse2024",
    "motdepasse!123",
    "jetaime2012!",
    "Marseille2013!",
    "chocolat12345",
    "soleilsoleil12",
    "P@ssw0rd2024!",
    "m0td3p@ss3!!",
    "mystage2026!!",
    "stage2026stage",
    "eleve2026eleve",
]


@pytest.mark.parametrize("pw", FRENCH_WEAK)
def test_weak_french_passwords_are_refused_in_french(pw):
    error = passwords.password_error(pw)
    assert error is not None and error.startswith("Ce mot de passe est trop facile à deviner : ")
    assert "Choisissez plutôt une phrase" in error


@pytest.mark.parametrize(
    ("pw", "words"),
    [
        ("azertyuiop1234", "touches voisines du clavier"),
        ("qsdfghjklm2024", "touches voisines du clavier"),
        ("azeqsdwxc123", "touches voisines du clavier"),
        ("motdepasse2024", "mot de passe très courant"),
        ("motdepasse2024", "une année"),
        ("P@ssw0rd2024!", "lettres remplacées par des chiffres"),
        ("soleilsoleil12", "répète"),
    ],
)
def test_refusals_say_why(pw, words):
    assert words in passwords.password_error(pw)


def test_the_persons_names_and_address_are_refused():
    inputs = ("Inès", "Martin", "ines.martin@exemple.fr", "06 12 34 56 78")
    for pw in ("ines.martin2012", "InesMartin2012!", "0612345678ines", "Martin.Ines!!"):
        error = passwords.password_error(pw, user_inputs=inputs)
        assert error is not None and "votre nom, votre adresse" in error, pw
    assert passwords.password_error("un stage au bord de la Loire", user_inputs=inputs) is None


@pytest.mark.parametrize(
    "pw",
    [
        "un stage à la boulangerie",
        "girafe nuage tambour",
        "le chat de ma voisine ronfle",
        "Correct-Horse-Battery",
        "Jaime les frites",
        "mot de passe administrateur 42",
        "stage-demo-2026",  # the demo password stays valid
        "Xk7!pq2mZr4w",
    ],
)
def test_real_passphrases_are_accepted(pw):
    assert passwords.password_error(pw, user_inputs=("Léo", "Petit", "leo@exemple.fr")) is None


def test_pathological_inputs_do_not_crash():
    for pw in ("@4$5!1|7(0" * 12, "ab" * 64, "é" * 128, "\x00" * 20, "🙂" * 30, "a1!" * 40):
        result = passwords.password_error(pw, user_inputs=(None, 3, "", "x"))
        assert result is None or isinstance(result, str)


def test_message_is_french():
    assert passwords.password_error("abc") == (
        "Le mot de passe doit contenir au moins 12 caractères."
    )
