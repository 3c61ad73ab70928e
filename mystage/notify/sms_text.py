"""SMS length as the network counts it, and titles cut to keep an SMS in one segment.

The SMS gateway (:class:`mystage.notify.transports.SmsTransport`) posts the text as it is;
the network splits it.  One segment holds 160 characters of the GSM 7-bit alphabet (3GPP
TS 23.038: its basic set, plus an extension set whose characters count twice: ``^ { } \\
[ ~ ] | €``), or 70 UTF-16 units (UCS-2) as soon as one character is outside it — an en
dash « – » in an offer title, a « ê », a « … » turn a 100-character SMS into two segments.

Text typed by users (offer titles, names) goes in through :func:`fit_sms`: the characters
that have a plain GSM equivalent are replaced (« – » → « - », « ê » → « e », « ’ » → « ' »),
then the field is cut at a word, with an ellipsis, only when the whole SMS would not fit in
one segment (« ... » in a GSM 7-bit SMS, « … » in a UCS-2 one: the one-character « … » is
not in the GSM alphabet and would itself switch the SMS to 70-character segments).
"""

from __future__ import annotations

from collections.abc import Callable

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")
GSM7_SEGMENT = 160
UCS2_SEGMENT = 70

# Characters outside the GSM alphabet with a plain equivalent inside it.
_TO_GSM = str.maketrans(
    {
        "–": "-", "—": "-", "‑": "-", "−": "-", "’": "'", "‘": "'", "‚": ",", "“": '"',
        "”": '"', "«": '"', "»": '"', "\u00a0": " ", "\u202f": " ", "\u2009": " ",
        "…": "...", "â": "a", "ê": "e", "î": "i", "ô": "o", "û": "u", "ë": "e", "ï": "i",
        "ÿ": "y", "ç": "c", "á": "a", "í": "i", "ó": "o", "ú": "u", "À": "A", "Â": "A",
        "È": "E", "Ê": "E", "Ë": "E", "Î": "I", "Ï": "I", "Ô": "O", "Ù": "U", "Û": "U",
        "Œ": "OE", "œ": "oe", "•": "-", "·": "-",
    }
)  # fmt: skip


def is_gsm7(text: str) -> bool:
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text)


def sms_units(text: str) -> tuple[str, int]:
    """(``"gsm7"`` or ``"ucs2"``, its length in that encoding's units)."""
    if is_gsm7(text):
        return "gsm7", sum(2 if ch in GSM7_EXTENSION else 1 for ch in text)
    return "ucs2", len(text.encode("utf-16-le")) // 2


def one_segment(text: str) -> bool:
    """True when ``text`` goes as a single SMS (160 GSM 7-bit characters, or 70 UCS-2)."""
    encoding, units = sms_units(text)
    return units <= (GSM7_SEGMENT if encoding == "gsm7" else UCS2_SEGMENT)


def to_gsm(text: str) -> str:
    """``text`` with the characters that have a plain GSM equivalent replaced."""
    return (text or "").translate(_TO_GSM)


_TRAILING = " -,;:.!?/(\"'"


def fit_sms(build: Callable[[str], str], field: str) -> str:
    """``build(field)`` as one SMS segment when possible: ``field`` (text typed by a user)
    made GSM-friendly, whole when the SMS fits, else cut at a word with an ellipsis — the
    longest such cut that fits.  When even the first word does not fit (a very long link),
    the SMS keeps that first word and goes in more than one segment."""
    field = " ".join(to_gsm(field).split())
    whole = build(field)
    if one_segment(whole):
        return whole
    ellipsis = "..." if is_gsm7(whole) else "…"
    words = field.split(" ")
    for n in range(len(words) - 1, 0, -1):  # the longest cut first
        head = " ".join(words[:n]).rstrip(_TRAILING)
        if head and one_segment(build(head + ellipsis)):
            return build(head + ellipsis)
    return build(words[0].rstrip(_TRAILING) + ellipsis)
