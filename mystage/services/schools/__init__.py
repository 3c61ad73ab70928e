"""The school side: the head's sign-up and staff, the school's set-up (classes, internship
weeks, settings), parents' authorizations, tracking tables, application lists, exports.

Conventions (as in :mod:`offers` and :mod:`structures`)
- Every public function takes the session and the calling :class:`User` and checks the
  caller's rights itself (:mod:`permissions`): whatever ids it is given, a caller who may
  not act gets :class:`permissions.PermissionDenied` (one message, whether the object is
  another school's or does not exist, so nothing leaks) and nothing changes.
- The school acted upon is the caller's own (``user.school_id`` with an active
  membership, or head): the optional ``school_id`` argument is only checked against it,
  except for admins, who must pass it.  Teachers the head restricted to some classes only
  ever see those classes, their pupils and their pupils' applications.
- Form-like results are ``errors: dict[str, str]`` (or ``(result, errors)``) keyed by the
  form field, with a French message; nothing is stored when there are errors.  Actions
  return "" or a French error.  Every change is committed here, with an audit row.
- Tables and lists are built by aggregate SQL (GROUP BY per pupil then per class), never
  per-row queries, so a school of 1,000 pupils answers at once.

The package: :mod:`.scope` (who acts on which school), :mod:`.signup`, :mod:`.team`,
:mod:`.invitations`, :mod:`.classes`, :mod:`.internship_weeks`, :mod:`.school_settings`,
:mod:`.authorizations`, :mod:`.tracking`, :mod:`.applications` (staff views), :mod:`.exports`,
:mod:`.qpv` (a lycée's QPV declaration, confirmed by an admin), :mod:`.roster` (a class's
list of pupils and their invitations), :mod:`.class_signup` (the class code and signing up
into a class), :mod:`.reminders` (« Relancer »);
:mod:`.academies` (mail domains), :mod:`.mails`, :mod:`.messages`, :mod:`.constants`.

Decisions
- The head (chef d'établissement) is known by role + ``school_id`` + an *active* account.
  Signing up with the school's official mailbox ``ce.<UAI>@ac-<académie>.fr`` gives a
  normal account (active once the mailed link is opened); with another address of the
  school's académie the account waits for an admin's validation (``pending_validation``).
  :mod:`accounts` has no activation hook, so the school's ``registered_at`` and ``email``
  are set lazily, the first time the head opens the space (:func:`space_context`), which
  also creates the head's own active membership row.
- Staff memberships: ``pending`` → ``active`` (accepted) / ``refused``; ``active`` →
  ``removed``.  Only ``active`` gives access.
- Classes are soft-deleted, and only when empty: the head moves the pupils first
  (:func:`move_pupil`).  A deleted class keeps its applications' history; its name gets a
  suffix so the name can be used again (names are unique per school).
- Internship weeks: the school's weeks (``class_id`` NULL) apply to every class; a class
  with weeks of its own follows those instead (:func:`mystage.services.weeks.weeks_for_class`).
"""

