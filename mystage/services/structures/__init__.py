"""Structures d'accueil: employer sign-up, team (same SIRET → join request), structure
profile and logo, validation by the MyStage team.

Submodules: :mod:`.inputs` (form input helpers, shared with the offer form),
:mod:`.naf`, :mod:`.profile` (the structure form), :mod:`.signup`, :mod:`.membership`
(who acts for which structure), :mod:`.team` (join requests), :mod:`.logo`,
:mod:`.approval` (validation by the MyStage team), :mod:`.decisions`.

Conventions (as in :mod:`accounts`): form-like results are ``errors: dict[str, str]``
keyed by the form field name, with a French message; nothing is stored when there are
errors.  Every public function checks the caller's rights itself and raises
:class:`permissions.PermissionDenied` (or returns a French error string for actions).
"""

from __future__ import annotations

from mystage.services.structures.approval import (
    MSG_STRUCTURE_DONE,
    structures_awaiting_validation,
    validate_structure,
)
from mystage.services.structures.decisions import (
    DASHBOARD_URL,
)
from mystage.services.structures.inputs import (
    MSG_CITY_REQUIRED,
    MSG_POSTAL_CODE,
    MSG_TOO_LONG,
    MSG_WEBSITE,
    academy_of,
    checked_postal_code,
    checked_text,
    display_phone,
    geocode_place,
    normalize_any_phone,
    normalize_website,
    too_long,
)
from mystage.services.structures.logo import (
    LOGO_MAX_BYTES,
    LOGO_MAX_PIXELS,
    LOGO_MAX_SIDE,
    MSG_LOGO_FORMAT,
    MSG_LOGO_SIZE,
    logo_bytes,
    save_logo,
)
from mystage.services.structures.membership import (
    MSG_MEMBERSHIP_PENDING,
    MSG_NOT_OWNER,
    MSG_PENDING_VALIDATION,
    MSG_REFUSED,
    employer_context,
    pending_membership,
    personal_structure,
    publish_block_reason,
    structure_for_user,
)
from mystage.services.structures.naf import (
    naf_code_of,
    naf_suggestions,
)
from mystage.services.structures.profile import (
    MSG_ACTIVITY_REQUIRED,
    MSG_ADDRESS_NOT_FOUND,
    MSG_ADDRESS_REQUIRED,
    MSG_NAF_REQUIRED,
    MSG_NAF_UNKNOWN,
    MSG_NAME_REQUIRED,
    MSG_SIRET_TAKEN,
    MSG_STATUT,
    STATUTS,
    structure_form,
    update_structure,
)
from mystage.services.structures.signup import (
    CIVILITIES,
    CONSENTS,
    MSG_CHARTER,
    MSG_CIVILITY,
    MSG_EMAIL_REQUIRED,
    MSG_LANDLINE_INVALID,
    MSG_MOBILE_INVALID,
    MSG_PASSWORD_MISMATCH,
    MSG_PHONE_REQUIRED,
    MSG_PRIVACY,
    TEAM_URL,
    register_employer,
)
from mystage.services.structures.team import (
    MSG_REQUEST_DONE,
    decide_join_request,
    join_requests,
    team_members,
)

__all__ = [
    "checked_postal_code",
    "checked_text",
    "CIVILITIES",
    "CONSENTS",
    "DASHBOARD_URL",
    "LOGO_MAX_BYTES",
    "LOGO_MAX_PIXELS",
    "LOGO_MAX_SIDE",
    "MSG_ACTIVITY_REQUIRED",
    "MSG_ADDRESS_NOT_FOUND",
    "MSG_ADDRESS_REQUIRED",
    "MSG_CHARTER",
    "MSG_CITY_REQUIRED",
    "MSG_CIVILITY",
    "MSG_EMAIL_REQUIRED",
    "MSG_LANDLINE_INVALID",
    "MSG_LOGO_FORMAT",
    "MSG_LOGO_SIZE",
    "MSG_MEMBERSHIP_PENDING",
    "MSG_MOBILE_INVALID",
    "MSG_NAF_REQUIRED",
    "MSG_NAF_UNKNOWN",
    "MSG_NAME_REQUIRED",
    "MSG_NOT_OWNER",
    "MSG_PASSWORD_MISMATCH",
    "MSG_PENDING_VALIDATION",
    "MSG_PHONE_REQUIRED",
    "MSG_POSTAL_CODE",
    "MSG_PRIVACY",
    "MSG_REFUSED",
    "MSG_REQUEST_DONE",
    "MSG_SIRET_TAKEN",
    "MSG_STATUT",
    "MSG_STRUCTURE_DONE",
    "MSG_TOO_LONG",
    "MSG_WEBSITE",
    "STATUTS",
    "TEAM_URL",
    "academy_of",
    "decide_join_request",
    "display_phone",
    "employer_context",
    "geocode_place",
    "join_requests",
    "logo_bytes",
    "naf_code_of",
    "naf_suggestions",
    "normalize_any_phone",
    "normalize_website",
    "pending_membership",
    "personal_structure",
    "publish_block_reason",
    "register_employer",
    "save_logo",
    "structure_for_user",
    "structure_form",
    "structures_awaiting_validation",
    "team_members",
    "too_long",
    "update_structure",
    "validate_structure",
]

# --- « Espaces » and who receives an offer's mails ------------------------------------------
from mystage.services.structures.recipients import (  # noqa: E402
    offer_recipients,
    recipients_for_offers,
)
from mystage.services.structures.spaces import (  # noqa: E402
    DEFAULT_NAME as DEFAULT_SPACE_NAME,
)
from mystage.services.structures.spaces import (  # noqa: E402
    accessible_spaces,
    create_space,
    default_space_for,
    delete_space,
    first_space,
    member_access,
    move_offers,
    my_spaces,
    rename_space,
    set_member_access,
    set_notify,
    structure_offers,
)

__all__ += [
    "DEFAULT_SPACE_NAME",
    "accessible_spaces",
    "create_space",
    "default_space_for",
    "delete_space",
    "first_space",
    "member_access",
    "move_offers",
    "my_spaces",
    "offer_recipients",
    "recipients_for_offers",
    "rename_space",
    "set_member_access",
    "set_notify",
    "structure_offers",
]
