"""French typography: non-breaking spaces before « : ; ! ? » and inside guillemets."""

from __future__ import annotations

import re

_SPACE_RULES = (
    (re.compile(r"« "), "«\u00a0"),
    (re.compile(r" »"), "\u00a0»"),
    (re.compile(r" ([:;!?])"), "\u00a0\\1"),
    (re.compile(r"(\d) (?=[\w(%])"), "\\1\u00a0"),  # « 15 jours », « 20 h », « 75342 Paris »
    (re.compile(r"(?<=\d\u00a0h) (?=\d)"), "\u00a0"),  # « 4 h 30 »
)


def french_spaces(text: str) -> str:
    """Non-breaking spaces where French typography wants them, so that a « ? », a « : »
    or a closing guillemet never starts a line, and a number stays with its unit."""
    for pattern, repl in _SPACE_RULES:
        text = pattern.sub(repl, text)
    return text
