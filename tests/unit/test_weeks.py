"""School years, weeks, 2de periods, labels, parsing."""

from __future__ import annotations

from datetime import date

import pytest

from mystage.services import weeks


@pytest.mark.parametrize(
    "d,year",
    [
        (date(2026, 9, 1), 2026),
        (date(2026, 8, 31), 2025),
        (date(2027, 1, 15), 2026),
        (date(2027, 6, 30), 2026),
    ],
)
def test_school_year_of(d, year):
    assert weeks.school_year_of(d) == year


def test_weeks_of_school_year():
    w = weeks.weeks_of_school_year(2026)
    assert w[0] == date(2026, 8, 31)  # 1 Sept 2026 is a Tuesday: its week
    assert w[-1] == date(2027, 6, 28)  # week of Wednesday 30 June 2027
    assert all(m.weekday() == 0 for m in w)
    assert all(b - a == w[1] - w[0] for a, b in zip(w, w[1:], strict=False))
    # 1 Sept 2029 is a Saturday: the first week is the next one.
    assert weeks.weeks_of_school_year(2029)[0] == date(2029, 9, 3)
    assert weeks.weeks_of_school_year(2025)[0] == date(2025, 9, 1)


def test_active_school_year_switches_in_summer():
    assert weeks.active_school_year(date(2027, 6, 20)) == 2026
    assert weeks.active_school_year(date(2027, 7, 10)) == 2027
    assert weeks.active_school_year(date(2026, 10, 5)) == 2026


def test_seconde_periods():
    assert weeks.seconde_periods(2025) == {"week1": date(2026, 6, 15), "week2": date(2026, 6, 22)}
    # Other years: the two last Monday–Friday weeks fully in June.
    assert weeks.seconde_periods(2026) == {"week1": date(2027, 6, 14), "week2": date(2027, 6, 21)}
    assert weeks.seconde_periods(2027) == {"week1": date(2028, 6, 19), "week2": date(2028, 6, 26)}
    assert weeks.seconde_weeks(2025, "both") == [date(2026, 6, 15), date(2026, 6, 22)]
    assert weeks.seconde_weeks(2025, "week2") == [date(2026, 6, 22)]
    assert weeks.seconde_weeks(2025, "") == []
    assert weeks.upcoming_seconde_year(date(2026, 6, 24)) == 2025
    assert weeks.upcoming_seconde_year(date(2026, 6, 27)) == 2026


@pytest.mark.parametrize(
    "monday,label",
    [
        (date(2027, 1, 11), "Semaine du 11 au 15 janvier 2027"),
        (date(2026, 6, 29), "Semaine du 29 juin au 3 juillet 2026"),
        (date(2026, 12, 28), "Semaine du 28 décembre 2026 au 1er janvier 2027"),
        (date(2027, 2, 1), "Semaine du 1er au 5 février 2027"),
    ],
)
def test_week_label(monday, label):
    assert weeks.week_label(monday) == label


def test_other_labels():
    assert weeks.date_label(date(2027, 3, 1)) == "1er mars 2027"
    assert weeks.date_label(None) == ""
    assert weeks.period_label(date(2027, 1, 11), date(2027, 2, 1)) == "Du 11 janv. au 5 févr. 2027"
    assert (
        weeks.period_label(date(2026, 12, 14), date(2027, 1, 4))
        == "Du 14 déc. 2026 au 8 janv. 2027"
    )


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("2027-01-11", date(2027, 1, 11)),
        ("2027-01-13", date(2027, 1, 11)),  # any day → its Monday
        ("2027-W02", date(2027, 1, 11)),
        ("2027w02", date(2027, 1, 11)),
        ("2026-W53", date(2026, 12, 28)),
        ("2027-W53", None),  # 2027 has 52 ISO weeks
        ("2027-02-30", None),
        ("11/01/2027", None),
        ("", None),
        (None, None),
        (42, None),
    ],
)
def test_parse_week(raw, expected):
    assert weeks.parse_week(raw) == expected


def test_shift_to_next_year():
    assert weeks.shift_to_next_year(date(2026, 11, 16)) == date(2027, 11, 22)  # W47
    assert weeks.shift_to_next_year(date(2027, 1, 11)) == date(2028, 1, 10)  # W02
    assert weeks.shift_to_next_year(date(2026, 12, 28)) == date(2027, 12, 27)  # W53 → W52
