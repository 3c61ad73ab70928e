"""One application: the employer's page (decisions, « Impression PDF ») and the school's page
(« Valider » / « Refuser ») (seeds 000 and 003).  The school's lists are on its dashboard
(pages/school.py)."""

from __future__ import annotations

import reflex as rx

from mystage.components import theme
from mystage.components.forms import notice, page_title
from mystage.components.layout import page
from mystage.state.applications import (
    DENIED,
    ApplicationsRedirectState,
    EmployerApplicationState,
    SchoolApplicationState,
)

SMALL = "0.85rem"

# Printing: only the application (no header, menu, footer or buttons), black on white.
PRINT_CSS = """
@media print {
  header, footer, .skip-link, .no-print { display: none !important; }
  html, body { background: white !important; }
  #contenu > div { max-width: none !important; padding: 0 !important; }
  .print-block { break-inside: avoid; page-break-inside: avoid; }
  #app-print-view { font-size: 11pt; color: black; }
  a { color: black !important; text-decoration: none !important; }
}
@page { margin: 1.5cm; }
"""

STATE_COLORS = {
    "awaiting_school": "amber", "refused_by_school": "red", "sent": "blue", "read": "indigo",
    "under_review": "amber", "accepted": "green", "confirmed": "green", "refused": "red",
    "cancelled_by_pupil": "gray", "cancelled_by_employer": "red", "withdrawn": "gray",
    "place_unavailable": "gray", "expired": "gray", "expired_by_pupil": "gray",
}  # fmt: skip


def state_badge(state, label, **props) -> rx.Component:
    return rx.badge(
        label,
        color_scheme=rx.match(state, *[(k, v) for k, v in STATE_COLORS.items()], "gray"),
        variant="soft",
        **{"size": "2", **props},
    )


def _section(title: str, *children, **props) -> rx.Component:
    return rx.box(
        rx.heading(title, as_="h2", size="3", color=theme.BLUE, margin_bottom="0.5rem"),
        *children,
        background="white",
        border=f"1px solid {theme.GREY_BORDER}",
        border_radius="8px",
        padding=["1rem", "1.25rem"],
        width="100%",
        class_name="print-block",
        **props,
    )


def _pre(text) -> rx.Component:
    return rx.text(text, white_space="pre-wrap", overflow_wrap="anywhere")


def _school_badges(view) -> rx.Component:
    return rx.fragment(
        rx.cond(
            view["rep"] != "",
            rx.badge(view["rep"], color_scheme="purple", variant="solid", margin_left="0.4rem"),
        ),
        rx.cond(
            view["qpv"] == "1",
            rx.badge("QPV", color_scheme="purple", variant="soft", margin_left="0.4rem"),
        ),
    )


def _pupil_block(view) -> rx.Component:
    return _section(
        "L'élève",
        rx.text(view["pupil_first_name"], " ", view["pupil_last_name"], font_weight="700"),
        rx.text(
            view["level_label"],
            rx.cond(view["class_name"] != "", rx.text.span(" — classe ", view["class_name"])),
        ),
        rx.text(
            view["school_name"],
            rx.cond(view["school_city"] != "", rx.text.span(" (", view["school_city"], ")")),
            _school_badges(view),
            id="app-school",
        ),
        rx.cond(
            view["rep"] != "",
            rx.text(
                "Collège en éducation prioritaire : cette candidature mérite une attention "
                "particulière.",
                font_size=SMALL,
                color="#666",
                margin_top="0.25rem",
            ),
        ),
    )


def _week_block(view) -> rx.Component:
    return _section(
        "Semaine demandée",
        rx.text(view["week_label"], font_weight="700", id="app-week"),
        rx.text("Candidature envoyée le ", view["applied_on"], font_size=SMALL, color="#666"),
    )


def _offer_block(view, with_link: bool = True) -> rx.Component:
    title = (
        rx.link(view["offer_title"], href="/offres/" + view["offer_id"])
        if with_link
        else rx.text(view["offer_title"], font_weight="600")
    )
    return _section(
        "L'offre",
        title,
        rx.text(view["employer_name"]),
        rx.cond(view["offer_place"] != "", rx.text(view["offer_place"], font_size=SMALL)),
        rx.text("Offre n° ", view["offer_id"], font_size=SMALL, color="#666"),
    )


def _motivation_block(view) -> rx.Component:
    return _section("Motivations", _pre(view["motivation"]), id="app-motivation")


