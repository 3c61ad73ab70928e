"""The pupil's pages: « Postuler », « Mes candidatures », « Mon CV », « Mes favoris »."""

from __future__ import annotations

import reflex as rx

from mystage.components import theme
from mystage.components.browser import scroll_into_view
from mystage.components.forms import (
    card,
    field,
    field_label,
    notice,
    page_title,
    primary_button,
    textarea_field,
    upload_field,
)
from mystage.components.layout import page
from mystage.components.offer import favorite_button
from mystage.services.applications import MOTIVATION_MAX, MOTIVATION_MIN
from mystage.services.pupils import CV_SECTION_MAX
from mystage.state.pupil import (
    APPLICATIONS_URL,
    CV_URL,
    FAVORITES_URL,
    ApplyState,
    CVState,
    FavoritesState,
    MyApplicationsState,
)

HINT = {"font_size": "0.85rem", "color": "#555"}
INPUT_STYLE = {
    "width": "100%",
    "padding": "0.6rem",
    "border": f"1px solid {theme.GREY_BORDER}",
    "border_radius": "4px",
    "font_family": "inherit",
    "font_size": "1rem",
    "box_sizing": "border-box",
    "background": "white",
}


# --- small pieces -----------------------------------------------------------------------------


def pupil_nav(active: str) -> rx.Component:
    """The pupil's sub-menu (wraps on a phone)."""
    items = [
        ("Mes candidatures", APPLICATIONS_URL),
        ("Mon CV", CV_URL),
        ("Mes favoris", FAVORITES_URL),
        ("Rechercher une offre", "/offres"),
    ]
    return rx.el.nav(
        rx.flex(
            *[
                rx.link(
                    label,
                    href=href,
                    font_weight="700" if href == active else "500",
                    color=theme.BLUE,
                    text_decoration="underline" if href == active else "none",
                    aria_current="page" if href == active else None,
                    white_space="nowrap",
                )
                for label, href in items
            ],
            wrap="wrap",
            gap="0.5rem 1.25rem",
        ),
        aria_label="Mon espace élève",
        margin_bottom="1rem",
        width="100%",
    )


def _loading() -> rx.Component:
    return rx.text("Chargement…", color="#666")


def _link_button(label: str, href: rx.Var | str, variant: str = "solid", **props) -> rx.Component:
    return rx.link(
        rx.button(
            label,
            variant=variant,
            size="3",
            cursor="pointer",
            width="100%",
            **({"background": theme.BLUE, "color": "white"} if variant == "solid" else {}),
        ),
        href=href,
        underline="none",
        width=["100%", "auto"],
        **props,
    )


# --- « Postuler » -----------------------------------------------------------------------------


def _offer_summary() -> rx.Component:
    S = ApplyState
    return rx.box(
        rx.text(S.offer["title"], font_weight="700", font_size="1.15rem", id="apply-offer-title"),
        rx.text(S.offer["employer_name"], font_weight="600"),
        rx.hstack(
            rx.icon("map-pin", size=16),
            rx.text(S.offer["postal_code"], " ", S.offer["city"]),
            spacing="1",
            align="center",
        ),
        rx.link("Revoir l'offre", href="/offres/" + S.offer_id.to_string(), font_size="0.9rem"),
        border_left=f"4px solid {theme.BLUE}",
        padding="0.5rem 0 0.5rem 0.75rem",
        margin_bottom="1rem",
        width="100%",
    )


def _week_choice(w) -> rx.Component:
    S = ApplyState
    disabled = w["disabled"] == "1"
    return rx.el.label(
        rx.el.input(
            type="radio",
            name="week",
            value=w["iso"],
            id="apply-week-" + w["iso"],
            disabled=disabled,
            default_checked=S.values["week"] == w["iso"],
            style={"width": "1.2rem", "height": "1.2rem", "flex_shrink": "0", "margin": "0"},
        ),
        rx.box(
            rx.text(w["label"], font_weight="600"),
            rx.cond(
                disabled,
                rx.text(w["note"], color=theme.ERROR, font_size="0.85rem"),
                rx.text(w["places_left"], " place(s) libre(s)", **HINT),
            ),
        ),
        html_for="apply-week-" + w["iso"],
        display="flex",
        gap="0.75rem",
        align_items="center",
        padding="0.6rem 0.75rem",
        border=f"1px solid {theme.GREY_BORDER}",
        border_radius="6px",
        margin_bottom="0.5rem",
        cursor=rx.cond(disabled, "not-allowed", "pointer"),
        opacity=rx.cond(disabled, "0.6", "1"),
        background="white",
        class_name="apply-week",
    )


