"""Service answers turned into the plain strings of ``dict[str, str]`` state vars."""

from __future__ import annotations

from typing import Any


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
