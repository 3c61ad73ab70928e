"""The convention's timetable against the rules for minors (issue 14, first part): each rule
refused on the day that breaks it with a French message naming the rule, nothing else
flagged, hostile and malformed input answered without raising."""

from __future__ import annotations

import pytest

from mystage.services.conventions import check_timetable, duration_label

WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi")


def day(start="9:00", end="17:00", bs="12:00", be="13:00") -> dict:
    return {"start": start, "end": end, "break_start": bs, "break_end": be}


def week(**changes) -> dict:
    """Monday to Friday 9 h–17 h with lunch 12 h–13 h (7 h a day, 35 h), then ``changes``."""
    timetable = {d: day() for d in WEEKDAYS}
    timetable.update(changes)
    return timetable


def test_a_regular_week_passes_and_comes_back_clean():
    clean, errors = check_timetable(week(lundi=day("9h", "17h", "12h", "13h")))
    assert errors == {}
    assert clean["lundi"] == day("09:00", "17:00", "12:00", "13:00")
    assert clean["samedi"] == {"start": "", "end": "", "break_start": "", "break_end": ""}


def test_more_than_7_hours_is_refused_on_that_day_only():
    # 8 h on Tuesday, 6 h on Monday: 35 h in the week, only Tuesday breaks a rule.
    _, errors = check_timetable(week(lundi=day("9:00", "16:00"), mardi=day("8:30", "17:30")))
    assert set(errors) == {"mardi"}
    assert errors["mardi"].startswith("Mardi : 8 h de présence")
    assert "au plus 7 h de présence par jour" in errors["mardi"]


def test_no_presence_before_6_or_after_20():
    _, errors = check_timetable(week(lundi=day("5:30", "11:00", "", "")))
    assert "dès 5 h 30" in errors["lundi"] and "ni avant 6 h ni après 20 h" in errors["lundi"]
    _, errors = check_timetable(week(jeudi=day("14:00", "20:30", "17:00", "17:30")))
    assert set(errors) == {"jeudi"} and "jusqu'à 20 h 30" in errors["jeudi"]


def test_a_break_is_due_after_4_h_30():
    _, errors = check_timetable(week(mercredi=day("9:00", "14:00", "", "")))  # 5 h straight
    assert errors["mercredi"].startswith("Mercredi : 5 h de présence sans pause")
    _, errors = check_timetable(week(mercredi=day("8:00", "12:30", "", "")))  # 4 h 30: fine
    assert errors == {}


def test_the_break_lasts_30_minutes_once_it_is_due():
    _, errors = check_timetable(week(vendredi=day("9:00", "15:00", "12:00", "12:20")))
    assert "pause de 20 minutes" in errors["vendredi"]
    # A short pause in a short day breaks no rule.
    _, errors = check_timetable(week(vendredi=day("9:00", "12:00", "10:30", "10:40")))
    assert errors == {}


def test_35_hours_a_week_or_the_schools_lower_limit():
    _, errors = check_timetable(week(samedi=day("9:00", "11:00", "", "")))  # 37 h
    assert errors["semaine"].startswith("37 h de présence dans la semaine")
    _, errors = check_timetable(week(), week_max_hours=30)
    assert "au plus 30 h par semaine (modèle de convention de l'établissement)" in errors["semaine"]
    _, errors = check_timetable(week(), week_max_hours=40)  # never above the law's 35 h
    assert errors == {}


def test_two_consecutive_days_of_rest():
    six_days = {d: day("9:00", "14:00", "11:30", "12:00") for d in (*WEEKDAYS, "samedi")}
    _, errors = check_timetable(six_days)  # 27 h, but only Sunday off
    assert set(errors) == {"repos"} and "L. 3164-2" in errors["repos"]
    tuesday_to_saturday = {
        d: day("9:00", "14:00", "11:30", "12:00")
        for d in ("mardi", "mercredi", "jeudi", "vendredi", "samedi")
    }
    assert check_timetable(tuesday_to_saturday)[1] == {}  # Sunday and Monday off


@pytest.mark.parametrize(
    "bad, message",
    [
        (day("25:00", "17:00"), "heure invalide"),
        (day("9:00", ""), "l'heure d'arrivée et l'heure de départ"),
        (day("17:00", "9:00", "", ""), "doit suivre"),
        (day("9:00", "17:00", "12:00", ""), "le début et la fin de la pause"),
        (day("9:00", "17:00", "8:00", "9:30"), "commencer après l'arrivée"),
    ],
)
def test_unreadable_days_are_explained_and_typed_values_kept(bad, message):
    clean, errors = check_timetable(week(jeudi=bad))
    assert set(errors) == {"jeudi"} and message in errors["jeudi"]
    assert clean["jeudi"]["start"] in (bad["start"], "09:00", "17:00")


def test_an_empty_week_is_refused():
    assert check_timetable({})[1] == {"semaine": "Indiquez les horaires d'au moins un jour."}


@pytest.mark.parametrize(
    "hostile",
    [
        None,
        [],
        "lundi",
        {"lundi": ["9:00"]},
        {"lundi": {"start": 9, "end": None}},
        {"lundi": {"start": "<img src=x onerror=alert(1)>", "end": "${7*7}"}},
        {"lundi": {"start": "=1+1", "end": "`17:00`"}},
        {"lundi": day("9:00", "9" * 5000)},
        {"inconnu": day(), "lundi": day()},
    ],
)
def test_hostile_input_never_raises(hostile):
    clean, errors = check_timetable(hostile)
    assert set(clean) == {"lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"}
    assert all(len(v) <= 10 for d in clean.values() for v in d.values())
    assert isinstance(errors, dict)


def test_duration_labels():
    assert [duration_label(m) for m in (20, 60, 420, 450, 485)] == [
        "20 minutes",
        "1 h",
        "7 h",
        "7 h 30",
        "8 h 05",
    ]