def _weeks_field() -> rx.Component:
    S = ApplyState
    err = S.errors.get("week", "")
    return rx.el.fieldset(
        rx.el.legend("La semaine de stage *", font_weight="600", margin_bottom="0.25rem"),
        rx.cond(
            S.weeks.length() == 0,
            notice(
                "Aucune semaine de cette offre ne correspond aux semaines de stage de ton "
                "établissement. Cherche une autre offre.",
                "info",
                id="apply-no-week",
            ),
            rx.box(rx.foreach(S.weeks, _week_choice), role="radiogroup", width="100%"),
        ),
        rx.cond(
            err != "",
            rx.text(err, id="apply-week-err", color=theme.ERROR, font_size="0.85rem", role="alert"),
        ),
        border="none",
        padding="0",
        margin="0 0 1rem 0",
        min_width="0",
        width="100%",
    )


def _cv_box() -> rx.Component:
    S = ApplyState
    return rx.box(
        rx.text("Mon CV", font_weight="600"),
        rx.cond(
            S.cv_empty,
            rx.text(
                "Ton CV est vide : tu peux postuler sans, mais un CV aide l'employeur à te "
                "connaître.",
                id="apply-cv-empty",
            ),
            rx.text(
                "Ton CV",
                rx.cond(S.cv_has_pdf, " (avec ton PDF)", ""),
                " sera joint à ta candidature.",
                id="apply-cv",
            ),
        ),
        rx.link(
            rx.cond(S.cv_empty, "Remplir mon CV", "Modifier mon CV"),
            " (nouvel onglet)",
            href=CV_URL,
            is_external=True,
            id="apply-cv-link",
        ),
        background=theme.INFO_BG,
        padding="0.75rem 1rem",
        border_radius="6px",
        margin_bottom="1rem",
        width="100%",
    )


def _apply_form() -> rx.Component:
    S = ApplyState
    E = S.errors
    V = S.values
    return rx.form(
        _weeks_field(),
        textarea_field(
            "Ta motivation pour cette offre",
            "motivation",
            E.get("motivation", ""),
            V["motivation"],
            MOTIVATION_MAX,
            input_id="apply-motivation",
            hint=f"Explique en quelques lignes pourquoi ce stage t'intéresse "
            f"({MOTIVATION_MIN} caractères au moins).",
            rows=7,
            required=True,
        ),
        rx.heading("Pour te répondre", as_="h2", size="4", margin_bottom="0.5rem"),
        field(
            "Ton téléphone portable",
            "contact_phone",
            E.get("contact_phone", ""),
            V["contact_phone"],
            input_id="apply-phone",
            type="tel",
            autocomplete="tel",
            input_mode="tel",
            hint="Facultatif. Par exemple 06 12 34 56 78.",
        ),
        field(
            "Ton adresse électronique",
            "contact_email",
            E.get("contact_email", ""),
            V["contact_email"],
            input_id="apply-email",
            type="email",
            autocomplete="email",
        ),
        _cv_box(),
        field(
            "L'adresse électronique de ton référent",
            "referent_email",
            E.get("referent_email", ""),
            V["referent_email"],
            input_id="apply-referent",
            type="email",
            hint="Par défaut, celle de ton établissement. Tu peux mettre celle d'un "
            "professeur qui suit ton projet de stage.",
        ),
        rx.cond(
            S.to_school,
            notice(
                "Ton établissement validera ta candidature avant qu'elle soit transmise à "
                "l'employeur.",
                "info",
            ),
        ),
        rx.box(id="apply-errors"),
        rx.cond(
            E.get("form", "") != "",
            notice(E.get("form", ""), "error", id="apply-form-err"),
        ),
        rx.cond(
            (E.length() > 0) & (E.get("form", "") == ""),
            notice("Corrige les champs signalés en rouge.", "error", id="apply-has-errors"),
        ),
        primary_button(
            rx.cond(
                S.sending,
                rx.hstack(rx.spinner(size="2"), rx.text("Envoi…"), align="center", spacing="2"),
                rx.text("Envoyer ma candidature"),
            ),
            type="submit",
            id="apply-submit",
            disabled=S.sending,
            aria_busy=S.sending,
        ),
        on_submit=S.submit,
        reset_on_submit=False,
        key=S.form_key,
        id="apply-form",
        width="100%",
    )


