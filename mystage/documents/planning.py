"""The weekly planning template (``planning-semaine-stage.xlsx``): Monday to Friday ×
morning / afternoon, printable on one A4 landscape page."""

from __future__ import annotations

import io
from datetime import datetime

from mystage.documents.files import BLUE
from mystage.documents.typography import french_spaces

DAYS = ("Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi")
HALVES = ("Matin", "Après-midi")
COLUMNS = (
    ("Jour", 11),
    ("Demi-journée", 12),
    ("Horaires", 13),
    ("Activités observées", 42),
    ("Personnes rencontrées (nom, métier)", 32),
    ("Lieu ou service", 22),
    ("Notes de l'élève (pour le rapport de stage)", 34),
)


def planning_xlsx() -> bytes:
    """The weekly planning template as .xlsx bytes (A4 landscape, one page)."""
    import xlsxwriter  # only needed when generating

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    wb.set_properties(
        {
            "title": "Planning de la semaine de stage d'observation",
            "subject": "Modèle de planning pour l'accueil d'un élève",
            "author": "MyStage",
            "comments": "Modèle libre de réutilisation, généré par mystage/documents.py",
            "created": datetime(2026, 1, 1),  # fixed: the file only changes with its content
        }
    )
    base = {"font_name": "Arial", "font_size": 10, "valign": "top", "text_wrap": True}
    title = wb.add_format(
        {**base, "bold": True, "font_size": 15, "font_color": BLUE, "valign": "vcenter"}
    )
    intro = wb.add_format({**base, "italic": True, "font_color": "#3a3a3a"})
    label = wb.add_format({**base, "bold": True, "valign": "vcenter"})
    blank = wb.add_format({**base, "bottom": 1, "bottom_color": "#999999", "valign": "vcenter"})
    header = wb.add_format(
        {
            **base,
            "bold": True,
            "font_color": "#FFFFFF",
            "bg_color": BLUE,
            "border": 1,
            "border_color": "#FFFFFF",
            "align": "center",
            "valign": "vcenter",
        }
    )
    day_fmt = wb.add_format(
        {**base, "bold": True, "bg_color": "#E3E3FD", "border": 1, "valign": "vcenter"}
    )
    half_fmt = wb.add_format({**base, "bg_color": "#F6F6F6", "border": 1, "valign": "vcenter"})
    cell = wb.add_format({**base, "border": 1})
    bilan_fmt = wb.add_format({**base, "bold": True, "font_color": BLUE})

    ws = wb.add_worksheet("Planning")
    last_col = len(COLUMNS) - 1
    for col, (_name, width) in enumerate(COLUMNS):
        ws.set_column(col, col, width)

    ws.set_row(0, 24)
    ws.merge_range(0, 0, 0, last_col, "Planning de la semaine de stage d'observation", title)
    ws.merge_range(
        1,
        0,
        1,
        last_col,
        french_spaces(
            "À préparer par la structure d'accueil avant l'arrivée de l'élève et à lui remettre le "
            "premier jour. Variez les services et les métiers observés. Rappel : 7 heures par jour "
            "et 35 heures par semaine au plus, jamais avant 6 h ni après 20 h, une pause d'au moins "
            "30 minutes au-delà de 4 h 30 de présence."
        ),
        intro,
    )
    ws.set_row(1, 42)
    infos = (
        ("Élève", "Classe et établissement"),
        ("Structure d'accueil", "Adresse du lieu de stage"),
        ("Tuteur (nom, téléphone)", "Semaine du … au …"),
    )
    row = 2
    for left, right in infos:
        ws.set_row(row, 20)
        ws.merge_range(row, 0, row, 1, left, label)
        ws.merge_range(row, 2, row, 3, "", blank)
        ws.write(row, 4, right, label)
        ws.merge_range(row, 5, row, last_col, "", blank)
        row += 1

    row += 1
    header_row = row
    ws.set_row(header_row, 30)
    for col, (name, _width) in enumerate(COLUMNS):
        ws.write(header_row, col, name, header)
    row += 1
    first_data = row
    for day in DAYS:
        ws.merge_range(row, 0, row + 1, 0, day, day_fmt)
        for i, half in enumerate(HALVES):
            ws.set_row(row + i, 48)
            ws.write(row + i, 1, half, half_fmt)
            for col in range(2, len(COLUMNS)):
                ws.write_blank(row + i, col, None, cell)
        row += 2
    last_data = row - 1

    row += 1
    ws.write(row, 0, "Bilan de la semaine (le vendredi, avec l'élève)", bilan_fmt)
    row += 1
    ws.merge_range(row, 0, row + 2, last_col, "", cell)
    last_row = row + 2

    ws.freeze_panes(header_row + 1, 0)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.center_horizontally()
    ws.fit_to_pages(1, 1)
    ws.repeat_rows(header_row)
    ws.print_area(0, 0, last_row, last_col)
    ws.set_header("&L&8MyStage&R&8Planning de stage d'observation")
    ws.set_footer("&C&8Page &P sur &N")
    ws.data_validation(
        first_data,
        2,
        last_data,
        2,
        {
            "validate": "length",
            "criteria": "<=",
            "value": 40,
            "input_title": "Horaires",
            "input_message": "Par exemple : 9 h – 12 h",
            "ignore_blank": True,
        },
    )
    ws.activate()
    wb.close()
    return buf.getvalue()
