"""The school's page of one application: « Valider » / « Refuser » (seed 003).  The school's
lists are on its dashboard (pages/school.py)."""

from __future__ import annotations

import reflex as rx

from mystage.components.layout import page
from mystage.pages.applications.blocks import (
    history_block,
    motivation_block,
    offer_block,
    pupil_block,
    week_block,
)
from mystage.pages.applications.detail import back_link, detail, guarded, title_block
from mystage.state.applications import SchoolApplicationState


def _school_detail() -> rx.Component:
    S = SchoolApplicationState
    v = S.view
    return detail(
        S,
        back_link("← Candidatures de l'établissement", "/espace/etablissement"),
        title_block(v),
        pupil_block(v),
        week_block(v),
        offer_block(v),
        motivation_block(v),
        history_block(S),
    )


@page(
    "/espace/etablissement/candidatures/[cand_id]",
    "Candidature d'un élève",
    on_load=SchoolApplicationState.load,
)
def school_application_page() -> rx.Component:
    return guarded(SchoolApplicationState, _school_detail())
