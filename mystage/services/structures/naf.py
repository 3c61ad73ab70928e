"""NAF codes (activity of a structure): suggestions while typing, and the stored code."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session

from mystage.models import NafCode
from mystage.services.text import fold

_naf_cache: dict[str, list[tuple[str, str, str, str]]] = {}


def _naf_rows(s: Session) -> list[tuple[str, str, str, str]]:
    """(code, code_compact, label, folded label) of the 732 NAF sub-classes, cached."""
    key = str(s.get_bind().url)
    rows = _naf_cache.get(key)
    if not rows:
        rows = [
            (r.code, r.code_compact, r.label, fold(r.label))
            for r in s.execute(
                sa.select(NafCode.code, NafCode.code_compact, NafCode.label).order_by(NafCode.code)
            )
        ]
        if rows:
            _naf_cache[key] = rows
    return rows


def naf_suggestions(s: Session, query: str, limit: int = 10) -> list[dict[str, str]]:
    """NAF codes by code prefix (« 62 », « 6201 », « 62.01 », « 62.01Z ») or by words of
    the label (accent-insensitive, every word must appear): ``[{"code", "label"}]``."""
    if not isinstance(query, str):
        return []
    q = query.strip()[:100]
    if not q:
        return []
    limit = max(1, min(int(limit or 10), 50))
    compact = q.upper().replace(".", "").replace(" ", "")
    rows = _naf_rows(s)
    if compact[:1].isdigit():
        hits = [r for r in rows if r[1].startswith(compact)]
    else:
        words = fold(q).split()
        if not words:
            return []
        hits = [r for r in rows if all(w in r[3] for w in words)]
        # Labels that start with the first word first.
        hits.sort(key=lambda r: (not r[3].startswith(words[0]), r[0]))
    return [{"code": r[0], "label": r[2]} for r in hits[:limit]]


def naf_code_of(s: Session, raw: str) -> str | None:
    """« 62.01Z », « 6201Z », « 6201 z » → the stored code « 62.01Z », else None."""
    compact = (raw or "").upper().replace(".", "").replace(" ", "")
    if not compact or len(compact) > 6:
        return None
    return s.execute(
        sa.select(NafCode.code).where(NafCode.code_compact == compact)
    ).scalar_one_or_none()
