"""Messages of the offers' moderation (issue 18): the activation link (e-mail mode), a
moderator's decision on a submitted offer, an offer unpublished after a report."""

from __future__ import annotations

from mystage.notify.templates.registry import mail_body, template


@template("offer_activation")
def offer_activation(
    url: str, offer_title: str, offer_id: int, first_name: str = ""
) -> tuple[str, str]:
    """To the author of an offer (e-mail mode): the link that publishes it."""
    subject = f"Validez la publication de votre offre n° {offer_id}"
    body = mail_body(
        first_name,
        f"Vous avez demandé la publication de l'offre « {offer_title} ». Elle n'est pas "
        "encore visible par les élèves : il vous faut la valider en ouvrant ce lien.",
        "Pour publier votre offre, ouvrez ce lien (valable 7 jours, une seule fois) :",
        url=url,
        after=(
            "Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : l'offre "
            "restera invisible."
        ),
    )
    return subject, body


@template("offer_moderation_approved")
def offer_moderation_approved(
    url: str, offer_title: str, offer_id: int, first_name: str = ""
) -> tuple[str, str]:
    """To the author: a moderator published the offer."""
    subject = f"Votre offre n° {offer_id} est publiée"
    body = mail_body(
        first_name,
        f"L'équipe MyStage a vérifié votre offre « {offer_title} » : elle est maintenant "
        "visible par les élèves dans la recherche.",
        "Pour suivre les candidatures, ouvrez votre tableau de bord :",
        url=url,
    )
    return subject, body


@template("offer_moderation_refused")
def offer_moderation_refused(
    url: str, offer_title: str, offer_id: int, reason: str, first_name: str = ""
) -> tuple[str, str]:
    """To the author: a moderator refused the offer, with the reason."""
    subject = f"Votre offre n° {offer_id} n'a pas été publiée"
    body = mail_body(
        first_name,
        f"L'équipe MyStage n'a pas publié votre offre « {offer_title} », pour le motif suivant :",
        f"« {reason} »",
        "Vous pouvez modifier l'offre puis cliquer à nouveau sur « Publier » : elle sera "
        "vérifiée de nouveau. Votre tableau de bord :",
        url=url,
    )
    return subject, body


@template("offer_moderation_unpublished")
def offer_moderation_unpublished(
    url: str, offer_title: str, offer_id: int, reason: str, first_name: str = ""
) -> tuple[str, str]:
    """To the author: a moderator unpublished the offer after a report."""
    subject = f"Votre offre n° {offer_id} a été dépubliée"
    body = mail_body(
        first_name,
        f"Après un signalement, l'équipe MyStage a retiré votre offre « {offer_title} » de "
        "la recherche, pour le motif suivant :",
        f"« {reason} »",
        "Les candidatures déjà reçues restent dans votre espace. Vous pouvez modifier "
        "l'offre puis la republier : elle sera vérifiée avant de revenir dans la recherche. "
        "Votre tableau de bord :",
        url=url,
    )
    return subject, body
