"""The public statistics page: figures, charts drawn from the same aggregates, and the
chart library fetched only when a chart comes near the screen (page-weight budget)."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import assert_no_horizontal_scroll, goto, shot


def _is_chart_code(url: str) -> bool:
    return "/assets/recharts_parts" in url


def test_public_statistics_load_chart_code_on_scroll(page):
    scripts: list[str] = []
    page.on("request", lambda r: scripts.append(r.url) if r.resource_type == "script" else None)
    goto(page, "/statistiques")
    expect(page.get_by_role("heading", level=1)).to_have_text("Statistiques")
    expect(page.locator("#pub-tile-offers")).to_be_visible()
    page.wait_for_load_state("networkidle")
    if page.viewport_name == "mobile":  # type: ignore[attr-defined]
        # At 375 px no chart is near the first screen: no chart code yet.
        assert not any(_is_chart_code(u) for u in scripts), scripts
    charts = page.locator(".lazy-chart")
    assert charts.count() >= 3
    last = charts.last
    last.scroll_into_view_if_needed()
    expect(last).to_have_attribute("data-ready", "true")
    expect(last.locator("svg").first).to_be_visible()
    assert sum(_is_chart_code(u) for u in scripts) == 1  # fetched once for every chart
    assert_no_horizontal_scroll(page)
    shot(page, "public-stats")
