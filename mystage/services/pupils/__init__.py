"""The pupil's space: « Postuler » (form context and submission), « Mes candidatures »,
« Mon CV » (sections and a private PDF), « Mes favoris », and the private CV downloads.

Sync functions over a Session, like every service.  Every entry point takes the caller
(``User | None``) and checks role and ownership itself (:mod:`.access`); the applications
themselves are checked, stored and moved by :mod:`mystage.services.applications`.

- :mod:`.access`: who is a pupil, which offers they may see;
- :mod:`.apply_form`: « Postuler », the form's context and its submission;
- :mod:`.my_applications`: « Mes candidatures » and the pupil section of « Mon espace »;
- :mod:`.cv`: « Mon CV », its PDF, and who may download a CV;
- :mod:`.favorites`: « Mes favoris ».
"""

from mystage.services.pupils.access import MSG_PUPILS_ONLY, is_pupil
from mystage.services.pupils.apply_form import (
    MSG_OFFER_MISSING,
    apply_context,
    submit_application,
)
from mystage.services.pupils.cv import (
    CV_PDF_MAX_BYTES,
    CV_SECTION_MAX,
    CV_SECTIONS,
    MSG_CV_TOO_LONG,
    MSG_FORM,
    MSG_NO_PDF,
    MSG_PDF_EMPTY,
    MSG_PDF_FORMAT,
    MSG_PDF_SIZE,
    application_cv_pdf,
    application_cv_sections,
    check_pdf,
    cv_status,
    delete_cv_pdf,
    get_cv,
    may_read_application_cv,
    own_cv_pdf,
    save_cv,
    store_cv_pdf,
)
from mystage.services.pupils.favorites import (
    MSG_FAVORITE_UNAVAILABLE,
    is_favorite,
    list_favorites,
    set_favorite,
    toggle_favorite,
)
from mystage.services.pupils.my_applications import (
    EMPLOYER_ANSWER_DAYS,
    EMPLOYER_ANSWER_DAYS_UNDER_REVIEW,
    PUPIL_CONFIRM_DAYS,
    STATE_COLORS,
    act_on_application,
    application_counts,
    my_applications,
    next_step,
    pupil_overview,
)

__all__ = [
    "CV_PDF_MAX_BYTES",
    "CV_SECTIONS",
    "CV_SECTION_MAX",
    "EMPLOYER_ANSWER_DAYS",
    "EMPLOYER_ANSWER_DAYS_UNDER_REVIEW",
    "MSG_CV_TOO_LONG",
    "MSG_FAVORITE_UNAVAILABLE",
    "MSG_FORM",
    "MSG_NO_PDF",
    "MSG_OFFER_MISSING",
    "MSG_PDF_EMPTY",
    "MSG_PDF_FORMAT",
    "MSG_PDF_SIZE",
    "MSG_PUPILS_ONLY",
    "PUPIL_CONFIRM_DAYS",
    "STATE_COLORS",
    "act_on_application",
    "application_counts",
    "application_cv_pdf",
    "application_cv_sections",
    "apply_context",
    "check_pdf",
    "cv_status",
    "delete_cv_pdf",
    "get_cv",
    "is_favorite",
    "is_pupil",
    "list_favorites",
    "may_read_application_cv",
    "my_applications",
    "next_step",
    "own_cv_pdf",
    "pupil_overview",
    "save_cv",
    "set_favorite",
    "store_cv_pdf",
    "submit_application",
    "toggle_favorite",
]