def _cv_block(S) -> rx.Component:
    return _section(
        "CV",
        rx.cond(
            (S.cv.length() == 0) & (S.view["cv_url"] == ""),
            rx.text("L'élève n'a pas joint de CV.", color="#666"),
        ),
        rx.foreach(
            S.cv,
            lambda c: rx.box(
                rx.text(c["label"], font_weight="600", font_size=SMALL),
                _pre(c["text"]),
                margin_bottom="0.5rem",
            ),
        ),
        rx.cond(
            S.view["cv_url"] != "",
            rx.link(
                "Voir le CV (PDF)",
                href=S.view["cv_url"],
                is_external=True,
                id="app-cv-link",
                class_name="no-print",
            ),
        ),
        id="app-cv",
    )


def _contact_block(S) -> rx.Component:
    v = S.view
    return _section(
        "Coordonnées de l'élève",
        rx.cond(
            v["contact_visible"] == "1",
            rx.box(
                rx.cond(
                    v["contact_email"] != "",
                    rx.text(
                        "E-mail : ",
                        rx.link(v["contact_email"], href="mailto:" + v["contact_email"]),
                    ),
                ),
                rx.cond(
                    v["contact_phone"] != "",
                    rx.text(
                        "Téléphone : ",
                        rx.link(v["contact_phone"], href="tel:" + v["contact_phone_tel"]),
                    ),
                ),
            ),
            rx.text(
                "Les coordonnées de l'élève s'affichent quand vous acceptez sa candidature.",
                color="#666",
            ),
        ),
        id="app-contact",
    )


def _history_block(S) -> rx.Component:
    return _section(
        "Historique",
        rx.el.ol(
            rx.foreach(
                S.history,
                lambda h: rx.el.li(
                    rx.text(
                        rx.text.span(h["date"], color="#666", font_size=SMALL),
                        " — ",
                        rx.text.span(h["label"], font_weight="600"),
                        rx.cond(h["who"] != "", rx.text.span(" (", h["who"], ")", color="#666")),
                    ),
                    rx.cond(
                        h["message"] != "",
                        rx.text(
                            "« ",
                            h["message"],
                            " »",
                            font_style="italic",
                            white_space="pre-wrap",
                            overflow_wrap="anywhere",
                        ),
                    ),
                    margin_bottom="0.4rem",
                ),
            ),
            style={"list_style": "none", "padding": "0", "margin": "0"},
        ),
        id="app-history",
    )


def _state_box(S) -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.text("État :", font_weight="600"),
            state_badge(S.view["state"], S.view["state_label"]),
            align="center",
            wrap="wrap",
            id="app-state",
        ),
        rx.cond(S.view["hint"] != "", rx.text(S.view["hint"], margin_top="0.25rem")),
        width="100%",
    )


def _action_buttons(S) -> rx.Component:
    return rx.foreach(
        S.actions,
        lambda a: rx.button(
            a["label"],
            id="app-action-" + a["action"],
            on_click=S.open_dialog(a["action"]),
            size="3",
            cursor="pointer",
            color_scheme=rx.match(
                a["action"],
                ("refuse", "red"),
                ("cancel_by_employer", "red"),
                ("school_refuse", "red"),
                ("review", "amber"),
                "indigo",
            ),
            variant=rx.match(
                a["action"],
                ("accept", "solid"),
                ("school_validate", "solid"),
                "soft",
            ),
        ),
    )


def _decision_dialog(S) -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(S.dialog_title),
            rx.dialog.description(S.dialog_hint, margin_bottom="0.75rem"),
            rx.form(
                rx.el.label(
                    "Message à l'élève",
                    rx.cond(S.dialog_required, " *", " (facultatif)"),
                    html_for="app-message",
                    font_weight="600",
                    display="block",
                    margin_bottom="0.25rem",
                ),
                rx.el.textarea(
                    id="app-message",
                    name="message",
                    rows=5,
                    default_value="",
                    aria_describedby="app-message-err",
                    aria_invalid=rx.cond(S.message_error != "", "true", "false"),
                    style={
                        "width": "100%",
                        "padding": "0.6rem",
                        "border": rx.cond(
                            S.message_error != "",
                            f"1px solid {theme.ERROR}",
                            f"1px solid {theme.GREY_BORDER}",
                        ),
                        "border_radius": "4px",
                        "font_family": "inherit",
                        "font_size": "1rem",
                        "box_sizing": "border-box",
                    },
                ),
                rx.cond(
                    S.message_error != "",
                    rx.text(
                        S.message_error,
                        id="app-message-err",
                        color=theme.ERROR,
                        font_size=SMALL,
                        role="alert",
                    ),
                ),
                rx.flex(
                    rx.dialog.close(
                        rx.button(
                            "Retour",
                            type="button",
                            variant="soft",
                            color_scheme="gray",
                            id="app-dialog-no",
                        )
                    ),
                    rx.button(
                        S.dialog_yes,
                        type="submit",
                        id="app-dialog-yes",
                        color_scheme=rx.match(
                            S.dialog_action,
                            ("refuse", "red"),
                            ("cancel_by_employer", "red"),
                            ("school_refuse", "red"),
                            "indigo",
                        ),
                    ),
                    gap="0.75rem",
                    justify="end",
                    wrap="wrap",
                    margin_top="1rem",
                ),
                on_submit=S.decide,
                key=S.dialog_key,
            ),
            max_width="32rem",
        ),
        open=S.dialog_action != "",
        on_open_change=S.set_dialog_open,
    )


