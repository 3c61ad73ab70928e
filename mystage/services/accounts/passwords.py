"""Password hashing (argon2id through the passlib API of ``libpass``) and password rules.

Rules (:func:`password_error`, applied wherever a password is SET: sign-ups, reset, change,
invitations, ``create-account``): 12 to 128 characters, not one of the most common
passwords, and hard enough to guess for the zxcvbn estimator (``zxcvbn`` on PyPI, MIT,
pinned in requirements.txt) taught French: French keyboards (AZERTY and BÉPO walks), French
words, names and keyboard rows (:mod:`password_words`), the person's own names and
identifiers and the site's words; years up to 2099.  At least ``MIN_GUESSES`` guesses
(zxcvbn's score 4: its score 3 starts at 10⁸, which its scoring grants any password made of
three parts, « eleve2026eleve » included).  Refusals are explained in French next to the
field.  Logging in never applies these rules (older passwords keep working).

Cost: argon2id, 19 MiB of memory, 5 passes, 1 lane: about 65 ms per hash or check on the
development machine (OWASP minimum is 19 MiB / 2 passes).  Raise the cost here when hardware
gets faster: older hashes are upgraded at the next successful login (``needs_rehash``).

Tests: ``PASSWORD_HASH_FAST=1`` in the environment (read when the hasher is first used) or
``use_fast_hashing()`` switches to the smallest argon2id cost (≈0.1 ms).  It is a test knob
only, never set it in production; hashes made that way are flagged by ``needs_rehash``.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from passlib.context import CryptContext
from zxcvbn import matching, scoring

from mystage.services.accounts import password_words

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
MSG_WEAK = "Ce mot de passe est trop facile à deviner : "
MSG_ADVICE = (
    " Choisissez plutôt une phrase de quelques mots sans lien entre eux, facile à retenir "
    "pour vous seul."
)
MSG_TOO_COMMON = MSG_WEAK + "il fait partie des mots de passe les plus courants." + MSG_ADVICE
# What a weak password is built on (zxcvbn pattern → French words).
REASONS = {
    "spatial": "il suit des touches voisines du clavier (comme « azerty » ou « qsdf »)",
    "user_inputs": "il reprend votre nom, votre adresse ou le nom du site",
    "dictionary": "il repose sur un mot ou un mot de passe très courant",
    "l33t": "même avec des lettres remplacées par des chiffres ou des symboles",
    "reversed": "même écrit à l'envers",
    "sequence": "il contient une suite facile (abcd, 1234…)",
    "repeat": "il répète les mêmes caractères ou le même motif",
    "date": "il contient une date ou une année",
    "short": "il est trop simple pour sa longueur",
}

# zxcvbn's estimate must reach this many guesses (its score 4).
MIN_GUESSES = 10**10
_WALKS = frozenset(password_words.KEYBOARD_WALKS)
# Bounds on the estimator's cost (it grows with the square of the length, and its l33t
# matcher with the number of substitution symbols): the first ESTIMATE_CHARS characters are
# estimated, and the l33t matcher is skipped past L33T_MAX_SYMBOLS distinct symbols (a
# password full of symbols is not a dictionary word in disguise).  Worst case about 0.1 s.
ESTIMATE_CHARS = 40
L33T_MAX_SYMBOLS = 5
_L33T_SYMBOLS = frozenset("".join("".join(v) for v in matching.L33T_TABLE.values()))


def _keyboard(rows: list[tuple[int, str]]) -> dict[str, list[str | None]]:
    """A zxcvbn adjacency graph of a staggered keyboard.  ``rows``: (column of the first
    key, keys as "unshifted+shifted" pairs separated by spaces), top row first.  Neighbours
    in zxcvbn's order: left, upper left, upper right, right, lower right, lower left."""
    position: dict[tuple[int, int], str] = {}
    for y, (x0, keys) in enumerate(rows):
        for i, key in enumerate(keys.split()):
            position[(x0 + i, y)] = key
    graph: dict[str, list[str | None]] = {}
    for (x, y), key in position.items():
        around = ((x - 1, y), (x, y - 1), (x + 1, y - 1), (x + 1, y), (x, y + 1), (x - 1, y + 1))
        neighbours = [position.get(c) for c in around]
        for ch in key:
            graph.setdefault(ch, neighbours)
    return graph


AZERTY = _keyboard(
    [
        (1, "&1 é2 \"3 '4 (5 -6 è7 _8 ç9 à0 )° =+"),
        (1, "aA zZ eE rR tT yY uU iI oO pP ^¨ $£"),
        (1, "qQ sS dD fF gG hH jJ kK lL mM ù% *µ"),
        (0, "<> wW xX cC vV bB nN ,? ;. :/ !§"),
    ]
)
BEPO = _keyboard(
    [
        (0, '$# "1 «2 »3 (4 )5 @6 +7 -8 /9 *0 =° %`'),
        (1, "bB éÉ pP oO èÈ ^! vV dD lL jJ zZ wW"),
        (1, "aA uU iI eE ,; cC tT sS rR nN mM çÇ"),
        (0, "êÊ àÀ yY xX .: kK '? qQ gG hH fF"),
    ]
)


