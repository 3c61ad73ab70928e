"""The structure's logo: checked by decoding it, stored as a small PNG in private storage."""

from __future__ import annotations

import io
import json
import secrets
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session

from mystage import clock
from mystage.models import Structure, User
from mystage.services import audit
from mystage.services.structures.membership import target_structure
from mystage.settings import get_settings

LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_MAX_SIDE = 256
LOGO_MAX_PIXELS = 40_000_000  # refuse decompression bombs before decoding

MSG_LOGO_FORMAT = "Le logo doit être une image PNG, JPEG ou WebP."
MSG_LOGO_SIZE = "Le logo ne doit pas dépasser 2 Mo."


def _logo_dir() -> Path:
    return get_settings().private_dir / "logos"


def _logo_path(relative: str) -> Path | None:
    """The absolute path of a stored logo, only if it is inside the logo folder."""
    if not relative:
        return None
    base = _logo_dir().resolve()
    path = (get_settings().private_dir / relative).resolve()
    if base not in path.parents:
        return None
    return path


def logo_png(data: bytes) -> tuple[bytes, str]:
    """``(png, "")`` for a PNG, JPEG or WebP image of at most 2 Mo (recognised by decoding
    it, the name is ignored), re-encoded as a PNG of at most 256×256; else ``(b"", error)``.
    Shared with the operators' logos (back office)."""
    if not isinstance(data, bytes | bytearray) or not data:
        return b"", MSG_LOGO_FORMAT
    if len(data) > LOGO_MAX_BYTES:
        return b"", MSG_LOGO_SIZE
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format
            width, height = probe.size
            if fmt not in ("PNG", "JPEG", "WEBP") or width * height > LOGO_MAX_PIXELS:
                return b"", MSG_LOGO_FORMAT
            probe.verify()
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            img = img.convert("RGBA")
            img.thumbnail((LOGO_MAX_SIDE, LOGO_MAX_SIDE))
            out = io.BytesIO()
            img.save(out, format="PNG", optimize=True)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return b"", MSG_LOGO_FORMAT
    return out.getvalue(), ""


def save_logo(
    s: Session, actor: User | None, data: bytes, filename: str = "", structure_id: int | None = None
) -> str:
    """Store the structure's logo (owner, or admin with ``structure_id``).  The file is
    recognised by decoding it (PNG, JPEG or WebP, ≤ 2 Mo; the name is ignored), re-encoded
    as a PNG of at most 256×256 in private storage; the previous logo is deleted.
    Returns "" or a French error."""
    st = target_structure(s, actor, structure_id)
    png, error = logo_png(data)
    if error:
        return error
    folder = _logo_dir()
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{st.id}-{secrets.token_hex(8)}.png"
    (folder / name).write_bytes(png)
    old = _logo_path(st.logo_path)
    st.logo_path = f"logos/{name}"
    st.updated_at = clock.now()
    audit.record(s, "structure", st.id, "logo", actor, message=json.dumps({"file": name}))
    s.commit()
    if old is not None and old.name != name:
        old.unlink(missing_ok=True)
    return ""


def logo_bytes(s: Session, structure_id: int) -> bytes | None:
    """The stored PNG logo of a structure (public: logos show on offers), else None."""
    if not isinstance(structure_id, int):
        return None
    relative = s.execute(
        sa.select(Structure.logo_path).where(Structure.id == structure_id)
    ).scalar_one_or_none()
    path = _logo_path(relative or "")
    if path is None or not path.is_file():
        return None
    return path.read_bytes()
