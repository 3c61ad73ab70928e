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
- :mod:`.document`, :mod:`.articles`, :mod:`.pdf`, :mod:`.seal`: the text, its hash, the PDF
  and the platform's seal.
"""

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
from mystage.services.conventions.records import (
    cancel_for_applications,
    create_for_application,
    offer_timetable,
    prefill,
)
from mystage.services.conventions.reminders import send_reminders, warn_schools
from mystage.services.conventions.signing import (
    mask,
    pdf_bytes,
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
    "cancel_for_applications",
    "check_timetable",
    "create_for_application",
    "duration_label",
    "employer_list",
    "link_view",
    "mask",
    "offer_timetable",
    "pdf_bytes",
    "prefill",
    "preset_values",
    "pupil_rows",
    "request_code",
    "save_employer_part",
    "save_preset",
    "save_school_part",
    "school_list",
    "send_reminders",
    "set_paper_signed",
    "sign",
    "state_label",
    "view",
    "warn_schools",
]
