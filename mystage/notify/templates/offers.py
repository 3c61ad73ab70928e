"""Messages of the employer side: joining and validation of structures, offers withdrawn
or no longer in the search."""

from __future__ import annotations

from mystage.notify.sms_text import fit_sms
from mystage.notify.templates.registry import mail_body, template


@template("structure_join_request")
def structure_join_request(
    url: str,
    structure_name: str,
    requester_name: str,
    requester_email: str = "",
    requester_job: str = "",
    first_name: str = "",
) -> tuple[str, str]:
    """To the owner of a structure: someone signed up with the same SIRET."""
    who = requester_name or requester_email or "Une personne"
    details = ", ".join(x for x in (requester_job, requester_email) if x)
    if details:
        who = f"{who} ({details})"
    subject = f"Demande pour rejoindre {structure_name}"[:200]
    body = mail_body(
        first_name,
        f"{who} vient de créer un compte MyStage avec le numéro SIRET de {structure_name} "
        "et demande à rejoindre votre équipe. Une fois accepté, ce membre pourra déposer "
        "des offres et traiter les candidatures de la structure.",
        "Pour accepter ou refuser cette demande, ouvrez ce lien :",
        url=url,
        after="Si vous ne connaissez pas cette personne, refusez la demande.",
    )
    return subject, body


@template("structure_join_decision")
def structure_join_decision(
    url: str, structure_name: str, accepted: bool, first_name: str = ""
) -> tuple[str, str]:
    """To a person who asked to join a structure: the owner's answer."""
    if accepted:
        subject = f"Vous avez rejoint l'équipe de {structure_name}"[:200]
        text = (
            f"Le responsable de {structure_name} a accepté votre demande. Vous pouvez "
            "maintenant déposer des offres de stage et traiter les candidatures :"
        )
    else:
        subject = f"Votre demande pour rejoindre {structure_name}"[:200]
        text = (
            f"Le responsable de {structure_name} n'a pas accepté votre demande de rejoindre "
            "son équipe. Si vous pensez qu'il s'agit d'une erreur, contactez-le directement. "
            "Votre espace employeur reste accessible :"
        )
    return subject, mail_body(first_name, text, url=url)


@template("structure_validation_decision")
def structure_validation_decision(
    url: str, structure_name: str, accepted: bool, first_name: str = ""
) -> tuple[str, str]:
    """To the owner of a new structure: the MyStage team validated it (or not)."""
    if accepted:
        subject = "Votre structure est validée : vous pouvez publier vos offres"
        text = (
            f"L'équipe MyStage a validé {structure_name}. Vous pouvez dès maintenant "
            "publier vos offres de stage :"
        )
    else:
        subject = "Votre structure n'a pas été validée"
        text = (
            f"L'équipe MyStage n'a pas pu valider {structure_name} : vos offres ne peuvent "
            "pas être publiées. Pour en savoir plus, répondez à ce message ou contactez "
            "l'assistance depuis votre espace :"
        )
    return subject, mail_body(first_name, text, url=url)


@template("offer_left_search")
def offer_left_search(
    url: str, offer_title: str, offer_id: int, reason: str, first_name: str = ""
) -> tuple[str, str]:
    """To the creator of an offer: it no longer appears in the search (full or past)."""
    why = {
        "full": "toutes ses places sont prises",
        "past": "toutes ses semaines de stage sont passées",
    }.get(reason, "elle n'a plus de place disponible")
    subject = f"Votre offre n° {offer_id} n'apparaît plus dans la recherche"
    body = mail_body(
        first_name,
        f"Votre offre « {offer_title} » n'est plus proposée aux élèves : {why}.",
        "Pour ajouter des semaines ou des places, ou la renouveler pour l'année "
        "prochaine, ouvrez votre tableau de bord :",
        url=url,
    )
    return subject, body


@template("offer_withdrawn_pupil")
def offer_withdrawn_pupil(
    url: str,
    offer_title: str,
    employer_name: str = "",
    removed: bool = False,
    first_name: str = "",
    accepted: bool = False,
) -> tuple[str, str]:
    """To a pupil (« tu »): the employer deactivated (or deleted) an offer the pupil applied
    to (``accepted``: one of the pupil's applications had been accepted, not yet
    confirmed)."""
    what = "supprimé" if removed else "désactivé"
    at = f" chez {employer_name}" if employer_name else ""
    if accepted:
        subject = "Ce stage n'est plus possible"
        news = (
            f"L'employeur avait accepté ta candidature, mais il a {what} l'offre "
            f"« {offer_title} »{at} : tu ne peux plus confirmer ce stage et ta "
            "candidature est refusée."
        )
    else:
        subject = "Ta candidature n'a pas été retenue"
        news = (
            f"L'employeur a {what} l'offre « {offer_title} »{at} : ta candidature est donc refusée."
        )
    body = mail_body(
        first_name,
        news + " Cela ne dépend pas de ta candidature : tu peux postuler à d'autres offres.",
        "Pour chercher d'autres stages, ouvre ce lien :",
        url=url,
    )
    return subject, body


@template("sms_offer_withdrawn_pupil")
def sms_offer_withdrawn_pupil(offer_title: str = "") -> tuple[str, str]:
    """SMS to a pupil without an e-mail address (same case as offer_withdrawn_pupil)."""
    return "", fit_sms(
        lambda title: (
            f"MyStage : l'offre {title} n'est plus disponible, ta candidature est refusée. "
            "Tu peux postuler à d'autres offres."
        ),
        offer_title or "",
    )
