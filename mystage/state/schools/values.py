"""Shaping values for the school pages: service results flattened to strings, form values read
safely, ids taken from the URL.  Nothing the client sends is trusted."""

from __future__ import annotations

import json
from typing import Any

from mystage.services.ids import client_id
from mystage.state.schools.space import DENIED
from mystage.state.values import as_str


def flat(item: Any) -> dict[str, str]:
    if not isinstance(item, dict):
        return {}
    return {k: as_str(v) for k, v in item.items() if not isinstance(v, (list, dict, tuple))}


def flat_rows(items: Any) -> list[dict[str, str]]:
    return [flat(item) for item in (items or [])]


def id_after(path: Any, segment: str) -> int | None:
    """``/espace/etablissement/<segment>/<id>[/…]`` → id (0 allowed), None when absent or
    malformed."""
    if not isinstance(path, str):
        return None
    parts = [p for p in path.split("?", 1)[0].split("/") if p]
    try:
        i = parts.index(segment)
    except ValueError:
        return None
    raw = parts[i + 1] if len(parts) > i + 1 else ""
    if raw and raw.isascii() and set(raw) == {"0"}:
        return 0
    return client_id(raw)


def denial(exc: Exception) -> str:
    text = str(exc) if exc.args else ""
    return text if isinstance(text, str) and text else DENIED


def form_raw(form: Any, key: str, limit: int = 200) -> str:
    """A value kept as typed (passwords)."""
    value = form.get(key) if isinstance(form, dict) else None
    return value[:limit] if isinstance(value, str) else ""


def form_checked(form: Any, key: str) -> bool:
    value = form.get(key) if isinstance(form, dict) else None
    return value is True or (isinstance(value, str) and value.lower() in {"on", "true", "1"})


def form_picked(form: Any, prefix: str, allowed: set[str]) -> list[str]:
    """The ids of the checked boxes named ``<prefix><id>``, among ``allowed`` only."""
    if not isinstance(form, dict):
        return []
    out = []
    for key in list(form)[:500]:
        if isinstance(key, str) and key.startswith(prefix) and form_checked(form, key):
            cid = key[len(prefix) :]
            if cid in allowed and cid not in out:
                out.append(cid)
    return out


def _display(value: Any) -> str:
    if value is None or isinstance(value, bool):
        return "oui" if value is True else ""
    if isinstance(value, list | tuple | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def display_row(d: dict) -> dict[str, str]:
    return {str(k): _display(v) for k, v in d.items()}


def safe_id(value: Any) -> str:
    """An id as the digits string the page uses ("" for anything else; "0" is the
    « without a class » group)."""
    if (type(value) is int and value == 0) or value == "0":
        return "0"
    v = client_id(value)
    return str(v) if v is not None else ""
