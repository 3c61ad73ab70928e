"""Applications: the state machine and its notifications, « Postuler », who may apply, and
one application as the employer and the school see it and decide on it.

- :mod:`.machine`: the transition table, the set-based mover, a decision, the race-safe
  confirmation;
- :mod:`.notifications`: the mails and SMS of each transition;
- :mod:`.limits`: one confirmed internship a week, two a school year;
- :mod:`.eligibility`: may this pupil apply to this offer, may this person see a reserved
  offer;
- :mod:`.submit`: « Postuler » checked and stored, with a copy of the CV;
- :mod:`.views`: the employer's and the school's pages of one application, the school's
  list, their decisions;
- :mod:`.operators`: the same for an operator's offers through the API (issue 19);
- :mod:`.partner`: « Postuler sur le site du partenaire » and its counted clicks;
- :mod:`.webhooks`: each application event queued for the operator's webhook.
"""

from mystage.services.applications.eligibility import (
    MSG_OUT_OF_SCOPE,
    can_apply,
    level_error,
    may_view_reserved,
)
from mystage.services.applications.limits import (
    MAX_CONFIRMED_PER_YEAR,
    MAX_WEEK_COUNT,
    MSG_TWO_CONFIRMED,
    MSG_WEEK_CONFIRMED,
    overlaps,
)
from mystage.services.applications.machine import (
    ACTION_LABELS,
    FINAL_STATES,
    MESSAGE_MAX,
    MSG_ALREADY,
    MSG_DENIED,
    MSG_LAST_PLACE,
    MSG_MESSAGE_REQUIRED,
    MSG_NO_PLACE,
    MSG_NOT_NOW,
    MSG_OFFER_GONE,
    MSG_UNKNOWN_ACTION,
    SYSTEM_ACTIONS,
    TRANSITIONS,
    Transition,
    actions_for,
    confirm,
    move,
    transition,
)
from mystage.services.applications.notifications import (
    EMPLOYER_URL,
    PUPIL_URL,
    SCHOOL_URL,
    employer_contact,
)
from mystage.services.applications.operators import (
    API_ACTIONS,
    PER_PAGE_MAX,
    api_actions,
    application_view,
    offer_applications,
)
from mystage.services.applications.operators import decide as decide_as_operator
from mystage.services.applications.partner import (
    MSG_PARTNER_SITE,
    PARTNER_LABEL,
    PARTNER_URL,
    partner_click,
    partner_link,
    valid_permalink,
)
from mystage.services.applications.pupil_messages import (
    PupilMessages,
    among,
    queue_pupil_messages,
)
from mystage.services.applications.reasons import (
    MSG_REASON_REQUIRED,
    MSG_REASON_UNKNOWN,
    REFUSE_REASONS,
    refuse_reason_error,
    refuse_reason_label,
)
from mystage.services.applications.submit import (
    CV_SECTIONS,
    MOTIVATION_MAX,
    MOTIVATION_MIN,
    MSG_CONTACT,
    MSG_DUPLICATE,
    MSG_EMAIL,
    MSG_MOTIVATION,
    MSG_MOTIVATION_LONG,
    MSG_PERIOD_FULL,
    MSG_PHONE,
    MSG_WEEK,
    MSG_WEEK_FULL,
    MSG_WEEK_SCHOOL,
    apply,
    cv_sections,
    school_weeks,
)
from mystage.services.applications.views import (
    EMPLOYER_ACTIONS,
    EMPLOYER_BUTTONS,
    LIST_TABS,
    MSG_MESSAGE_LONG,
    MSG_NOT_OFFERED,
    SCHOOL_ACTIONS,
    decide_as_employer,
    decide_as_school,
    employer_buttons,
    employer_view,
    open_as_employer,
    school_list,
    school_view,
)
from mystage.services.applications.webhooks import EVENTS as WEBHOOK_EVENTS
from mystage.services.applications.webhooks import payload as webhook_payload

__all__ = [
    "PupilMessages",
    "among",
    "queue_pupil_messages",
    "API_ACTIONS",
    "MSG_PARTNER_SITE",
    "PARTNER_LABEL",
    "PARTNER_URL",
    "PER_PAGE_MAX",
    "WEBHOOK_EVENTS",
    "api_actions",
    "application_view",
    "decide_as_operator",
    "offer_applications",
    "partner_click",
    "partner_link",
    "valid_permalink",
    "webhook_payload",
    "ACTION_LABELS",
    "CV_SECTIONS",
    "EMPLOYER_ACTIONS",
    "EMPLOYER_BUTTONS",
    "MSG_NOT_OFFERED",
    "employer_buttons",
    "EMPLOYER_URL",
    "FINAL_STATES",
    "LIST_TABS",
    "MAX_CONFIRMED_PER_YEAR",
    "MAX_WEEK_COUNT",
    "MESSAGE_MAX",
    "MOTIVATION_MAX",
    "MOTIVATION_MIN",
    "MSG_ALREADY",
    "MSG_CONTACT",
    "MSG_DENIED",
    "MSG_DUPLICATE",
    "MSG_EMAIL",
    "MSG_LAST_PLACE",
    "MSG_MESSAGE_LONG",
    "MSG_MESSAGE_REQUIRED",
    "MSG_MOTIVATION",
    "MSG_MOTIVATION_LONG",
    "MSG_NOT_NOW",
    "MSG_NO_PLACE",
    "MSG_OFFER_GONE",
    "MSG_OUT_OF_SCOPE",
    "MSG_PERIOD_FULL",
    "MSG_PHONE",
    "MSG_REASON_REQUIRED",
    "MSG_REASON_UNKNOWN",
    "MSG_TWO_CONFIRMED",
    "MSG_UNKNOWN_ACTION",
    "MSG_WEEK",
    "MSG_WEEK_CONFIRMED",
    "MSG_WEEK_FULL",
    "MSG_WEEK_SCHOOL",
    "PUPIL_URL",
    "REFUSE_REASONS",
    "SCHOOL_ACTIONS",
    "SCHOOL_URL",
    "SYSTEM_ACTIONS",
    "TRANSITIONS",
    "Transition",
    "actions_for",
    "apply",
    "can_apply",
    "confirm",
    "cv_sections",
    "decide_as_employer",
    "decide_as_school",
    "employer_contact",
    "employer_view",
    "level_error",
    "may_view_reserved",
    "move",
    "open_as_employer",
    "overlaps",
    "refuse_reason_error",
    "refuse_reason_label",
    "school_list",
    "school_view",
    "school_weeks",
    "transition",
]
