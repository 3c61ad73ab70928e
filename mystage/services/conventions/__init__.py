"""Conventions de stage (tripartite): created when the pupil confirms, what each party fills
in, and the rules it must meet.

- :mod:`.records`: one convention per confirmed application, pre-filled from the school,
  the pupil, the offer and its structure (tutor, place, hours, meals, activities, the week);
  cancelled with its application; an audit row per change.
- :mod:`.hours`: the week's timetable checked against the rules for minors (7 h a day, a
  30-minute break after 4 h 30, nothing before 6 h or after 20 h, 35 h a week or the
  school's lower limit, two consecutive days of rest), French messages naming the rule.
- :mod:`.articles`: the convention's text filled in with both parties' JSON (the legal
  articles come from ``mystage.documents.articles``, shared with the RTF model), its
  canonical text and SHA-256, and the PDF annex's data.
- :mod:`.pdf`: the PDF (fpdf2, DejaVu Sans): articles, signature blocks, annex, certificate.
- :mod:`.seal`: the platform's PAdES seal (pyHanko) and its certificate.
"""

from mystage.services.conventions.articles import (
    annex,
    document_hash,
    document_text,
    sections,
)
from mystage.services.conventions.hours import (
    DAYS,
    WEEK_MAX_HOURS,
    check_timetable,
    duration_label,
)
from mystage.services.conventions.pdf import render_pdf
from mystage.services.conventions.records import (
    cancel_for_applications,
    create_for_application,
    offer_timetable,
    prefill,
)
from mystage.services.conventions.seal import ensure_certificate, seal_pdf, verify_seal

__all__ = [
    "DAYS",
    "WEEK_MAX_HOURS",
    "annex",
    "cancel_for_applications",
    "check_timetable",
    "create_for_application",
    "document_hash",
    "document_text",
    "duration_label",
    "ensure_certificate",
    "offer_timetable",
    "prefill",
    "render_pdf",
    "seal_pdf",
    "sections",
    "verify_seal",
]