def _blocked() -> rx.Component:
    S = ApplyState
    return rx.box(
        rx.heading("Tu ne peux pas postuler", as_="h2", size="5", margin_bottom="0.5rem"),
        rx.match(
            S.blocked,
            (
                "login",
                rx.vstack(
                    rx.text("Connecte-toi avec ton compte élève pour postuler à cette offre."),
                    rx.flex(
                        _link_button(
                            "Se connecter",
                            "/connexion?suivant=" + S.back_path,
                            id="apply-login",
                        ),
                        _link_button(
                            "Créer mon compte élève",
                            S.signup_url,
                            variant="outline",
                            id="apply-signup",
                        ),
                        gap="0.75rem",
                        direction=rx.breakpoints(initial="column", sm="row"),
                        width="100%",
                    ),
                    spacing="3",
                    width="100%",
                ),
            ),
            (
                "authorization",
                rx.vstack(
                    rx.text(
                        "Ton établissement doit enregistrer l'autorisation de tes parents ; "
                        "parles-en à ton professeur principal."
                    ),
                    rx.text(
                        "En attendant, ajoute cette offre à tes favoris pour la retrouver "
                        "facilement.",
                        **HINT,
                    ),
                    favorite_button(S.is_favorite, ApplyState.toggle_favorite, S.favorite_error),
                    spacing="3",
                    width="100%",
                ),
            ),
            rx.vstack(
                rx.text(S.reason),
                rx.link("Rechercher d'autres offres", href="/offres"),
                spacing="2",
            ),
        ),
        id="apply-blocked",
        role="status",
        background=theme.INFO_BG,
        border_left=f"4px solid {theme.BLUE}",
        padding="1rem",
        border_radius="4px",
        width="100%",
    )


def _done() -> rx.Component:
    S = ApplyState
    return rx.box(
        rx.heading(
            rx.cond(
                S.done_to_school,
                "Ta candidature est transmise à ton établissement pour validation",
                "Ta candidature est envoyée",
            ),
            as_="h2",
            size="5",
            color=theme.SUCCESS,
            margin_bottom="0.5rem",
        ),
        rx.text(
            rx.cond(
                S.done_to_school,
                "Dès que ton établissement l'aura validée, elle partira chez l'employeur. "
                "Tu recevras un message à chaque étape.",
                "L'employeur a 15 jours pour te répondre. Tu recevras un message dès qu'il "
                "aura répondu.",
            ),
            margin_bottom="1rem",
        ),
        rx.flex(
            _link_button("Voir mes candidatures", APPLICATIONS_URL, id="apply-done-link"),
            _link_button("Chercher d'autres offres", "/offres", variant="outline"),
            gap="0.75rem",
            direction=rx.breakpoints(initial="column", sm="row"),
            width="100%",
        ),
        id="apply-done",
        role="status",
        background=theme.SUCCESS_BG,
        border_left=f"4px solid {theme.SUCCESS}",
        padding="1rem",
        border_radius="4px",
        width="100%",
    )


@page("/offres/[offre_id]/postuler", "Postuler à cette offre", on_load=ApplyState.load, narrow=True)
def apply_page() -> rx.Component:
    S = ApplyState
    return card(
        page_title("Postuler à cette offre"),
        scroll_into_view(S.scroll_to_id),
        rx.cond(
            ~S.loaded,
            _loading(),
            rx.cond(
                ~S.found,
                rx.vstack(
                    notice("Cette offre n'existe pas ou n'est plus visible.", "error"),
                    rx.link("Rechercher une offre", href="/offres"),
                    id="apply-missing",
                ),
                rx.box(
                    _offer_summary(),
                    rx.cond(
                        S.done,
                        _done(),
                        rx.cond(S.allowed, _apply_form(), _blocked()),
                    ),
                    width="100%",
                ),
            ),
        ),
    )


# --- « Mes candidatures » ---------------------------------------------------------------------


def _message_box(who: str, text: rx.Var) -> rx.Component:
    return rx.cond(
        text != "",
        rx.box(
            rx.text(who, font_weight="600", font_size="0.85rem"),
            rx.text("« ", text, " »", white_space="pre-wrap", font_style="italic"),
            background=theme.GREY_LIGHT,
            border_left=f"3px solid {theme.GREY_BORDER}",
            padding="0.5rem 0.75rem",
            border_radius="4px",
            width="100%",
            overflow_wrap="anywhere",
        ),
    )


