"""Values from a submitted form, the address or an event, bounded, and dicts made of
strings for the state vars (shared by the employer-side states)."""

from __future__ import annotations

from typing import Any

from mystage.services.ids import client_id


def form_text(form: dict, key: str, limit: int = 2000) -> str:
    v = form.get(key)
    return v.strip()[:limit] if isinstance(v, str) else ""


def form_flag(form: dict, key: str) -> bool:
    v = form.get(key)
    return v is True or (isinstance(v, str) and v.lower() in {"on", "true", "1", "oui"})


def int_param(raw: str, default: int = 0) -> int:
    """A small number from the address (the form's step)."""
    try:
        return int(raw) if isinstance(raw, str) and len(raw) < 6 else default
    except (TypeError, ValueError):
        return default


def id_param(raw: Any) -> int:
    """An id from the address, a form or an event: bounded by the one helper; 0 if invalid."""
    return client_id(raw) or 0


def str_dict(d: dict) -> dict[str, str]:
    return {k: ("" if v is None else (v if isinstance(v, str) else str(v))) for k, v in d.items()}
