"""Rate limits and lockouts of every account path: numbers and reasons (:data:`LIMITS`).

Rows are kept by :mod:`ratelimit` (``LoginAttempt``); :func:`allowed` checks a list of
(limit, key) pairs and :func:`record_attempts` counts one attempt per key."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session

from mystage.services.accounts import ratelimit

LOCKOUT_THRESHOLD = 10  # wrong passwords in a row that lock the account attacked
LOCKOUT_DURATION = timedelta(minutes=15)
# Past LIMITS["login_ip"] failures from one address, each login from it waits
# LOGIN_DELAY_FIRST + LOGIN_DELAY_STEP per further failure, at most LOGIN_DELAY_MAX
# (under the 10 s Reflex state lock; a guesser trying one password after the other gets
# about 700 tries an hour instead of tens of thousands).
LOGIN_DELAY_FIRST = 0.5
LOGIN_DELAY_STEP = 0.1
LOGIN_DELAY_MAX = 5.0


@dataclass(frozen=True)
class Limit:
    limit: int
    window: timedelta


# Per-address limits are sized for a collège behind ONE address (NAT, proxy): ~25 pupils a
# class, 4 to 8 classes a level, up to ~250 pupils of 3e (a lycée: up to ~500 in 2de) who all
# sign up on the same campaign evening or in class, plus their teachers and parents.
# Per-identifier limits protect one mailbox or phone from floods whatever the address.
LIMITS: dict[str, Limit] = {
    # Login.  Failures from one address before its logins are slowed (never refused):
    # a class mistyping passwords stays well under 30 in 15 minutes.
    "login_ip": Limit(30, timedelta(minutes=15)),
    # Failures on an UNKNOWN identifier before it answers like a locked account (same
    # threshold as the lockout, so the answer does not tell which identifiers exist).
    "login_id": Limit(LOCKOUT_THRESHOLD, timedelta(minutes=15)),
    # Sign-ups per address: 200 pupils in one evening (or in one hour of class) fit under
    # 300 an hour; 1,000 a day lets a big lycée's whole level sign up the same day.  Each one
    # costs one mail or one SMS to a NEW identifier (a taken one gets at most one notice an
    # hour, "signup_notice_id"), so one address can cost at most 300 messages an hour.
    "register_ip": Limit(300, timedelta(hours=1)),
    "register_ip_day": Limit(1000, timedelta(days=1)),
    "signup_notice_id": Limit(1, timedelta(hours=1)),
    # Mails and SMS on request (activation again, reset, magic link): 5 an hour per
    # identifier (flooding one person), 100 an hour per address (a class that forgot its
    # passwords fits; a script sending to many identifiers does not get far).
    "resend_ip": Limit(100, timedelta(hours=1)),
    "resend_id": Limit(5, timedelta(hours=1)),
    "reset_ip": Limit(100, timedelta(hours=1)),
    "reset_id": Limit(5, timedelta(hours=1)),
    "magic_ip": Limit(100, timedelta(hours=1)),
    "magic_id": Limit(5, timedelta(hours=1)),
    # Wrong magic links per address (links are 256-bit random: a valid one always works).
    "magic_consume_ip": Limit(20, timedelta(minutes=15)),
    "change_password_user": Limit(5, timedelta(minutes=15)),  # wrong current passwords
    # « Mon compte »: a new e-mail address (link) or mobile number (SMS code) asked.  The
    # address limits are sign-up's ("register_ip", "register_ip_day", counted on scope
    # "account_change"); per account and per new address or number: 5 an hour.
    "account_change_user": Limit(5, timedelta(hours=1)),
    "account_change_id": Limit(5, timedelta(hours=1)),
}
SCOPE_LOGIN = "login"  # LoginAttempt scope of password failures (address and identifier keys)


def allowed(s: Session, scope: str, pairs: list[tuple[str, str]], *, failures_only=False) -> bool:
    """``pairs`` = [(limit name, key)]: True when every key is under its limit."""
    for name, key in pairs:
        lim = LIMITS[name]
        if not ratelimit.check(s, scope, key, lim.limit, lim.window, failures_only=failures_only):
            return False
    return True


def record_attempts(s: Session, scope: str, keys: list[str], success: bool) -> None:
    for key in keys:
        ratelimit.record(s, scope, key, success)


def take_request(s: Session, scope: str, ip: str | None, identifier: str | None) -> bool:
    """A mail or SMS asked on ``scope`` (``resend``, ``reset``, ``magic``): True, and counted
    for the address and the identifier, while both are under their limits (``{scope}_ip``,
    ``{scope}_id``; no identifier: the address only).  False: nothing counted or sent."""
    keys = [ratelimit.ip_key(ip)]
    pairs = [(f"{scope}_ip", keys[0])]
    if identifier:
        keys.append(ratelimit.ident_key(identifier))
        pairs.append((f"{scope}_id", keys[1]))
    if not allowed(s, scope, pairs):
        return False
    record_attempts(s, scope, keys, True)
    return True
