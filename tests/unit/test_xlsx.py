"""The xlsx writer (services/exports/xlsx.py): header, frozen row, autofilter, widths, real dates,
rows from dicts, tuples or a polars DataFrame, constant-memory mode."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import polars as pl
import pytest

from mystage.services.exports import xlsx

openpyxl = pytest.importorskip("openpyxl")

COLUMNS = [
    xlsx.Column("name", "Nom"),
    xlsx.Column("count", "Candidatures", "int"),
    xlsx.Column("on", "Autorisation", "date"),
    xlsx.Column("at", "Dernière activité", "datetime"),
    xlsx.Column("ratio", "Avancement", "percent"),
    xlsx.Column("ok", "Confirmé", "bool"),
]
ROWS = [
    {
        "name": "Léa Martin",
        "count": 3,
        "on": date(2026, 10, 2),
        "at": datetime(2026, 10, 5, 8, 30, tzinfo=UTC),  # 10:30 in Paris
        "ratio": 0.25,
        "ok": True,
    },
    {"name": "=SOMME(A1:A2)", "count": None, "on": None, "at": None, "ratio": 0, "ok": False},
]


def sheet(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data)).active


def test_header_freeze_autofilter_and_widths():
    ws = sheet(xlsx.write(ROWS, COLUMNS, sheet="3e A: suivi/élèves"))
    assert ws.title == "3e A suivi élèves"
    assert [c.value for c in ws[1]] == [c.header for c in COLUMNS]
    header = ws.cell(1, 1)
    assert header.font.b and header.fill.fgColor.rgb.endswith("E3E3FD")
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:F3"
    assert ws.column_dimensions["A"].width >= len("=SOMME(A1:A2)")
    assert ws.column_dimensions["B"].width >= len("Candidatures")


def test_values_dates_and_formats():
    ws = sheet(xlsx.write(ROWS, COLUMNS))
    assert ws.cell(2, 1).value == "Léa Martin"
    assert ws.cell(2, 2).value == 3
    assert ws.cell(2, 3).value == datetime(2026, 10, 2) and ws.cell(2, 3).is_date
    assert ws.cell(2, 3).number_format == "dd/mm/yyyy"
    assert ws.cell(2, 4).value == datetime(2026, 10, 5, 10, 30)  # Paris time
    assert ws.cell(2, 4).number_format == "dd/mm/yyyy hh:mm"
    assert ws.cell(2, 5).value == 0.25 and "%" in ws.cell(2, 5).number_format
    assert ws.cell(2, 6).value == "oui" and ws.cell(3, 6).value == "non"
    assert ws.cell(3, 1).value == "=SOMME(A1:A2)" and ws.cell(3, 1).data_type == "s"
    assert ws.cell(3, 2).value is None and ws.cell(3, 3).value is None


def test_tuples_polars_and_constant_memory(tmp_path):
    cols = [xlsx.Column(0, "Classe"), xlsx.Column(1, "Élèves", "int")]
    ws = sheet(xlsx.write([("3e A", 24), ("3e B", 22)], cols))
    assert [[c.value for c in r] for r in ws.iter_rows()] == [
        ["Classe", "Élèves"],
        ["3e A", 24],
        ["3e B", 22],
    ]
    frame = pl.DataFrame(
        {"classe": ["3e A"], "semaine": [date(2026, 12, 7)], "eleves": [24], "part": [0.5]}
    )
    ws = sheet(xlsx.write(frame))
    assert [c.value for c in ws[1]] == ["classe", "semaine", "eleves", "part"]
    assert ws.cell(2, 2).value == datetime(2026, 12, 7) and ws.cell(2, 2).is_date
    assert ws.cell(2, 3).value == 24
    # Streaming: a generator of many rows, written to a path in constant-memory mode.
    path = tmp_path / "gros.xlsx"
    rows = ({"name": f"Élève {i}", "count": i} for i in range(5000))
    assert xlsx.write(rows, COLUMNS[:2], path=path, constant_memory=True) is None
    ws = openpyxl.load_workbook(path, read_only=True).active
    assert ws.max_row == 5001
    data = xlsx.write(
        ({"name": "x", "count": 1} for _ in range(3)), COLUMNS[:2], constant_memory=True
    )
    assert sheet(data).max_row == 4


def test_empty_and_bad_specs():
    ws = sheet(xlsx.write([], COLUMNS))
    assert [c.value for c in ws[1]] == [c.header for c in COLUMNS] and ws.max_row == 1
    with pytest.raises(ValueError):
        xlsx.write(ROWS, [])
    with pytest.raises(ValueError):
        xlsx.write(ROWS, [xlsx.Column("name", "Nom", "couleur")])
    assert xlsx.sheet_name("") == "Feuille 1" and len(xlsx.sheet_name("x" * 50)) == 31
