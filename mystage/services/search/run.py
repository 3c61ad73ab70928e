"""The search itself (:func:`search`): one page of offers, the total, errors per field and,
when nothing matches, suggestions of wider searches that return offers."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date
from typing import Any
from urllib.parse import urlencode

from sqlmodel import Session

from mystage import clock
from mystage.services import geo
from mystage.services.search.criteria import (
    MAX_PER_PAGE,
    MAX_RADIUS_KM,
    PER_PAGE,
    SUGGESTION_CAP,
    SearchCriteria,
    _as_int,
    normalize,
)
from mystage.services.search.page import SearchResult, _page_rows
from mystage.services.search.plan import _count, _count_variants, _custom_plans, _Plan, _plan
from mystage.services.search.sql import fts_terms
from mystage.services.search.viewer import _viewer


def _offers_label(n: int) -> str:
    if n > SUGGESTION_CAP:
        return f"plus de {SUGGESTION_CAP} offres"
    return "1 offre" if n == 1 else f"{n} offres"


def _suggestions(
    s: Session,
    crit: SearchCriteria,
    ctx: dict[str, Any] | None,
    today: date,
    place: geo.GeoResult | None,
) -> list[dict]:
    """Wider searches that return at least one offer, counted up to 101 (the label then
    says « plus de 100 offres » and ``count`` is 101; see :func:`_count_variants`).

    First each criterion relaxed on its own (most specific first: radius to 60 km, all
    weeks, all sectors, no accessibility need, no keyword, all of France); when none of
    them finds anything, the relaxations are combined in that order and the first
    combination that finds offers is suggested.
    """
    base = replace(crit, page=1)
    steps: list[tuple[str, str, Any]] = []  # (label alone, part of a combined label, change)
    if place is not None and place.precision != geo.PRECISION_DEPARTMENT:
        if crit.radius_km < MAX_RADIUS_KM:
            steps.append(
                (
                    f"Élargir la recherche à {MAX_RADIUS_KM} km autour de {place.label}",
                    f"à {MAX_RADIUS_KM} km autour de {place.label}",
                    {"radius_km": MAX_RADIUS_KM},
                )
            )
    if crit.weeks:
        steps.append(("", "sur toutes les semaines", {"weeks": []}))
    if crit.sectors:
        steps.append(("", "dans tous les secteurs", {"sectors": []}))
    if crit.handicaps:
        steps.append(("", "sans critère d'accessibilité", {"handicaps": []}))
    if crit.q:
        steps.append(("", f"sans le mot-clé « {crit.q} »", {"q": ""}))
    if crit.where:
        steps.append(("", "dans toute la France", {"where": ""}))

    def plan_of(alt: SearchCriteria) -> _Plan:
        return _plan(s, alt, ctx, {}, today, place=place if alt.where else None)

    def suggestion(label: str, alt: SearchCriteria, n: int) -> dict:
        query = alt.to_query()
        return {
            "label": f"{label} ({_offers_label(n)})",
            "criteria": query,
            "count": n,
            "url": "/offres" + ("?" + urlencode(query) if query else ""),
        }

    singles = [
        (alone or f"Rechercher {part}", replace(base, **change)) for alone, part, change in steps
    ]
    counts = _count_variants(s, [plan_of(alt) for _label, alt in singles])
    out = [suggestion(label, alt, n) for (label, alt), n in zip(singles, counts, strict=True) if n]
    if out:
        return out
    # Combined: those keeping the keyword in one pass, then one by one until one finds offers.
    combined: list[tuple[str, SearchCriteria]] = []
    alt, parts = base, []
    for _alone, part, change in steps:
        alt = replace(alt, **change)
        parts.append(part)
        if len(parts) >= 2:  # single relaxations were tried above
            combined.append(("Rechercher " + ", ".join(parts[:-1]) + " et " + parts[-1], alt))
    with_kw = [c for c in combined if fts_terms(c[1].q)]
    for (label, alt), n in zip(
        with_kw, _count_variants(s, [plan_of(a) for _l, a in with_kw]), strict=True
    ):
        if n:
            return [suggestion(label, alt, n)]
    for label, alt in combined[len(with_kw) :]:
        n = _count_variants(s, [plan_of(alt)])[0]
        if n:
            return [suggestion(label, alt, n)]
    return []


def search(
    s: Session,
    criteria: SearchCriteria,
    viewer: Any = None,
    per_page: int = PER_PAGE,
) -> SearchResult:
    """One page of offers for ``criteria`` as seen by ``viewer`` (see the module doc).

    Never raises on bad input: what cannot be used is reported in ``errors`` (French,
    keyed by criteria field) and the rest of the search still runs — except an unknown
    place, which returns nothing but the error.  ``suggestions`` (only when nothing
    matches): ``{"label", "criteria" (URL parameters, as :meth:`SearchCriteria.to_query`),
    "count", "url"}``.
    """
    crit, errors = normalize(criteria)
    per_page = max(1, min(_as_int(per_page) or PER_PAGE, MAX_PER_PAGE))
    ctx = _viewer(s, viewer)
    today = clock.today_paris()
    _custom_plans(s)
    plan = _plan(s, crit, ctx, errors, today)
    result = SearchResult(
        page=crit.page,
        center=plan.center,
        place_label=plan.place_label,
        place_is_department=plan.place is not None
        and plan.place.precision == geo.PRECISION_DEPARTMENT,
        errors=errors,
    )
    if plan.impossible:
        return result
    rows: list[dict] = []
    total: int | None = None
    if plan.sorts_all:
        rows, total = _page_rows(s, plan, per_page, (crit.page - 1) * per_page, today)
        if not rows:
            # Page 1 empty: nothing matches; further: past the last page (count, then
            # show the last page).
            total = 0 if crit.page == 1 else None
    if total is None:
        total = _count(s, plan)
    result.total = total
    result.pages = max(1, math.ceil(total / per_page)) if total else 0
    if total == 0:
        result.page = 1
        result.suggestions = _suggestions(s, crit, ctx, today, plan.place)
        return result
    page = min(crit.page, result.pages)
    result.page = page
    if not rows:
        rows, _ = _page_rows(s, plan, per_page, (page - 1) * per_page, today)
    result.results = rows
    return result
