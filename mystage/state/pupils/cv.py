"""``/espace/eleve/cv``: « Mon CV » (the sections and a PDF)."""

from __future__ import annotations

from typing import Any

import reflex as rx

from mystage import db
from mystage.services import pupils
from mystage.state.pupils.common import CV_URL, PupilPage, form_text, login
from mystage.state.session import caller

CV_PDF_MAX_BYTES = pupils.CV_PDF_MAX_BYTES


# --- « Mon CV » -------------------------------------------------------------------------------


class CVState(PupilPage, rx.State):
    """``/espace/eleve/cv``."""

    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    saved: bool = False
    has_pdf: bool = False
    updated: str = ""
    pdf_notice: str = ""
    pdf_error: str = ""
    form_version: int = 0

    @rx.var
    def form_key(self) -> str:
        return f"cv-{self.form_version}"

    def _fill(self, cv: dict[str, Any]) -> None:
        self.values = {k: str(cv.get(k) or "") for k in pupils.CV_SECTIONS}
        self.has_pdf = bool(cv.get("has_pdf"))
        self.updated = str(cv.get("updated") or "")

    @rx.event
    async def load(self):
        self.loaded = False
        self.saved = False
        self.errors = {}
        self.pdf_notice = ""
        self.pdf_error = ""
        user, redirect = await self._open(CV_URL)
        if user is None:
            return redirect
        self._fill(await db.call(pupils.get_cv, user))
        self.form_version += 1
        self.loaded = True

    @rx.event
    async def save(self, form_data: Any):
        user = await caller(self)
        if user is None:
            return login(CV_URL)
        if not isinstance(form_data, dict):
            self.errors, self.saved = {"form": pupils.MSG_FORM}, False
            return
        data = {k: form_text(form_data, k, pupils.CV_SECTION_MAX * 4) for k in pupils.CV_SECTIONS}
        errors = await db.call(pupils.save_cv, user, data)
        self.values = {**self.values, **data}
        self.errors = errors
        self.saved = not errors
        if not errors:
            self._fill(await db.call(pupils.get_cv, user))

    @rx.event
    async def upload_pdf(self, files: list[rx.UploadFile]):
        user = await caller(self)
        if user is None:
            return login(CV_URL)
        self.pdf_notice = ""
        if not isinstance(files, list) or not files or not hasattr(files[0], "read"):
            self.pdf_error = pupils.MSG_PDF_EMPTY
            return
        try:  # annotated for Reflex's upload route; never trusted
            data = await files[0].read(CV_PDF_MAX_BYTES + 1)
        except (TypeError, ValueError, OSError):
            data = b""
        error = await db.call(pupils.store_cv_pdf, user, data)
        self.pdf_error = error
        if not error:
            self.pdf_notice = "Ton CV en PDF est enregistré."
            self._fill(await db.call(pupils.get_cv, user))
        return rx.clear_selected_files("cv-pdf")

    @rx.event
    async def delete_pdf(self):
        user = await caller(self)
        if user is None:
            return login(CV_URL)
        error = await db.call(pupils.delete_cv_pdf, user)
        self.pdf_error = error
        self.pdf_notice = "" if error else "Le PDF est supprimé."
        if not error:
            self._fill(await db.call(pupils.get_cv, user))
