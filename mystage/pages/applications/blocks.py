"""The pieces of an application's page, the employer's and the school's alike: the state
badge, the blocks of the pupil, the week, the offer, the motivation, the CV, the contact and
the history, the feedback after a decision."""

from __future__ import annotations

import reflex as rx

from mystage.components import controls, theme
from mystage.components.forms import notice, page_title
from mystage.state.applications import DENIED

SMALL = "0.85rem"
CONTACT_HIDDEN = "Les coordonnées de l'élève s'affichent quand vous acceptez sa candidature."

STATE_COLORS = {
    "awaiting_school": "amber", "refused_by_school": "red", "sent": "blue", "read": "indigo",
    "under_review": "amber", "accepted": "green", "confirmed": "green", "refused": "red",
    "cancelled_by_pupil": "gray", "cancelled_by_employer": "red", "withdrawn": "gray",
    "place_unavailable": "gray", "expired": "gray", "expired_by_pupil": "gray",
}  # fmt: skip


def state_badge(state, label, **props) -> rx.Component:
    return controls.state_badge(state, label, STATE_COLORS, **{"size": "2", **props})


def section(title: str, *children, **props) -> rx.Component:
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


def pre(text) -> rx.Component:
    return rx.text(text, white_space="pre-wrap", overflow_wrap="anywhere")


def cv_section(c, margin_bottom: str) -> rx.Component:
    """One section of the pupil's CV (``S.cv``): its label over its text."""
    return rx.box(
        rx.text(c["label"], font_weight="600", font_size=SMALL),
        pre(c["text"]),
        margin_bottom=margin_bottom,
    )


def school_badges(view) -> rx.Component:
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


def pupil_block(view) -> rx.Component:
    return section(
        "L'élève",
        rx.text(view["pupil_first_name"], " ", view["pupil_last_name"], font_weight="700"),
        rx.text(
            view["level_label"],
            rx.cond(view["class_name"] != "", rx.text.span(" — classe ", view["class_name"])),
        ),
        rx.text(
            view["school_name"],
            rx.cond(view["school_city"] != "", rx.text.span(" (", view["school_city"], ")")),
            school_badges(view),
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


def week_block(view) -> rx.Component:
    return section(
        "Semaine demandée",
        rx.text(view["week_label"], font_weight="700", id="app-week"),
        rx.text("Candidature envoyée le ", view["applied_on"], font_size=SMALL, color="#666"),
    )


def offer_block(view, with_link: bool = True) -> rx.Component:
    title = (
        rx.link(view["offer_title"], href="/offres/" + view["offer_id"])
        if with_link
        else rx.text(view["offer_title"], font_weight="600")
    )
    return section(
        "L'offre",
        title,
        rx.text(view["employer_name"]),
        rx.cond(view["offer_place"] != "", rx.text(view["offer_place"], font_size=SMALL)),
        rx.text("Offre n° ", view["offer_id"], font_size=SMALL, color="#666"),
    )


def motivation_block(view) -> rx.Component:
    return section("Motivations", pre(view["motivation"]), id="app-motivation")


def cv_block(S) -> rx.Component:
    return section(
        "CV",
        rx.cond(
            (S.cv.length() == 0) & (S.view["cv_url"] == ""),
            rx.text("L'élève n'a pas joint de CV.", color="#666"),
        ),
        rx.foreach(S.cv, lambda c: cv_section(c, "0.5rem")),
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


def contact_block(S) -> rx.Component:
    v = S.view
    return section(
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
            rx.text(CONTACT_HIDDEN, color="#666"),
        ),
        id="app-contact",
    )


def history_block(S) -> rx.Component:
    return section(
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


def state_box(S) -> rx.Component:
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


def feedback(S) -> rx.Component:
    return rx.fragment(
        rx.cond(S.notice != "", notice(S.notice, "success", id="app-notice", width="100%")),
        rx.cond(S.error != "", notice(S.error, "error", id="app-error", width="100%")),
    )


def denied(id_: str = "app-denied") -> rx.Component:
    """The « no access » notice, under the page's one h1."""
    return rx.vstack(
        page_title("Accès refusé"), notice(DENIED, "error", id=id_), width="100%", align="start"
    )


def grid(*children) -> rx.Component:
    return rx.grid(
        *children,
        columns=rx.breakpoints(initial="1", md="2"),
        gap="1rem",
        width="100%",
    )
