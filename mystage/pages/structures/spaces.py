"""« Tous mes espaces » (/espace/employeur/espaces): each space with its offers count and
the caller's « Recevoir les notifications » switch; for the structure's owner, create /
rename / delete spaces, move offers between them and « Accès des membres »."""

from __future__ import annotations

import reflex as rx

from mystage.components import theme
from mystage.components.forms import card, field, field_error, notice, page_title
from mystage.components.layout import page
from mystage.state.structures_spaces import SpacesState as S

URL = "/espace/employeur/espaces"


def _space_name(sp) -> rx.Component:
    return rx.cond(
        S.editing == sp["id"],
        rx.form(
            rx.hstack(
                rx.input(
                    name="name",
                    id="rename-name",
                    default_value=S.edit_name,
                    aria_label="Nouveau nom de l'espace",
                    aria_describedby="rename-name-err",
                    max_length=200,
                ),
                rx.button("Enregistrer", type="submit", id="rename-save"),
                rx.button("Annuler", type="button", variant="soft", on_click=S.cancel_rename),
                wrap="wrap",
            ),
            field_error(S.errors.get("rename", ""), "rename-name"),
            on_submit=S.rename,
            reset_on_submit=False,
        ),
        rx.link(
            rx.text(sp["name"], font_weight="600", font_size="1.1rem"),
            href=f"/espace/employeur?onglet=offres&espace={sp['id']}",
        ),
    )


def _owner_buttons(sp) -> rx.Component:
    return rx.cond(
        S.is_owner & (S.editing != sp["id"]),
        rx.hstack(
            rx.button(
                "Renommer",
                variant="soft",
                size="1",
                on_click=S.start_rename(sp["id"], sp["name"]),
                id=f"rename-{sp['id']}",
            ),
            rx.cond(
                sp["can_delete"] == "1",
                rx.button(
                    "Supprimer",
                    variant="soft",
                    color_scheme="red",
                    size="1",
                    on_click=S.delete(sp["id"]),
                    id=f"delete-{sp['id']}",
                ),
            ),
        ),
    )


def _space_card(sp) -> rx.Component:
    return card(
        _space_name(sp),
        rx.text(sp["offers"], " offre(s)", color="#555"),
        rx.el.label(
            rx.hstack(
                rx.switch(
                    checked=sp["notify"] == "1",
                    on_change=lambda on: S.set_notify(sp["id"], on),
                    id=f"notify-{sp['id']}",
                ),
                rx.text("Recevoir les notifications", font_size="0.9rem"),
                align="center",
            ),
        ),
        _owner_buttons(sp),
        id=f"space-{sp['id']}",
    )


def _create_form() -> rx.Component:
    return rx.form(
        field(
            "Nom du nouvel espace",
            "name",
            S.errors.get("name", ""),
            S.new_name,
            input_id="new-space-name",
            hint="Par exemple : Agence de Lyon, Service RH…",
        ),  # fmt: skip
        rx.button("Créer l'espace", type="submit", id="create-space"),
        on_submit=S.create,
        reset_on_submit=False,
        width="100%",
        max_width="30rem",
    )


def _move_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.foreach(
                S.offers,
                lambda o: rx.el.label(
                    rx.hstack(
                        rx.el.input(type="checkbox", name=f"offer_{o['id']}"),
                        rx.text(
                            o["title"], rx.el.span(" — ", o["space_name"], style={"color": "#555"})
                        ),
                        align="center",
                    ),
                ),
            ),
            rx.el.label("Vers l'espace", html_for="move-space", font_weight="600"),
            rx.el.select(
                rx.foreach(S.spaces, lambda sp: rx.el.option(sp["name"], value=sp["id"])),
                id="move-space",
                name="space_id",
                style={"padding": "0.4rem"},
            ),
            field_error(S.errors.get("move", ""), "move-space"),
            rx.button("Déplacer les offres cochées", type="submit", id="move-offers"),
            align="start",
        ),
        on_submit=S.move,
        reset_on_submit=False,
    )


def _access_form(m) -> rx.Component:
    key = "access_" + m["id"]
    return card(
        rx.text(m["name"], font_weight="600"),
        rx.text(m["email"], color="#555", font_size="0.9rem"),
        rx.cond(
            m["is_owner"] == "1",
            rx.text("Responsable : voit tous les espaces.", font_size="0.9rem"),
            rx.form(
                rx.el.input(type="hidden", name="member_id", value=m["id"]),
                rx.el.select(
                    rx.el.option("Tous les espaces", value="all"),
                    rx.el.option("Seulement les espaces cochés", value="some"),
                    name="scope",
                    default_value=rx.cond(m["all_spaces"] == "1", "all", "some"),
                    aria_label="Espaces de ce membre",
                    style={"padding": "0.4rem"},
                ),
                rx.foreach(
                    S.spaces,
                    lambda sp: rx.el.label(
                        rx.hstack(
                            rx.el.input(
                                type="checkbox",
                                name="space_" + sp["id"],
                                default_checked=("," + m["space_ids"] + ",").contains(
                                    "," + sp["id"] + ","
                                ),
                            ),
                            rx.text(sp["name"]),
                            align="center",
                        )
                    ),
                ),
                rx.text(S.errors.get(key, ""), color=theme.ERROR, role="alert"),
                rx.button("Enregistrer", type="submit", size="1"),
                on_submit=S.set_access,
                reset_on_submit=False,
            ),
        ),
        rx.text("Actuellement : ", m["spaces_label"], font_size="0.85rem", color="#555"),
    )


@page(URL, "Tous mes espaces", on_load=S.load)
def spaces_page() -> rx.Component:
    return rx.vstack(
        page_title("Tous mes espaces"),
        rx.text(S.structure_name, color="#666", margin_top="-0.75rem"),
        rx.cond(S.message != "", notice(S.message, "success", id="spaces-message")),
        rx.cond(S.error != "", notice(S.error, "error", id="spaces-error")),
        rx.cond(
            S.allowed,
            rx.vstack(
                rx.text(
                    "Chaque espace regroupe des offres. Les candidatures d'une offre sont "
                    "envoyées aux membres qui voient son espace et reçoivent ses "
                    "notifications (au responsable si personne ne les reçoit).",
                    color="#555",
                ),
                rx.cond(
                    S.limited,
                    notice("Le responsable vous a donné accès à certains espaces seulement."),
                ),
                rx.grid(
                    rx.foreach(S.spaces, _space_card),
                    columns=rx.breakpoints(initial="1", sm="2", lg="3"),
                    spacing="3",
                    width="100%",
                ),
                rx.cond(
                    S.is_owner,
                    rx.vstack(
                        rx.heading("Créer un espace", size="4", margin_top="1rem"),
                        _create_form(),
                        rx.cond(
                            S.spaces.length() > 1,
                            rx.vstack(
                                rx.heading("Déplacer des offres", size="4", margin_top="1rem"),
                                _move_form(),
                                align="start",
                            ),
                        ),
                        rx.heading("Accès des membres", size="4", margin_top="1rem"),
                        rx.text(
                            "Limitez un membre à certains espaces : il ne verra que leurs "
                            "offres et leurs candidatures.",
                            color="#555",
                        ),
                        rx.foreach(S.members, _access_form),
                        align="start",
                        width="100%",
                    ),
                ),
                align="start",
                width="100%",
            ),
        ),
        width="100%",
        align="start",
    )