def _teach_zxcvbn() -> None:
    """Give zxcvbn the French keyboards, words and names, and years up to 2099 (module-wide
    settings of the library, set once; per-call inputs never go through its globals)."""
    matching.GRAPHS.setdefault("azerty", AZERTY)
    matching.GRAPHS.setdefault("bepo", BEPO)
    if "french" not in matching.RANKED_DICTIONARIES:
        matching.add_frequency_lists(
            {
                "french": list(password_words.FRENCH_WORDS),
                "french_surnames": list(password_words.FRENCH_SURNAMES),
            }
        )
    matching.REGEXEN["recent_year"] = re.compile(r"19\d\d|20\d\d")


_teach_zxcvbn()

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


def _fold(text: str) -> str:
    """Lower case without accents (« Élève » → « eleve »)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _input_words(user_inputs: Iterable[Any]) -> list[str]:
    """The words a password must not be built on: the site's words, then each input split
    into its parts (names, an address's local part and domain labels, a phone number in its
    usual forms), lower case with and without accents, 3 characters or more."""
    words: list[str] = list(password_words.SITE_WORDS)
    for raw in user_inputs:
        if not isinstance(raw, str) or not raw.strip():
            continue
        value = raw.strip().casefold()[:254]
        digits = re.sub(r"\D", "", value)
        if len(digits) >= 8 and "@" not in value:  # a phone number
            national = "0" + digits[-9:]
            words += [digits, national, digits[-8:], digits[-4:]]
            continue
        words.append(value)
        if "@" in value:
            words.append(value.split("@", 1)[0])
        words += re.split(r"[\s@.\-_+'’]+", value)
    out: list[str] = []
    for word in words:
        for form in (word, _fold(word)):
            if len(form) >= 3 and form not in out:
                out.append(form)
    return out


def _estimate(password: str, inputs: list[str]) -> dict[str, Any]:
    """zxcvbn's least-guesses analysis of ``password`` (matches + scoring), with the
    ``inputs`` in a per-call copy of its dictionaries (thread-safe, unlike ``zxcvbn()``)."""
    dictionaries = dict(matching.RANKED_DICTIONARIES)
    dictionaries["user_inputs"] = matching.build_ranked_dict(inputs)
    found: list[dict[str, Any]] = []
    l33t = len(_L33T_SYMBOLS.intersection(password)) <= L33T_MAX_SYMBOLS
    for matcher in (
        matching.dictionary_match,
        matching.reverse_dictionary_match,
        *((matching.l33t_match,) if l33t else ()),
        matching.spatial_match,
        matching.repeat_match,
        matching.sequence_match,
        matching.regex_match,
        matching.date_match,
    ):
        found.extend(matcher(password, _ranked_dictionaries=dictionaries))
    found.sort(key=lambda m: (m["i"], m["j"]))
    return scoring.most_guessable_match_sequence(password, found)


def _is_walk(word: str) -> bool:
    """True for a dictionary word that is itself a walk on a keyboard (« azertyuiop »,
    « qwerty », « 1qaz2wsx »): explained as such rather than as a common word."""
    if word in _WALKS:
        return True
    if len(word) < 4:
        return False
    return any(m["i"] == 0 and m["j"] == len(word) - 1 for m in matching.spatial_match(word))


def _reasons(sequence: list[dict[str, Any]], inputs: frozenset[str] = frozenset()) -> list[str]:
    reasons: list[str] = []

    def add(key: str) -> None:
        if REASONS[key] not in reasons:
            reasons.append(REASONS[key])

    for match in sequence:
        pattern = match.get("pattern")
        if pattern == "dictionary":
            word = str(match.get("matched_word", ""))
            if match.get("dictionary_name") == "user_inputs" or word in inputs:
                add("user_inputs")
            elif _is_walk(word.rstrip("0123456789")):
                add("spatial")
            else:
                add("dictionary")
            if match.get("l33t"):
                add("l33t")
            if match.get("reversed"):
                add("reversed")
        elif pattern in ("spatial", "sequence", "repeat"):
            add(pattern)
        elif pattern in ("date", "regex"):
            add("date")
    return reasons or [REASONS["short"]]


def _join(parts: list[str]) -> str:
    """« a », « a et b », « a, b et c » (the qualifiers « même … » stick to their reason)."""
    items: list[str] = []
    for part in parts:
        if part.startswith("même ") and items:
            items[-1] += ", " + part
        else:
            items.append(part)
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " et " + items[-1]


def strength_error(password: str, user_inputs: Iterable[Any] = ()) -> str | None:
    """French explanation when ``password`` is too easy to guess, else None (the estimator
    only: :func:`password_error` checks the length first)."""
    pw = _norm(password)[:ESTIMATE_CHARS]
    inputs = _input_words(user_inputs)
    best: dict[str, Any] | None = None
    for candidate in dict.fromkeys((pw, _fold(pw))):
        result = _estimate(candidate, inputs)
        if best is None or result["guesses"] < best["guesses"]:
            best = result
    if best is None or best["guesses"] >= MIN_GUESSES:
        return None
    return MSG_WEAK + _join(_reasons(best["sequence"], frozenset(inputs))) + "." + MSG_ADVICE


def password_error(password: str | None, user_inputs: Iterable[Any] = ()) -> str | None:
    """French message for the « mot de passe » field, or None when the password is acceptable.

    ``user_inputs``: what the person typed or is known by (first and last names, e-mail,
    phone) — a password built on them is refused."""
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
    return strength_error(pw, user_inputs)
