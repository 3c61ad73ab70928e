"""``/espace/eleve/conventions/<id>``: the pupil reads the convention of their internship and
signs it (« J'ai pris connaissance de la convention »)."""

from __future__ import annotations

import reflex as rx

from mystage.components.convention_text import convention_text, sign_bar, signatories_list
from mystage.components.layout import page
from mystage.components.signing import signing_dialog
from mystage.pages.pupils.common import HINT, pupil_page
from mystage.state.conventions.reading import PupilConventionState
from mystage.state.conventions.signing import SigningState
from mystage.state.pupils import APPLICATIONS_URL


@page(
    "/espace/eleve/conventions/[id]",
    "Ma convention de stage",
    on_load=PupilConventionState.load,
)
def pupil_convention_page() -> rx.Component:
    S = PupilConventionState
    return rx.fragment(
        pupil_page(
            "Ma convention de stage",
            APPLICATIONS_URL,
            S,
            rx.text(
                S.view["week"],
                rx.cond(S.view["state_label"] != "", " · " + S.view["state_label"].to(str), ""),
                id="conv-state",
                font_weight="500",
            ),
            rx.text(
                "La convention est signée par l'employeur, ton établissement, tes représentants "
                "légaux et toi. Lis-la : tu signes pour dire que tu en as pris connaissance.",
                **HINT,
            ),
            sign_bar(
                "J'ai pris connaissance de la convention",
                S.sign_ids.length() > 0,
                SigningState.open_signing(S.sign_ids),
                S.pdf_url,
            ),
            signatories_list(S.signatories),
            convention_text(S.text),
        ),
        signing_dialog(on_done=PupilConventionState.load),
    )
