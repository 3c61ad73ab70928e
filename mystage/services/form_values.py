"""Reading one value of a submitted form (a dict the client sent, any types inside): a
trimmed string or a checkbox.  Whatever the client sent, the answer has the expected type."""

from __future__ import annotations

from typing import Any


def form_str(data: Any, key: str, limit: int = 5000) -> str:
    """A trimmed string from a form dict (None / non-strings → "", numbers as text)."""
    v = data.get(key) if isinstance(data, dict) else None
    if isinstance(v, bool) or v is None:
        return ""
    if isinstance(v, int | float):
        v = str(v)
    return v.strip()[:limit] if isinstance(v, str) else ""


def form_bool(data: Any, key: str) -> bool:
    """A checkbox: True, or "1" / "true" / "on" / "oui" / "yes", or the integer 1."""
    v = data.get(key) if isinstance(data, dict) else None
    if isinstance(v, bool):
        return v
    if isinstance(v, str):
        return v.strip().lower() in {"1", "true", "on", "oui", "yes"}
    return isinstance(v, int) and v == 1
