"""What every sign-up form does once the account is created: « check your mail » when it
has an e-mail, else the SMS code step, and the code checked → the session opened.  Shared by
the sign-up forms (``/inscription``, a class's code or invitation, a team invitation); each
form state has the fields ``step``, ``sent_to``, ``code_error`` and the private ``_phone``."""

from __future__ import annotations

from typing import Any

from mystage import db
from mystage.state.navigation import open_session
from mystage.state.values import form_str


def _confirm_phone(s, phone: str, code: str):
    from mystage.services import accounts

    user, error = accounts.confirm_phone(s, phone, code)
    if user is None:
        return None, error or "Code incorrect."
    grant = accounts.issue_login_grant(s, user, accounts.after_signup_url(user))
    s.commit()
    return grant, ""


def show_next_step(state: Any, created: dict[str, str]) -> None:
    """After the account is created (``created``: ``{"email", "phone"}``, the e-mail when
    it has one): the mail to open, or the SMS code to type."""
    state.errors = {}
    if created["email"]:
        state.step = "check_mail"
        state.sent_to = created["email"]
    else:
        state.step = "phone_code"
        state.sent_to = created["phone"]
        state._phone = created["phone"]


async def check_phone_code(state: Any, form: Any) -> None:
    """The SMS code typed (form field ``code``): right → the session opens (the browser
    goes on to the account's first page); wrong → ``code_error``."""
    if state.step != "phone_code" or not state._phone:
        return
    code = form_str(form if isinstance(form, dict) else {}, "code", 12)
    grant, error = await db.call(_confirm_phone, state._phone, code)
    if grant is None:
        state.code_error = error
        return
    state.code_error = ""
    await open_session(state, grant)
