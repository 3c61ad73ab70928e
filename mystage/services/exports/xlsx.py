"""Writing xlsx files, for every export: bold header on a light-blue fill, header row frozen,
autofilter over the data, dates and times written as real Excel dates in French format
(``jj/mm/aaaa``), aware datetimes shown in Paris time, text never read as a formula or a link.

Two writers share the styles (:func:`header_format`):

- :func:`write` (school tables): rows as dicts, tuples or a polars DataFrame, column specs
  :class:`Column`, column widths from the content; returns the file as bytes (or writes it
  to ``path``).  Large files: pass ``constant_memory=True`` (xlsxwriter then streams each
  row to disk as soon as the next one starts, so memory stays flat whatever the row count)
  and a ``path``; rows may be any iterator (a SQL result, ``DataFrame.iter_rows()``).
  Widths are computed from the first :data:`WIDTH_SAMPLE` rows only, so the rows are never
  all held at once.
- :func:`write_xlsx` (the « Exporter » files): rows as sequences in column order, column
  specs :class:`Col` with fixed widths, always streamed, with progress callbacks.
"""

from __future__ import annotations

import io
import itertools
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import xlsxwriter

from mystage import clock

WIDTH_SAMPLE = 1000
MIN_WIDTH = 6
MAX_WIDTH = 60
HEADER_FILL = "#E3E3FD"  # light blue of the public-service palette
HEADER_FONT = "#000091"
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
KINDS = ("text", "int", "number", "date", "datetime", "percent", "bool")
_BAD_SHEET_CHARS = str.maketrans({c: " " for c in "[]:*?/\\"})
PROGRESS_EVERY = 5_000  # rows between two progress updates of a background export


def header_format(wb: xlsxwriter.Workbook) -> Any:
    """The header cells' format: bold, dark blue on light blue, bordered, wrapped."""
    return wb.add_format(
        {
            "bold": True,
            "bg_color": HEADER_FILL,
            "font_color": HEADER_FONT,
            "border": 1,
            "text_wrap": True,
            "valign": "top",
        }
    )


@dataclass(frozen=True)
class Column:
    """One column: ``key`` (dict key, or position for tuples), French ``header``, ``kind``
    (text, int, number, date, datetime, percent — a 0..1 ratio —, bool → « oui »/« non »)
    and an optional fixed ``width`` (characters)."""

    key: str | int
    header: str
    kind: str = "text"
    width: float | None = None


def columns_of_frame(frame: Any) -> list[Column]:
    """Column specs guessed from a polars DataFrame's names and dtypes."""
    import polars as pl

    out = []
    for name, dtype in frame.schema.items():
        if dtype == pl.Date:
            kind = "date"
        elif isinstance(dtype, pl.Datetime) or dtype == pl.Datetime:
            kind = "datetime"
        elif dtype == pl.Boolean:
            kind = "bool"
        elif dtype.is_integer():
            kind = "int"
        elif dtype.is_float():
            kind = "number"
        else:
            kind = "text"
        out.append(Column(name, name, kind))
    return out


def sheet_name(name: str) -> str:
    """A valid worksheet name (31 characters, none of ``[]:*?/\\``)."""
    clean = " ".join(str(name or "").translate(_BAD_SHEET_CHARS).split()).strip("'")
    return clean[:31] or "Feuille 1"


def _naive_paris(value: datetime) -> datetime:
    if value.tzinfo is not None:
        value = clock.paris(value).replace(tzinfo=None)
    return value


def _cell(value: Any, kind: str) -> Any:
    """The value as written (None → empty cell)."""
    if value is None or value == "":
        return None
    if kind == "bool":
        return "oui" if value else "non"
    if kind == "datetime":
        if isinstance(value, datetime):
            return _naive_paris(value)
        if isinstance(value, date):
            return datetime(value.year, value.month, value.day)
        return str(value)
    if kind == "date":
        if isinstance(value, datetime):
            return _naive_paris(value).date()
        return value if isinstance(value, date) else str(value)
    if kind in ("int", "number", "percent"):
        return value if isinstance(value, int | float) and not isinstance(value, bool) else None
    return str(value)


