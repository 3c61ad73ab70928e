"""``python -m mystage.documents [--check]``: write (or check) the generated documents."""

from __future__ import annotations

import io
import sys

from mystage.documents.convention import convention_rtf
from mystage.documents.files import CONVENTION_FILE, OUT_DIR, PLANNING_FILE, file_size_label
from mystage.documents.planning import DAYS, planning_xlsx
from mystage.documents.rtf import rtf_balanced


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
