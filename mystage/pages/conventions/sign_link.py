"""``/convention/signer/<token>``: the page a legal representative opens from the personal link
sent by mail and SMS (no account).  The convention's text read-only, its PDF, « Signer la
convention » (the signing dialog).  A link that is unknown, expired, revoked or malformed shows
one and the same page.  Never indexed (``noindex``; out of the sitemap, disallowed in
robots.txt)."""

from __future__ import annotations

import reflex as rx

from mystage.components.convention_text import convention_text, sign_bar, signatories_list
from mystage.components.forms import loading_spinner, notice, page_title
from mystage.components.layout import page
from mystage.components.signing import signing_dialog
from mystage.state.conventions.reading import LinkConventionState
from mystage.state.conventions.signing import MSG_LINK, SigningState

HINT = {"font_size": "0.9rem", "color": "#555"}


def _invalid() -> rx.Component:
    return rx.box(
        page_title("Lien de signature non valide"),
        notice(MSG_LINK, "error", id="link-invalid"),
        rx.text(
            "Si vous avez déjà signé, vous recevrez la convention signée par courriel quand "
            "toutes les parties auront signé.",
            **HINT,
        ),
        width="100%",
    )


def _convention() -> rx.Component:
    S = LinkConventionState
    return rx.vstack(
        page_title("Convention de stage à signer"),
        rx.text(
            "Vous êtes le représentant légal de l'élève. Lisez la convention de son stage "
            "d'observation, puis signez-la : un code vous est envoyé par SMS pour vérifier "
            "votre identité.",
            **HINT,
        ),
        rx.text(
            S.view["week"],
            rx.cond(S.view["state_label"] != "", " · " + S.view["state_label"].to(str), ""),
            id="conv-state",
            font_weight="500",
        ),
        rx.cond(
            (SigningState.form_error != "") & ~SigningState.is_open,
            notice(SigningState.form_error, "error", id="link-sign-error"),
        ),
        sign_bar(
            "Signer la convention",
            S.view["can_sign"] == "1",
            SigningState.open_link(S.token),
            S.pdf_url,
        ),
        signatories_list(S.signatories),
        convention_text(S.text),
        width="100%",
        align="start",
        spacing="3",
    )


@page(
    "/convention/signer/[token]", "Signer la convention de stage", on_load=LinkConventionState.load
)
def sign_link_page() -> rx.Component:
    S = LinkConventionState
    return rx.fragment(
        # React 19 puts these in the document's <head> (also in the pre-rendered HTML).
        rx.el.meta(name="robots", content="noindex, nofollow"),
        rx.el.meta(name="referrer", content="no-referrer"),
        rx.cond(~S.loaded, loading_spinner(), rx.cond(S.valid, _convention(), _invalid())),
        signing_dialog(on_done=LinkConventionState.load),
    )