def _shown_width(value: Any, kind: str) -> int:
    if value is None:
        return 0
    if kind == "date":
        return 10
    if kind == "datetime":
        return 16
    if kind == "percent":
        return 6
    if isinstance(value, float):
        return len(f"{value:.2f}")
    text = str(value)
    return max((len(line) for line in text.splitlines()), default=0)


def _getter(col: Column):
    key = col.key

    def get(row: Any) -> Any:
        if isinstance(row, Mapping):
            return row.get(key)
        if isinstance(key, int) and isinstance(row, Sequence) and not isinstance(row, str):
            return row[key] if key < len(row) else None
        return getattr(row, str(key), None)

    return get


def write(
    rows: Iterable[Any] | Any,
    columns: Sequence[Column] | None = None,
    *,
    sheet: str = "Feuille 1",
    path: str | os.PathLike | None = None,
    constant_memory: bool = False,
) -> bytes | None:
    """Write ``rows`` as one worksheet.  ``rows`` may be a polars DataFrame (columns then
    default to its schema) or any iterable of dicts / tuples / objects.  Returns the file's
    bytes, or None when written to ``path``."""
    if hasattr(rows, "iter_rows") and hasattr(rows, "schema"):  # polars DataFrame
        if columns is None:
            columns = columns_of_frame(rows)
        rows = rows.iter_rows(named=all(isinstance(c.key, str) for c in columns))
    if not columns:
        raise ValueError("Aucune colonne à exporter.")
    for col in columns:
        if col.kind not in KINDS:
            raise ValueError(f"Type de colonne inconnu : {col.kind}")

    tmp_path: str | None = None
    if path is not None:
        target: Any = str(path)
        options = {"constant_memory": constant_memory}
    elif constant_memory:
        fd, tmp_path = tempfile.mkstemp(suffix=".xlsx")
        os.close(fd)
        target = tmp_path
        options = {"constant_memory": True}
    else:
        target = io.BytesIO()
        options = {"in_memory": True}
    options["strings_to_formulas"] = False  # a cell starting with « = » stays text
    options["strings_to_urls"] = False

    try:
        _write_book(target, options, rows, list(columns), sheet)
        if path is not None:
            return None
        if tmp_path is not None:
            return Path(tmp_path).read_bytes()
        return target.getvalue()
    finally:
        if tmp_path is not None:
            Path(tmp_path).unlink(missing_ok=True)


def _write_book(target: Any, options: dict, rows: Iterable[Any], columns: list[Column], sheet):
    wb = xlsxwriter.Workbook(target, options)
    try:
        ws = wb.add_worksheet(sheet_name(sheet))
        header = header_format(wb)
        formats = {
            "date": wb.add_format({"num_format": DATE_FORMAT}),
            "datetime": wb.add_format({"num_format": DATETIME_FORMAT}),
            "percent": wb.add_format({"num_format": "0 %"}),
            "int": wb.add_format({"num_format": "0"}),
            "number": wb.add_format({"num_format": "0.00"}),
        }
        getters = [_getter(c) for c in columns]
        iterator: Iterator[Any] = iter(rows)
        sample = list(itertools.islice(iterator, WIDTH_SAMPLE))
        widths = [
            max(MIN_WIDTH, min(MAX_WIDTH, len(c.header) + 2)) if c.width is None else c.width
            for c in columns
        ]
        for row in sample:
            for i, (col, get) in enumerate(zip(columns, getters, strict=True)):
                if col.width is None:
                    w = _shown_width(_cell(get(row), col.kind), col.kind) + 2
                    widths[i] = max(widths[i], min(MAX_WIDTH, w))
        for i, w in enumerate(widths):
            ws.set_column(i, i, w)
        # Row 0: header (frozen), then the data.
        for i, col in enumerate(columns):
            ws.write_string(0, i, col.header, header)
        ws.freeze_panes(1, 0)
        r = 0
        for r, row in enumerate(itertools.chain(sample, iterator), start=1):
            for i, (col, get) in enumerate(zip(columns, getters, strict=True)):
                value = _cell(get(row), col.kind)
                if value is None:
                    continue
                if isinstance(value, datetime):
                    ws.write_datetime(r, i, value, formats["datetime"])
                elif isinstance(value, date):
                    ws.write_datetime(
                        r, i, datetime(value.year, value.month, value.day), formats["date"]
                    )
                elif isinstance(value, bool):
                    ws.write_string(r, i, "oui" if value else "non")
                elif isinstance(value, int | float):
                    ws.write_number(r, i, value, formats.get(col.kind))
                else:
                    ws.write_string(r, i, value)
        ws.autofilter(0, 0, max(r, 1), len(columns) - 1)
    finally:
        wb.close()


