"""SIRET: 14 digits, Luhn key, La Poste exception."""

from __future__ import annotations

import pytest

from mystage.services.siret import MSG_KEY, MSG_LENGTH, normalize_siret, siret_error


@pytest.mark.parametrize(
    "raw",
    [
        "73282932000074",  # a real SIRET
        "732 829 320 00074",
        " 732.829.320-00074 ",
        "35600000000048",  # La Poste head office: Luhn OK
        "35600000049837",  # La Poste establishment: Luhn KO, digit sum multiple of 5
    ],
)
def test_valid(raw):
    assert siret_error(raw) is None


@pytest.mark.parametrize(
    "raw,message",
    [
        ("", MSG_LENGTH),
        ("7328293200007", MSG_LENGTH),
        ("732829320000745", MSG_LENGTH),
        ("7328293200007A", MSG_LENGTH),
        ("７３２８２９３２０００７４", MSG_LENGTH),  # full-width digits are not ASCII digits
        ("73282932000075", MSG_KEY),
        ("35600000012345", MSG_KEY),  # La Poste SIREN but digit sum not a multiple of 5
        ("12345678900000", MSG_KEY),
    ],
)
def test_invalid(raw, message):
    assert siret_error(raw) == message


def test_none_and_normalize():
    assert siret_error(None) == MSG_LENGTH
    assert normalize_siret(" 732 829 320 00074 ") == "73282932000074"
    assert normalize_siret(None) == ""
