"""A small RTF writer: ASCII only, every accented letter as ``\\uN`` with its Windows-1252
fallback, A4 portrait, 2 cm margins."""

from __future__ import annotations

from mystage.documents.typography import french_spaces

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
