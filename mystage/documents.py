"""The downloadable documents of the public pages, generated once and committed.

    python -m mystage.documents            # writes both files into assets/documents/
    python -m mystage.documents --check    # regenerates in memory and checks them

- ``modele-convention-stage-observation.rtf``: a convention model (RTF written by hand:
  ASCII only, every accented letter as a ``\\uN`` escape followed by its Windows-1252
  fallback ``\\'hh``, A4 portrait, 2 cm margins).
- ``planning-semaine-stage.xlsx``: a weekly planning template (xlsxwriter), Monday to
  Friday × morning / afternoon, printable on one A4 landscape page.

Reflex serves ``assets/`` at the site root, so the pages link to ``/documents/<name>``.
"""

from __future__ import annotations

import io
import re
import sys
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "assets" / "documents"

CONVENTION_FILE = "modele-convention-stage-observation.rtf"
PLANNING_FILE = "planning-semaine-stage.xlsx"
CONVENTION_URL = f"/documents/{CONVENTION_FILE}"
PLANNING_URL = f"/documents/{PLANNING_FILE}"

BLUE = "#000091"


def file_size_label(name: str) -> str:
    """« 12 ko » for a generated file, or "" when it is missing (the page still builds)."""
    path = OUT_DIR / name
    if not path.exists():
        return ""
    kb = max(1, round(path.stat().st_size / 1024))
    return f"{kb} ko"


# --- French typography -----------------------------------------------------------------------

_SPACE_RULES = (
    (re.compile(r"« "), "«\u00a0"),
    (re.compile(r" »"), "\u00a0»"),
    (re.compile(r" ([:;!?])"), "\u00a0\\1"),
    (re.compile(r"(\d) (?=[\w(%])"), "\\1\u00a0"),  # « 15 jours », « 20 h », « 75342 Paris »
    (re.compile(r"(?<=\d\u00a0h) (?=\d)"), "\u00a0"),  # « 4 h 30 »
)


def french_spaces(text: str) -> str:
    """Non-breaking spaces where French typography wants them, so that a « ? », a « : »
    or a closing guillemet never starts a line, and a number stays with its unit."""
    for pattern, repl in _SPACE_RULES:
        text = pattern.sub(repl, text)
    return text


# --- RTF -------------------------------------------------------------------------------------

TEXT_WIDTH = 9638  # twips: 21 cm - 2 × 2 cm


def rtf_escape(text: str) -> str:
    """Plain text to RTF: braces and backslashes escaped, non-ASCII as ``\\uN\\'hh``."""
    out: list[str] = []
    for ch in french_spaces(text):
        code = ord(ch)
        if ch in "\\{}":
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\line ")
        elif ch == "\t":
            out.append("\\tab ")
        elif ch in "\u00a0\u202f":  # non-breaking spaces (French punctuation)
            out.append("\\~")
        elif code < 128:
            out.append(ch)
        else:
            units = [code] if code <= 0xFFFF else _surrogates(code)
            for unit in units:
                signed = unit if unit < 32768 else unit - 65536
                out.append(f"\\u{signed}{_fallback(ch)}")
    return "".join(out)


def _surrogates(code: int) -> list[int]:
    code -= 0x10000
    return [0xD800 + (code >> 10), 0xDC00 + (code & 0x3FF)]


def _fallback(ch: str) -> str:
    """What readers without Unicode show, as Word writes it: the Windows-1252 byte as
    ``\\'hh`` (never a bare letter after the number, which some readers misparse)."""
    try:
        byte = ch.encode("cp1252")
    except UnicodeEncodeError:
        return "?"
    return f"\\'{byte[0]:02x}"


def rtf_balanced(doc: str) -> bool:
    """Braces balance (escaped ones ignored) and never close more than they opened."""
    depth = 0
    i = 0
    while i < len(doc):
        c = doc[i]
        if c == "\\":
            i += 2
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth < 0:
                return False
        i += 1
    return depth == 0