def _feedback(S) -> rx.Component:
    return rx.fragment(
        rx.cond(S.notice != "", notice(S.notice, "success", id="app-notice", width="100%")),
        rx.cond(S.error != "", notice(S.error, "error", id="app-error", width="100%")),
    )


def _loading() -> rx.Component:
    return rx.center(rx.spinner(size="3"), width="100%", padding="3rem")


def _denied(id_: str = "app-denied") -> rx.Component:
    return notice(DENIED, "error", id=id_)


def _grid(*children) -> rx.Component:
    return rx.grid(
        *children,
        columns=rx.breakpoints(initial="1", md="2"),
        gap="1rem",
        width="100%",
    )


# --- employer ---------------------------------------------------------------------------------


def _employer_detail() -> rx.Component:
    S = EmployerApplicationState
    v = S.view
    return rx.vstack(
        rx.link(
            "← Candidatures à traiter", href="/espace/employeur?onglet=a_traiter", font_size=SMALL
        ),
        rx.flex(
            rx.vstack(
                page_title("Candidature n° " + v["id"]),
                rx.text(
                    v["pupil_name"],
                    " — ",
                    v["offer_title"],
                    margin_top="-0.75rem",
                    color="#666",
                ),
                spacing="1",
            ),
            rx.spacer(),
            rx.link(
                rx.button(rx.icon("printer", size=16), "Impression PDF", variant="outline"),
                href="/espace/employeur/candidatures/" + v["id"] + "/impression",
                id="app-print-link",
            ),
            width="100%",
            wrap="wrap",
            gap="1rem",
            align="start",
        ),
        _feedback(S),
        _state_box(S),
        rx.cond(
            S.actions.length() > 0,
            rx.flex(_action_buttons(S), gap="0.75rem", wrap="wrap", id="app-actions"),
        ),
        _grid(
            _week_block(v),
            _pupil_block(v),
            _motivation_block(v),
            _contact_block(S),
            _cv_block(S),
            _history_block(S),
        ),
        _decision_dialog(S),
        width="100%",
        align="start",
        spacing="4",
        id="app-detail",
    )


@page(
    "/espace/employeur/candidatures/[cand_id]",
    "Candidature",
    on_load=EmployerApplicationState.load,
)
def employer_application_page() -> rx.Component:
    S = EmployerApplicationState
    return rx.cond(~S.loaded, _loading(), rx.cond(S.denied, _denied(), _employer_detail()))


def _print_row(label: str, *children) -> rx.Component:
    return rx.box(
        rx.text(label.upper(), font_weight="700", font_size="0.8rem", color=theme.BLUE),
        *children,
        padding_y="0.6rem",
        border_bottom=f"1px solid {theme.GREY_BORDER}",
        width="100%",
        class_name="print-block",
    )


