"""Text helpers shared by every search: folding, a light French stemmer, search tokens.

``fold`` is the canonical form stored in ``search_name`` / ``search_text`` columns and
applied to what users type, so both sides compare equal whatever the accents, case,
dashes or apostrophes: « L'Haÿ-les-Roses » → ``"l hay les roses"``.

``stem`` is a deliberately light, rule-based French stemmer: it only has to make the
usual inflections and job/trade derivations meet (« boulanger », « boulangère »,
« boulangerie » → ``"boulang"``) and behave identically at indexing and at query time.
"""

from __future__ import annotations

import re
import unicodedata

# Letters that NFKD does not decompose into "base + combining mark".
_SPECIAL = str.maketrans(
    {
        "œ": "oe",
        "Œ": "oe",
        "æ": "ae",
        "Æ": "ae",
        "ß": "ss",
        "ø": "o",
        "Ø": "o",
        "đ": "d",
        "Đ": "d",
        "ł": "l",
        "Ł": "l",
    }
)
_NON_ALNUM = re.compile(r"[^a-z0-9]+")

# What employers and schools see in place of the name of a pupil whose account was deleted
# (services/privacy/erasure.py empties the names).
DELETED_PUPIL = "Élève (compte supprimé)"


def pupil_name(first: str | None, last: str | None) -> str:
    """« Prénom Nom » of a pupil, or :data:`DELETED_PUPIL` once the account is erased."""
    return f"{first or ''} {last or ''}".strip() or DELETED_PUPIL


def fold(s: str | None) -> str:
    """Lower-case, accents removed, every non-alphanumeric run → one space, trimmed.

    « Saint-Étienne-du-Rouvray » → ``"saint etienne du rouvray"``; « St » and « Saint »
    are kept as written (no expansion).
    """
    if not s:
        return ""
    s = str(s).translate(_SPECIAL)
    s = unicodedata.normalize("NFKD", s)
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).lower()
    return _NON_ALNUM.sub(" ", s).strip()


# --- stemming -------------------------------------------------------------------------

# (suffix, replacement), longest first.  Applied once, only if the stem keeps 4+ letters.
_SUFFIXES: tuple[tuple[str, str], ...] = tuple(
    sorted(
        [
            ("issements", ""),
            ("issement", ""),
            ("ements", ""),
            ("ement", ""),
            ("ations", ""),
            ("ation", ""),
            ("itions", ""),
            ("ition", ""),
            ("ions", ""),
            ("ion", ""),
            ("atrices", ""),
            ("atrice", ""),
            ("ateurs", ""),
            ("ateur", ""),
            ("euses", ""),
            ("euse", ""),
            ("eurs", ""),
            ("eur", ""),
            ("eries", ""),
            ("erie", ""),
            ("ieres", ""),
            ("iere", ""),
            ("iers", ""),
            ("ier", ""),
            ("eres", ""),
            ("ere", ""),
            ("ers", ""),
            ("er", ""),
            # A trade in « -icien » keeps its whole name: électricien is not électronique
            # (« electr* »), mécanicien not mécanique (issue 16); only its forms merge.
            ("iciennes", "icien"),
            ("icienne", "icien"),
            ("iciens", "icien"),
            ("icien", "icien"),
            ("iennes", ""),
            ("ienne", ""),
            ("iens", ""),
            ("ien", ""),
            ("iques", ""),
            ("ique", ""),
            ("istes", ""),
            ("iste", ""),
            ("ismes", ""),
            ("isme", ""),
            ("aires", ""),
            ("aire", ""),
            ("ages", ""),
            ("age", ""),
            ("ures", ""),
            ("ure", ""),
            ("antes", ""),
            ("ante", ""),
            ("ants", ""),
            ("ant", ""),
            ("icites", ""),
            ("icite", ""),
            ("ites", ""),
            ("ite", ""),
            ("ives", ""),
            ("ive", ""),
            ("ifs", ""),
            ("if", ""),
            ("trices", "t"),
            ("trice", "t"),
            ("ies", ""),
            ("ie", ""),
            ("iales", ""),
            ("iale", ""),
            ("iaux", ""),
            ("ial", ""),
            ("eaux", "eau"),
            ("aux", "al"),
        ],
        key=lambda p: -len(p[0]),
    )
)
_MIN_STEM = 4
_VOWELS = set("aeiouy")


