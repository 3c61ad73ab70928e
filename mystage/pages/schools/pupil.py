"""``/espace/etablissement/eleve/[eleve_id]``: a pupil's applications for the staff."""

from __future__ import annotations

import reflex as rx

from mystage.components import theme
from mystage.components.dialogs import decision_dialog
from mystage.components.layout import page
from mystage.pages.schools.parts import (
    COLOURS,
    MUTED,
    SMALL,
    detail_view,
    loaded_view,
    muted,
    section,
    stage_badge,
)
from mystage.state.schools import (
    SPACE_URL,
    SchoolPupilState,
)


def _labelled(label: str, value) -> rx.Component:
    return rx.cond(
        value != "",
        rx.box(
            rx.text(label, font_weight="600", font_size=SMALL),
            rx.text(value, white_space="pre-wrap", overflow_wrap="anywhere", font_size=SMALL),
            margin_top="0.5rem",
        ),
    )


def _pupil_app(a) -> rx.Component:
    S = SchoolPupilState
    href = SPACE_URL + "/candidatures/" + a["id"]
    return rx.box(
        rx.flex(
            rx.box(
                rx.link(
                    a["offer_title"], href=href, font_weight="700", id="pupil-app-link-" + a["id"]
                ),
                muted(a["employer_name"], " — ", a["city"]),
                min_width="0",
            ),
            rx.spacer(),
            stage_badge(a["state_label"], a["colour"], id="pupil-app-state-" + a["id"]),
            width="100%",
            wrap="wrap",
            gap="0.5rem",
            align="start",
        ),
        rx.text(a["week_label"], font_size=SMALL, margin_top="0.5rem", font_weight="600"),
        muted(
            "Envoyée le ", a["submitted_on"], " — mise à jour le ", a["updated_on"], size="0.8rem"
        ),
        rx.cond(
            a["referent_email"] != "",
            muted("Référent : ", a["referent_email"], size="0.8rem"),
        ),
        _labelled("Message de l'établissement", a["school_message"]),
        _labelled("Message de l'employeur", a["employer_message"]),
        rx.flex(
            rx.foreach(
                S.actions,
                lambda x: rx.cond(
                    x["app_id"] == a["id"],
                    rx.button(
                        x["label"],
                        on_click=S.open_dialog(a["id"], x["action"]),
                        id="pupil-action-" + a["id"] + "-" + x["action"],
                        color_scheme=rx.cond(x["action"] == "school_refuse", "red", "indigo"),
                        variant=rx.cond(x["action"] == "school_refuse", "soft", "solid"),
                        cursor="pointer",
                    ),
                ),
            ),
            rx.link("Voir la candidature →", href=href, font_size=SMALL),
            gap="0.75rem",
            wrap="wrap",
            align="center",
            margin_top="0.75rem",
        ),
        border=f"1px solid {theme.GREY_BORDER}",
        border_left=rx.match(
            a["colour"],
            *[(c, f"4px solid var(--{c}-9)") for c in COLOURS],
            "4px solid var(--gray-8)",
        ),
        border_radius="8px",
        padding="1rem 1.25rem",
        width="100%",
        background="white",
        id="pupil-app-" + a["id"],
        class_name="pupil-app",
    )


def _pupil_view() -> rx.Component:
    S = SchoolPupilState
    p = S.pupil
    return detail_view(
        S,
        section(
            "Candidatures (" + S.apps.length().to_string() + ")",
            rx.cond(
                S.apps.length() == 0,
                rx.text("Cet élève n'a encore envoyé aucune candidature.", color=MUTED),
                rx.vstack(rx.foreach(S.apps, _pupil_app), width="100%", spacing="3"),
            ),
        ),
        decision_dialog(S),
        back=rx.cond(p["class_name"] != "", "← Classe " + p["class_name"], "← Tableau de bord"),
        back_href=S.class_url,
        title=p["name"],
        subtitle=(
            rx.cond(p["class_name"] != "", "Classe " + p["class_name"], "Sans classe"),
            rx.cond(p["level"] != "", " — " + p["level"], ""),
        ),
        status=rx.cond(
            p["authorized"] == "1",
            rx.text(
                "✓ Autorisation parentale enregistrée le ",
                p["authorized_on"],
                color=theme.SUCCESS,
                font_size=SMALL,
                id="pupil-authorized",
            ),
            rx.text(
                "Autorisation parentale à recueillir : l'élève ne peut pas encore postuler.",
                color="#b34000",
                font_size=SMALL,
                id="pupil-authorized",
            ),
        ),
        notice_ids=("app-notice", "app-error"),
        view_id="pupil-view",
    )


@page(
    "/espace/etablissement/eleve/[eleve_id]",
    "Candidatures d'un élève",
    on_load=SchoolPupilState.load,
)
def school_pupil_page() -> rx.Component:
    S = SchoolPupilState
    return loaded_view(S, _pupil_view())
