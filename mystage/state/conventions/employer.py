"""``/espace/employeur/conventions/[id]``: the employer's part of a convention (representative,
tutor, the week's timetable, activities), « Enregistrer » and « Envoyer à l'établissement »."""

from __future__ import annotations

from typing import Any

import reflex as rx

from mystage.services import conventions
from mystage.state.conventions.base import DAYS, ConventionPage

TIME_PARTS = ("start", "end", "break_start", "break_end")
EMPLOYER_KEYS: tuple[str, ...] = (
    "rep_name", "rep_function", "rep_email",
    "tutor_name", "tutor_function", "tutor_email", "tutor_phone",
    *[f"{day}_{part}" for day in DAYS for part in TIME_PARTS],
    "lunch", "activities", "preparation", "learning",
)  # fmt: skip
DONE = (
    "Votre partie de la convention est enregistrée.",
    "Votre partie de la convention est envoyée à l'établissement : il la complète et la "
    "valide, puis chacun signe.",
)


class EmployerConventionState(ConventionPage, rx.State):
    """One convention as its employer sees it (the service answers « not found » to anyone
    else)."""

    def _side(self) -> str:
        return "employer_values"

    @rx.event
    async def save(self, form_data: Any):
        return await self._save(form_data, conventions.save_employer_part, EMPLOYER_KEYS, DONE)
