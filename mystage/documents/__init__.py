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

from mystage.documents.files import (
    CONVENTION_FILE,
    CONVENTION_URL,
    PLANNING_FILE,
    PLANNING_URL,
    file_size_label,
)
from mystage.documents.typography import french_spaces

__all__ = [
    "CONVENTION_FILE",
    "CONVENTION_URL",
    "PLANNING_FILE",
    "PLANNING_URL",
    "file_size_label",
    "french_spaces",
]