def _state_badge(row) -> rx.Component:
    return rx.badge(
        row["state_label"],
        color_scheme=row["color"],
        variant="soft",
        size="2",
        white_space="normal",
        id="app-state-" + row["id"],
    )


def _app_card(row) -> rx.Component:
    S = MyApplicationsState
    return rx.box(
        rx.flex(
            rx.link(
                row["offer_title"],
                href="/offres/" + row["offer_id"],
                font_weight="700",
                font_size="1.1rem",
                color="#161616",
            ),
            _state_badge(row),
            justify="between",
            align="start",
            gap="0.5rem",
            direction=rx.breakpoints(initial="column", sm="row"),
        ),
        rx.text(row["employer_name"], " · ", row["city"], **HINT),
        rx.hstack(
            rx.icon("calendar", size=16, flex_shrink="0", margin_top="0.25rem"),
            rx.text(row["week_label"]),
            spacing="2",
            align="start",
        ),
        rx.text(row["next_step"], font_weight="500", class_name="app-next-step"),
        _message_box("Message de ton établissement", row["school_message"]),
        _message_box("Message de l'employeur", row["employer_message"]),
        rx.cond(
            (row["can_confirm"] == "1") | (row["can_cancel"] == "1"),
            rx.flex(
                rx.cond(
                    row["can_confirm"] == "1",
                    rx.button(
                        "Confirmer mon stage",
                        size="3",
                        background=theme.SUCCESS,
                        color="white",
                        cursor="pointer",
                        on_click=S.ask(row["id"], "confirm"),
                        id="app-confirm-" + row["id"],
                    ),
                ),
                rx.cond(
                    row["can_cancel"] == "1",
                    rx.button(
                        "Annuler ma candidature",
                        size="3",
                        variant="outline",
                        color_scheme="red",
                        cursor="pointer",
                        on_click=S.ask(row["id"], "cancel_by_pupil"),
                        id="app-cancel-" + row["id"],
                    ),
                ),
                gap="0.75rem",
                direction=rx.breakpoints(initial="column", sm="row"),
                width="100%",
            ),
        ),
        rx.text("Envoyée le ", row["applied_on"], font_size="0.8rem", color="#666"),
        id="app-" + row["id"],
        class_name="app-card",
        display="flex",
        flex_direction="column",
        gap="0.5rem",
        background="white",
        border=f"1px solid {theme.GREY_BORDER}",
        border_left=rx.match(
            row["color"],
            ("green", f"5px solid {theme.SUCCESS}"),
            ("orange", "5px solid #c45500"),
            ("red", f"5px solid {theme.ERROR}"),
            ("gray", "5px solid #929292"),
            ("amber", "5px solid #b88a00"),
            f"5px solid {theme.BLUE}",
        ),
        border_radius="8px",
        padding="1rem",
        width="100%",
    )


def _dialog() -> rx.Component:
    S = MyApplicationsState
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(S.dialog_title),
            rx.alert_dialog.description(S.dialog_text, margin_bottom="1rem"),
            rx.form(
                rx.cond(
                    S.dialog_action == "cancel_by_pupil",
                    rx.box(
                        field_label("Un message pour l'employeur (facultatif)", "app-message"),
                        rx.el.textarea(id="app-message", name="message", rows=3, style=INPUT_STYLE),
                        margin_bottom="1rem",
                    ),
                ),
                rx.flex(
                    rx.alert_dialog.cancel(
                        rx.button(
                            "Retour",
                            type="button",
                            variant="soft",
                            color_scheme="gray",
                            size="3",
                            cursor="pointer",
                            id="app-dialog-no",
                        ),
                    ),
                    rx.button(
                        rx.cond(
                            S.dialog_action == "confirm",
                            "Oui, je confirme",
                            "Oui, j'annule",
                        ),
                        type="submit",
                        size="3",
                        color_scheme=rx.cond(S.dialog_action == "confirm", "green", "red"),
                        cursor="pointer",
                        id="app-dialog-yes",
                    ),
                    gap="0.75rem",
                    justify="end",
                    wrap="wrap",
                ),
                on_submit=S.do_action,
                reset_on_submit=True,
            ),
            max_width="30rem",
        ),
        open=S.dialog_open,
        on_open_change=S.set_dialog_open,
    )