class Rtf:
    """A tiny RTF writer: paragraphs, headings, fill-in lines, bullets, a signature table."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def raw(self, s: str) -> None:
        self.parts.append(s)

    def title(self, text: str, size: int = 28) -> None:
        self.raw(f"\\pard\\plain\\qc\\sa80\\b\\fs{size}\\cf1 {rtf_escape(text)}\\par\n")

    def subtitle(self, text: str) -> None:
        self.raw(f"\\pard\\plain\\qc\\sa240\\fs20\\cf2 {rtf_escape(text)}\\par\n")

    def heading(self, text: str) -> None:
        self.raw(f"\\pard\\plain\\keepn\\sb240\\sa100\\b\\fs22\\cf1 {rtf_escape(text)}\\par\n")

    def subheading(self, text: str) -> None:
        self.raw(f"\\pard\\plain\\keepn\\sb120\\sa60\\b\\fs20 {rtf_escape(text)}\\par\n")

    def para(self, text: str, italic: bool = False) -> None:
        style = "\\i" if italic else ""
        self.raw(f"\\pard\\plain\\qj\\sa100\\fs20{style} {rtf_escape(text)}\\par\n")

    def fill(self, label: str) -> None:
        """« label : ........ » up to the right margin (dotted tab leader)."""
        self.raw(
            f"\\pard\\plain\\sa80\\tqr\\tldot\\tx{TEXT_WIDTH}\\fs20 "
            f"{rtf_escape(label)} :\\tab\\par\n"
        )

    def blank_lines(self, n: int) -> None:
        for _ in range(n):
            self.raw(f"\\pard\\plain\\sa80\\tqr\\tldot\\tx{TEXT_WIDTH}\\fs20 \\tab\\par\n")

    def bullet(self, text: str) -> None:
        self.raw(
            f"\\pard\\plain\\fi-284\\li284\\tx284\\sa60\\qj\\fs20 "
            f"{rtf_escape(chr(0x2022))}\\tab {rtf_escape(text)}\\par\n"
        )

    def box(self, text: str) -> None:
        """A framed note (paragraph borders)."""
        self.raw(
            "\\pard\\plain\\sa200\\qj\\brdrt\\brdrs\\brdrw10\\brsp60\\brdrl\\brdrs\\brdrw10"
            "\\brsp60\\brdrb\\brdrs\\brdrw10\\brsp60\\brdrr\\brdrs\\brdrw10\\brsp60\\fs18\\i "
            f"{rtf_escape(text)}\\par\n"
        )

    def signature_table(self, cells: list[tuple[str, str]]) -> None:
        """Two signature blocks per row: (who, what to write) pairs."""
        border = "\\clbrdrt\\brdrs\\brdrw10\\clbrdrl\\brdrs\\brdrw10\\clbrdrb\\brdrs\\brdrw10\\clbrdrr\\brdrs\\brdrw10"
        half = TEXT_WIDTH // 2
        for i in range(0, len(cells), 2):
            row = cells[i : i + 2]
            self.raw(f"\\trowd\\trgaph108\\trleft0\\trrh2300\\trkeep\n{border}\\cellx{half}\n")
            self.raw(f"{border}\\cellx{TEXT_WIDTH}\n")
            for who, what in row + [("", "")] * (2 - len(row)):
                self.raw(
                    f"\\pard\\plain\\intbl\\fs20\\b {rtf_escape(who)}\\b0\\line "
                    f"\\fs18 {rtf_escape(what)}\\cell\n"
                )
            self.raw("\\row\n")
        self.raw("\\pard\\plain\\sa100\\par\n")

    def document(self, title: str) -> str:
        head = (
            "{\\rtf1\\ansi\\ansicpg1252\\deff0\\uc1\\deflang1036\n"
            "{\\fonttbl{\\f0\\fswiss\\fcharset0 Arial;}}\n"
            "{\\colortbl;\\red0\\green0\\blue145;\\red80\\green80\\blue80;}\n"
            f"{{\\info{{\\title {rtf_escape(title)}}}{{\\author MyStage}}}}\n"
            "\\paperw11906\\paperh16838\\margl1134\\margr1134\\margt1134\\margb1134\n"
            "\\widowctrl\\sectd\n"
            "{\\footer\\pard\\plain\\qc\\fs16\\cf2 "
            + rtf_escape("Modèle de convention — MyStage — page ")
            + "{\\field{\\*\\fldinst PAGE}{\\fldrslt 1}}\\par}\n"
        )
        return head + "".join(self.parts) + "}\n"


def convention_rtf() -> str:
    """The convention model: parties, dates and hours, activities, insurance, signatures."""
    d = Rtf()
    d.title("Convention relative à l'organisation d'une séquence d'observation")
    d.title("en milieu professionnel", size=24)
    d.subtitle(
        "Élèves de collège (4e, 3e) et de seconde générale et technologique — modèle à adapter"
    )
    d.box(
        "Modèle proposé par MyStage à titre d'information. Utilisez en priorité la convention "
        "type de votre académie ou celle adoptée par le conseil d'administration de "
        "l'établissement. Complétez les lignes pointillées ; rayez les mentions inutiles. "
        "Une convention est établie pour chaque élève et signée avant le premier jour du "
        "stage : sans convention signée, l'élève ne peut pas être accueilli."
    )
    d.para("Vu le code du travail, notamment son article L. 4153-1 ;")
    d.para(
        "Vu le code de l'éducation, notamment ses articles L. 332-3-1, D. 331-1 et suivants "
        "et D. 332-14 ;"
    )
    d.para(
        "Vu, selon le niveau de l'élève, la circulaire du 12 juillet 2024 relative aux "
        "séquences d'observation, visites d'information et stages des élèves de collège, ou "
        "la circulaire du 28 mars 2024 relative à la séquence d'observation de la classe de "
        "seconde générale et technologique ;"
    )
    d.para("Il est convenu ce qui suit.")

    d.heading("Article 1 — Les parties")
    d.subheading("L'établissement scolaire")
    for label in (
        "Nom et numéro UAI",
        "Adresse",
        "Téléphone et courriel",
        "Représenté par (nom du chef d'établissement)",
        "Professeur référent (nom, téléphone, courriel)",
    ):
        d.fill(label)
    d.subheading("La structure d'accueil (entreprise, association, administration, collectivité)")
    for label in (
        "Raison sociale",
        "Numéro SIRET",
        "Adresse du lieu de stage",
        "Représentée par (nom et fonction)",
        "Tuteur de l'élève (nom, fonction, téléphone, courriel)",
    ):
        d.fill(label)
    d.subheading("L'élève")
    for label in (
        "Nom et prénom",
        "Date de naissance",
        "Classe",
        "Téléphone (facultatif)",
    ):
        d.fill(label)
    d.subheading("Le ou les représentants légaux de l'élève")
    for label in (
        "Nom et prénom",
        "Adresse",
        "Téléphone et courriel",
        "Personne à prévenir en cas d'urgence (nom, téléphone)",
    ):
        d.fill(label)

    d.heading("Article 2 — Objet de la convention")
    d.para(
        "La présente convention organise la séquence d'observation en milieu professionnel "
        "de l'élève désigné à l'article 1 dans la structure d'accueil. Cette séquence a pour "
        "objectif de faire découvrir à l'élève le monde économique et professionnel et la "
        "diversité des métiers, et de l'aider à construire son projet d'orientation. Elle "
        "s'inscrit dans le parcours Avenir."
    )

    d.heading("Article 3 — Dates et horaires")
    d.fill("Dates de la séquence (du … au …)")
    d.para("Horaires de présence de l'élève (matin / après-midi) :")
    for day in ("Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi"):
        d.fill(day)
    d.para(
        "La durée de présence de l'élève ne dépasse pas 7 heures par jour ni 35 heures par "
        "semaine. L'élève n'est jamais présent entre 20 heures et 6 heures. Au-delà de "
        "4 heures 30 de présence, il bénéficie d'une pause d'au moins 30 minutes "
        "consécutives. Il bénéficie de deux jours de repos consécutifs dans la semaine. Toute "
        "modification des horaires est soumise à l'accord de l'établissement et de la "
        "famille."
    )

    d.heading("Article 4 — Statut de l'élève")
    d.para(
        "Pendant la séquence d'observation, l'élève reste sous statut scolaire. Il demeure "
        "sous l'autorité et la responsabilité du chef d'établissement. Il ne peut prétendre "
        "à aucune rémunération ni gratification de la part de la structure d'accueil, et "
        "aucune somme ne peut lui être demandée. Il respecte le règlement intérieur de la "
        "structure d'accueil, ses règles d'hygiène et de sécurité, ses horaires et la "
        "confidentialité des informations dont il a connaissance."
    )

    d.heading("Article 5 — Activités observées")
    d.para(
        "L'élève observe les activités de la structure. Il n'a pas à concourir au travail de "
        "la structure et ne remplace aucun salarié. Sous le contrôle de son tuteur, il peut "
        "mener des enquêtes en lien avec ses enseignements, participer à des activités, à des "
        "essais ou à des démonstrations sans danger, en rapport avec les objectifs de la "
        "séquence. Il n'utilise aucune machine, aucun appareil ni aucun produit dont l'usage "
        "est interdit aux mineurs, et n'effectue aucun travail dangereux ou réglementé."
    )
    d.para("Services, métiers et activités que l'élève observera :")
    d.blank_lines(4)
    d.para(
        "Un planning de la semaine peut être annexé à la présente convention (modèle "
        "« planning-semaine-stage.xlsx » proposé par MyStage).",
        italic=True,
    )

    d.heading("Article 6 — Encadrement et suivi")
    d.para(
        "Le tuteur désigné par la structure d'accueil accueille l'élève, lui présente les "
        "consignes de sécurité dès le premier jour et organise ses activités. Le professeur "
        "référent désigné par le chef d'établissement assure le suivi de l'élève et peut "
        "prendre contact avec le tuteur pendant la séquence. La structure d'accueil informe "
        "sans délai l'établissement de toute difficulté : absence, retard, comportement "
        "inadapté, problème de santé ou accident."
    )

    d.heading("Article 7 — Assurance et accident")
    d.para(
        "Le responsable de la structure d'accueil prend les dispositions nécessaires pour "
        "garantir sa responsabilité civile chaque fois qu'elle peut être engagée. Le chef "
        "d'établissement s'assure que la responsabilité civile de l'élève est couverte pour "
        "les dommages qu'il pourrait causer pendant la séquence, y compris sur le trajet "
        "entre son domicile, l'établissement et le lieu de stage."
    )
    d.fill("Assurance de l'établissement ou de la famille (organisme, numéro de contrat)")
    d.fill("Assurance de la structure d'accueil (organisme, numéro de contrat)")
    d.para(
        "En cas d'accident survenant à l'élève pendant la séquence ou sur le trajet, le "
        "responsable de la structure d'accueil prévient immédiatement la famille et "
        "l'établissement, et adresse la déclaration d'accident au chef d'établissement dans "
        "la journée où l'accident s'est produit."
    )

    d.heading("Article 8 — Responsabilités de chacun")
    d.bullet(
        "La structure d'accueil assure la sécurité de l'élève, respecte les horaires de "
        "l'article 3 et les activités de l'article 5, et signale toute difficulté à "
        "l'établissement."
    )
    d.bullet(
        "L'établissement prépare l'élève à la séquence, assure son suivi pédagogique et "
        "exploite le stage à son retour (rapport ou présentation orale)."
    )
    d.bullet(
        "Les représentants légaux autorisent l'élève à effectuer la séquence, organisent son "
        "trajet et préviennent le tuteur et l'établissement de toute absence."
    )
    d.bullet(
        "L'élève respecte les horaires, les consignes, le règlement de la structure et la "
        "confidentialité ; il prévient de toute absence ou de tout retard."
    )
    d.para(
        "En cas de manquement grave à la discipline ou de danger pour l'élève, le responsable "
        "de la structure d'accueil ou le chef d'établissement peut mettre fin à la séquence "
        "après en avoir informé les autres signataires."
    )

    d.heading("Article 9 — Repas, transport et hébergement")
    d.para(
        "Sauf mention contraire ci-dessous, les frais de repas et de transport restent à la "
        "charge de la famille. Aucun hébergement n'est prévu."
    )
    d.fill("Repas sur place possible (oui / non) et prise en charge éventuelle")
    d.fill("Transport : prise en charge éventuelle")
    d.fill("Déplacements prévus pendant la journée (lieux, moyens, accompagnement)")

    d.heading("Article 10 — Durée de la convention")
    d.para(
        "La présente convention prend effet à sa signature par toutes les parties et prend "
        "fin au dernier jour de la séquence d'observation. Un exemplaire signé est remis à "
        "chaque signataire."
    )

    d.heading("Signatures")
    d.fill("Fait à (lieu et date)")
    d.signature_table(
        [
            (
                "Le chef d'établissement",
                "Nom, date, signature et cachet de l'établissement",
            ),
            (
                "Le responsable de la structure d'accueil",
                "Nom, fonction, date, signature et cachet",
            ),
            (
                "Le ou les représentants légaux de l'élève",
                "Nom, date et signature, précédés de la mention « lu et approuvé »",
            ),
            (
                "L'élève",
                "Nom, date et signature, précédés de la mention « lu et pris connaissance »",
            ),
            ("Le tuteur dans la structure d'accueil", "Nom, date et signature (pour visa)"),
            ("Le professeur référent", "Nom, date et signature (pour visa)"),
        ]
    )
    return d.document("Modèle de convention de séquence d'observation en milieu professionnel")


# --- XLSX ------------------------------------------------------------------------------------

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


# --- entry point -----------------------------------------------------------------------------


def check(rtf: str, xlsx: bytes) -> list[str]:
    """Problems found in the generated documents (empty list when they are fine)."""
    problems: list[str] = []
    if not rtf.startswith("{\\rtf1"):
        problems.append("RTF: does not start with {\\rtf1")
    if not rtf_balanced(rtf):
        problems.append("RTF: unbalanced braces")
    if any(ord(c) > 127 for c in rtf):
        problems.append("RTF: non-ASCII character left unescaped")
    try:
        import openpyxl

        wb = openpyxl.load_workbook(io.BytesIO(xlsx))
        ws = wb["Planning"]
        if ws.page_setup.orientation != "landscape" or str(ws.page_setup.paperSize) != "9":
            problems.append("XLSX: not A4 landscape")
        headers = [c.value for c in next(ws.iter_rows(min_row=7, max_row=7))]
        if headers[:2] != ["Jour", "Demi-journée"]:
            problems.append(f"XLSX: unexpected header row {headers}")
        days = [ws.cell(row=r, column=1).value for r in range(8, 18, 2)]
        if days != list(DAYS):
            problems.append(f"XLSX: unexpected days {days}")
    except Exception as exc:  # pragma: no cover - reported, not raised
        problems.append(f"XLSX: cannot be read back ({exc})")
    return problems


def main(argv: list[str]) -> int:
    rtf = convention_rtf()
    xlsx = planning_xlsx()
    problems = check(rtf, xlsx)
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        return 1
    if "--check" not in argv:
        OUT_DIR.mkdir(parents=True, exist_ok=True)
        (OUT_DIR / CONVENTION_FILE).write_bytes(rtf.encode("ascii"))
        (OUT_DIR / PLANNING_FILE).write_bytes(xlsx)
        for name in (CONVENTION_FILE, PLANNING_FILE):
            print(f"{OUT_DIR / name} ({file_size_label(name)})")
    else:
        print("documents OK")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
