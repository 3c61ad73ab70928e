"""Account states: login, sign-up, activation, recovery, « Mon espace » / « Mon compte », and
the administrators' validation screen."""

from mystage.state.accounts.account import EmailChangeState, MyAccountState
from mystage.state.accounts.activation import ActivationState
from mystage.state.accounts.admin import AdminState
from mystage.state.accounts.login import LoginState, MagicLinkState
from mystage.state.accounts.recovery import NewPasswordState, ResetState
from mystage.state.accounts.signup import (
    CLASS_NOT_LISTED,
    MINISTRY_OPTIONS,
    MSG_CLASS_REQUIRED,
    SIGNUP_ROLES,
    SignupState,
)
from mystage.state.accounts.space import AccountState, DevMailState

__all__ = [
    "CLASS_NOT_LISTED",
    "MINISTRY_OPTIONS",
    "MSG_CLASS_REQUIRED",
    "SIGNUP_ROLES",
    "AccountState",
    "ActivationState",
    "AdminState",
    "DevMailState",
    "EmailChangeState",
    "LoginState",
    "MagicLinkState",
    "MyAccountState",
    "NewPasswordState",
    "ResetState",
    "SignupState",
]