def _pupil_page(title: str, url: str, S, *body: rx.Component) -> rx.Component:
    """A page of the pupil's space: title, sub-menu, then ``body`` once loaded (or the
    reason the caller may not see it)."""
    return rx.vstack(
        page_title(title),
        pupil_nav(url),
        rx.cond(
            ~S.loaded,
            _loading(),
            rx.cond(
                S.denied != "",
                notice(S.denied, "error", id="pupil-denied"),
                rx.vstack(*body, width="100%", spacing="3"),
            ),
        ),
        width="100%",
        align="start",
    )


def _card_grid(rows, card_fn) -> rx.Component:
    return rx.box(
        rx.foreach(rows, card_fn),
        display="grid",
        grid_template_columns=rx.breakpoints(initial="1fr", md="repeat(2, minmax(0, 1fr))"),
        gap="1rem",
        width="100%",
    )


@page("/espace/eleve/candidatures", "Mes candidatures", on_load=MyApplicationsState.load)
def my_applications_page() -> rx.Component:
    S = MyApplicationsState
    return rx.fragment(
        _pupil_page(
            "Mes candidatures",
            APPLICATIONS_URL,
            S,
            rx.cond(
                ~S.authorized,
                notice(
                    "Ton établissement n'a pas encore enregistré l'autorisation de tes "
                    "parents : tu ne peux pas encore postuler. Parles-en à ton "
                    "professeur principal.",
                    "info",
                    id="auth-missing",
                    width="100%",
                ),
            ),
            rx.cond(S.notice != "", notice(S.notice, "success", id="app-notice")),
            rx.cond(S.error != "", notice(S.error, "error", id="app-error")),
            rx.cond(
                S.rows.length() == 0,
                rx.vstack(
                    rx.text("Tu n'as pas encore postulé à une offre.", id="apps-empty"),
                    _link_button("Rechercher une offre", "/offres"),
                    spacing="3",
                ),
                _card_grid(S.rows, _app_card),
            ),
        ),
        _dialog(),
    )


# --- « Mon CV » -------------------------------------------------------------------------------

CV_HINTS = {
    "schooling": (
        "Scolarité",
        "Ta classe, ton établissement, les matières que tu préfères.",
    ),
    "interests": (
        "Centres d'intérêt",
        "Sports, loisirs, activités, associations, ce qui te passionne.",
    ),
    "languages": ("Langues", "Les langues que tu parles ou apprends, et ton niveau."),
    "qualities": (
        "Qualités",
        "Ce que tes professeurs ou tes proches disent de toi : curieux, soigneuse, ponctuel…",
    ),
}


def _cv_form() -> rx.Component:
    S = CVState
    return rx.form(
        *[
            textarea_field(
                label,
                key,
                S.errors.get(key, ""),
                S.values[key],
                CV_SECTION_MAX,
                input_id=f"cv-{key}",
                hint=hint,
                rows=4,
            )
            for key, (label, hint) in CV_HINTS.items()
        ],
        rx.cond(S.saved, notice("Ton CV est enregistré.", "success", id="cv-saved")),
        rx.cond(
            S.errors.get("form", "") != "",
            notice(S.errors.get("form", ""), "error", id="cv-form-err"),
        ),
        rx.cond(
            (S.errors.length() > 0) & (S.errors.get("form", "") == ""),
            notice("Corrige les rubriques signalées en rouge.", "error", id="cv-has-errors"),
        ),
        primary_button("Enregistrer mon CV", type="submit", id="cv-submit"),
        on_submit=S.save,
        reset_on_submit=False,
        key=S.form_key,
        width="100%",
    )