def stem(word: str) -> str:
    """Light French stem of one (already folded or not) word.

    boulanger / boulangère / boulangers / boulangerie → ``boulang``;
    coiffeur / coiffeuse / coiffure → ``coif``; informatique / informaticien → ``informat``;
    banque / bancaire → ``banc``.  Words of 3 letters or fewer and numbers are unchanged.
    """
    w = fold(word).replace(" ", "")
    if len(w) <= 3 or not w.isalpha():
        return w
    for suffix, repl in _SUFFIXES:
        # Replacing suffixes (« eaux » → « eau ») may leave a 3-letter root: « bureaux ».
        if w.endswith(suffix) and len(w) - len(suffix) >= _MIN_STEM - bool(repl):
            w = w[: -len(suffix)] + repl
            break
    else:
        # Plain plural: « métiers » was handled above; « chevals » / « lycées » here.
        if w[-1] in "sx" and len(w) > 4:
            w = w[:-1]
    # Final mute e (« avocate », « police », « banque »).
    if w.endswith("e") and len(w) > 4:
        w = w[:-1]
    # « banqu » → « banc » (banque / bancaire), « pratiqu » → « pratic ».
    if w.endswith("qu") and len(w) > 4:
        w = w[:-2] + "c"
    # Double final consonant: « professionn » → « profession », « coiff » → « coif ».
    if len(w) > 4 and w[-1] == w[-2] and w[-1] not in _VOWELS:
        w = w[:-1]
    return w


# --- search tokens --------------------------------------------------------------------

STOP_WORDS: frozenset[str] = frozenset(
    """
    a ai au aux avec c ce ces cet cette ceux chez d dans de des du elle elles en est et etc
    eux il ils j je l la le les leur leurs lui m ma mais me mes moi mon n ne ni nos notre
    nous on ou par pas pour qu que qui s sa sans se ses si son sous sur t ta te tes toi ton
    tu un une vos votre vous y
    """.split()
)


def search_tokens(text: str | None) -> list[str]:
    """Folded, stop-word-free, stemmed tokens of ``text``, in order, without duplicates."""
    out: list[str] = []
    seen: set[str] = set()
    for word in fold(text).split():
        if word in STOP_WORDS:
            continue
        token = stem(word)
        if token and token not in seen:
            seen.add(token)
            out.append(token)
    return out


def query_words(text: str | None) -> list[tuple[str, str]]:
    """``(word, stem)`` of each folded, stop-word-free word of ``text``, without
    duplicates: a search looks for the word as typed (as a prefix: « électri » finds
    « électricien ») or for its stem as a whole token (« boulangère » finds « boulanger »),
    never for a prefix of the stem (« electr* » would find « électronique »)."""
    out: list[tuple[str, str]] = []
    for word in fold(text).split():
        if word in STOP_WORDS:
            continue
        pair = (word, stem(word))
        if pair not in out:
            out.append(pair)
    return out


def index_tokens(text: str | None) -> list[str]:
    """What ``offers.search_text`` holds: every folded word of ``text`` and its stem (a
    word typed is matched as a prefix of the words, its stem against the stems)."""
    out: list[str] = []
    seen: set[str] = set()
    for word in fold(text).split():
        if word in STOP_WORDS:
            continue
        for token in (word, stem(word)):
            if token and token not in seen:
                seen.add(token)
                out.append(token)
    return out


# --- times of day -------------------------------------------------------------------------


def parse_time(raw: str) -> str | None:
    """« 9:00 », « 09h30 », « 9h », « 0900 » → "09:00" / "09:30"; None when invalid."""
    t = (raw or "").strip().lower().replace(" ", "")
    if not t:
        return None
    for sep in (":", "h"):
        if sep in t:
            hh, _, mm = t.partition(sep)
            break
    else:
        hh, mm = (t[:-2], t[-2:]) if len(t) in (3, 4) else (t, "")
    mm = mm or "00"
    if not (hh.isdigit() and mm.isdigit() and len(hh) <= 2 and len(mm) == 2):
        return None
    h, m = int(hh), int(mm)
    if not (0 <= h <= 23 and 0 <= m <= 59):
        return None
    return f"{h:02d}:{m:02d}"


def time_label(hhmm: str) -> str:
    """ "09:00" → « 9 h », "09:30" → « 9 h 30 »."""
    try:
        h, m = (int(x) for x in hhmm.split(":"))
    except (ValueError, AttributeError):
        return hhmm or ""
    return f"{h} h" if m == 0 else f"{h} h {m:02d}"
