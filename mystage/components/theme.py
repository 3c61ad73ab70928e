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

container = {
    "width": "100%",
    "max_width": "72rem",
    "margin_x": "auto",
    "padding_x": ["1rem", "1rem", "1.5rem"],
}
