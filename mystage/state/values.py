"""The state layer's value helpers: values read from a submitted form, the address or an
event, bounded (nothing the client sends is trusted), and service answers turned into the
plain strings of ``dict[str, str]`` state vars."""

from __future__ import annotations

from typing import Any

from mystage.services.ids import client_id


def form_str(form: Any, key: str, limit: int = 300) -> str:
    """A trimmed text field of a submitted form ("" for a missing or non-text value)."""
    value = form.get(key) if isinstance(form, dict) else None
    return value.strip()[:limit] if isinstance(value, str) else ""


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


def as_str(v: Any) -> str:
    """A value for a ``dict[str, str]`` var: booleans as "1"/"", None as ""."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "1" if v else ""
    return v if isinstance(v, str) else str(v)


def flat(d: dict[str, Any]) -> dict[str, str]:
    """Every value of ``d`` as :func:`as_str`."""
    return {k: as_str(v) for k, v in d.items()}


def flat_rows(items: Any) -> list[dict[str, str]]:
    """A list of dicts (or None) as a ``list[dict[str, str]]`` var."""
    return [flat(item) for item in (items or [])]


def str_dict(d: dict) -> dict[str, str]:
    """Every value of ``d`` as text, None as "" (booleans as "True"/"False")."""
    return {k: ("" if v is None else (v if isinstance(v, str) else str(v))) for k, v in d.items()}
