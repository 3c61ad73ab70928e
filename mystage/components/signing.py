"""The signing dialog (:class:`mystage.state.conventions.signing.SigningState`), placed once on
every page that offers « Signer »: 1 « Recevoir mon code » → 2 the 6-digit code → 3 draw the
signature (or « Taper mon nom à la place ») → « Signer » → « Signature enregistrée ».

Usable at 375 px (full width, the pad follows it) and with a keyboard only (Radix dialog: focus
kept inside, Échap closes; typing one's name replaces the drawing).  Every field has a visible
label; errors sit under their field (``aria-describedby``) and are announced (``role=alert``),
the dialog's general error too.

A page opens it with ``SigningState.open_signing(ids)`` (logged-in signatories) or
``SigningState.open_link(token)`` (the legal representative's link page); ``on_done``: events
run by « Fermer » after a signature (the page reloads what it shows).

Ids: ``sign-dialog``, ``sign-request``, ``sign-code``, ``sign-code-next``, ``sign-resend``,
``signature-pad`` (canvas), ``signature-pad-clear``, ``sign-toggle``, ``sign-typed-name``,
``sign-submit``, ``sign-done``, ``sign-pdf-<n>``, ``sign-close``; errors ``sign-code-err``,
``signature-pad-err``, ``sign-form-err``.
"""

from __future__ import annotations

import reflex as rx

from mystage.components import theme
from mystage.components.forms import field_error, field_label
from mystage.components.signature_pad import drawing_data_url, signature_pad
from mystage.state.conventions.signing import (
    STEP_CODE,
    STEP_DONE,
    STEP_DRAW,
    STEP_REQUEST,
    SigningState,
)

S = SigningState
PAD_ID = "signature-pad"
HINT = {"font_size": "0.85rem", "color": "#555"}


def _t(vous: str, tu: str) -> rx.Var:
    """The text for an adult (« vous ») or for the pupil (« tu »)."""
    return rx.cond(S.pupil, tu, vous)


def _primary(label, **props) -> rx.Component:
    return rx.button(
        label,
        size="3",
        background=theme.BLUE,
        color="white",
        cursor="pointer",
        _hover={"background": theme.BLUE_HOVER},
        **props,
    )


def _secondary(label, **props) -> rx.Component:
    return rx.button(
        label,
        type="button",
        size="3",
        variant="soft",
        color_scheme="gray",
        cursor="pointer",
        **props,
    )


def _link_button(label, **props) -> rx.Component:
    """A button that reads as a link (a lesser choice of the step)."""
    return rx.button(
        label,
        type="button",
        variant="ghost",
        size="2",
        color=theme.BLUE,
        text_decoration="underline",
        cursor="pointer",
        padding_x="0.25rem",
        margin="0",
        **props,
    )


def _buttons(*children: rx.Component) -> rx.Component:
    """The step's buttons: side by side, stacked on a phone (the main one first)."""
    return rx.flex(
        *children,
        gap="0.75rem",
        direction=rx.breakpoints(initial="column", sm="row-reverse"),
        justify="start",
        width="100%",
        margin_top="1rem",
    )


def _form_error() -> rx.Component:
    """Always in the dialog (an empty live region is announced when it fills)."""
    return rx.box(
        rx.cond(
            S.form_error != "",
            rx.box(
                rx.text(S.form_error, color=theme.ERROR),
                background="#ffe9e9",
                border_left=f"4px solid {theme.ERROR}",
                padding="0.75rem 1rem",
                border_radius="4px",
                margin_bottom="1rem",
            ),
        ),
        id="sign-form-err",
        role="alert",
        aria_live="assertive",
    )


def _step_request() -> rx.Component:
    return rx.box(
        rx.text(
            _t(
                "Pour vérifier votre identité, nous envoyons un code à 6 chiffres par SMS à "
                "votre numéro de mobile (par courriel si nous n'avons pas de mobile). Il est "
                "valable 10 minutes.",
                "Pour vérifier que c'est bien toi, nous envoyons un code à 6 chiffres par SMS "
                "à ton numéro de mobile (par courriel si nous n'avons pas de mobile). Il est "
                "valable 10 minutes.",
            ),
            **HINT,
        ),
        _buttons(
            _primary(
                "Recevoir mon code", type="button", on_click=S.request_code, id="sign-request"
            ),
            rx.dialog.close(_secondary("Annuler", id="sign-cancel-1")),
        ),
    )


