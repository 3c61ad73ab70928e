"""Password hashing (argon2id through the passlib API of ``libpass``) and password rules.

Cost: argon2id, 19 MiB of memory, 5 passes, 1 lane: about 65 ms per hash or check on the
development machine (OWASP minimum is 19 MiB / 2 passes).  Raise the cost here when hardware
gets faster: older hashes are upgraded at the next successful login (``needs_rehash``).

Tests: ``PASSWORD_HASH_FAST=1`` in the environment (read when the hasher is first used) or
``use_fast_hashing()`` switches to the smallest argon2id cost (≈0.1 ms).  It is a test knob
only, never set it in production; hashes made that way are flagged by ``needs_rehash``.
"""

from __future__ import annotations

import os
import unicodedata

from passlib.context import CryptContext

MIN_LENGTH = 12
MAX_LENGTH = 128

_NORMAL_COST = {"time_cost": 5, "memory_cost": 19456, "parallelism": 1}
_FAST_COST = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}

# A few of the most common passwords of 12+ characters (French and international lists).
COMMON_PASSWORDS = frozenset(
    {
        "123456789012",
        "1234567890123",
        "12345678901234",
        "000000000000",
        "111111111111",
        "azertyuiopqs",
        "azertyuiop12",
        "azertyuiop123",
        "azerty123456",
        "azertyazerty",
        "qwertyuiop12",
        "qwertyuiop123",
        "qwerty123456",
        "qwertyqwerty",
        "motdepasse12",
        "motdepasse123",
        "motdepasse1234",
        "motdepasse!!",
        "password1234",
        "password123!",
        "passwordpassword",
        "iloveyou1234",
        "jetaime12345",
        "jetaime123456",
        "soleil123456",
        "bonjour12345",
        "bonjour123456",
        "doudou123456",
        "marseille123",
        "marseille1234",
        "football1234",
        "monstage2024",
        "monstage2025",
        "monstage2026",
        "mystage12345",
        "stage3eme2025",
        "abcdefghijkl",
        "abcdef123456",
        "1q2w3e4r5t6y",
        "1qaz2wsx3edc",
    }
)

MSG_TOO_SHORT = f"Le mot de passe doit contenir au moins {MIN_LENGTH} caractères."
MSG_TOO_LONG = f"Le mot de passe ne doit pas dépasser {MAX_LENGTH} caractères."
MSG_TOO_COMMON = "Ce mot de passe est trop courant : choisissez-en un autre."

_context: CryptContext | None = None
_fast: bool | None = None  # None: follow PASSWORD_HASH_FAST
_dummy_hash: str | None = None


def _build(fast: bool) -> CryptContext:
    cost = _FAST_COST if fast else _NORMAL_COST
    return CryptContext(
        schemes=["argon2"],
        argon2__type="ID",
        argon2__time_cost=cost["time_cost"],
        argon2__memory_cost=cost["memory_cost"],
        argon2__parallelism=cost["parallelism"],
    )


def _ctx() -> CryptContext:
    global _context
    if _context is None:
        fast = _fast
        if fast is None:
            fast = os.environ.get("PASSWORD_HASH_FAST", "").strip().lower() in {"1", "true", "yes"}
        _context = _build(fast)
    return _context


def use_fast_hashing(enabled: bool | None = True) -> None:
    """Tests only: cheap argon2id parameters (``None`` = follow ``PASSWORD_HASH_FAST``)."""
    global _fast, _context, _dummy_hash
    _fast = enabled
    _context = None
    _dummy_hash = None


def _norm(password: str) -> str:
    return unicodedata.normalize("NFC", password)


def _dummy() -> str:
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = _ctx().hash("mystage-dummy-password-for-timing")
    return _dummy_hash


def hash_password(password: str) -> str:
    """argon2id hash of ``password`` (random salt, parameters in the hash string)."""
    return _ctx().hash(_norm(password))


def verify_password(password: str | None, password_hash: str | None) -> bool:
    """True when ``password`` matches.  Same cost when the hash is missing or unreadable
    (checked against a dummy hash), so callers can use it for unknown accounts too."""
    ctx = _ctx()
    if not isinstance(password, str):
        password = ""
    password = _norm(password)
    if not password_hash or ctx.identify(password_hash, required=False) is None:
        ctx.verify(password, _dummy())
        return False
    try:
        return bool(ctx.verify(password, password_hash))
    except (ValueError, TypeError):
        return False


def verify_dummy(password: str | None = "") -> None:
    """Spend the cost of one check (unknown account), result ignored."""
    verify_password(password, None)


def needs_rehash(password_hash: str | None) -> bool:
    """True when the hash uses weaker parameters than the current ones (or is unreadable)."""
    if not password_hash:
        return True
    ctx = _ctx()
    if ctx.identify(password_hash, required=False) is None:
        return True
    try:
        return bool(ctx.needs_update(password_hash))
    except (ValueError, TypeError):
        return True


def password_error(password: str | None) -> str | None:
    """French message for the « mot de passe » field, or None when the password is acceptable."""
    if not isinstance(password, str) or len(_norm(password)) < MIN_LENGTH:
        return MSG_TOO_SHORT
    pw = _norm(password)
    if len(pw) > MAX_LENGTH:
        return MSG_TOO_LONG
    folded = pw.strip().casefold()
    if folded in COMMON_PASSWORDS or len(set(folded)) <= 2:
        return MSG_TOO_COMMON
    if folded.isdigit() and folded in "01234567890123456789" + "98765432109876543210":
        return MSG_TOO_COMMON
    return None
