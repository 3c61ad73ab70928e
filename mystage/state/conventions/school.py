"""``/espace/etablissement/conventions/[id]``: the school's part of a convention (legal
representatives, emergency contact, pupil's address, referent teacher), « Enregistrer » and
« Valider la convention »."""

from __future__ import annotations

from typing import Any

import reflex as rx

from mystage.services import conventions
from mystage.state.conventions.base import ConventionPage

SCHOOL_KEYS: tuple[str, ...] = (
    "rep1_name", "rep1_email", "rep1_phone",
    "rep2_name", "rep2_email", "rep2_phone",
    "emergency_name", "emergency_phone",
    "pupil_address",
    "teacher_name", "teacher_email", "teacher_phone",
)  # fmt: skip
DONE = (
    "La partie de l'établissement est enregistrée.",
    "La convention est validée : chaque partie peut maintenant la signer.",
)


class SchoolConventionState(ConventionPage, rx.State):
    """One convention as the school's staff see it (within their scope; « not found »
    otherwise)."""

    def _side(self) -> str:
        return "school_values"

    @rx.event
    async def save(self, form_data: Any):
        return await self._save(form_data, conventions.save_school_part, SCHOOL_KEYS, DONE)