def _step_code() -> rx.Component:
    return rx.form(
        rx.cond(
            S.sent_to != "",
            rx.text(S.sent_to, role="status", margin_bottom="0.75rem", id="sign-sent-to"),
        ),
        field_label(_t("Code reçu (6 chiffres)", "Code reçu (6 chiffres)"), "sign-code"),
        rx.el.input(
            id="sign-code",
            name="code",
            default_value=S.code,
            key=S.code,
            type="text",
            input_mode="numeric",
            auto_complete="one-time-code",
            pattern="[0-9]*",
            max_length=6,
            auto_focus=True,
            aria_invalid=rx.cond(S.code_error != "", "true", "false"),
            aria_describedby="sign-code-err",
            style={
                "width": "10rem",
                "max_width": "100%",
                "padding": "0.6rem",
                "font_size": "1.4rem",
                "letter_spacing": "0.3em",
                "font_family": "monospace",
                "border": rx.cond(
                    S.code_error != "",
                    f"2px solid {theme.ERROR}",
                    f"1px solid {theme.GREY_BORDER}",
                ),
                "border_radius": "4px",
                "box_sizing": "border-box",
            },
        ),
        field_error(S.code_error, "sign-code"),
        _buttons(
            _primary("Continuer", type="submit", id="sign-code-next"),
            _secondary("Renvoyer un code", on_click=S.request_code, id="sign-resend"),
        ),
        on_submit=S.confirm_code,
    )


def _drawing() -> rx.Component:
    return rx.box(
        rx.text(
            _t("Votre signature", "Ta signature"),
            id="signature-pad-label",
            font_weight="600",
            margin_bottom="0.25rem",
        ),
        rx.text(
            _t(
                "Dessinez votre signature dans le cadre avec le doigt, un stylet ou la souris.",
                "Dessine ta signature dans le cadre avec le doigt, un stylet ou la souris.",
            ),
            id="signature-pad-hint",
            margin_bottom="0.5rem",
            **HINT,
        ),
        signature_pad(
            id=PAD_ID,
            label="Zone de signature : dessinez avec le doigt, un stylet ou la souris",
            described_by="signature-pad-hint signature-pad-err",
            invalid=S.signature_error != "",
            on_clear=S.clear_signature_error,
            on_draw_start=S.clear_signature_error,
        ),
        width="100%",
    )


def _typed() -> rx.Component:
    return rx.box(
        field_label(_t("Votre nom complet", "Ton nom complet"), "sign-typed-name"),
        rx.text(
            _t(
                "Votre nom tapé vaut signature, comme le dessin.",
                "Ton nom tapé vaut signature, comme le dessin.",
            ),
            id="sign-typed-hint",
            margin_bottom="0.25rem",
            **HINT,
        ),
        rx.el.input(
            id="sign-typed-name",
            name="typed_name",
            default_value=S.typed_name,
            auto_complete="name",
            max_length=120,
            on_change=S.set_typed_name,
            aria_invalid=rx.cond(S.signature_error != "", "true", "false"),
            aria_describedby="sign-typed-hint signature-pad-err",
            style={
                "width": "100%",
                "padding": "0.6rem",
                "font_size": "1rem",
                "border": rx.cond(
                    S.signature_error != "",
                    f"2px solid {theme.ERROR}",
                    f"1px solid {theme.GREY_BORDER}",
                ),
                "border_radius": "4px",
                "box_sizing": "border-box",
            },
        ),
        width="100%",
    )


