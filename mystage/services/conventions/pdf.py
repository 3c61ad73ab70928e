"""The convention as a PDF (fpdf2, pure Python): A4, DejaVu Sans (shipped in
``mystage/data/fonts`` with its licence), a header and numbered pages, the articles, the
signature blocks with the drawn images, the annex (dates, daily hours, activities, tutor)
and a last page « Certificat de signature » with every signature's record and the hash of
the text.

Whatever the parties typed is drawn as text, never interpreted (no markdown, no HTML):
characters the font cannot draw are dropped, words longer than a line are cut, an image
that is not a readable PNG is replaced by a note. :func:`render_pdf` never raises on the
content it is given.
"""

from __future__ import annotations

import io
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace
from PIL import Image

from mystage import clock
from mystage.documents import articles as A
from mystage.services import weeks
from mystage.services.conventions.articles import clean

FONT_DIR = Path(__file__).resolve().parents[2] / "data" / "fonts"
FONT = "DejaVu"
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
NEXT_LINE = {"new_x": XPos.LMARGIN, "new_y": YPos.NEXT}
NB_ALIAS = "{mystage:nb}"  # total pages, replaced by fpdf2 at output (removed from user text)

MARGIN = 18.0
BLUE = (0, 0, 145)
GREY = (90, 90, 90)
LINE_H = 4.8
MAX_IMAGE_PIXELS = 4000 * 4000
SIG_W = 84.0
SIG_H = 52.0
SIG_GAP = 6.0


@cache
def _drawable() -> frozenset[int]:
    """Code points both shipped faces can draw."""
    maps = [set(TTFont(FONT_DIR / f, lazy=True).getBestCmap()) for f in FONT_FILES.values()]
    return frozenset(set.intersection(*maps))


def safe(value: Any, *, multiline: bool = True) -> str:
    """Text the PDF can draw: cleaned like the convention's text, without the characters
    the font lacks (emoji, other scripts' rare signs) and without the page-count alias."""
    drawable = _drawable()
    text = clean(value, multiline=multiline).replace(NB_ALIAS, "")
    return "".join(c for c in text if c == "\n" or ord(c) in drawable)


