"""Plain-French message builders: each returns ``(subject, body)``.

Mails: a short subject (no capitals shouting), a greeting, one sentence saying why the
mail arrives, the action link on its own line, how long it is valid, what to do if the
reader did not ask for it, and the signature « L'équipe MyStage ».  SMS: ``subject`` is
empty and the body stays within one segment, using only characters of the GSM 7-bit
alphabet (é, è, à, ù are in it; ê, ô, î, ç are not).

Later issues add their messages with ``@template("name")`` and call
``render("name", **ctx)``; :func:`link` turns a path into an absolute URL for mails.
"""

from mystage.notify.templates import (
    account_changes,  # noqa: F401  (registers them)
    admin_users,  # noqa: F401  (registers them)
    moderation,  # noqa: F401  (registers them)
    my_data,  # noqa: F401  (registers them)
    orgs,  # noqa: F401  (registers them)
)
from mystage.notify.templates.accounts import (
    account_validation_decision,
    activation,
    generic,
    magic_link,
    password_reset,
    referent_request,
    signup_existing,
    sms_magic_link,
    sms_phone_code,
    sms_reset_code,
    sms_signup_existing,
)
from mystage.notify.templates.applications import (
    app_employer_event,
    app_employer_reminder,
    app_new_employer,
    app_pupil_event,
    app_school_event,
    app_school_validation_request,
    app_single_nudge,
    sms_app_pupil_event,
    sms_app_single_nudge,
)
from mystage.notify.templates.conventions import (
    conv_code,
    conv_event,
    conv_school_warning,
    sms_conv_code,
    sms_conv_to_sign,
)
from mystage.notify.templates.offers import (
    offer_left_search,
    offer_withdrawn_pupil,
    sms_offer_withdrawn_pupil,
    structure_join_decision,
    structure_join_request,
    structure_validation_decision,
)
from mystage.notify.templates.registry import (
    SIGNATURE,
    Builder,
    greeting,
    link,
    mail_body,
    render,
    template,
    template_names,
)
from mystage.notify.templates.team import team_invitation, team_ownership, team_removed

__all__ = [
    "Builder",
    "SIGNATURE",
    "account_validation_decision",
    "activation",
    "app_employer_event",
    "app_employer_reminder",
    "app_new_employer",
    "app_pupil_event",
    "app_school_event",
    "app_school_validation_request",
    "app_single_nudge",
    "conv_code",
    "conv_event",
    "conv_school_warning",
    "generic",
    "greeting",
    "link",
    "magic_link",
    "mail_body",
    "offer_left_search",
    "offer_withdrawn_pupil",
    "password_reset",
    "referent_request",
    "render",
    "signup_existing",
    "sms_app_pupil_event",
    "sms_app_single_nudge",
    "sms_conv_code",
    "sms_conv_to_sign",
    "sms_magic_link",
    "sms_offer_withdrawn_pupil",
    "sms_phone_code",
    "sms_reset_code",
    "sms_signup_existing",
    "structure_join_decision",
    "structure_join_request",
    "structure_validation_decision",
    "team_invitation",
    "team_ownership",
    "team_removed",
    "template",
    "template_names",
]