def _step_draw() -> rx.Component:
    return rx.box(
        rx.flex(
            rx.text("Code saisi : ", rx.el.span("••••••", aria_hidden="true"), **HINT),
            _link_button("Modifier le code", on_click=S.back, id="sign-back"),
            gap="0.5rem",
            align="center",
            wrap="wrap",
            margin_bottom="0.75rem",
        ),
        rx.cond(S.typed_mode, _typed(), _drawing()),
        # The error of the drawing or of the typed name (the same place for both).
        field_error(S.signature_error, PAD_ID),
        rx.box(height="0.5rem"),
        _link_button(
            rx.cond(
                S.typed_mode,
                _t("Dessiner ma signature", "Dessiner ma signature"),
                _t("Taper mon nom à la place", "Taper mon nom à la place"),
            ),
            on_click=S.use_typed_name,
            id="sign-toggle",
        ),
        rx.text(
            rx.cond(
                S.count > 1,
                "En cliquant sur « Signer », vous signez chacune des "
                + S.count.to_string()
                + " conventions choisies.",
                _t(
                    "En cliquant sur « Signer », vous signez la convention de stage.",
                    "En cliquant sur « Signer », tu indiques que tu as pris connaissance de "
                    "la convention de ton stage.",
                ),
            ),
            margin_top="1rem",
            **HINT,
        ),
        _buttons(
            _primary(
                "Signer",
                type="button",
                loading=S.busy,
                on_click=S.submit_signature(drawing_data_url(PAD_ID)),
                id="sign-submit",
            ),
            rx.dialog.close(_secondary("Annuler", id="sign-cancel-3")),
        ),
        # Hidden, not removed, when « Modifier le code » goes back: the drawing stays.
        display=rx.cond(S.step == STEP_DRAW, "block", "none"),
        width="100%",
    )


def _step_done(on_done: list) -> rx.Component:
    return rx.box(
        rx.box(
            rx.hstack(
                rx.icon("circle-check", color=theme.SUCCESS, size=22, aria_hidden="true"),
                rx.text("Signature enregistrée", font_weight="700", color=theme.SUCCESS),
                align="center",
                spacing="2",
            ),
            rx.cond(
                S.pdf_links.length() > 0,
                rx.text(
                    "Tout le monde a signé : la convention signée est prête.",
                    margin_top="0.5rem",
                ),
                rx.text(
                    _t(
                        "Vous recevrez le lien vers le PDF signé quand toutes les parties "
                        "auront signé.",
                        "Tu recevras le lien vers le PDF signé quand tout le monde aura signé.",
                    ),
                    margin_top="0.5rem",
                ),
            ),
            id="sign-done",
            role="status",
            background=theme.SUCCESS_BG,
            border_left=f"4px solid {theme.SUCCESS}",
            padding="0.75rem 1rem",
            border_radius="4px",
        ),
        rx.vstack(
            rx.foreach(
                S.pdf_links,
                lambda link, i: rx.link(
                    rx.icon("file-down", size=16, aria_hidden="true"),
                    link["label"],
                    href=link["url"],
                    is_external=True,
                    id="sign-pdf-" + i.to_string(),
                    display="inline-flex",
                    gap="0.4rem",
                    align_items="center",
                    font_weight="600",
                ),
            ),
            spacing="2",
            margin_top="0.75rem",
        ),
        _buttons(
            _primary("Fermer", type="button", on_click=[S.close, *on_done], id="sign-close"),
        ),
    )


def signing_dialog(on_done=None) -> rx.Component:
    """The signing dialog (once per page).  ``on_done``: an event (or list) run by « Fermer »
    after a signature — the page reloads its signatories."""
    done = [] if on_done is None else (on_done if isinstance(on_done, list) else [on_done])
    return rx.dialog.root(
        rx.dialog.content(
            rx.flex(
                rx.dialog.title(
                    rx.cond(
                        S.count > 1,
                        "Signer " + S.count.to_string() + " conventions",
                        _t("Signer la convention", "J'ai pris connaissance de la convention"),
                    ),
                    margin="0",
                    size="5",
                ),
                rx.dialog.close(
                    rx.icon_button(
                        rx.icon("x", size=18),
                        variant="ghost",
                        color_scheme="gray",
                        aria_label="Fermer",
                        type="button",
                        id="sign-x",
                    )
                ),
                justify="between",
                align="start",
                gap="0.5rem",
            ),
            rx.dialog.description(S.summary, margin_y="0.75rem"),
            rx.text(
                "Étape ",
                S.step.to_string(),
                " sur 3",
                font_size="0.8rem",
                color="#555",
                margin_bottom="0.5rem",
                display=rx.cond(S.step == STEP_DONE, "none", "block"),
            ),
            _form_error(),
            rx.cond(S.step == STEP_REQUEST, _step_request()),
            rx.cond(S.step == STEP_CODE, _step_code()),
            rx.cond(S.reached_draw, _step_draw()),
            rx.cond(S.step == STEP_DONE, _step_done(done)),
            id="sign-dialog",
            max_width="32rem",
            width="100%",
            padding=["1rem", "1.5rem"],
        ),
        open=S.is_open,
        on_open_change=S.set_open,
    )
