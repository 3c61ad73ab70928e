"""A drawn signature as the browser sends it (the canvas's PNG data URL) is accepted by the
signing service's image check; what is not a PNG is refused."""

from __future__ import annotations

import base64
import io

from PIL import Image, ImageDraw

from mystage.services.conventions import signing


def _canvas_png(width: int = 614, height: int = 344) -> str:
    """A transparent RGBA canvas with a stroke, like signature_pad's toDataURL('image/png')."""
    img = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    ImageDraw.Draw(img).line([(20, 200), (300, 150), (590, 220)], fill=(0, 0, 145, 255), width=4)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def test_a_canvas_drawing_is_accepted():
    data = signing._png(_canvas_png())
    assert data is not None and data.startswith(b"\x89PNG")


def test_what_is_not_a_bounded_png_is_refused():
    assert signing._png("") is None
    assert signing._png("data:image/png;base64,bm90IGEgcG5n") is None  # "not a png"
    assert signing._png("data:image/jpeg;base64," + _canvas_png().split(",", 1)[1]) is None
    assert signing._png(_canvas_png(width=4000)) is None
