"""The drop zone of one file (« Mon CV » PDF, a structure's logo)."""

from __future__ import annotations

import reflex as rx

from mystage.components import theme
from mystage.components.forms import upload_field


def one_file_upload(
    label: str, upload_id: str, accept: dict[str, list[str]], picker: rx.Component
) -> rx.Component:
    """:func:`forms.upload_field` taking one file of the ``accept`` types, in a dashed frame
    around ``picker`` (its button and the chosen file's name)."""
    return upload_field(
        label,
        upload_id,
        picker,
        accept=accept,
        max_files=1,
        border=f"1px dashed {theme.GREY_BORDER}",
        padding="1rem",
        width="100%",
    )