from mystage.services.schools.academies import (
    academy_domain,
    academy_domains,
    academy_phrase,
    check_head_email,
    check_staff_email,
    is_academy_domain,
    official_mailbox,
)
from mystage.services.schools.applications import (
    TABS,
    application_tabs,
    pupil_applications,
)
from mystage.services.schools.authorizations import (
    authorization_sheet,
    record_authorization,
    record_class_authorizations,
    undo_authorization,
)
from mystage.services.schools.class_signup import (
    CLASS_CODE_URL,
    MSG_CODE_LIMITED,
    MSG_CODE_UNKNOWN,
    MSG_INVITATION_GONE,
    class_by_code,
    class_by_invitation,
    normalize_code,
    register_class_pupil,
    set_class_code,
)
from mystage.services.schools.classes import (
    LEVELS_BY_KIND,
    classes,
    create_class,
    delete_class,
    level_choices,
    move_pupil,
    rename_class,
)
from mystage.services.schools.constants import (
    CLASS_NAME_MAX,
    HEAD_LABEL,
    INVITATION_TTL,
    INVITATION_URL,
    MAX_CLASSES_PER_PICK,
    MAX_RADIUS_KM,
    MAX_WEEKS,
    MEMBER_STATUS_LABELS,
    NO_CLASS,
    SCOPE_LABELS,
    SEARCH_SCOPES,
    SPACE_URL,
    STAFF_FUNCTIONS,
    STAFF_URL,
    function_label,
    staff_function_choices,
)
from mystage.services.schools.exports import (
    CLASS_COLUMNS,
    SCHOOL_COLUMNS,
    class_table_xlsx,
    export_filename,
    school_table_xlsx,
)
from mystage.services.schools.internship_weeks import (
    school_weeks,
    set_weeks,
)
from mystage.services.schools.invitations import (
    accept_invitation,
    cancel_invitation,
    invitation_info,
    invite_staff,
)
from mystage.services.schools.messages import (
    MSG_ALREADY_REMOVED,
    MSG_AUTH_DATE,
    MSG_AUTH_FUTURE,
    MSG_AUTH_NONE,
    MSG_AUTH_OLD,
    MSG_CLASS_LEVEL,
    MSG_CLASS_NAME,
    MSG_CLASS_NAME_LONG,
    MSG_CLASS_NAME_TAKEN,
    MSG_CLASS_NOT_EMPTY,
    MSG_CLASSES,
    MSG_DENIED,
    MSG_FUNCTION,
    MSG_FUNCTION_OTHER,
    MSG_HEAD_EMAIL,
    MSG_HEAD_NOT_REMOVABLE,
    MSG_HEAD_ONLY,
    MSG_HEAD_OTHER_UAI,
    MSG_INVITATION_DONE,
    MSG_INVITATION_INVALID,
    MSG_INVITE_ACCOUNT,
    MSG_INVITE_MEMBER,
    MSG_INVITE_PENDING,
    MSG_MOVE_SAME,
    MSG_NO_ACADEMY,
    MSG_NO_SECONDE,
    MSG_NOT_ACTIVE_MEMBER,
    MSG_OTHER_ACADEMY,
    MSG_PASSWORD_MISMATCH,
    MSG_RADIUS,
    MSG_REQUEST_DONE,
    MSG_SCHOOL_CLOSED,
    MSG_SCHOOL_REQUIRED,
    MSG_SCOPE,
    MSG_SCOPE_CLASSES,
    MSG_SEARCH_SCOPE,
    MSG_STAFF_EMAIL,
    MSG_STAFF_OFFICIAL,
    MSG_TOO_MANY_WEEKS,
    MSG_WEEK_INVALID,
    MSG_WEEK_OUTSIDE,
    MSG_WEEK_WEEKEND,
    MSG_YEAR,
)
from mystage.services.schools.qpv import (
    MSG_QPV_COLLEGE,
    MSG_QPV_INVALID,
    MSG_QPV_NOT_PENDING,
    QPV_LABEL,
    QPV_STATUS_LABELS,
    decide_qpv,
    declare_qpv,
    pending_qpv,
    qpv_status,
)
from mystage.services.schools.reminders import REMIND_EVERY, remind_class
from mystage.services.schools.roster import (
    ROSTER_INVITATION_TTL,
    ROSTER_INVITATION_URL,
    add_roster,
    add_roster_pupil,
    link_by_name,
    preview_roster,
    purge_roster,
    remove_roster,
    resend_roster_invitation,
)
from mystage.services.schools.roster_parse import (
    MSG_ROSTER_EMPTY,
    ROSTER_MAX_LINES,
    parse_roster,
)
from mystage.services.schools.school_settings import (
    school_settings,
    update_settings,
)
from mystage.services.schools.signup import (
    register_head,
    register_staff,
)
from mystage.services.schools.space import (
    class_choices,
    space_context,
)
from mystage.services.schools.team import (
    decide_staff,
    remove_staff,
    set_staff_rights,
    staff_list,
)
from mystage.services.schools.tracking import (
    CLASS_FILTERS,
    CLASS_SORTS,
    CLOSED_STATES,
    STAGES,
    STATE_RANK,
    class_counts,
    class_table,
    school_table,
    stage_of,
    state_colour,
)

