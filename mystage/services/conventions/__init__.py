"""Conventions de stage (tripartite): created when the pupil confirms, completed by the
employer and the school, signed by everyone (code by SMS or mail, drawn or typed
signature, one by one or in group), and sealed as a PDF.

- :mod:`.records`: one convention per confirmed application, pre-filled; cancelled with it;
- :mod:`.hours`: the week's timetable against the rules for minors;
- :mod:`.access`: who may read, fill, sign (built on :mod:`mystage.services.permissions`);
- :mod:`.machine`: the transition table, the conditional mover, signatories, mails, voiding;
- :mod:`.forms`: the employer's and the school's parts, the school's preset and paper mode;
- :mod:`.signing`: codes, signatures, group signing, legal representatives' links, the end;
- :mod:`.views`: lists and one convention as its reader sees it;
- :mod:`.articles`: the convention's text filled in with both parties' JSON (the legal
  articles come from ``mystage.documents.articles``, shared with the RTF model), its
  canonical text and SHA-256, and the PDF annex's data;
- :mod:`.pdf`: the PDF (fpdf2, DejaVu Sans): articles, signature blocks, annex, certificate;
- :mod:`.seal`: the platform's PAdES seal (pyHanko) and its certificate;
- :mod:`.document`: a convention's text, hash, PDF so far and sealed PDF.
"""

from mystage.services.conventions.articles import (
    annex,
    document_hash,
    document_text,
    sections,
)
from mystage.services.conventions.forms import (
    preset_values,
    save_employer_part,
    save_preset,
    save_school_part,
    set_paper_signed,
)
from mystage.services.conventions.hours import (
    DAYS,
    WEEK_MAX_HOURS,
    check_timetable,
    duration_label,
)
from mystage.services.conventions.machine import ROLE_LABELS, STATE_LABELS, state_label
from mystage.services.conventions.pdf import render_pdf
from mystage.services.conventions.records import (
    cancel_for_applications,
    create_for_application,
    offer_timetable,
    prefill,
)
from mystage.services.conventions.reminders import send_reminders, warn_schools
from mystage.services.conventions.seal import ensure_certificate, seal_pdf, verify_seal
from mystage.services.conventions.signing import (
    mask,
    pdf_bytes,
    record_demo_signatures,
    request_code,
    sign,
)
from mystage.services.conventions.views import (
    employer_list,
    link_view,
    pupil_rows,
    school_list,
    view,
)

__all__ = [
    "DAYS",
    "ROLE_LABELS",
    "STATE_LABELS",
    "WEEK_MAX_HOURS",
    "annex",
    "cancel_for_applications",
    "check_timetable",
    "create_for_application",
    "document_hash",
    "document_text",
    "duration_label",
    "employer_list",
    "ensure_certificate",
    "link_view",
    "mask",
    "offer_timetable",
    "pdf_bytes",
    "prefill",
    "preset_values",
    "pupil_rows",
    "record_demo_signatures",
    "render_pdf",
    "request_code",
    "save_employer_part",
    "save_preset",
    "save_school_part",
    "school_list",
    "seal_pdf",
    "sections",
    "send_reminders",
    "set_paper_signed",
    "sign",
    "state_label",
    "verify_seal",
    "view",
    "warn_schools",
]
