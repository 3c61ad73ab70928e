"""The theme's colours meet WCAG AA: text 4.5:1 on its background.  The solid colours of
badges and buttons live in theme.SOLID and are applied by assets/mystage.css: both agree."""

from __future__ import annotations

import re

import pytest

from mystage.components import theme
from mystage.settings import ROOT

CSS = (ROOT / "assets" / "mystage.css").read_text(encoding="utf-8")


def _luminance(hex_colour: str) -> float:
    h = hex_colour.lstrip("#")
    channels = [int(h[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_contrast_formula():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # just under AA


@pytest.mark.parametrize("name", sorted(theme.SOLID))
def test_solid_colours_carry_white_text(name):
    for colour in theme.SOLID[name]:
        assert contrast(colour, "#ffffff") >= 4.5, (name, colour)


@pytest.mark.parametrize("name", sorted(set(theme.SOLID) - {"indigo"}))
def test_css_applies_the_solid_colours(name):
    background, hover = theme.SOLID[name]
    rule = re.search(rf'\[data-accent-color="{name}"\]\s*\{{([^}}]*)\}}', CSS, flags=re.IGNORECASE)
    assert rule, f"no rule for solid {name} in assets/mystage.css"
    assert f"--accent-9: {background}".lower() in rule.group(1).lower()
    assert f"--accent-10: {hover}".lower() in rule.group(1).lower()


def test_css_applies_the_accent():
    background, hover = theme.SOLID["indigo"]
    assert f"--indigo-9: {background}".lower() in CSS.lower()
    assert f"--indigo-10: {hover}".lower() in CSS.lower()


@pytest.mark.parametrize(
    "text, background",
    [
        (theme.GREY_TEXT, "#ffffff"),  # body text
        (theme.BLUE, "#ffffff"),  # links, headings
        (theme.BLUE, theme.INFO_BG),  # links inside an information notice
        ("#161616", theme.INFO_BG),  # information notice
        (theme.ERROR, "#ffe9e9"),  # error notice
        (theme.ERROR, "#ffffff"),  # error text under a field
        (theme.SUCCESS, theme.SUCCESS_BG),  # success notice
        ("#666666", "#ffffff"),  # hints
        (theme.GREY_TEXT, theme.GREY_LIGHT),  # narrow pages' background
        ("#ffffff", theme.BLUE),  # primary buttons, skip links
    ],
)
def test_text_colours(text, background):
    assert contrast(text, background) >= 4.5
