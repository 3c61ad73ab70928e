"""Public-service palette and shared styles."""

BLUE = "#000091"
BLUE_HOVER = "#1212ff"
BLUE_LIGHT = "#e3e3fd"
RED = "#E1000F"
GREY_TEXT = "#3a3a3a"
GREY_LIGHT = "#f6f6f6"
GREY_BORDER = "#dddddd"
ERROR = "#ce0500"
SUCCESS = "#18753c"
SUCCESS_BG = "#b8fec9"
INFO_BG = "#e8edff"

# Solid badges and buttons by Radix colour: (background, hover), white text on both.
# assets/mystage.css applies them (theme level, every badge and button); indigo is the
# theme's accent.  Light variants write their text with Radix's step 12 (same file).
# tests/unit/test_theme_contrast.py checks every pair against WCAG AA (4.5:1).
SOLID = {
    "indigo": (BLUE, BLUE_HOVER),
    "red": ("#ce0500", "#a60400"),
    "green": (SUCCESS, "#125d30"),
    "blue": ("#0063cb", "#004f9f"),
    "orange": ("#b34000", "#8f3300"),
    "gray": ("#666666", GREY_TEXT),
}

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Marianne, Arial, sans-serif"

base_style = {
    "font_family": FONT,
    "color": GREY_TEXT,
    "a": {"color": BLUE},
}

# Native selects (keyboard and screen readers work everywhere): one look on every page.
SELECT = {
    "width": "100%",
    "padding": "0.6rem",
    "border": f"1px solid {GREY_BORDER}",
    "border_radius": "4px",
    "background": "white",
    "font_size": "1rem",
}

# A white bordered panel (statistics charts and tiles, the « Exporter » panel).
CARD = {
    "border": f"1px solid {GREY_BORDER}",
    "border_radius": "8px",
    "padding": "1rem",
    "background": "white",
    "width": "100%",
}

# Text inputs styled by hand (plain <input>, outside Radix).
TEXT_INPUT = {
    "width": "100%",
    "padding": "0.6rem",
    "border": f"1px solid {GREY_BORDER}",
    "border_radius": "4px",
    "font_size": "1rem",
    "box_sizing": "border-box",
}

container = {
    "width": "100%",
    "max_width": "72rem",
    "margin_x": "auto",
    "padding_x": ["1rem", "1rem", "1.5rem"],
}