# --- the streaming writer of the « Exporter » files ----------------------------------------

TEXT, INT, NUMBER, DATE, DATETIME, PERCENT = "text", "int", "number", "date", "datetime", "percent"
_KIND = {k: k for k in (TEXT, INT, NUMBER, DATE, DATETIME, PERCENT)}  # canonical objects


@dataclass(frozen=True)
class Col:
    """One column: French ``header``, ``kind`` (text, int, number, date, datetime, percent:
    a 0..1 ratio) and ``width`` in characters."""

    header: str
    kind: str = TEXT
    width: float = 14


def write_xlsx(
    target: Any,
    sheet: str,
    columns: Sequence[Col],
    rows: Iterable[Sequence[Any]],
    *,
    constant_memory: bool = True,
    progress: Callable[[int], None] | None = None,
    every: int | None = None,
) -> int:
    """Write ``rows`` (sequences in column order) as one worksheet into ``target`` (a path,
    or a BytesIO with ``constant_memory=False``); returns the number of data rows.

    Values: None and "" leave the cell empty; text cells are written as text (never a
    formula or a link); aware datetimes are shown in Paris time."""
    options: dict[str, Any] = {
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
    }
    if constant_memory:
        options["constant_memory"] = True
    else:
        options["in_memory"] = True
    wb = xlsxwriter.Workbook(target, options)
    n = 0
    try:
        ws = wb.add_worksheet(sheet[:31])
        header = header_format(wb)
        f_date = wb.add_format({"num_format": DATE_FORMAT})
        f_dt = wb.add_format({"num_format": DATETIME_FORMAT})
        f_pct = wb.add_format({"num_format": "0.0 %"})
        f_num = wb.add_format({"num_format": "0.00"})
        for i, col in enumerate(columns):
            ws.set_column(i, i, col.width)
            ws.write_string(0, i, col.header, header)
        ws.freeze_panes(1, 0)
        kinds = [_KIND[c.kind] for c in columns]  # the constants themselves: `is` below
        ws_string, ws_number, ws_datetime = ws.write_string, ws.write_number, ws.write_datetime
        paris = clock.PARIS
        every = max(1, every or PROGRESS_EVERY)
        next_progress = every
        for n, row in enumerate(rows, start=1):
            for i, v in enumerate(row):
                if v is None or v == "":
                    continue
                k = kinds[i]
                if k is TEXT:
                    ws_string(n, i, v if v.__class__ is str else str(v))
                elif k is INT:
                    ws_number(n, i, v)
                elif k is DATETIME:
                    if v.tzinfo is not None:
                        v = v.astimezone(paris).replace(tzinfo=None)
                    ws_datetime(n, i, v, f_dt)
                elif k is DATE:
                    ws_datetime(n, i, v, f_date)
                elif k is PERCENT:
                    ws_number(n, i, v, f_pct)
                else:
                    ws_number(n, i, v, f_num)
            if progress is not None and n >= next_progress:
                progress(n)
                next_progress = n + every
        ws.autofilter(0, 0, max(n, 1), len(columns) - 1)
    finally:
        wb.close()
    if progress is not None:
        progress(n)
    return n
