"""Pieces shared by the account states: reading a form field."""

from __future__ import annotations


def form_str(form: dict, key: str, limit: int = 300) -> str:
    value = form.get(key)
    if not isinstance(value, str):
        return ""
    return value.strip()[:limit]
