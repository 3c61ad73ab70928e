"""Where the generated documents live and how the pages link to them."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
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