def _print_view() -> rx.Component:
    S = EmployerApplicationState
    v = S.view
    return rx.vstack(
        rx.el.style(PRINT_CSS),
        rx.flex(
            rx.link(
                "← Retour à la candidature",
                href="/espace/employeur/candidatures/" + v["id"],
                font_size=SMALL,
            ),
            rx.spacer(),
            rx.button(
                rx.icon("printer", size=16),
                "Imprimer / enregistrer en PDF",
                on_click=rx.run_script("window.print()"),
                id="app-print",
                background=theme.BLUE,
                cursor="pointer",
            ),
            width="100%",
            wrap="wrap",
            gap="1rem",
            align="center",
            class_name="no-print",
        ),
        rx.box(
            rx.text("MyStage — stage d'observation", font_size="0.8rem", color="#666"),
            rx.heading(
                "Candidature d'un(e) élève intéressé(e) par votre offre",
                as_="h1",
                size="6",
                color="#161616",
            ),
            rx.text(
                "Candidature n° ", v["id"], " — état : ", v["state_label"], id="app-print-state"
            ),
            width="100%",
        ),
        _print_row("Semaine demandée", rx.text(v["week_label"], font_weight="600")),
        _print_row(
            "Coordonnées de l'élève",
            rx.text(v["pupil_first_name"], " ", v["pupil_last_name"], font_weight="600"),
            rx.text(
                v["level_label"],
                rx.cond(v["class_name"] != "", rx.text.span(" — classe ", v["class_name"])),
            ),
            rx.cond(
                v["contact_visible"] == "1",
                rx.box(
                    rx.cond(v["contact_email"] != "", rx.text("E-mail : ", v["contact_email"])),
                    rx.cond(v["contact_phone"] != "", rx.text("Téléphone : ", v["contact_phone"])),
                ),
                rx.text(
                    "Les coordonnées de l'élève s'affichent quand vous acceptez sa candidature.",
                    font_size=SMALL,
                    color="#666",
                ),
            ),
        ),
        _print_row("Motivations", _pre(v["motivation"])),
        rx.cond(
            S.cv.length() > 0,
            _print_row(
                "CV",
                rx.foreach(
                    S.cv,
                    lambda c: rx.box(
                        rx.text(c["label"], font_weight="600", font_size=SMALL),
                        _pre(c["text"]),
                        margin_bottom="0.4rem",
                    ),
                ),
            ),
        ),
        _print_row(
            "Établissement",
            rx.text(
                v["school_name"],
                rx.cond(v["school_city"] != "", rx.text.span(" — ", v["school_city"])),
                rx.cond(
                    v["rep"] != "",
                    rx.text.span(" — ", rx.text.span(v["rep"], font_weight="700")),
                ),
                rx.cond(v["qpv"] == "1", rx.text.span(" — QPV")),
            ),
        ),
        _print_row(
            "L'employeur",
            rx.text(v["employer_name"], font_weight="600"),
            rx.text("Offre n° ", v["offer_id"], " : ", v["offer_title"]),
        ),
        rx.cond(
            v["offer_place"] != "", _print_row("Localisation du stage", rx.text(v["offer_place"]))
        ),
        rx.text(
            "Imprimé depuis MyStage. Candidature envoyée le ",
            v["applied_on"],
            ".",
            font_size="0.75rem",
            color="#666",
        ),
        width="100%",
        align="start",
        spacing="2",
        id="app-print-view",
    )


@page(
    "/espace/employeur/candidatures/[cand_id]/impression",
    "Impression de la candidature",
    on_load=EmployerApplicationState.load_print,
)
def employer_application_print_page() -> rx.Component:
    S = EmployerApplicationState
    return rx.cond(~S.loaded, _loading(), rx.cond(S.denied, _denied(), _print_view()))


@page(
    "/espace/employeur/candidatures",
    "Candidatures",
    on_load=ApplicationsRedirectState.to_dashboard,
)
def employer_applications_redirect_page() -> rx.Component:
    return rx.box(
        page_title("Candidatures"),
        rx.link("Voir les candidatures à traiter", href="/espace/employeur?onglet=a_traiter"),
    )


# --- school -----------------------------------------------------------------------------------


def _school_detail() -> rx.Component:
    S = SchoolApplicationState
    v = S.view
    return rx.vstack(
        rx.link("← Candidatures de l'établissement", href="/espace/etablissement", font_size=SMALL),
        rx.vstack(
            page_title("Candidature n° " + v["id"]),
            rx.text(v["pupil_name"], " — ", v["offer_title"], margin_top="-0.75rem", color="#666"),
            spacing="1",
        ),
        _feedback(S),
        _state_box(S),
        rx.cond(
            S.actions.length() > 0,
            rx.flex(_action_buttons(S), gap="0.75rem", wrap="wrap", id="app-actions"),
        ),
        _grid(
            _pupil_block(v),
            _week_block(v),
            _offer_block(v),
            _motivation_block(v),
            _history_block(S),
        ),
        _decision_dialog(S),
        width="100%",
        align="start",
        spacing="4",
        id="app-detail",
    )


@page(
    "/espace/etablissement/candidatures/[cand_id]",
    "Candidature d'un élève",
    on_load=SchoolApplicationState.load,
)
def school_application_page() -> rx.Component:
    S = SchoolApplicationState
    return rx.cond(~S.loaded, _loading(), rx.cond(S.denied, _denied(), _school_detail()))