def _when(value: Any) -> str:
    """« 12 juin 2026 à 14 h 03 » (Paris time), from a datetime or an ISO string."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            return safe(value, multiline=False)
    if not isinstance(value, datetime):
        return ""
    v = clock.paris(value)
    return f"{weeks.date_label(v.date())} à {v.hour} h {v.minute:02d} (heure de Paris)"


def _png(data: Any) -> Image.Image | None:
    """The drawn signature as an image fpdf2 can embed, or None when it is not a PNG."""
    if not isinstance(data, bytes | bytearray) or not data.startswith(b"\x89PNG\r\n\x1a\n"):
        return None
    try:
        img = Image.open(io.BytesIO(bytes(data)))
        if img.format != "PNG" or img.width * img.height > MAX_IMAGE_PIXELS:
            return None
        img.load()
        return img.convert("RGBA")
    except Exception:  # any decoding error: the block says the image is unreadable
        return None


class _Doc(FPDF):
    def __init__(self, heading: str, footer_note: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.heading = heading
        self.footer_note = footer_note
        for style, name in FONT_FILES.items():
            self.add_font(FONT, style, str(FONT_DIR / name))
        self.set_margins(MARGIN, 20, MARGIN)
        self.set_auto_page_break(True, margin=20)
        self.alias_nb_pages(NB_ALIAS)

    def header(self) -> None:
        self.set_y(8)
        self.set_font(FONT, "", 7.5)
        self.set_text_color(*GREY)
        self.cell(0, 4, self.fit(self.heading, self.w - 2 * MARGIN), align="L", **NEXT_LINE)
        self.set_draw_color(*GREY)
        self.line(MARGIN, 13, self.w - MARGIN, 13)
        self.set_text_color(0, 0, 0)
        self.set_y(20)

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(FONT, "", 7.5)
        self.set_text_color(*GREY)
        width = self.w - 2 * MARGIN
        self.cell(width * 0.75, 4, self.footer_note, align="L")
        self.cell(width * 0.25, 4, f"Page {self.page_no()} / {NB_ALIAS}", align="R")
        self.set_text_color(0, 0, 0)

    # --- building blocks -------------------------------------------------------------

    def fit(self, text: str, width: float) -> str:
        """``text`` on one line of ``width`` mm (cut with « … » when longer)."""
        if self.get_string_width(text) <= width:
            return text
        while text and self.get_string_width(text + "…") > width:
            text = text[: max(0, min(len(text) - 1, int(len(text) * 0.9)))]
        return text + "…"

    def title_block(self, title: str, subtitle: str) -> None:
        self.set_font(FONT, "B", 14)
        self.set_text_color(*BLUE)
        self.multi_cell(0, 6.5, f"{A.TITLE} {A.TITLE_LINE_2}", align="C", **NEXT_LINE)
        self.set_text_color(0, 0, 0)
        if subtitle:
            self.ln(1)
            self.set_font(FONT, "", 10)
            self.multi_cell(0, 5, subtitle, align="C", **NEXT_LINE)
        self.ln(4)

    def section_title(self, text: str) -> None:
        if self.get_y() > self.h - 45:  # keep a title with its first lines
            self.add_page()
        self.ln(2)
        self.set_font(FONT, "B", 10.5)
        self.set_text_color(*BLUE)
        self.multi_cell(0, 5.5, text, align="L", **NEXT_LINE)
        self.set_text_color(0, 0, 0)
        self.ln(0.8)

    def paragraph(self, text: str, *, size: float = 9.2, bold: bool = False) -> None:
        self.set_font(FONT, "B" if bold else "", size)
        self.multi_cell(0, LINE_H, text, align="J", **NEXT_LINE)
        self.ln(1.4)

    def label_value(self, label: str, value: str) -> None:
        self.set_font(FONT, "B", 9.2)
        width = self.get_string_width(label) + 2
        self.cell(width, LINE_H, label)
        self.set_font(FONT, "", 9.2)
        self.multi_cell(0, LINE_H, value or "—", align="L", **NEXT_LINE)
        self.set_x(self.l_margin)


def _articles(doc: _Doc, secs: Any) -> None:
    for sec in secs if isinstance(secs, list) else []:
        if not isinstance(sec, dict):
            continue
        doc.section_title(safe(sec.get("title"), multiline=False))
        paragraphs = sec.get("paragraphs")
        for p in paragraphs if isinstance(paragraphs, list) else []:
            doc.paragraph(safe(p))


def _signature_block(doc: _Doc, sig: dict, x: float, y: float) -> None:
    inner = SIG_W - 6
    doc.set_draw_color(*GREY)
    doc.rect(x, y, SIG_W, SIG_H)
    doc.set_xy(x + 3, y + 2.5)
    doc.set_font(FONT, "B", 9)
    doc.set_text_color(*BLUE)
    doc.cell(inner, 4.5, doc.fit(safe(sig.get("label"), multiline=False), inner))
    doc.set_text_color(0, 0, 0)
    doc.set_xy(x + 3, y + 7.5)
    doc.set_font(FONT, "", 9)
    doc.cell(inner, 4.5, doc.fit(safe(sig.get("name"), multiline=False) or "—", inner))
    doc.set_xy(x + 3, y + 12)
    doc.set_font(FONT, "", 7.5)
    signed = _when(sig.get("signed_at"))
    status = f"Signé le {signed}" if signed else "En attente de signature"
    doc.cell(inner, 4, doc.fit(status, inner))
    if signed:
        method = safe(sig.get("method_label"), multiline=False)
        doc.set_xy(x + 3, y + 16)
        doc.cell(inner, 4, doc.fit(method, inner))
    # the signature itself: the drawn image, or the typed name
    box_y, box_h = y + 21.5, SIG_H - 24
    img = _png(sig.get("image_png"))
    typed = safe(sig.get("typed_name"), multiline=False)
    if img is not None:
        scale = min(inner / img.width, box_h / img.height)
        w, h = img.width * scale, img.height * scale
        try:
            doc.image(img, x=x + 3 + (inner - w) / 2, y=box_y + (box_h - h) / 2, w=w, h=h)
        except Exception:  # pragma: no cover - Pillow accepted it, fpdf2 should too
            img = None
    if img is None and typed:
        doc.set_xy(x + 3, box_y + box_h / 2 - 4)
        doc.set_font(FONT, "B", 12)
        doc.cell(inner, 8, doc.fit(typed, inner), align="C")
        doc.set_xy(x + 3, box_y + box_h - 4)
        doc.set_font(FONT, "", 6.5)
        doc.cell(inner, 3.5, "Nom saisi par le signataire", align="C")
    elif img is None and sig.get("image_png"):
        doc.set_xy(x + 3, box_y + box_h / 2 - 2)
        doc.set_font(FONT, "", 7.5)
        doc.cell(inner, 4, "(image de la signature illisible)", align="C")


def _signatures(doc: _Doc, signatures: list[dict]) -> None:
    doc.section_title("Signatures")
    doc.paragraph(
        "Les parties signent la présente convention dans les conditions de l'article 12 ; "
        "le détail de chaque signature figure au certificat de signature, en dernière page."
    )
    col = 0
    y = doc.get_y()
    for sig in signatures:
        if col == 0 and y + SIG_H > doc.h - 22:
            doc.add_page()
            y = doc.get_y()
        x = MARGIN + col * (SIG_W + SIG_GAP)
        _signature_block(doc, sig, x, y)
        col = (col + 1) % 2
        if col == 0:
            y += SIG_H + 4
    doc.set_xy(MARGIN, y + (SIG_H + 4 if col else 0))


def _annex(doc: _Doc, annex: dict) -> None:
    doc.add_page()
    doc.section_title("Annexe — Calendrier et activités de la séquence")
    doc.label_value("Élève : ", safe(annex.get("pupil"), multiline=False))
    doc.label_value("Dates : ", safe(annex.get("dates"), multiline=False))
    doc.label_value("Lieu : ", safe(annex.get("place")))
    doc.label_value("Tuteur : ", safe(annex.get("tutor")))
    doc.ln(3)
    rows = annex.get("rows") if isinstance(annex.get("rows"), list) else []
    doc.set_font(FONT, "", 9)
    headings = ("Jour", "Arrivée", "Pause", "Départ", "Présence")
    with doc.table(
        col_widths=(30, 30, 50, 30, 34),
        text_align=("LEFT", "CENTER", "CENTER", "CENTER", "CENTER"),
        line_height=6,
        first_row_as_headings=True,
        headings_style=FontFace(emphasis="BOLD", color=BLUE, fill_color=(236, 238, 248)),
    ) as table:
        head = table.row()
        for h in headings:
            head.cell(h)
        for r in rows:
            r = r if isinstance(r, dict) else {}
            row = table.row()
            off = not r.get("presence")
            row.cell(doc.fit(safe(r.get("day"), multiline=False), 28))
            if off:
                row.cell("repos", colspan=4)
                continue
            for key in ("start", "break", "end", "presence"):
                row.cell(doc.fit(safe(r.get(key), multiline=False) or "—", 45))
    doc.ln(2)
    total = safe(annex.get("total"), multiline=False)
    if total:
        doc.label_value("Total de la semaine : ", f"{total} de présence")
    lunch = safe(annex.get("lunch"))
    if lunch:
        doc.label_value("Pause du déjeuner : ", lunch)
    doc.ln(2)
    doc.section_title("Activités prévues")
    doc.paragraph(safe(annex.get("activities")) or "—")


def _certificate(doc: _Doc, signatures: list[dict], document_hash: str, title: str) -> None:
    doc.add_page()
    doc.set_font(FONT, "B", 14)
    doc.set_text_color(*BLUE)
    doc.cell(0, 8, "Certificat de signature", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    doc.set_text_color(0, 0, 0)
    doc.ln(2)
    doc.label_value("Convention : ", title)
    doc.set_font(FONT, "B", 9.2)
    doc.cell(0, LINE_H, "Empreinte SHA-256 du texte de la convention :", **NEXT_LINE)
    doc.set_font(FONT, "", 9.2)
    doc.multi_cell(0, LINE_H, document_hash or "—", align="L", **NEXT_LINE)
    doc.ln(3)
    for i, sig in enumerate(signatures, start=1):
        if doc.get_y() > doc.h - 60:
            doc.add_page()
        label = safe(sig.get("label"), multiline=False)
        name = safe(sig.get("name"), multiline=False)
        doc.set_font(FONT, "B", 9.5)
        doc.set_text_color(*BLUE)
        doc.multi_cell(0, 5, f"{i}. {label} — {name}", align="L", **NEXT_LINE)
        doc.set_text_color(0, 0, 0)
        signed = _when(sig.get("signed_at"))
        if not signed:
            doc.paragraph("En attente de signature.", size=8.5)
            continue
        method = safe(sig.get("method_label"), multiline=False)
        sent_to = safe(sig.get("sent_to"), multiline=False)
        typed = safe(sig.get("typed_name"), multiline=False)
        signed_hash = safe(sig.get("document_hash"), multiline=False)
        if not signed_hash:
            match = ""
        elif signed_hash == document_hash:
            match = " (identique au texte de cette convention)"
        else:
            match = " (différente : signature donnée sur une autre version du texte)"
        lines = [
            ("Signé le : ", signed),
            ("Identification : ", " — ".join(p for p in (method, sent_to) if p) or "—"),
            ("Adresse IP : ", safe(sig.get("ip"), multiline=False) or "—"),
            ("Navigateur : ", safe(sig.get("user_agent"), multiline=False) or "—"),
            (
                "Signature : ",
                f"nom saisi « {typed} »" if typed else "tracée à la main (image ci-avant)",
            ),
            ("Empreinte du texte signé : ", (signed_hash or "—") + match),
        ]
        for lab, value in lines:
            doc.set_font(FONT, "B", 8.5)
            doc.cell(doc.get_string_width(lab) + 1.5, 4.4, lab)
            doc.set_font(FONT, "", 8.5)
            doc.multi_cell(0, 4.4, value, align="L", **NEXT_LINE)
            doc.set_x(doc.l_margin)
        doc.ln(2.5)
    doc.ln(2)
    doc.paragraph(
        "Une fois signée par toutes les parties, cette convention est scellée avec le "
        "certificat de la plateforme MyStage (signature électronique PAdES) : un lecteur PDF "
        "indique si le fichier a été modifié après le scellement.",
        size=8.5,
    )


def render_pdf(
    sections: list[dict],
    *,
    annex: dict,
    signatures: list[dict],
    document_hash: str,
    title: str,
) -> bytes:
    """The convention's PDF: the articles (``sections``, see ``articles.sections``), the
    signature blocks (one per ``signatures`` item: role, label, name, signed_at, method_label,
    sent_to, ip, user_agent, image_png, typed_name, document_hash), the annex (see
    ``articles.annex``) and the certificate page with ``document_hash``."""
    title = safe(title, multiline=False)
    document_hash = safe(document_hash, multiline=False)
    sigs = [s for s in signatures if isinstance(s, dict)] if isinstance(signatures, list) else []
    annex = annex if isinstance(annex, dict) else {}
    short = f"{document_hash[:16]}…" if document_hash else "—"
    doc = _Doc(
        heading=f"MyStage — {title}" if title else "MyStage — Convention de stage",
        footer_note=f"Empreinte du texte (SHA-256) : {short}",
    )
    doc.set_title(title or A.FULL_TITLE)
    doc.set_author("MyStage")
    doc.set_creator("MyStage")
    doc.add_page()
    doc.title_block(title, title)
    _articles(doc, sections)
    _signatures(doc, sigs)
    _annex(doc, annex)
    _certificate(doc, sigs, document_hash, title)
    return bytes(doc.output())