def _cv_pdf() -> rx.Component:
    S = CVState
    return rx.vstack(
        rx.heading("Ton CV en PDF (facultatif)", as_="h2", size="5"),
        rx.text(
            "Si tu as déjà un CV au format PDF (2 Mo au maximum), ajoute-le : il sera joint à "
            "tes candidatures avec les rubriques ci-dessus. Seuls les employeurs et ton "
            "établissement concernés par une candidature peuvent le lire.",
            **HINT,
        ),
        rx.cond(
            S.has_pdf,
            rx.flex(
                rx.link(
                    rx.hstack(rx.icon("file-text", size=18), rx.text("Voir mon PDF"), spacing="2"),
                    href="/api/cv",
                    is_external=True,
                    id="cv-pdf-link",
                ),
                rx.button(
                    "Supprimer le PDF",
                    variant="outline",
                    color_scheme="red",
                    cursor="pointer",
                    on_click=S.delete_pdf,
                    id="cv-pdf-delete",
                ),
                gap="1rem",
                align="center",
                wrap="wrap",
            ),
            rx.text("Aucun PDF pour l'instant.", id="cv-no-pdf"),
        ),
        upload_field(
            "Fichier PDF de ton CV",
            "cv-pdf",
            rx.vstack(
                rx.button(
                    rx.cond(S.has_pdf, "Remplacer par un autre PDF", "Choisir un fichier PDF"),
                    type="button",
                    variant="soft",
                    cursor="pointer",
                ),
                rx.foreach(rx.selected_files("cv-pdf"), lambda f: rx.text(f, font_size="0.9rem")),
                align="center",
                spacing="2",
            ),
            accept={"application/pdf": [".pdf"]},
            max_files=1,
            border=f"1px dashed {theme.GREY_BORDER}",
            padding="1rem",
            width="100%",
        ),
        rx.button(
            "Enregistrer le PDF",
            size="3",
            cursor="pointer",
            background=theme.BLUE,
            color="white",
            on_click=S.upload_pdf(rx.upload_files(upload_id="cv-pdf")),
            id="cv-pdf-submit",
        ),
        rx.cond(S.pdf_notice != "", notice(S.pdf_notice, "success", id="cv-pdf-ok")),
        rx.cond(S.pdf_error != "", notice(S.pdf_error, "error", id="cv-pdf-error")),
        spacing="3",
        width="100%",
        align="start",
    )


@page("/espace/eleve/cv", "Mon CV", on_load=CVState.load)
def cv_page() -> rx.Component:
    S = CVState
    return _pupil_page(
        "Mon CV",
        CV_URL,
        S,
        rx.text(
            "Ton CV est joint à chaque candidature que tu envoies. Tu peux le "
            "préparer en classe avec ton professeur principal.",
        ),
        rx.cond(S.updated != "", rx.text("Dernière mise à jour : ", S.updated, **HINT)),
        card(_cv_form(), max_width="44rem"),
        card(_cv_pdf(), max_width="44rem"),
    )


# --- « Mes favoris » --------------------------------------------------------------------------


def _favorite_card(row) -> rx.Component:
    S = FavoritesState
    return rx.box(
        rx.link(
            row["title"],
            href="/offres/" + row["offer_id"],
            font_weight="700",
            font_size="1.05rem",
            color="#161616",
        ),
        rx.text(row["employer_name"], " · ", row["postal_code"], " ", row["city"], **HINT),
        rx.cond(
            row["available"] == "1",
            rx.text(row["places_left"], " place(s) restante(s)", color=theme.SUCCESS),
            rx.text("Plus de candidature possible pour cette offre.", color="#666"),
        ),
        rx.flex(
            rx.cond(
                row["available"] == "1",
                _link_button("Postuler", "/offres/" + row["offer_id"] + "/postuler"),
            ),
            rx.button(
                "Retirer des favoris",
                variant="outline",
                color_scheme="gray",
                size="3",
                cursor="pointer",
                on_click=S.remove(row["offer_id"]),
                id="fav-remove-" + row["offer_id"],
            ),
            gap="0.75rem",
            direction=rx.breakpoints(initial="column", sm="row"),
            width="100%",
        ),
        id="fav-" + row["offer_id"],
        class_name="fav-card",
        display="flex",
        flex_direction="column",
        gap="0.5rem",
        border=f"1px solid {theme.GREY_BORDER}",
        border_radius="8px",
        padding="1rem",
        background="white",
        width="100%",
    )


@page("/espace/eleve/favoris", "Mes favoris", on_load=FavoritesState.load)
def favorites_page() -> rx.Component:
    S = FavoritesState
    return _pupil_page(
        "Mes favoris",
        FAVORITES_URL,
        S,
        rx.cond(S.error != "", notice(S.error, "error")),
        rx.cond(
            S.rows.length() == 0,
            rx.vstack(
                rx.text(
                    "Tu n'as pas encore d'offre en favori. Sur la page d'une offre, "
                    "clique sur « ☆ Ajouter aux favoris » pour la retrouver ici.",
                    id="fav-empty",
                ),
                _link_button("Rechercher une offre", "/offres"),
                spacing="3",
            ),
            _card_grid(S.rows, _favorite_card),
        ),
    )