__all__ = [
    "MSG_ROSTER_EMPTY",
    "CLASS_CODE_URL",
    "MSG_CODE_LIMITED",
    "MSG_CODE_UNKNOWN",
    "MSG_INVITATION_GONE",
    "class_by_code",
    "class_by_invitation",
    "normalize_code",
    "register_class_pupil",
    "set_class_code",
    "REMIND_EVERY",
    "remind_class",
    "ROSTER_INVITATION_TTL",
    "ROSTER_INVITATION_URL",
    "ROSTER_MAX_LINES",
    "add_roster",
    "add_roster_pupil",
    "link_by_name",
    "parse_roster",
    "preview_roster",
    "purge_roster",
    "remove_roster",
    "resend_roster_invitation",
    "class_counts",
    "CLASS_COLUMNS",
    "CLASS_FILTERS",
    "CLASS_NAME_MAX",
    "CLASS_SORTS",
    "CLOSED_STATES",
    "HEAD_LABEL",
    "INVITATION_TTL",
    "INVITATION_URL",
    "LEVELS_BY_KIND",
    "MAX_CLASSES_PER_PICK",
    "MAX_RADIUS_KM",
    "MAX_WEEKS",
    "MEMBER_STATUS_LABELS",
    "MSG_ALREADY_REMOVED",
    "MSG_AUTH_DATE",
    "MSG_AUTH_FUTURE",
    "MSG_AUTH_NONE",
    "MSG_AUTH_OLD",
    "MSG_CLASSES",
    "MSG_CLASS_LEVEL",
    "MSG_CLASS_NAME",
    "MSG_CLASS_NAME_LONG",
    "MSG_CLASS_NAME_TAKEN",
    "MSG_CLASS_NOT_EMPTY",
    "MSG_DENIED",
    "MSG_FUNCTION",
    "MSG_FUNCTION_OTHER",
    "MSG_HEAD_EMAIL",
    "MSG_HEAD_NOT_REMOVABLE",
    "MSG_HEAD_ONLY",
    "MSG_HEAD_OTHER_UAI",
    "MSG_INVITATION_DONE",
    "MSG_INVITATION_INVALID",
    "MSG_INVITE_ACCOUNT",
    "MSG_INVITE_MEMBER",
    "MSG_INVITE_PENDING",
    "MSG_MOVE_SAME",
    "MSG_NOT_ACTIVE_MEMBER",
    "MSG_NO_ACADEMY",
    "MSG_NO_SECONDE",
    "MSG_OTHER_ACADEMY",
    "MSG_PASSWORD_MISMATCH",
    "MSG_QPV_COLLEGE",
    "MSG_QPV_INVALID",
    "MSG_QPV_NOT_PENDING",
    "MSG_RADIUS",
    "MSG_REQUEST_DONE",
    "MSG_SCHOOL_CLOSED",
    "MSG_SCHOOL_REQUIRED",
    "MSG_SCOPE",
    "MSG_SCOPE_CLASSES",
    "MSG_SEARCH_SCOPE",
    "MSG_STAFF_EMAIL",
    "MSG_STAFF_OFFICIAL",
    "MSG_TOO_MANY_WEEKS",
    "MSG_WEEK_INVALID",
    "MSG_WEEK_OUTSIDE",
    "MSG_WEEK_WEEKEND",
    "MSG_YEAR",
    "NO_CLASS",
    "QPV_LABEL",
    "QPV_STATUS_LABELS",
    "SCHOOL_COLUMNS",
    "SCOPE_LABELS",
    "SEARCH_SCOPES",
    "SPACE_URL",
    "STAFF_FUNCTIONS",
    "STAFF_URL",
    "STAGES",
    "STATE_RANK",
    "TABS",
    "academy_domain",
    "academy_domains",
    "academy_phrase",
    "accept_invitation",
    "application_tabs",
    "authorization_sheet",
    "cancel_invitation",
    "check_head_email",
    "check_staff_email",
    "class_choices",
    "class_table",
    "class_table_xlsx",
    "classes",
    "create_class",
    "decide_qpv",
    "decide_staff",
    "declare_qpv",
    "delete_class",
    "export_filename",
    "function_label",
    "invitation_info",
    "invite_staff",
    "is_academy_domain",
    "level_choices",
    "move_pupil",
    "official_mailbox",
    "pending_qpv",
    "pupil_applications",
    "qpv_status",
    "record_authorization",
    "record_class_authorizations",
    "register_head",
    "register_staff",
    "remove_staff",
    "rename_class",
    "school_settings",
    "school_table",
    "school_table_xlsx",
    "school_weeks",
    "set_staff_rights",
    "set_weeks",
    "space_context",
    "staff_function_choices",
    "staff_list",
    "stage_of",
    "state_colour",
    "undo_authorization",
    "update_settings",
]
