"""The school space's states, one module per page or page group: :mod:`.signup`,
:mod:`.invitation`, :mod:`.team`, :mod:`.classes`, :mod:`.internship_weeks`,
:mod:`.school_settings`, :mod:`.dashboard`, :mod:`.class_tracking` (a class's table),
:mod:`.authorization_sheet` (its printable authorization form), :mod:`.class_roster` (its
list of pupils, invitations and code), :mod:`.class_signup` (a pupil signing up into a class
by code or invitation), :mod:`.pupil`; :mod:`.space` (what every page of the space shares),
:mod:`.values` (shaping values) and :mod:`.school_search` (the school autocomplete of the
sign-up forms)."""

from mystage.state.schools.authorization_sheet import AuthorizationSheetState
from mystage.state.schools.class_roster import ClassRosterState
from mystage.state.schools.class_signup import ClassSignupState
from mystage.state.schools.class_tracking import (
    FILTER_LABELS,
    FILTERS,
    SchoolClassState,
)
from mystage.state.schools.classes import LEVEL_CHOICES, SchoolClassesState
from mystage.state.schools.dashboard import TAB_LABELS, TABS, SchoolDashboardState
from mystage.state.schools.internship_weeks import SchoolWeeksState, week_periods
from mystage.state.schools.invitation import InvitationState
from mystage.state.schools.pupil import SchoolPupilState
from mystage.state.schools.school_search import SEARCH_BURST, search_schools
from mystage.state.schools.school_settings import SchoolSettingsState
from mystage.state.schools.signup import FUNCTION_CHOICES, SchoolSignupState
from mystage.state.schools.space import SIGNUP_URL, SPACE_URL
from mystage.state.schools.team import SCOPE_CHOICES, SchoolTeamState

__all__ = [
    "FILTERS",
    "FILTER_LABELS",
    "FUNCTION_CHOICES",
    "LEVEL_CHOICES",
    "SCOPE_CHOICES",
    "SEARCH_BURST",
    "SIGNUP_URL",
    "SPACE_URL",
    "TABS",
    "TAB_LABELS",
    "AuthorizationSheetState",
    "ClassRosterState",
    "ClassSignupState",
    "InvitationState",
    "SchoolClassState",
    "SchoolClassesState",
    "SchoolDashboardState",
    "SchoolPupilState",
    "SchoolSettingsState",
    "SchoolSignupState",
    "SchoolTeamState",
    "SchoolWeeksState",
    "search_schools",
    "week_periods",
]
